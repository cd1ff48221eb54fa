// Sign-in and users: POST/DELETE /api/v1/session, GET /api/v1/me, /api/v1/users (admin).
#include <algorithm>

#include "api/api.h"
#include "api/input_limits.h"
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
  if (auto e = limits::CheckLength("username", *username, limits::kUsername)) {
    return respond(Reply::Fail(*e));
  }
  if (password->size() > limits::kPassword) {
    return respond(Reply::Fail(limits::TooLong("password", limits::kPassword)));
  }

  // Refused before any password work: this user+address, this address or this user failed
  // too often (api/sign_in_guard.h).
  if (auto wait = sign_in_guard_.RetryAfter(*username, request.client_ip, clock_.Now())) {
    Reply reply = Reply::Fail(TooManyRequests("too many failed sign-ins; try again later"));
    reply.headers.emplace_back("Retry-After", std::to_string(wait->count()));
    return respond(std::move(reply));
  }
  auto found = users_.FindForSignIn(*username);
  if (!found) return respond(Reply::Fail(Internal(found.error().message)));
  std::string stored = *found && !(*found)->user.disabled ? (*found)->password_hash : "";
  // The argon2id check waits its turn in the fair queue (one line per address, served in
  // turn) and runs on a worker; the API thread serves others meanwhile.
  Admission admitted = password_worker_.Verify(
      request.client_ip, *password, stored,
      [this, username = *username, client_ip = request.client_ip, respond](bool matches) {
        FinishLogin(username, client_ip, matches, respond);
      });
  if (admitted == Admission::kQueued) return;
  Reply reply =
      admitted == Admission::kSourceFull
          ? Reply::Fail(TooManyRequests("too many sign-ins from your address at once; retry"))
          : Reply::Fail({503, "busy", "too many sign-ins at once; try again in a moment"});
  reply.headers.emplace_back("Retry-After", "1");
  respond(std::move(reply));
}

void Api::FinishLogin(const std::string& username, const std::string& client_ip, bool matches,
                      const Respond& respond) {
  // Read again: the user may have been deleted or disabled while the password was checked.
  Result<std::optional<store::User>> user = std::optional<store::User>();
  if (matches) user = users_.Find(username);
  if (!user) return respond(Reply::Fail(Internal(user.error().message)));
  if (!*user || (*user)->disabled) {
    sign_in_guard_.Failed(username, client_ip, clock_.Now());
    HLOG_INFO("API: failed sign-in for {} from {}", username, client_ip);
    return respond(Reply::Fail({401, "invalid_credentials", "wrong username or password"}));
  }
  sign_in_guard_.Succeeded(username, client_ip, clock_.Now());
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
  HLOG_INFO("API: {} signed out", request.user->username);
  EndSessions({request.user->username, request.token_hash, "signed out"});
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
  if (password->size() > limits::kPassword) {
    return respond(Reply::Fail(limits::TooLong("password", limits::kPassword)));
  }
  for (auto e : {limits::CheckLength("username", *username, limits::kUsername),
                 limits::CheckLength("display_name", *display, limits::kDisplayName),
                 limits::CheckLength("agent", *agent, limits::kName)}) {
    if (e) return respond(Reply::Fail(*e));
  }
  if (!ValidUsername(*username)) {
    return respond(Reply::Fail(Unprocessable(
        "invalid_username", "usernames are 1-64 letters, digits, '_', '-', '.' or '@'")));
  }
  if (password->size() < 8) {
    return respond(
        Reply::Fail(Unprocessable("weak_password", "passwords need at least 8 characters")));
  }
  if (auto all = users_.List(); all && all->size() >= limits::kUsers) {
    return respond(Reply::Fail(*limits::CheckCount("users", all->size() + 1, limits::kUsers)));
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
  EndSessions({username, "", "user deleted"});
  respond(Reply::Empty(204));
}

// Changes a user's password, role, agent, display name or disabled flag. Anything but the
// display name ends the user's sessions (signed out everywhere, sockets closed, monitoring
// stopped): a new password or a lower role must take effect at once, not at the next sign-in.
void Api::UpdateUser(Request& request, Respond respond) {
  const std::string& username = request.params["username"];
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  for (const auto& [key, value] : body->items()) {
    if (key != "password" && key != "role" && key != "agent" && key != "display_name" &&
        key != "disabled") {
      ApiError unknown = BadRequest("invalid_field", key + " is not a user setting");
      unknown.extra["field"] = key;
      return respond(Reply::Fail(unknown));
    }
  }
  store::UserChanges changes;
  for (const char* name : {"password", "role", "agent", "display_name"}) {
    if (!body->contains(name)) continue;
    auto text = StringField(*body, name, true, &error);
    if (!text) return respond(Reply::Fail(error));
    std::string field = name;
    if (field == "password" && text->size() > limits::kPassword) {
      return respond(Reply::Fail(limits::TooLong(field, limits::kPassword)));
    }
    size_t max = field == "display_name" ? limits::kDisplayName : limits::kName;
    if (auto e = limits::CheckLength(field, *text, field == "password" ? limits::kPassword : max)) {
      return respond(Reply::Fail(*e));
    }
    if (field == "password") changes.password = *text;
    if (field == "role") changes.role = *text;
    if (field == "agent") changes.agent_id = *text;
    if (field == "display_name") changes.display_name = *text;
  }
  if (auto it = body->find("disabled"); it != body->end()) {
    if (!it->is_boolean()) {
      ApiError e = BadRequest("invalid_field", "disabled must be true or false");
      e.extra["field"] = "disabled";
      return respond(Reply::Fail(e));
    }
    changes.disabled = it->get<bool>();
  }
  if (changes.password && changes.password->size() < 8) {
    return respond(
        Reply::Fail(Unprocessable("weak_password", "passwords need at least 8 characters")));
  }
  if (changes.role && !store::IsValidRole(*changes.role)) {
    return respond(
        Reply::Fail(Unprocessable("invalid_role", "role must be agent, supervisor or admin")));
  }
  if (changes.agent_id && !changes.agent_id->empty() &&
      std::none_of(config_.users.begin(), config_.users.end(),
                   [&](const SipUser& u) { return u.number == *changes.agent_id; })) {
    return respond(Reply::Fail(
        Unprocessable("unknown_agent", "no SIP user/agent " + *changes.agent_id + " exists")));
  }
  bool self = username == request.user->username;
  if (self &&
      ((changes.role && *changes.role != request.user->role) || changes.disabled.value_or(false))) {
    return respond(Reply::Fail(
        Conflict("cannot_demote_self", "you cannot change your own role or disable yourself")));
  }
  auto updated = users_.Update(username, changes);
  if (!updated) return respond(Reply::Fail(Internal(updated.error().message)));
  if (!*updated) return respond(Reply::Fail(NotFound("no user " + username)));
  bool ends_sessions = changes.password || changes.role || changes.agent_id || changes.disabled;
  if (ends_sessions) {
    if (auto revoked = users_.RevokeSessions(username); !revoked) {
      return respond(Reply::Fail(Internal(revoked.error().message)));
    }
    EndSessions({username, "", "user changed"});
  }
  auto stored = users_.Find(username);
  if (!stored || !*stored) return respond(Reply::Fail(Internal("user vanished after update")));
  HLOG_INFO("API: {} changed user {}{}", request.user->username, username,
            ends_sessions ? " (signed out everywhere)" : "");
  respond(Reply::Json({{"user", ToJson(**stored)}}));
}

}  // namespace hotline::api
