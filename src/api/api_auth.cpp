// Sign-in and users: POST/DELETE /api/v1/session, GET /api/v1/me, /api/v1/users (admin).
#include <algorithm>

#include "api/api.h"
#include "api/json_views.h"
#include "api/token.h"
#include "common/log.h"

namespace hotline::api {

namespace {

using nlohmann::json;

std::string SessionCookie(const std::string& token) {
  return "hotline_session=" + token + "; HttpOnly; SameSite=Strict; Path=/";
}

json UserSummary(const store::User& user) {
  return {{"username", user.username},
          {"role", user.role},
          {"agent", user.agent_id.empty() ? json(nullptr) : json(user.agent_id)},
          {"display_name", user.display_name}};
}

bool ValidUsername(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '@';
  });
}

}  // namespace

void Api::Login(Request& request, Respond respond) {
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  auto username = StringField(*body, "username", true, &error);
  if (!username) return respond(Reply::Fail(error));
  auto password = StringField(*body, "password", true, &error);
  if (!password) return respond(Reply::Fail(error));

  std::string throttle_key = *username + "|" + request.client_ip;
  if (auto wait = login_throttle_.RetryAfter(throttle_key, clock_.Now())) {
    Reply reply = Reply::Fail(TooManyRequests("too many failed sign-ins; try again later"));
    reply.headers.emplace_back("Retry-After", std::to_string(wait->count()));
    return respond(std::move(reply));
  }
  auto found = users_.FindForSignIn(*username);
  if (!found) return respond(Reply::Fail(Internal(found.error().message)));
  std::string stored = *found && !(*found)->user.disabled ? (*found)->password_hash : "";
  // The argon2id check runs on the password worker; the API thread serves others meanwhile.
  password_worker_.Verify(*password, stored,
                          [this, username = *username, client_ip = request.client_ip, throttle_key,
                           respond = std::move(respond)](bool matches) {
                            FinishLogin(username, client_ip, throttle_key, matches, respond);
                          });
}

void Api::FinishLogin(const std::string& username, const std::string& client_ip,
                      const std::string& throttle_key, bool matches, const Respond& respond) {
  // Read again: the user may have been deleted or disabled while the password was checked.
  Result<std::optional<store::User>> user = std::optional<store::User>();
  if (matches) user = users_.Find(username);
  if (!user) return respond(Reply::Fail(Internal(user.error().message)));
  if (!*user || (*user)->disabled) {
    login_throttle_.Failed(throttle_key, clock_.Now());
    HLOG_INFO("API: failed sign-in for {} from {}", username, client_ip);
    return respond(Reply::Fail({401, "invalid_credentials", "wrong username or password"}));
  }
  login_throttle_.Succeeded(throttle_key);
  std::string token = NewToken();
  if (auto added = users_.AddSession(HashToken(token), (*user)->username, clock_.WallNow(),
                                     options_.session_ttl);
      !added.ok()) {
    return respond(Reply::Fail(Internal(added.message())));
  }
  HLOG_INFO("API: {} ({}) signed in from {}", (*user)->username, (*user)->role, client_ip);
  Reply reply =
      Reply::Json({{"token", token},
                   {"expires_in_s",
                    std::chrono::duration_cast<std::chrono::seconds>(options_.session_ttl).count()},
                   {"user", UserSummary(**user)}});
  reply.headers.emplace_back("Set-Cookie", SessionCookie(token));
  reply.headers.emplace_back("Cache-Control", "no-store");
  respond(std::move(reply));
}

void Api::Logout(Request& request, Respond respond) {
  if (auto revoked = users_.RevokeSession(request.token_hash); !revoked) {
    return respond(Reply::Fail(Internal(revoked.error().message)));
  }
  Reply reply = Reply::Empty(204);
  reply.headers.emplace_back("Set-Cookie",
                             "hotline_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  respond(std::move(reply));
}

void Api::Me(Request& request, Respond respond) {
  store::User user = *request.user;
  json out = {{"user", UserSummary(user)}, {"agent", nullptr}};
  if (user.agent_id.empty()) return respond(Reply::Json(out));
  std::string agent_id = user.agent_id;
  control_.Ask(
      [agent_id](call::ControlPort& port) {
        std::optional<call::AgentSnapshot> found;
        for (auto& agent : port.Agents()) {
          if (agent.id == agent_id) found = std::move(agent);
        }
        return found;
      },
      [out, respond](std::optional<call::AgentSnapshot> agent) mutable {
        if (agent) out["agent"] = ToJson(*agent);
        respond(Reply::Json(out));
      });
}

void Api::ListUsers(Request&, Respond respond) {
  auto users = users_.List();
  if (!users) return respond(Reply::Fail(Internal(users.error().message)));
  json list = json::array();
  for (const auto& user : *users) list.push_back(ToJson(user));
  respond(Reply::Json({{"users", list}}));
}

void Api::CreateUser(Request& request, Respond respond) {
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  auto username = StringField(*body, "username", true, &error);
  auto password = username ? StringField(*body, "password", true, &error) : std::nullopt;
  auto role = password ? StringField(*body, "role", true, &error) : std::nullopt;
  auto agent = role ? StringField(*body, "agent", false, &error) : std::nullopt;
  auto display = agent ? StringField(*body, "display_name", false, &error) : std::nullopt;
  if (!display) return respond(Reply::Fail(error));
  if (!ValidUsername(*username)) {
    return respond(Reply::Fail(Unprocessable(
        "invalid_username", "usernames are 1-64 letters, digits, '_', '-', '.' or '@'")));
  }
  if (password->size() < 8) {
    return respond(
        Reply::Fail(Unprocessable("weak_password", "passwords need at least 8 characters")));
  }
  if (!store::IsValidRole(*role)) {
    return respond(
        Reply::Fail(Unprocessable("invalid_role", "role must be agent, supervisor or admin")));
  }
  if (!agent->empty() && std::none_of(config_.users.begin(), config_.users.end(),
                                      [&](const SipUser& u) { return u.number == *agent; })) {
    return respond(
        Reply::Fail(Unprocessable("unknown_agent", "no SIP user/agent " + *agent + " exists")));
  }
  store::NewUser user{*username, *password, *role, *agent, *display};
  auto created = users_.Create(user, clock_.WallNow());
  if (!created) return respond(Reply::Fail(Internal(created.error().message)));
  if (!*created) {
    return respond(Reply::Fail(Conflict("user_exists", "user " + *username + " already exists")));
  }
  auto stored = users_.Find(*username);
  if (!stored || !*stored) return respond(Reply::Fail(Internal("user vanished after create")));
  HLOG_INFO("API: {} created user {} ({})", request.user->username, *username, *role);
  respond(Reply::Json({{"user", ToJson(**stored)}}, 201));
}

void Api::DeleteUser(Request& request, Respond respond) {
  const std::string& username = request.params["username"];
  if (username == request.user->username) {
    return respond(Reply::Fail(Conflict("cannot_delete_self", "you cannot delete yourself")));
  }
  auto deleted = users_.Delete(username);
  if (!deleted) return respond(Reply::Fail(Internal(deleted.error().message)));
  if (!*deleted) return respond(Reply::Fail(NotFound("no user " + username)));
  HLOG_INFO("API: {} deleted user {}", request.user->username, username);
  respond(Reply::Empty(204));
}

}  // namespace hotline::api
