// The route table, dispatch (rate limit, routing, authentication, roles), user seeding,
// static files and the helpers the handler files share. Handlers are in api_*.cpp.
#include "api/api.h"

#include <charconv>
#include <filesystem>

#include "api/static_files.h"
#include "api/token.h"
#include "common/log.h"

namespace hotline::api {

namespace {

using nlohmann::json;

const char kNoConsolePage[] =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Hotline</title></head><body>"
    "<h1>Hotline</h1><p>The web console was not built. Build it (<code>cd web && npm install "
    "&& npm run build</code>) or point <code>HOTLINE_WEB_ROOT</code> at its <code>dist</code> "
    "directory. The API is at <code>/api/v1/</code>.</p></body></html>\n";

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

}  // namespace

const std::vector<Route>& Api::Routes() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/healthz", Access::kPublic, &Api::Health},
      {"GET", "/metrics", Access::kPublic, &Api::Metrics},
      {"POST", "/api/v1/session", Access::kPublic, &Api::Login},
      {"DELETE", "/api/v1/session", Access::kAgent, &Api::Logout},
      {"GET", "/api/v1/me", Access::kAgent, &Api::Me},
      {"GET", "/api/v1/agents", Access::kAgent, &Api::ListAgents},
      {"GET", "/api/v1/agents/{id}", Access::kAgent, &Api::GetAgent},
      {"POST", "/api/v1/agents/{id}/state", Access::kAgent, &Api::SetAgentState},
      {"GET", "/api/v1/users", Access::kAdmin, &Api::ListUsers},
      {"POST", "/api/v1/users", Access::kAdmin, &Api::CreateUser},
      {"DELETE", "/api/v1/users/{username}", Access::kAdmin, &Api::DeleteUser},
      {"PATCH", "/api/v1/users/{username}", Access::kAdmin, &Api::UpdateUser},
      {"GET", "/api/v1/queues", Access::kSupervisor, &Api::ListQueues},
      {"POST", "/api/v1/queues", Access::kAdmin, &Api::CreateQueue},
      {"GET", "/api/v1/queues/{name}", Access::kSupervisor, &Api::GetQueue},
      {"PUT", "/api/v1/queues/{name}", Access::kAdmin, &Api::PutQueue},
      {"DELETE", "/api/v1/queues/{name}", Access::kAdmin, &Api::DeleteQueue},
      {"PUT", "/api/v1/agents/{id}/skills", Access::kAdmin, &Api::PutAgentSkills},
      {"GET", "/api/v1/ivr-flows/{name}/calendars", Access::kSupervisor, &Api::GetFlowCalendars},
      {"PUT", "/api/v1/ivr-flows/{name}/calendars", Access::kAdmin, &Api::PutFlowCalendars},
      {"GET", "/api/v1/skills", Access::kAgent, &Api::ListSkills},
      {"GET", "/api/v1/calls", Access::kAgent, &Api::ListCalls},
      {"GET", "/api/v1/calls/{id}", Access::kAgent, &Api::GetCall},
      {"POST", "/api/v1/calls/{id}/wrapup", Access::kAgent, &Api::PostWrapup},
      {"PUT", "/api/v1/calls/{id}/customer", Access::kAgent, &Api::PutCallCustomer},
      {"GET", "/api/v1/recordings", Access::kAgent, &Api::ListRecordings},
      {"GET", "/api/v1/recordings/{id}/audio", Access::kAgent, &Api::RecordingAudio},
      {"GET", "/api/v1/customers", Access::kAgent, &Api::FindCustomers},
      {"GET", "/api/v1/customers/{id}", Access::kAgent, &Api::GetCustomer},
      {"GET", "/api/v1/ivr-flows", Access::kSupervisor, &Api::ListFlows},
      {"GET", "/api/v1/ivr-flows/{name}", Access::kSupervisor, &Api::GetFlow},
      {"PUT", "/api/v1/ivr-flows/{name}", Access::kAdmin, &Api::PutFlow},
      {"GET", "/api/v1/events", Access::kAgent, &Api::Events},
  };
  return kRoutes;
}

const std::vector<RouteKey>& Api::RouteKeys() {
  static const std::vector<RouteKey> kKeys = [] {
    std::vector<RouteKey> keys;
    for (const Route& route : Routes()) keys.push_back({route.method, route.pattern});
    return keys;
  }();
  return kKeys;
}

