#include "api/api_server.h"

#include <boost/asio/post.hpp>

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
      acceptor_(io_) {}

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
    if (ec) {
      if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
      HLOG_WARN("HTTP API: accept: {}", ec.message());
    } else {
      std::make_shared<HttpSession>(std::move(socket), *api_, *hub_)->Start();
    }
    Accept();
  });
}

void ApiServer::Stop() {
  if (stop_requested_.exchange(true)) return;
  boost::asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (hub_) hub_->Stop();
    io_.stop();
  });
  if (!thread_.joinable()) io_.stop();
}

void ApiServer::Join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace hotline::api
