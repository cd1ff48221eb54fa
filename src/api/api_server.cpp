#include "api/api_server.h"

#include <sys/resource.h>

#include <boost/asio/post.hpp>
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
      acceptor_(io_),
      accept_timer_(io_) {}

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

  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(options_.listen, ec);
  if (ec) return Error{"HTTP API: bad listen address " + options_.listen + ": " + ec.message()};
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error{"HTTP API: cannot listen on " + options_.listen + ":" +
                 std::to_string(options_.port) + ": " + ec.message()};
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

std::string ApiServer::address() const {
  boost::system::error_code ec;
  auto endpoint = acceptor_.local_endpoint(ec);
  if (ec) return options_.listen + ":" + std::to_string(options_.port);
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void ApiServer::Run() {
  pthread_setname_np(pthread_self(), "hotline-api");
  if (!stop_requested_.load()) api_->SeedUsers(options_.seed_demo_users);
  hub_->Start();
  Accept();
  io_.run();
}

void ApiServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void ApiServer::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors (EMFILE/ENFILE) or kernel memory: the pending connection stays in
    // the backlog; accepting again at once would fail again at once (a busy loop writing a
    // log line per attempt). Wait, longer each time, and log once per episode.
    bool resources = ec == boost::asio::error::no_descriptors || ec.value() == ENFILE ||
                     ec == boost::asio::error::no_buffer_space ||
                     ec == boost::asio::error::no_memory;
    auto step = accept_backoff_.Failed(resources ? AcceptBackoff::Failure::kOutOfResources
                                                 : AcceptBackoff::Failure::kOther);
    if (step.log) {
      HLOG_WARN("HTTP API: accept failed: {}; pausing new connections ({} open)", ec.message(),
                connections_->open());
    }
    accept_timer_.expires_after(step.wait);
    accept_timer_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec) Accept();
    });
    return;
  }
  if (auto failures = accept_backoff_.Succeeded()) {
    HLOG_INFO("HTTP API: accepting connections again ({} failed attempt(s) meanwhile)", *failures);
  }
  boost::system::error_code endpoint_ec;
  auto endpoint = socket.remote_endpoint(endpoint_ec);
  std::string source = endpoint_ec ? "unknown" : endpoint.address().to_string();
  if (!connections_->TryAdd(source)) {
    Refuse(std::move(socket), source);
  } else {
    // A response leaves in several writes (Beast's serializer hands out a bounded number of
    // buffers at a time; the security headers alone take more): without TCP_NODELAY each
    // later part waits for the client's delayed ACK, 40 ms per request.
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(std::move(socket), *api_, *hub_, source,
                                  ConnectionSlot(connections_, source))
        ->Start();
  }
  Accept();
}

// Over a cap: a short 503 written without waiting (whatever fits the socket buffer), then
// closed. Logged at most every 10 s, with the count since.
void ApiServer::Refuse(tcp::socket socket, const std::string& source) {
  static constexpr char kBusy[] =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: 87\r\n\r\n"
      "{\"error\":{\"code\":\"too_many_connections\",\"message\":\"too many connections; "
      "retry later\"}}";
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(boost::asio::buffer(kBusy, sizeof(kBusy) - 1), ignored);
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
    acceptor_.close(ignored);
    accept_timer_.cancel();
    if (hub_) hub_->Stop();
    io_.stop();
  });
  if (!thread_.joinable()) io_.stop();
}

void ApiServer::Join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace hotline::api