Api::Api(ApiOptions options, store::SqliteDb& db, ControlBridge& control, const Config& config,
         std::function<void()> reload_flows, const Clock& clock)
    : options_(std::move(options)),
      db_(db),
      control_(control),
      config_(config),
      reload_flows_(std::move(reload_flows)),
      clock_(clock),
      users_(db),
      calls_(db),
      customers_(db),
      flows_(db),
      flow_catalog_(flows_, config.dial_plan),
      rate_(options_.rate_per_s, options_.rate_burst),
      sign_in_guard_(options_.sign_in),
      password_worker_(control.loop(), options_.password_pool) {
  // Learn which flow answers which number (the control thread stored the seeds already).
  if (auto seeded = flow_catalog_.Seed(clock_.WallNow()); !seeded.ok()) {
    HLOG_WARN("API: IVR flows: {}", seeded.message());
  }
}

void Api::SeedUsers(bool demo) {
  std::vector<store::NewUser> seeds;
  if (demo) {
    seeds.push_back({"admin", "demo-admin", "admin", "", "Demo administrator"});
    seeds.push_back({"supervisor", "demo-supervisor", "supervisor", "", "Demo supervisor"});
  }
  for (const SipUser& user : config_.users) {
    if (user.password.empty()) continue;
    seeds.push_back({user.number, user.password, "agent", user.number, user.display_name});
  }
  auto added = users_.SeedMissing(seeds, clock_.WallNow());
  if (!added) {
    HLOG_ERROR("API: seeding console users: {}", added.error().message);
  } else if (*added > 0) {
    HLOG_INFO("API: added {} console user(s)", *added);
  }
  if (auto purged = users_.PurgeExpired(clock_.WallNow()); purged && *purged > 0) {
    HLOG_INFO("API: removed {} expired session(s)", *purged);
  }
}

size_t Api::BodyLimitFor(const std::string& method, const std::string& path) const {
  if (method == "PUT" && path.rfind("/api/v1/ivr-flows/", 0) == 0) return options_.flow_body_limit;
  return options_.body_limit;
}

bool Api::AllowRate(const std::string& client_ip) { return rate_.Allow(client_ip, clock_.Now()); }

std::optional<store::User> Api::Authenticate(Request& request, bool allow_query_token) {
  std::string token;
  const std::string bearer = "Bearer ";
  if (request.authorization.compare(0, bearer.size(), bearer) == 0) {
    token = request.authorization.substr(bearer.size());
  }
  if (token.empty()) token = CookieValue(request.cookie, "hotline_session");
  if (token.empty() && allow_query_token) {
    auto it = request.query.find("token");
    if (it != request.query.end()) token = it->second;
  }
  if (token.empty() || token.size() > 256) return std::nullopt;
  std::string hash = HashToken(token);
  auto user = users_.UseSession(hash, clock_.WallNow(), options_.session_ttl);
  if (!user) {
    HLOG_ERROR("API: session lookup: {}", user.error().message);
    return std::nullopt;
  }
  if (!*user) return std::nullopt;
  request.token_hash = hash;
  return *user;
}

std::optional<store::User> Api::AuthenticateUpgrade(const Request& request, ApiError* error,
                                                    std::string* token_hash) {
  Request copy = request;
  auto user = Authenticate(copy, true);
  if (!user) *error = Unauthorized("a valid session token is required");
  *token_hash = copy.token_hash;
  return user;
}

bool Api::SessionStillValid(const std::string& token_hash, const store::User& user, bool used) {
  // A socket the user sent commands on keeps its session alive like any request; an idle
  // open socket alone does not.
  auto now = used ? users_.UseSession(token_hash, clock_.WallNow(), options_.session_ttl)
                  : users_.PeekSession(token_hash, clock_.WallNow());
  if (!now) return true;  // a database hiccup does not close sockets
  return *now && (*now)->username == user.username && (*now)->role == user.role &&
         (*now)->agent_id == user.agent_id;
}

void Api::EndSessions(const SessionsEnded& ended) {
  if (sessions_ended_) sessions_ended_(ended);
  StopListening(ended.username);
}

