// api/events_hub.h: the CTI event fan-out on the API thread. At Start it subscribes to the
// ControlPort (on the control thread) with a listener that only copies each event and posts
// it here; Deliver sends it to every WebSocket session that wants it (api/cti_filter.h).
// While any session subscribed to "queues", a queue snapshot goes to those sessions every
// 2 s. Sessions are held weakly: a closed socket simply drops out. EndSessions closes the
// sockets of sessions that ended (sign-out, user deleted or changed); every 5 s each open
// socket's session is checked again (`still_valid`), so one that expired or was revoked by
// other means is closed too.
// Lives on the API thread; not thread-safe.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "api/api.h"
#include "api/control_bridge.h"

namespace hotline::api {

class WsSession;

class EventsHub {
 public:
  explicit EventsHub(ControlBridge& control, boost::asio::io_context& io);

  void Start();
  void Stop();
  void Add(const std::shared_ptr<WsSession>& session);
  void Remove(const WsSession* session);
  void Deliver(const call::CtiEvent& event);
  // Closes the sockets of the ended sessions (api.h: SessionsEnded).
  void EndSessions(const SessionsEnded& ended);
  // Asked every few seconds for each open socket: is its session still good?
  void SetSessionCheck(
      std::function<bool(const std::string& token_hash, const store::User&, bool used)> check) {
    still_valid_ = std::move(check);
  }
  // A session's topics changed: start or stop the queue snapshots.
  void InterestChanged();
  size_t clients() const;

 private:
  void ArmTimer();
  void ArmSessionCheck();
  void SendQueues();
  bool AnyQueueInterest() const;

  ControlBridge& control_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer session_timer_;
  std::function<bool(const std::string&, const store::User&, bool)> still_valid_;
  bool timer_armed_ = false;
  bool stopped_ = false;
  std::optional<uint64_t> subscription_;
  std::map<const WsSession*, std::weak_ptr<WsSession>> sessions_;
};

}  // namespace hotline::api
