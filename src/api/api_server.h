// api/api_server.h: the HTTP + WebSocket server inside hotline. One API thread runs one
// asio io_context for every connection (no thread per connection); it owns its own SQLite
// connection (users, sessions, wrap-up notes, flows, reads of call records) and reaches the
// control thread only by posting tasks (api/control_bridge.h). Start() binds the port on the
// calling thread (so a taken port is reported at once), then the API thread creates missing
// console users (argon2id hashing takes a moment) before it accepts connections.
// Connections are capped per source address and in total (api/connection_limits.h; beyond a
// cap a connection gets a short 503 and is closed); when accepting fails for want of file
// descriptors the accept loop waits (100 ms doubling to 1 s) and logs once per episode.
// With https_port set, a second listener serves the same routes, console and CTI socket over
// TLS 1.2+ (Beast over OpenSSL, the certificate and key from PEM files); both listeners share
// the connection caps. With http_redirect, the plain port redirects browsers to HTTPS.
// Start/Stop/Join from the main thread; Stop from any thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "api/api.h"
#include "api/connection_limits.h"
#include "api/control_bridge.h"
#include "api/events_hub.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::api {

struct ApiServerOptions {
  std::string listen = "127.0.0.1";
  uint16_t port = 8080;
  std::string db_path;           // hotline.db
  bool seed_demo_users = false;  // admin/demo-admin, supervisor/demo-supervisor
  size_t max_connections = 0;    // HTTP + WebSocket in all; 0: DefaultConnectionCap()
  size_t max_connections_per_source = 64;
  uint16_t https_port = 0;      // 0: no HTTPS
  std::string tls_certificate;  // PEM certificate chain (HTTPS)
  std::string tls_key;          // PEM private key (HTTPS)
  bool http_redirect = false;   // plain HTTP answers 308 to HTTPS (not /healthz, /metrics)
  ApiOptions api;
};

// The console's files: env HOTLINE_WEB_ROOT, else the source tree's web/dist (build time).
std::string DefaultConsoleRoot();

class ApiServer {
 public:
  // `port` and `config` must outlive the server; `reload_flows` runs on the control thread
  // (the API posts it there after publishing a flow).
  ApiServer(ApiServerOptions options, const Config& config, call::ControlPort& port,
            PostToControl post_to_control, std::function<void()> reload_flows, const Clock& clock);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Opens the database, binds, starts the API thread. Error if the port cannot be bound.
  Status Start();
  // Stops accepting and closes every connection; the thread ends soon after. Any thread.
  void Stop();
  // Waits for the API thread (after Stop).
  void Join();
  // "ADDR:PORT" actually bound (port 0 picks one).
  std::string address() const;
  // The same for HTTPS; "" when HTTPS is off.
  std::string https_address() const;

 private:
  // One listening port and its accept loop.
  struct Listener {
    Listener(boost::asio::io_context& io, bool tls) : acceptor(io), timer(io), secure(tls) {}
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer timer;
    AcceptBackoff backoff;
    bool secure;
  };

  Status Listen(Listener& listener, uint16_t port);
  Status LoadTls();
  void Run();
  void Accept(Listener& listener);
  void OnAccept(Listener& listener, boost::system::error_code ec,
                boost::asio::ip::tcp::socket socket);
  void Refuse(boost::asio::ip::tcp::socket socket, const std::string& source, bool secure);

  ApiServerOptions options_;
  const Config& config_;
  call::ControlPort& port_;
  PostToControl post_to_control_;
  std::function<void()> reload_flows_;
  const Clock& clock_;

  boost::asio::io_context io_;  // first: destroyed last, with the handlers it still holds
  std::unique_ptr<store::SqliteDb> db_;
  std::unique_ptr<ControlBridge> bridge_;
  std::unique_ptr<EventsHub> hub_;
  std::unique_ptr<Api> api_;
  Listener plain_;
  std::unique_ptr<Listener> tls_;                 // HTTPS, when on
  std::optional<boost::asio::ssl::context> ssl_;  // its certificate and key
  std::shared_ptr<ConnectionLimiter> connections_;
  uint64_t refused_ = 0;           // connections refused by a cap since the last log line
  TimePoint refused_logged_at_{};  // when a refusal was last logged
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace hotline::api
