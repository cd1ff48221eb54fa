// api/api.h: the HTTP API's routes and handlers, independent of sockets: a routed,
// authenticated Request in, a Reply out through a callback. Owns the API thread's stores
// (users and sessions, call records, customers, flows on the API's own SQLite connection),
// the rate limits and the request counters. Live call-center state (agents, queues, agent
// commands) comes from the control thread through the ControlBridge.
// The route table (Routes()) is static so tests can compare it with docs/api/openapi.yaml.
// Lives on the API thread; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/api_types.h"
#include "api/control_bridge.h"
#include "api/customer_scope.h"
#include "api/password_worker.h"
#include "api/rate_limiter.h"
#include "api/sign_in_guard.h"
#include "call/flow_catalog.h"
#include "common/clock.h"
#include "common/config.h"
#include "store/call_queries.h"
#include "store/customer_store.h"
#include "store/flow_store.h"
#include "store/sqlite_db.h"
#include "store/user_store.h"

namespace hotline::api {

struct ApiOptions {
  std::string web_root;                // the console's files ("": none)
  size_t body_limit = 1 << 20;         // 1 MiB
  size_t flow_body_limit = 256 << 10;  // 256 KiB for PUT /api/v1/ivr-flows/{name}
  double rate_per_s = 50;              // per client IP
  double rate_burst = 100;
  SignInLimits sign_in;               // failed sign-ins per user+IP, per IP, per user
  PasswordPoolOptions password_pool;  // argon2id checks: threads, fair queue bounds
  // Agents read a customer through calls they handled within this time (api/customer_scope.h).
  Duration agent_customer_window = std::chrono::hours(12);
  Duration session_ttl = std::chrono::hours(12);  // sliding
  int64_t service_level_ms = 20000;               // answered within this counts for SL
  size_t range_chunk_limit = 8 << 20;             // at most this many bytes per 206 response
  // A connection may take this long to send a request (and stay idle between requests).
  Duration http_idle_timeout = std::chrono::seconds(30);
  // A WebSocket that sends nothing (not even a pong to our ping) for this long is dropped.
  Duration ws_idle_timeout = std::chrono::seconds(60);
};

class Api;
using Handler = void (Api::*)(Request&, Respond);

// Sessions that just ended (sign-out, or the user deleted or changed): their WebSockets are
// closed. `token_hash` set: that session only; empty: every session of `username`.
struct SessionsEnded {
  std::string username;
  std::string token_hash;
  std::string reason;  // said in the WebSocket close frame ("signed out", "user deleted"...)
};

struct Route {
  const char* method;
  const char* pattern;
  Access access;
  Handler handler;
};

class Api {
 public:
  Api(ApiOptions options, store::SqliteDb& db, ControlBridge& control, const Config& config,
      std::function<void()> reload_flows, const Clock& clock);

  // Every route, in match order (static: the same for every Api).
  static const std::vector<Route>& Routes();
  static const std::vector<RouteKey>& RouteKeys();

  // Creates the console users that are missing: one agent per SIP user (username = number,
  // password = its SIP password) always; admin and supervisor demo users if `demo`.
  void SeedUsers(bool demo);

  // The body limit for a request (known from its method and path before the body is read).
  size_t BodyLimitFor(const std::string& method, const std::string& path) const;

  // Routes, rate-limits, authenticates and runs a request; `respond` gets the reply (maybe
  // later). Non-API paths are served from the web root.
  void Handle(Request request, Respond respond);

  // Authenticates a WebSocket upgrade (bearer header, cookie or ?token=); `token_hash` gets
  // the session's token hash (so the socket can be closed when that session ends).
  std::optional<store::User> AuthenticateUpgrade(const Request& request, ApiError* error,
                                                 std::string* token_hash);
  // Whether the session with this token hash is still valid for `user` with the same role and
  // agent (a periodic re-check of open WebSockets). `used`: the socket carried commands since
  // the last check, which slides the session's expiry like a request would.
  bool SessionStillValid(const std::string& token_hash, const store::User& user, bool used);
  bool AllowRate(const std::string& client_ip);

  // Shared by HTTP handlers and WebSocket commands. `done` gets nullopt on success.
  using Done = std::function<void(std::optional<ApiError>)>;
  void CommandAgent(const store::User& user, const std::string& agent_id,
                    call::AgentCommand::Kind kind, const std::string& reason, Done done);
  // A supervisor's phone `phone` listens to agent_id's call (silent monitor).
  void ListenToAgent(const store::User& user, const std::string& agent_id, const std::string& phone,
                     Done done);
  // (`reason` is the command's text: the not-ready reason, DTMF digits, a transfer target or
  // the number to dial.)
  void Wrapup(const store::User& user, const std::string& call_id, const std::string& code,
              const std::string& notes, std::function<void(Reply)> done);

