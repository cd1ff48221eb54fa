// api/http_session.h: one HTTP connection: reads a request's header, sets the body limit of
// its route (413 past it), reads the body, hands the request to the Api and writes the
// reply (strings, or whole files streamed from disk), keeping the connection alive when the
// client asks. A WebSocket upgrade of /api/v1/events is authenticated here and handed to a
// WsSession. One request at a time per connection; ApiOptions::http_idle_timeout (30 s) to
// send a request, which is also how long a kept-alive connection may sit idle. Every
// response carries the security headers (api/security_headers.h). Holds its connection slot
// (api/connection_limits.h) until destroyed or handed to the WebSocket.
// The same session serves plain HTTP (Stream = beast::tcp_stream) and HTTPS (Stream =
// beast::ssl_stream<beast::tcp_stream>: a TLS handshake within 10 s first, then HSTS on every
// response and the Secure attribute on cookies; api/https_policy.h). On the plain port with
// `redirect_https_port` set, every request but /healthz and /metrics gets a 308 to HTTPS.
// Both are instantiated in http_session.cpp.
// Lives on the API thread.
#pragma once

#include <array>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "api/api.h"
#include "api/connection_limits.h"
#include "api/events_hub.h"

namespace hotline::api {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Where plain HTTP sends browsers when tls.http_redirect is on (port 0: no redirect).
struct HttpsRedirect {
  uint16_t https_port = 0;
  std::string fallback_host;  // when a request has no usable Host header
};

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kSecure = std::is_same_v<Stream, TlsStream>;

  // Plain HTTP.
  HttpSession(boost::asio::ip::tcp::socket socket, Api& api, EventsHub& hub, std::string client_ip,
              ConnectionSlot slot, HttpsRedirect redirect) requires(!kSecure);
  // HTTPS: `context` (server certificate and key) must outlive the session.
  HttpSession(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& context, Api& api,
              EventsHub& hub, std::string client_ip, ConnectionSlot slot) requires(kSecure);
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
  void CloseSend();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  size_t body_limit_ = 0;
  Api& api_;
  EventsHub& hub_;
  std::string client_ip_;
  std::array<char, 16384> drain_{};
  ConnectionSlot slot_;
  HttpsRedirect redirect_;
};

}  // namespace hotline::api
