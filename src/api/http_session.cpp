#include "api/http_session.h"

#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>

#include "api/https_policy.h"
#include "api/security_headers.h"
#include "api/ws_session.h"
#include "common/log.h"

namespace hotline::api {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// Host part of an Origin ("http://host:port" -> "host:port").
std::string OriginHost(const std::string& origin) {
  size_t scheme = origin.find("://");
  return scheme == std::string::npos ? origin : origin.substr(scheme + 3);
}

}  // namespace

// A TLS client has this long to finish its handshake (then the usual idle timeout applies).
constexpr std::chrono::seconds kHandshakeTimeout{10};

template <class Stream>
HttpSession<Stream>::HttpSession(tcp::socket socket, Api& api, EventsHub& hub,
                                 std::string client_ip, ConnectionSlot slot,
                                 HttpsRedirect redirect) requires(!kSecure)
    : stream_(std::move(socket)),
      api_(api),
      hub_(hub),
      client_ip_(std::move(client_ip)),
      slot_(std::move(slot)),
      redirect_(std::move(redirect)) {}

template <class Stream>
HttpSession<Stream>::HttpSession(tcp::socket socket, boost::asio::ssl::context& context, Api& api,
                                 EventsHub& hub, std::string client_ip,
                                 ConnectionSlot slot) requires(kSecure)
    : stream_(std::move(socket), context),
      api_(api),
      hub_(hub),
      client_ip_(std::move(client_ip)),
      slot_(std::move(slot)) {}

template <class Stream>
void HttpSession<Stream>::Start() {
  if constexpr (kSecure) {
    beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
    auto self = this->shared_from_this();
    stream_.async_handshake(boost::asio::ssl::stream_base::server, [self](beast::error_code ec) {
      if (ec) {
        // Not TLS (plain HTTP, garbage), an old protocol version or too slow: just closed.
        HLOG_DEBUG("API: TLS handshake with {} failed: {}", self->client_ip_, ec.message());
        return;
      }
      self->ReadHeader();
    });
  } else {
    ReadHeader();
  }
}

template <class Stream>
void HttpSession<Stream>::CloseSend() {
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
}

template <class Stream>
void HttpSession<Stream>::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  // The route's limit is set once the header is read (OnHeader); until then none applies.
  parser_->body_limit(boost::none);
  beast::get_lowest_layer(stream_).expires_after(api_.options().http_idle_timeout);
  auto self = this->shared_from_this();
  http::async_read_header(stream_, buffer_, *parser_,
                          [self](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

template <class Stream>
void HttpSession<Stream>::OnHeader(beast::error_code ec) {
  if (ec) {
    if (ec != http::error::end_of_stream && ec != beast::error::timeout) {
      HLOG_DEBUG("API: reading a request from {}: {}", client_ip_, ec.message());
      if (ec == http::error::body_limit) {
        api_.CountResponse(413);
        return Send(Reply::Fail(PayloadTooLarge(api_.options().body_limit)), false);
      }
      if (ec == http::error::header_limit) {
        return Send(Reply::Fail({431, "headers_too_large", "request headers are too large"}),
                    false);
      }
      if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
        return Send(Reply::Fail(BadRequest("bad_request", "malformed HTTP request")), false);
      }
    }
    CloseSend();
    return;
  }
  const auto& header = parser_->get();
  std::string target(header.target());
  std::string path = target.substr(0, target.find('?'));
  if constexpr (!kSecure) {
    if (redirect_.https_port != 0 && RedirectsToHttps(path)) {
      Reply reply;
      reply.status = 308;
      reply.content_type.clear();
      reply.headers.emplace_back(
          "Location", HttpsRedirectLocation(std::string(header[http::field::host]), target,
                                            redirect_.https_port, redirect_.fallback_host));
      api_.CountResponse(308);
      return Send(std::move(reply), false);  // the body, if any, is drained
    }
  }
  body_limit_ = api_.BodyLimitFor(std::string(header.method_string()), path);
  parser_->body_limit(body_limit_);
  if (parser_->content_length() && *parser_->content_length() > body_limit_) {
    api_.CountResponse(413);
    return Send(Reply::Fail(PayloadTooLarge(body_limit_)), false);
  }
  auto self = this->shared_from_this();
  http::async_read(stream_, buffer_, *parser_,
                   [self](beast::error_code ec, size_t) { self->OnBody(ec); });
}

template <class Stream>
void HttpSession<Stream>::OnBody(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    api_.CountResponse(413);
    return Send(Reply::Fail(PayloadTooLarge(body_limit_)), false);
  }
  if (ec) {
    HLOG_DEBUG("API: reading a request body from {}: {}", client_ip_, ec.message());
    return;
  }
  beast::get_lowest_layer(stream_).expires_never();
  if (beast::websocket::is_upgrade(parser_->get())) return Upgrade();
  bool keep_alive = parser_->get().keep_alive();
  auto self = this->shared_from_this();
  api_.Handle(MakeRequest(), [self, keep_alive](Reply reply) {
    self->api_.CountResponse(reply.status);
    self->Send(std::move(reply), keep_alive);
  });
}

