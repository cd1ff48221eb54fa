#include "api/api_server.h"

#include <sys/resource.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <cerrno>

#include "api/http_session.h"
#include "api/static_files.h"
#include "common/log.h"

namespace hotline::api {

using tcp = boost::asio::ip::tcp;

#ifndef HOTLINE_WEB_DIST
#define HOTLINE_WEB_DIST ""
#endif

std::string DefaultConsoleRoot() { return DefaultWebRoot(HOTLINE_WEB_DIST); }

ApiServer::ApiServer(ApiServerOptions options, const Config& config, call::ControlPort& port,
                     PostToControl post_to_control, std::function<void()> reload_flows,
                     const Clock& clock)
    : options_(std::move(options)),
      config_(config),
      port_(port),
      post_to_control_(std::move(post_to_control)),
      reload_flows_(std::move(reload_flows)),
      clock_(clock),
      plain_(io_, false) {}

ApiServer::~ApiServer() {
  Stop();
  Join();
  if (bridge_) bridge_->Detach();
}

Status ApiServer::Start() {
  auto db = store::OpenHotlineDb(options_.db_path, 5000);
  if (!db) return Error{"HTTP API: " + db.error().message};
  db_ = std::move(db).value();
  bridge_ = std::make_unique<ControlBridge>(post_to_control_, port_, io_);
  hub_ = std::make_unique<EventsHub>(*bridge_, io_);
  api_ = std::make_unique<Api>(options_.api, *db_, *bridge_, config_, reload_flows_, clock_);
  api_->SetWsClientCounter([hub = hub_.get()] { return hub->clients(); });
  api_->SetSessionsEndedHandler(
      [hub = hub_.get()](const SessionsEnded& ended) { hub->EndSessions(ended); });
  hub_->SetSessionCheck(
      [api = api_.get()](const std::string& token_hash, const store::User& user, bool used) {
        return api->SessionStillValid(token_hash, user, used);
      });
  rlimit files{};
  uint64_t descriptors = getrlimit(RLIMIT_NOFILE, &files) == 0 ? files.rlim_cur : 1024;
  size_t total =
      options_.max_connections != 0 ? options_.max_connections : DefaultConnectionCap(descriptors);
  if (total >= descriptors) {
    HLOG_WARN("HTTP API: max_connections {} is not below the descriptor limit {}", total,
              descriptors);
  }
  connections_ = std::make_shared<ConnectionLimiter>(total, options_.max_connections_per_source);

  if (auto listening = Listen(plain_, options_.port); !listening.ok()) return listening;
  if (options_.https_port != 0) {
    if (auto loaded = LoadTls(); !loaded.ok()) return loaded;
    tls_ = std::make_unique<Listener>(io_, true);
    if (auto listening = Listen(*tls_, options_.https_port); !listening.ok()) return listening;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

Status ApiServer::Listen(Listener& listener, uint16_t port) {
  const char* what = listener.secure ? "HTTPS" : "HTTP API";
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(options_.listen, ec);
  if (ec) {
    return Error{std::string(what) + ": bad listen address " + options_.listen + ": " +
                 ec.message()};
  }
  tcp::endpoint endpoint(address, port);
  auto& acceptor = listener.acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error{std::string(what) + ": cannot listen on " + options_.listen + ":" +
                 std::to_string(port) + ": " + ec.message()};
  }
  return Status::Ok();
}

// TLS 1.2 and 1.3 only (no SSLv3, TLS 1.0 or 1.1), server side, the certificate chain and key
// from PEM files.
Status ApiServer::LoadTls() {
  namespace ssl = boost::asio::ssl;
  ssl_.emplace(ssl::context::tls_server);
  ssl::context& context = *ssl_;
  boost::system::error_code ec;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                      ec);
  if (!ec && SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1) {
    return Error{"HTTPS: cannot require TLS 1.2"};
  }
  if (!ec) context.use_certificate_chain_file(options_.tls_certificate, ec);
  if (ec) {
    return Error{"HTTPS: cannot load the certificate " + options_.tls_certificate + ": " +
                 ec.message()};
  }
  context.use_private_key_file(options_.tls_key, ssl::context::pem, ec);
  if (ec) return Error{"HTTPS: cannot load the key " + options_.tls_key + ": " + ec.message()};
  return Status::Ok();
}

std::string ApiServer::address() const {
  boost::system::error_code ec;
  auto endpoint = plain_.acceptor.local_endpoint(ec);
  if (ec) return options_.listen + ":" + std::to_string(options_.port);
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

std::string ApiServer::https_address() const {
  if (!tls_) return "";
  boost::system::error_code ec;
  auto endpoint = tls_->acceptor.local_endpoint(ec);
  if (ec) return options_.listen + ":" + std::to_string(options_.https_port);
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void ApiServer::Run() {
  pthread_setname_np(pthread_self(), "hotline-api");
  if (!stop_requested_.load()) api_->SeedUsers(options_.seed_demo_users);
  hub_->Start();
  Accept(plain_);
  if (tls_) Accept(*tls_);
  io_.run();
}

void ApiServer::Accept(Listener& listener) {
  listener.acceptor.async_accept(
      [this, &listener](boost::system::error_code ec, tcp::socket socket) {
        OnAccept(listener, ec, std::move(socket));
      });
}

void ApiServer::OnAccept(Listener& listener, boost::system::error_code ec, tcp::socket socket) {
  const char* what = listener.secure ? "HTTPS" : "HTTP API";
  if (ec == boost::asio::error::operation_aborted || !listener.acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors (EMFILE/ENFILE) or kernel memory: the pending connection stays in
    // the backlog; accepting again at once would fail again at once (a busy loop writing a
    // log line per attempt). Wait, longer each time, and log once per episode.
    bool resources = ec == boost::asio::error::no_descriptors || ec.value() == ENFILE ||
                     ec == boost::asio::error::no_buffer_space ||
                     ec == boost::asio::error::no_memory;
    auto step = listener.backoff.Failed(resources ? AcceptBackoff::Failure::kOutOfResources
                                                  : AcceptBackoff::Failure::kOther);
    if (step.log) {
      HLOG_WARN("{}: accept failed: {}; pausing new connections ({} open)", what, ec.message(),
                connections_->open());
    }
    listener.timer.expires_after(step.wait);
    listener.timer.async_wait([this, &listener](boost::system::error_code wait_ec) {
      if (!wait_ec) Accept(listener);
    });
    return;
  }
  if (auto failures = listener.backoff.Succeeded()) {
    HLOG_INFO("{}: accepting connections again ({} failed attempt(s) meanwhile)", what, *failures);
  }
  boost::system::error_code endpoint_ec;
  auto endpoint = socket.remote_endpoint(endpoint_ec);
  std::string source = endpoint_ec ? "unknown" : endpoint.address().to_string();
  if (!connections_->TryAdd(source)) {
    Refuse(std::move(socket), source, listener.secure);
  } else {
    // A response leaves in several writes (Beast's serializer hands out a bounded number of
    // buffers at a time; the security headers alone take more): without TCP_NODELAY each
    // later part waits for the client's delayed ACK, 40 ms per request.
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (listener.secure) {
      std::make_shared<HttpSession<TlsStream>>(std::move(socket), *ssl_, *api_, *hub_, source,
                                               ConnectionSlot(connections_, source))
          ->Start();
    } else {
      HttpsRedirect redirect;
      if (options_.http_redirect && tls_) {
        redirect.https_port = tls_->acceptor.local_endpoint(ignored).port();
        redirect.fallback_host = options_.listen == "0.0.0.0" || options_.listen == "::"
                                     ? std::string("localhost")
                                     : options_.listen;
      }
      std::make_shared<HttpSession<PlainStream>>(std::move(socket), *api_, *hub_, source,
                                                 ConnectionSlot(connections_, source),
                                                 std::move(redirect))
          ->Start();
    }
  }
  Accept(listener);
}

// Over a cap: (on plain HTTP) a short 503 written without waiting (whatever fits the socket
// buffer), then closed. Logged at most every 10 s, with the count since.
void ApiServer::Refuse(tcp::socket socket, const std::string& source, bool secure) {
  static constexpr char kBusy[] =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: 87\r\n\r\n"
      "{\"error\":{\"code\":\"too_many_connections\",\"message\":\"too many connections; "
      "retry later\"}}";
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  // On the HTTPS port a plain-text reply would only break the client's handshake: just close.
  if (!secure) socket.write_some(boost::asio::buffer(kBusy, sizeof(kBusy) - 1), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  ++refused_;
  TimePoint now = clock_.Now();
  if (refused_logged_at_ == TimePoint{} || now - refused_logged_at_ >= std::chrono::seconds(10)) {
    HLOG_WARN(
        "HTTP API: refused {} connection(s) over the caps (last from {}: {} open from it, "
        "{} in all; caps {} per source, {} in all)",
        refused_, source, connections_->open_from(source), connections_->open(),
        connections_->per_source_cap(), connections_->total_cap());
    refused_logged_at_ = now;
    refused_ = 0;
  }
}

void ApiServer::Stop() {
  if (stop_requested_.exchange(true)) return;
  boost::asio::post(io_, [this] {
    boost::system::error_code ignored;
    plain_.acceptor.close(ignored);
    plain_.timer.cancel();
    if (tls_) {
      tls_->acceptor.close(ignored);
      tls_->timer.cancel();
    }
    if (hub_) hub_->Stop();
    io_.stop();
  });
  if (!thread_.joinable()) io_.stop();
}

void ApiServer::Join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace hotline::api