  // Stops every silent monitoring `username` started (sign-out, user deleted or changed).
  void StopListening(const std::string& username);

  void CountResponse(unsigned status) { responses_by_code_[status]++; }
  void SetSessionsEndedHandler(std::function<void(const SessionsEnded&)> handler) {
    sessions_ended_ = std::move(handler);
  }
  void SetWsClientCounter(std::function<size_t()> counter) { ws_clients_ = std::move(counter); }
  ControlBridge& control() { return control_; }
  const ApiOptions& options() const { return options_; }

 private:
  // Handlers (api_*.cpp).
  void Health(Request& request, Respond respond);
  void Metrics(Request& request, Respond respond);
  void Login(Request& request, Respond respond);
  void Logout(Request& request, Respond respond);
  void Me(Request& request, Respond respond);
  void ListAgents(Request& request, Respond respond);
  void GetAgent(Request& request, Respond respond);
  void SetAgentState(Request& request, Respond respond);
  void ListUsers(Request& request, Respond respond);
  void CreateUser(Request& request, Respond respond);
  void DeleteUser(Request& request, Respond respond);
  void UpdateUser(Request& request, Respond respond);
  void ListQueues(Request& request, Respond respond);
  void ListSkills(Request& request, Respond respond);
  void ListCalls(Request& request, Respond respond);
  void GetCall(Request& request, Respond respond);
  void PostWrapup(Request& request, Respond respond);
  void PutCallCustomer(Request& request, Respond respond);
  void ListRecordings(Request& request, Respond respond);
  void RecordingAudio(Request& request, Respond respond);
  void FindCustomers(Request& request, Respond respond);
  void GetCustomer(Request& request, Respond respond);
  void ListFlows(Request& request, Respond respond);
  void GetFlow(Request& request, Respond respond);
  void PutFlow(Request& request, Respond respond);
  // Administration of queues, skills and business hours (api_admin.cpp).
  void GetQueue(Request& request, Respond respond);
  void CreateQueue(Request& request, Respond respond);
  void PutQueue(Request& request, Respond respond);
  void DeleteQueue(Request& request, Respond respond);
  void PutAgentSkills(Request& request, Respond respond);
  void GetFlowCalendars(Request& request, Respond respond);
  void PutFlowCalendars(Request& request, Respond respond);
  void SaveQueue(Request& request, Respond respond, bool create);
  void Events(Request& request, Respond respond);

  void ServeStatic(Request& request, Respond respond);
  std::optional<store::User> Authenticate(Request& request, bool allow_query_token);
  // 403 unless `user` may see agent `agent_id` (agents see only themselves).
  bool MaySeeAgent(const store::User& user, const std::string& agent_id) const;
  void RunCommand(const call::AgentCommand& command, Done done);
  void FinishLogin(const std::string& username, const std::string& client_ip, bool matches,
                   const Respond& respond);
  // Ends sessions: closes their WebSockets and stops the user's monitoring.
  void EndSessions(const SessionsEnded& ended);
  // The customers `user` may read (api/customer_scope.h); nullopt for supervisors and admins
  // (everything). `done` runs on the API thread, after a round trip to the control thread.
  void WithCustomerScope(const store::User& user,
                         std::function<void(Result<std::optional<CustomerScope>>)> done);
  int64_t TodayStartMs() const;

  ApiOptions options_;
  store::SqliteDb& db_;
  ControlBridge& control_;
  const Config& config_;
  std::function<void()> reload_flows_;
  const Clock& clock_;
  store::UserStore users_;
  store::CallQueries calls_;
  store::CustomerStore customers_;
  store::FlowStore flows_;
  call::FlowCatalog flow_catalog_;
  RateLimiter rate_;
  SignInGuard sign_in_guard_;
  std::map<unsigned, uint64_t> responses_by_code_;
  std::function<size_t()> ws_clients_;
  std::function<void(const SessionsEnded&)> sessions_ended_;
  PasswordWorker password_worker_;  // last: joined first, before the stores it reports to
};

// Helpers shared by the handler files.
// The body as a JSON object, or an error (400 malformed_json / invalid_body).
std::optional<nlohmann::json> ParseJsonObject(const std::string& body, ApiError* error);
// A string field: nullopt + error if absent (when required) or not a string.
std::optional<std::string> StringField(const nlohmann::json& body, const char* name, bool required,
                                       ApiError* error);
// An integer query parameter; nullopt if absent; error if malformed.
std::optional<int64_t> IntParam(const Request& request, const char* name, ApiError* error);

}  // namespace hotline::api
