#include "store/user_store.h"

#include <utility>

#include "store/cdr_store.h"
#include "store/password_hash.h"

namespace hotline::store {

namespace {

const char* const kUserColumns =
    "id, username, role, COALESCE(agent_id, ''), display_name, created_ms, disabled";

User ReadUser(const Statement& s) {
  User u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  u.role = s.Text(2);
  u.agent_id = s.Text(3);
  u.display_name = s.Text(4);
  u.created_ms = s.Int(5);
  u.disabled = s.Int(6) != 0;
  return u;
}

Result<std::optional<User>> ReadOptionalUser(Statement& query) {
  auto row = query.Step();
  if (!row) return row.error();
  if (!*row) return std::optional<User>();
  return std::optional<User>(ReadUser(query));
}

// A session's expiry is rewritten only when it would move by more than this.
constexpr int64_t kSlideGranularityMs = 60 * 1000;

}  // namespace

bool IsValidRole(const std::string& role) {
  return role == "agent" || role == "supervisor" || role == "admin";
}

Result<std::optional<User>> UserStore::Find(const std::string& username) {
  auto query =
      db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?1");
  if (!query) return query.error();
  query->Bind(1, username);
  return ReadOptionalUser(*query);
}

Result<std::vector<User>> UserStore::List() {
  auto query = db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username");
  if (!query) return query.error();
  std::vector<User> users;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    users.push_back(ReadUser(*query));
  }
  return users;
}