void Api::StopListening(const std::string& username) {
  call::AgentCommand stop;
  stop.kind = call::AgentCommand::Kind::kStopListening;
  stop.requested_by = username;
  control_.Tell([stop](call::ControlPort& port) { (void)port.Command(stop); });
}

void Api::Handle(Request request, Respond respond) {
  if (!AllowRate(request.client_ip)) {
    Reply reply = Reply::Fail(TooManyRequests("too many requests; slow down"));
    reply.headers.emplace_back("Retry-After", "1");
    return respond(std::move(reply));
  }
  bool api_path = request.path.rfind("/api/", 0) == 0;
  RouteLookup found = FindRoute(RouteKeys(), request.method, request.path);
  if (!found.index) {
    if (found.path_known) return respond(Reply::Fail(MethodNotAllowed()));
    if (!api_path && (request.method == "GET" || request.method == "HEAD")) {
      return ServeStatic(request, std::move(respond));
    }
    return respond(Reply::Fail(NotFound("no route for " + request.method + " " + request.path)));
  }
  const Route& route = Routes()[*found.index];
  request.params = std::move(found.params);
  if (route.access != Access::kPublic) {
    request.user = Authenticate(request, false);
    if (!request.user) return respond(Reply::Fail(Unauthorized()));
    if (!Allows(route.access, request.user->role)) return respond(Reply::Fail(Forbidden()));
  }
  (this->*route.handler)(request, std::move(respond));
}

void Api::ServeStatic(Request& request, Respond respond) {
  std::error_code ec;
  if (options_.web_root.empty() || !std::filesystem::is_directory(options_.web_root, ec)) {
    if (request.path == "/" || request.path == "/index.html") {
      Reply reply;
      reply.content_type = "text/html; charset=utf-8";
      reply.body = kNoConsolePage;
      return respond(std::move(reply));
    }
    return respond(Reply::Fail(NotFound()));
  }
  if (!IsSafeUrlPath(PercentDecode(request.path))) {
    return respond(Reply::Fail(BadRequest("bad_path", "the path is not allowed")));
  }
  auto file = ResolveStatic(options_.web_root, request.path);
  if (!file) return respond(Reply::Fail(NotFound()));
  Reply reply;
  reply.content_type = ContentTypeFor(*file);
  reply.file_path = *file;
  // Vite's hashed assets never change; index.html must be re-read.
  reply.headers.emplace_back("Cache-Control", request.path.rfind("/assets/", 0) == 0
                                                  ? "public, max-age=31536000, immutable"
                                                  : "no-cache");
  respond(std::move(reply));
}

void Api::Health(Request&, Respond respond) { respond(Reply::Json({{"status", "ok"}})); }

void Api::Events(Request&, Respond respond) {
  // Reached only without an Upgrade header: the session handles real upgrades.
  respond(Reply::Fail({426, "websocket_required", "connect with a WebSocket upgrade"}));
}

bool Api::MaySeeAgent(const store::User& user, const std::string& agent_id) const {
  if (user.role == "agent") return !user.agent_id.empty() && user.agent_id == agent_id;
  return true;
}

int64_t Api::TodayStartMs() const {
  int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.WallNow().time_since_epoch())
          .count();
  constexpr int64_t kDayMs = 24LL * 3600 * 1000;
  return now_ms - now_ms % kDayMs;  // midnight UTC
}

std::optional<json> ParseJsonObject(const std::string& body, ApiError* error) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    *error = BadRequest("malformed_json", "the request body is not valid JSON");
    return std::nullopt;
  }
  if (!parsed.is_object()) {
    *error = BadRequest("invalid_body", "the request body must be a JSON object");
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::string> StringField(const json& body, const char* name, bool required,
                                       ApiError* error) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) {
      *error = BadRequest("invalid_field", std::string("field \"") + name + "\" is required");
      return std::nullopt;
    }
    return std::string();
  }
  if (!it->is_string()) {
    *error = BadRequest("invalid_field", std::string("field \"") + name + "\" must be a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<int64_t> IntParam(const Request& request, const char* name, ApiError* error) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::nullopt;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    *error = BadRequest("invalid_parameter",
                        std::string("query parameter \"") + name + "\" must be an integer");
    return std::nullopt;
  }
  return value;
}

}  // namespace hotline::api