template <class Stream>
Request HttpSession<Stream>::MakeRequest() const {
  const auto& req = parser_->get();
  Request request;
  request.method = std::string(req.method_string());
  std::string target(req.target());
  size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = ParseQuery(target.substr(question + 1));
  request.body = req.body();
  request.content_type = std::string(req[http::field::content_type]);
  request.authorization = std::string(req[http::field::authorization]);
  request.cookie = std::string(req[http::field::cookie]);
  request.range = std::string(req[http::field::range]);
  request.client_ip = client_ip_;
  return request;
}

template <class Stream>
void HttpSession<Stream>::Upgrade() {
  Request request = MakeRequest();
  auto fail = [this](ApiError error) {
    api_.CountResponse(error.status);
    Send(Reply::Fail(error), false);
  };
  if (request.path != "/api/v1/events") return fail(NotFound("no WebSocket at " + request.path));
  if (!api_.AllowRate(client_ip_)) return fail(TooManyRequests("too many requests; slow down"));
  // A browser always sends Origin; another site's page must not ride on the cookie.
  const auto& req = parser_->get();
  std::string origin(req[http::field::origin]);
  if (!origin.empty() && OriginHost(origin) != std::string(req[http::field::host])) {
    return fail(Forbidden("cross-origin WebSocket refused"));
  }
  ApiError error;
  std::string token_hash;
  auto user = api_.AuthenticateUpgrade(request, &error, &token_hash);
  if (!user) return fail(error);
  api_.CountResponse(101);
  auto session = std::make_shared<WsSession>(std::move(stream_), api_, hub_, std::move(*user),
                                             std::move(token_hash), std::move(slot_));
  session->Start(parser_->release());
}

template <class Stream>
void HttpSession<Stream>::Drain(size_t so_far) {
  constexpr size_t kMaxDrain = 16 << 20;
  if (so_far > kMaxDrain) return;
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
  auto self = this->shared_from_this();
  stream_.async_read_some(boost::asio::buffer(drain_),
                          [self, so_far](beast::error_code ec, size_t n) {
                            if (!ec) self->Drain(so_far + n);
                          });
}

template <class Stream>
void HttpSession<Stream>::Send(Reply reply, bool keep_alive) {
  unsigned version = parser_ ? parser_->get().version() : 11;
  bool head = parser_ && parser_->get().method() == http::verb::head;
  auto finish = [](auto& res, const Reply& r, bool keep) {
    res.set(http::field::server, "hotline");
    if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) {
      if (kSecure && beast::iequals(name, "Set-Cookie")) {
        res.insert(name, WithSecureAttribute(value));
      } else {
        res.insert(name, value);
      }
    }
    for (const auto& [name, value] : SecurityHeaders()) res.set(name, value);
    if (kSecure) res.set(http::field::strict_transport_security, kStrictTransportSecurity);
    res.keep_alive(keep);
    res.prepare_payload();
  };
  std::optional<http::message_generator> message;
  if (!reply.file_path.empty()) {
    http::file_body::value_type file;
    beast::error_code ec;
    file.open(reply.file_path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      reply = Reply::Fail(NotFound("file not readable"));
    } else {
      http::response<http::file_body> res{static_cast<http::status>(reply.status), version};
      res.body() = std::move(file);
      finish(res, reply, keep_alive);
      message.emplace(std::move(res));
    }
  }
  if (!message) {
    http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
    res.body() = std::move(reply.body);
    finish(res, reply, keep_alive);
    if (head) {
      auto length = res.body().size();
      res.body().clear();
      res.content_length(length);
    }
    message.emplace(std::move(res));
  }
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(120));
  auto self = this->shared_from_this();
  beast::async_write(stream_, std::move(*message),
                     [self, keep_alive](beast::error_code ec, size_t) {
                       if (ec) return;
                       if (!keep_alive) {
                         self->CloseSend();
                         // Read what the client is still sending (a refused body) so that
                         // closing does not reset the connection before it reads the reply.
                         self->Drain(0);
                         return;
                       }
                       self->ReadHeader();
                     });
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace hotline::api
