// store/user_store.h: console users and their login sessions (tables users and sessions of
// hotline.db, migration 3). A user has a unique username, an argon2id password hash
// (store/password_hash.h), a role (agent, supervisor, admin), optionally the ACD agent it
// works as, and can be disabled. A session is identified by the hash of its bearer token (the
// token itself is never stored); it expires `ttl` after its last use (sliding) and can be
// revoked. Deleting a user deletes its sessions.
// Not thread-safe: a UserStore uses the SqliteDb it is given, which belongs to one thread (the
// API thread in the server); the caller keeps that SqliteDb alive for the store's lifetime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

struct User {
  int64_t id = 0;
  std::string username;
  std::string role;      // "agent" | "supervisor" | "admin"
  std::string agent_id;  // "" if the user is not an agent
  std::string display_name;
  int64_t created_ms = 0;
  bool disabled = false;
};

// What Update changes: each field set is written; the others stay.
struct UserChanges {
  std::optional<std::string> password;  // stored hashed
  std::optional<std::string> role;
  std::optional<std::string> agent_id;  // "" clears it
  std::optional<std::string> display_name;
  std::optional<bool> disabled;
};

// What CreateUser and SeedMissing write.
struct NewUser {
  std::string username;
  std::string password;  // stored hashed
  std::string role;
  std::string agent_id;
  std::string display_name;
};

// "agent", "supervisor" or "admin".
bool IsValidRole(const std::string& role);

class UserStore {
 public:
  // REQUIRES: db carries HotlineMigrations() (see OpenHotlineDb) and outlives the store.
  explicit UserStore(SqliteDb& db) : db_(db) {}

  Result<std::optional<User>> Find(const std::string& username);
  // Every user, by username.
  Result<std::vector<User>> List();
  // Hashes the password and inserts the user. False (nothing written) if the username is
  // taken. Error for an invalid role or an empty username/password, or a database failure.
  Result<bool> Create(const NewUser& user, WallTime now);
  // False if there is no such user.
  Result<bool> Delete(const std::string& username);
  // Writes `changes`; false if there is no such user. Error for an invalid role or an empty
  // password. Sessions are not touched (RevokeSessions).
  Result<bool> Update(const std::string& username, const UserChanges& changes);
  // The user if it exists, is not disabled and `password` matches; nullopt otherwise.
  Result<std::optional<User>> Authenticate(const std::string& username,
                                           const std::string& password);
  // What a sign-in checks, for checking the password elsewhere (PasswordMatches): the
  // user and its stored hash, or nullopt if there is no such user.
  struct SignIn {
    User user;
    std::string password_hash;
  };
  Result<std::optional<SignIn>> FindForSignIn(const std::string& username);
  // Creates each user whose username is absent (hashing only those); returns how many.
  Result<int> SeedMissing(const std::vector<NewUser>& users, WallTime now);

  // Sessions. `token_hash` identifies one; the caller hashes the token.
  Status AddSession(const std::string& token_hash, const std::string& username, WallTime now,
                    Duration ttl);
  // The session's user if the session exists, has not expired and the user is enabled; the
  // expiry moves to now + ttl (written at most once a minute per session).
  Result<std::optional<User>> UseSession(const std::string& token_hash, WallTime now, Duration ttl);
  // The session's user as UseSession finds it, without moving the expiry.
  Result<std::optional<User>> PeekSession(const std::string& token_hash, WallTime now);
  // False if there was no such session.
  Result<bool> RevokeSession(const std::string& token_hash);
  // Deletes every session of `username`; returns how many.
  Result<int> RevokeSessions(const std::string& username);
  // Deletes expired sessions; returns how many.
  Result<int> PurgeExpired(WallTime now);

 private:
  SqliteDb& db_;
};

}  // namespace hotline::store
