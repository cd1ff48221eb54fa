// api/http_session.h: one HTTP connection: reads a request's header, sets the body limit of
// its route (413 past it), reads the body, hands the request to the Api and writes the
// reply (strings, or whole files streamed from disk), keeping the connection alive when the
// client asks. A WebSocket upgrade of /api/v1/events is authenticated here and handed to a
// WsSession. One request at a time per connection; ApiOptions::http_idle_timeout (30 s) to
// send a request, which is also how long a kept-alive connection may sit idle. Every
// response carries the security headers (api/security_headers.h). Holds its connection slot
// (api/connection_limits.h) until destroyed or handed to the WebSocket.
// Lives on the API thread.
#pragma once

#include <array>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string>

#include "api/api.h"
#include "api/connection_limits.h"
#include "api/events_hub.h"

namespace hotline::api {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, Api& api, EventsHub& hub, std::string client_ip,
              ConnectionSlot slot);
  void Start();

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void OnBody(boost::beast::error_code ec);
  void Upgrade();
  void Send(Reply reply, bool keep_alive);
  void Drain(size_t so_far);
  Request MakeRequest() const;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  size_t body_limit_ = 0;
  Api& api_;
  EventsHub& hub_;
  std::string client_ip_;
  std::array<char, 16384> drain_{};
  ConnectionSlot slot_;
};

}  // namespace hotline::api
