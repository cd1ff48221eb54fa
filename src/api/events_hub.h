// api/events_hub.h: the CTI event fan-out on the API thread. At Start it subscribes to the
// ControlPort (on the control thread) with a listener that only copies each event and posts
// it here; Deliver sends it to every WebSocket session that wants it (api/cti_filter.h).
// While any session subscribed to "queues", a queue snapshot goes to those sessions every
// 2 s. Sessions are held weakly: a closed socket simply drops out.
// Lives on the API thread; not thread-safe.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>

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
  // A session's topics changed: start or stop the queue snapshots.
  void InterestChanged();
  size_t clients() const;

 private:
  void ArmTimer();
  void SendQueues();
  bool AnyQueueInterest() const;

  ControlBridge& control_;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  bool stopped_ = false;
  std::optional<uint64_t> subscription_;
  std::map<const WsSession*, std::weak_ptr<WsSession>> sessions_;
};

}  // namespace hotline::api
