// api/ws_session.h: one WebSocket client of GET /api/v1/events: sends "hello" with the user
// and its agent, then CTI events the client is entitled to (via the hub); takes commands
// ({"id":N,"command":...}) and answers each with {"type":"reply","id":N,"ok":...}. Agent
// commands go to the control thread through the Api; unimplemented call-control commands
// answer not_supported. Messages up to 64 KiB; malformed JSON gets an error message and the
// connection stays open; a client that stops reading (1,000 messages queued) is dropped.
// The server pings an idle client and drops it when nothing comes back within the idle
// timeout (ApiOptions::ws_idle_timeout). When its session ends (sign-out, the user deleted or
// changed: EventsHub::EndSessions) the socket gets a close frame (1008 with the reason) and
// is cut within a second whatever the client does. Holds its connection slot (api/
// connection_limits.h) until destroyed. Over plain HTTP (ws://) or HTTPS (wss://): the
// stream is one of two WebSocket stream types, reached through Visit.
// Lives on the API thread.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "api/api.h"
#include "api/connection_limits.h"
#include "api/cti_filter.h"
#include "api/events_hub.h"

namespace hotline::api {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream stream, Api& api, EventsHub& hub, store::User user,
            std::string token_hash, ConnectionSlot slot);
  WsSession(boost::beast::ssl_stream<boost::beast::tcp_stream> stream, Api& api, EventsHub& hub,
            store::User user, std::string token_hash, ConnectionSlot slot);

  // Accepts the upgrade request, then says hello and starts reading.
  void Start(boost::beast::http::request<boost::beast::http::string_body> request);
  // Queues a text message.
  void Send(std::string text);
  void Close();
  // The session ended: a close frame saying `reason`, then the socket is cut (at the latest
  // after a second).
  void End(const std::string& reason);

  const EventInterest& interest() const { return interest_; }
  const store::User& user() const { return user_; }
  const std::string& token_hash() const { return token_hash_; }
  // Whether the client sent a command (other than ping) since the last call; forgets it.
  bool TakeUsed() { return std::exchange(used_, false); }

 private:
  void SayHello();
  void Read();
  void OnRead(boost::beast::error_code ec);
  void Write();
  void Handle(const std::string& text);
  void ReplyOk(const nlohmann::json& id, nlohmann::json extra = nlohmann::json::object());
  void ReplyError(const nlohmann::json& id, const ApiError& error);
  void CutSocket();
  // Runs `f` on the WebSocket stream, whichever type it is.
  template <class F>
  decltype(auto) Visit(F&& f) {
    return std::visit(std::forward<F>(f), ws_);
  }

  using PlainWs = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using TlsWs = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
  std::variant<PlainWs, TlsWs> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool closed_ = false;
  Api& api_;
  EventsHub& hub_;
  store::User user_;
  std::string token_hash_;
  bool used_ = false;
  EventInterest interest_;
  boost::asio::steady_timer end_timer_;
  ConnectionSlot slot_;
};

}  // namespace hotline::api
