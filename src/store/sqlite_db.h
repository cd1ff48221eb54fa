// store/sqlite_db.h: a small RAII wrapper over one sqlite3 connection: open (WAL journal,
// busy timeout, foreign keys), prepared statements with bind/step helpers, Status-returning
// exec, transactions, and numbered schema migrations recorded in table schema_version.
// Not thread-safe: a connection and its statements belong to one thread at a time (the
// storage writer thread in the server; opened on the main thread, then handed over).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace hotline::store {

// One prepared statement. Binds are 1-based like SQLite's; a bind error is kept and
// reported by the next Step/Run.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, const std::string& value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string(value)); }
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  Statement& Bind(int index, const std::optional<std::string>& value);

  // Advances: true when a row is ready, false when done, Error otherwise.
  Result<bool> Step();
  // Steps to the end (for statements that return no rows), then resets for reuse.
  Status Run();
  // Makes the statement ready to run again and forgets its binds.
  void Reset();

  // Columns of the current row, 0-based.
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL
  std::optional<int64_t> OptionalInt(int column) const;
  std::optional<std::string> OptionalText(int column) const;

  bool valid() const { return stmt_ != nullptr; }

 private:
  void Note(int rc, int index);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string bind_error_;
};

// One numbered step of the schema. Applied once, in order, each in its own transaction.
struct Migration {
  int version;
  const char* sql;  // one or more statements
};

class SqliteDb {
 public:
  // Opens (creating if needed) with WAL journaling, synchronous=NORMAL, foreign keys on and
  // the given busy timeout. ":memory:" works too (journal mode stays "memory").
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                int busy_timeout_ms = 5000);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(const std::string& sql);

  Status Begin();  // BEGIN IMMEDIATE: takes the write lock now, not at the first write
  Status Commit();
  Status Rollback();
  bool InTransaction() const;

  // Applies the migrations whose version is above the database's schema_version. Refuses a
  // database written by a newer program (version above the last migration known here).
  Status Migrate(const std::vector<Migration>& migrations);
  // The highest applied migration (0 for a new database).
  Result<int> SchemaVersion();

  // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
  int64_t Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Error LastError(const std::string& what) const;

  sqlite3* db_;
  std::string path_;
};

// RAII transaction: rolls back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();

 private:
  SqliteDb& db_;
  bool active_ = false;
};

// The schema of hotline.db, migration 1 first: 1 call records and recordings; 2 call-center
// columns on calls, customers, voicemails, agent_events, flow_versions; 3 console users,
// login sessions, wrap-up code and notes on calls; 4 queues and agents' skills (QueueStore).
const std::vector<Migration>& HotlineMigrations();

// Opens hotline.db (as SqliteDb::Open) and applies HotlineMigrations(). For the stores that
// share the file (CustomerStore, VoicemailStore, AgentEventStore, FlowStore); each
// connection belongs to one thread, and WAL lets readers run beside the writer thread's one.
Result<std::unique_ptr<SqliteDb>> OpenHotlineDb(const std::string& path,
                                                int busy_timeout_ms = 5000);

}  // namespace hotline::store