Result<bool> UserStore::Create(const NewUser& user, WallTime now) {
  if (user.username.empty()) return Error{"username is empty"};
  if (user.password.empty()) return Error{"password is empty"};
  if (!IsValidRole(user.role)) return Error{"role must be agent, supervisor or admin"};
  auto hash = HashPassword(user.password);
  if (!hash) return hash.error();
  auto insert = db_.Prepare(
      "INSERT OR IGNORE INTO users (username, password_hash, role, agent_id, display_name, "
      "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return insert.error();
  insert->Bind(1, user.username)
      .Bind(2, *hash)
      .Bind(3, user.role)
      .Bind(4, user.agent_id.empty() ? std::optional<std::string>() : user.agent_id)
      .Bind(5, user.display_name)
      .Bind(6, EpochMs(now));
  if (auto ran = insert->Run(); !ran.ok()) return Error{ran.message()};
  return db_.Changes() > 0;
}

Result<bool> UserStore::Delete(const std::string& username) {
  auto query = db_.Prepare("DELETE FROM users WHERE username = ?1");
  if (!query) return query.error();
  if (auto ran = query->Bind(1, username).Run(); !ran.ok()) return Error{ran.message()};
  return db_.Changes() > 0;
}

Result<bool> UserStore::Update(const std::string& username, const UserChanges& changes) {
  if (changes.role && !IsValidRole(*changes.role)) {
    return Error{"role must be agent, supervisor or admin"};
  }
  if (changes.password && changes.password->empty()) return Error{"password is empty"};
  auto existing = Find(username);
  if (!existing) return existing.error();
  if (!*existing) return false;
  std::optional<std::string> hash;
  if (changes.password) {
    auto made = HashPassword(*changes.password);
    if (!made) return made.error();
    hash = std::move(made).value();
  }
  const User& was = **existing;
  std::string agent = changes.agent_id.value_or(was.agent_id);
  auto update = db_.Prepare(
      "UPDATE users SET password_hash = COALESCE(?2, password_hash), role = ?3, agent_id = ?4, "
      "display_name = ?5, disabled = ?6 WHERE username = ?1");
  if (!update) return update.error();
  update->Bind(1, username)
      .Bind(2, hash)
      .Bind(3, changes.role.value_or(was.role))
      .Bind(4, agent.empty() ? std::optional<std::string>() : agent)
      .Bind(5, changes.display_name.value_or(was.display_name))
      .Bind(6, static_cast<int64_t>(changes.disabled.value_or(was.disabled) ? 1 : 0));
  if (auto ran = update->Run(); !ran.ok()) return Error{ran.message()};
  return db_.Changes() > 0;
}

Result<std::optional<UserStore::SignIn>> UserStore::FindForSignIn(const std::string& username) {
  auto query = db_.Prepare(std::string("SELECT ") + kUserColumns +
                           ", password_hash FROM users WHERE username = ?1");
  if (!query) return query.error();
  query->Bind(1, username);
  auto row = query->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<SignIn>();
  SignIn found{ReadUser(*query), query->Text(7)};
  query->Reset();
  return std::optional<SignIn>(std::move(found));
}

Result<std::optional<User>> UserStore::Authenticate(const std::string& username,
                                                    const std::string& password) {
  auto found = FindForSignIn(username);
  if (!found) return found.error();
  if (!*found) {
    // As slow as a wrong password, so the answer time does not tell which usernames exist.
    static const std::string kDummy = [] {
      auto hash = HashPassword("no such user");
      return hash.ok() ? *hash : std::string();
    }();
    (void)PasswordMatches(password, kDummy);
    return std::optional<User>();
  }
  if ((*found)->user.disabled || !PasswordMatches(password, (*found)->password_hash)) {
    return std::optional<User>();
  }
  return std::optional<User>(std::move((*found)->user));
}

Result<int> UserStore::SeedMissing(const std::vector<NewUser>& users, WallTime now) {
  int added = 0;
  for (const NewUser& user : users) {
    auto existing = Find(user.username);
    if (!existing) return existing.error();
    if (*existing) continue;
    auto created = Create(user, now);
    if (!created) return Error{user.username + ": " + created.error().message};
    if (*created) ++added;
  }
  return added;
}

Status UserStore::AddSession(const std::string& token_hash, const std::string& username,
                             WallTime now, Duration ttl) {
  auto insert = db_.Prepare(
      "INSERT INTO sessions (token_hash, username, created_ms, expires_ms, last_seen_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?3)");
  if (!insert) return insert.error();
  int64_t now_ms = EpochMs(now);
  return insert->Bind(1, token_hash)
      .Bind(2, username)
      .Bind(3, now_ms)
      .Bind(4, now_ms + ttl.count())
      .Run();
}

Result<std::optional<User>> UserStore::UseSession(const std::string& token_hash, WallTime now,
                                                  Duration ttl) {
  int64_t now_ms = EpochMs(now);
  auto query = db_.Prepare(
      "SELECT u.id, u.username, u.role, COALESCE(u.agent_id, ''), u.display_name, u.created_ms, "
      "u.disabled, s.expires_ms FROM sessions s JOIN users u ON u.username = s.username "
      "WHERE s.token_hash = ?1");
  if (!query) return query.error();
  query->Bind(1, token_hash);
  auto row = query->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<User>();
  User user = ReadUser(*query);
  int64_t expires_ms = query->Int(7);
  query->Reset();
  if (expires_ms <= now_ms || user.disabled) return std::optional<User>();
  int64_t new_expiry = now_ms + ttl.count();
  if (new_expiry - expires_ms > kSlideGranularityMs) {
    auto slide =
        db_.Prepare("UPDATE sessions SET expires_ms = ?2, last_seen_ms = ?3 WHERE token_hash = ?1");
    if (!slide) return slide.error();
    if (auto ran = slide->Bind(1, token_hash).Bind(2, new_expiry).Bind(3, now_ms).Run();
        !ran.ok()) {
      return Error{ran.message()};
    }
  }
  return std::optional<User>(std::move(user));
}

Result<std::optional<User>> UserStore::PeekSession(const std::string& token_hash, WallTime now) {
  auto query = db_.Prepare(
      "SELECT u.id, u.username, u.role, COALESCE(u.agent_id, ''), u.display_name, u.created_ms, "
      "u.disabled, s.expires_ms FROM sessions s JOIN users u ON u.username = s.username "
      "WHERE s.token_hash = ?1");
  if (!query) return query.error();
  query->Bind(1, token_hash);
  auto row = query->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<User>();
  User user = ReadUser(*query);
  int64_t expires_ms = query->Int(7);
  query->Reset();
  if (expires_ms <= EpochMs(now) || user.disabled) return std::optional<User>();
  return std::optional<User>(std::move(user));
}

Result<int> UserStore::RevokeSessions(const std::string& username) {
  auto query = db_.Prepare("DELETE FROM sessions WHERE username = ?1");
  if (!query) return query.error();
  if (auto ran = query->Bind(1, username).Run(); !ran.ok()) return Error{ran.message()};
  return static_cast<int>(db_.Changes());
}

Result<bool> UserStore::RevokeSession(const std::string& token_hash) {
  auto query = db_.Prepare("DELETE FROM sessions WHERE token_hash = ?1");
  if (!query) return query.error();
  if (auto ran = query->Bind(1, token_hash).Run(); !ran.ok()) return Error{ran.message()};
  return db_.Changes() > 0;
}

Result<int> UserStore::PurgeExpired(WallTime now) {
  auto query = db_.Prepare("DELETE FROM sessions WHERE expires_ms <= ?1");
  if (!query) return query.error();
  if (auto ran = query->Bind(1, EpochMs(now)).Run(); !ran.ok()) return Error{ran.message()};
  return static_cast<int>(db_.Changes());
}

}  // namespace hotline::store
