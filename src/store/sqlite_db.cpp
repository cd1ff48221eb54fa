#include "store/sqlite_db.h"

#include <utility>

namespace hotline::store {

// ---- Statement --------------------------------------------------------------------------

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

void Statement::Note(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_.empty()) {
    bind_error_ = "bind parameter " + std::to_string(index) + ": " + sqlite3_errstr(rc);
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  Note(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::Bind(int index, const std::string& value) {
  Note(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
       index);
  return *this;
}

Statement& Statement::BindNull(int index) {
  Note(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Statement& Statement::Bind(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (stmt_ == nullptr) return Error{"statement not prepared"};
  if (!bind_error_.empty()) {
    std::string message = std::move(bind_error_);
    bind_error_.clear();
    return Error{message};
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  return Error{message};
}

Status Statement::Run() {
  Result<bool> step = false;
  do {
    step = Step();
  } while (step.ok() && step.value());
  Reset();
  if (!step.ok()) return step.error();
  return Status::Ok();
}

void Statement::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_.clear();
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return "";
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

// ---- SqliteDb ---------------------------------------------------------------------------

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* handle = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return Error{path + ": " + message};
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle, path));
  sqlite3_busy_timeout(handle, busy_timeout_ms);
  sqlite3_extended_result_codes(handle, 1);

  // journal_mode answers with the mode in effect; anything but wal/memory means the file
  // cannot use WAL (e.g. a file system without shared memory), which we refuse to hide.
  auto mode = db->Prepare("PRAGMA journal_mode=WAL");
  if (!mode) return Error{path + ": " + mode.error().message};
  auto row = mode->Step();
  if (!row) return Error{path + ": " + row.error().message};
  std::string journal = *row ? mode->Text(0) : "";
  mode->Reset();
  if (journal != "wal" && journal != "memory") {
    return Error{path + ": cannot use WAL journaling (journal_mode is \"" + journal + "\")"};
  }
  // WAL + NORMAL: a committed transaction survives a process crash; only a power loss may
  // drop the last ones.
  if (auto pragmas = db->Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
      !pragmas.ok()) {
    return Error{path + ": " + pragmas.message()};
  }
  return db;
}

SqliteDb::~SqliteDb() {
  // Every Statement must be finalized by now; sqlite3_close_v2 copes if one is not.
  sqlite3_close_v2(db_);
}

Error SqliteDb::LastError(const std::string& what) const {
  return Error{what + ": " + sqlite3_errmsg(db_)};
}

Status SqliteDb::Exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Error{text};
}

Result<Statement> SqliteDb::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return LastError("prepare \"" + sql + "\"");
  if (stmt == nullptr) return Error{"prepare: empty statement"};
  return Statement(db_, stmt);
}

Status SqliteDb::Begin() { return Exec("BEGIN IMMEDIATE"); }
Status SqliteDb::Commit() { return Exec("COMMIT"); }
Status SqliteDb::Rollback() {
  if (!InTransaction()) return Status::Ok();  // SQLite may have rolled back already
  return Exec("ROLLBACK");
}
bool SqliteDb::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }

Result<int> SqliteDb::SchemaVersion() {
  if (auto created =
          Exec("CREATE TABLE IF NOT EXISTS schema_version ("
               "  version INTEGER PRIMARY KEY,"
               "  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
      !created.ok()) {
    return Error{"schema_version: " + created.message()};
  }
  auto query = Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!query) return query.error();
  auto row = query->Step();
  if (!row) return row.error();
  return static_cast<int>(*row ? query->Int(0) : 0);
}

Status SqliteDb::Migrate(const std::vector<Migration>& migrations) {
  auto current = SchemaVersion();
  if (!current) return Error{path_ + ": " + current.error().message};
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (*current > newest) {
    return Error{path_ + ": database schema version " + std::to_string(*current) +
                 " is newer than this program knows (" + std::to_string(newest) + ")"};
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= *current) continue;
    Transaction transaction(*this);
    if (auto begun = transaction.Begin(); !begun.ok()) return begun;
    if (auto applied = Exec(migration.sql); !applied.ok()) {
      return Error{path_ + ": migration " + std::to_string(migration.version) + ": " +
                   applied.message()};
    }
    auto record = Prepare("INSERT INTO schema_version (version) VALUES (?1)");
    if (!record) return record.error();
    if (auto recorded = record->Bind(1, migration.version).Run(); !recorded.ok()) {
      return recorded;
    }
    if (auto committed = transaction.Commit(); !committed.ok()) return committed;
  }
  return Status::Ok();
}

Result<std::unique_ptr<SqliteDb>> OpenHotlineDb(const std::string& path, int busy_timeout_ms) {
  auto db = SqliteDb::Open(path, busy_timeout_ms);
  if (!db) return db.error();
  if (auto migrated = (*db)->Migrate(HotlineMigrations()); !migrated.ok()) {
    return Error{migrated.message()};
  }
  return db;
}

// ---- Transaction ------------------------------------------------------------------------

Transaction::~Transaction() {
  if (active_) (void)db_.Rollback();
}

Status Transaction::Begin() {
  Status begun = db_.Begin();
  active_ = begun.ok();
  return begun;
}

Status Transaction::Commit() {
  if (!active_) return Error{"commit without an open transaction"};
  Status committed = db_.Commit();
  if (committed.ok()) active_ = false;  // on failure the destructor rolls back
  return committed;
}

// ---- Schema -----------------------------------------------------------------------------

const std::vector<Migration>& HotlineMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       // One row per call, written ahead: inserted 'open' when the call arrives, updated when
       // answered and when it ends. Times are ISO-8601 UTC text (for people) plus epoch
       // milliseconds (for arithmetic and ordering).
       "CREATE TABLE calls ("
       "  id TEXT PRIMARY KEY,"
       "  sip_call_id TEXT,"
       "  from_number TEXT,"
       "  from_display TEXT,"
       "  to_number TEXT,"
       "  direction TEXT,"  // inbound | outbound | internal
       "  source_ip TEXT,"
       "  answered_by TEXT,"
       "  start_time TEXT NOT NULL,"
       "  answer_time TEXT,"
       "  end_time TEXT,"
       "  start_ms INTEGER NOT NULL,"
       "  answer_ms INTEGER,"
       "  end_ms INTEGER,"
       "  ring_ms INTEGER,"
       "  talk_ms INTEGER,"
       "  total_ms INTEGER,"
       "  disposition TEXT,"
       "  hangup_cause TEXT,"
       "  hangup_side TEXT,"  // caller | callee | system
       "  sip_status INTEGER,"
       "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),"
       "  recording_path TEXT,"
       "  dtmf_digits TEXT"  // digits collected by the read-back application
       ");"
       "CREATE INDEX calls_start_ms ON calls(start_ms);"
       "CREATE INDEX calls_open ON calls(state) WHERE state = 'open';"
       "CREATE TABLE recordings ("
       "  id INTEGER PRIMARY KEY,"
       "  call_id TEXT NOT NULL REFERENCES calls(id),"
       "  path TEXT NOT NULL,"
       "  start_time TEXT NOT NULL,"
       "  end_time TEXT,"
       "  start_ms INTEGER NOT NULL,"
       "  end_ms INTEGER,"
       "  duration_ms INTEGER,"
       "  size_bytes INTEGER,"
       "  state TEXT NOT NULL DEFAULT 'recording'"
       "    CHECK (state IN ('recording', 'complete', 'interrupted'))"
       ");"
       "CREATE INDEX recordings_call_id ON recordings(call_id);"
       "CREATE INDEX recordings_path ON recordings(path);"},
      {2,
       // The inbound call center. Call records learn the IVR path and the queue/agent
       // figures; new tables hold customers, voicemail, agent state events and IVR flow
       // versions. Columns added to calls are NULL for calls made before this version.
       "ALTER TABLE calls ADD COLUMN ivr_path TEXT;"  // "lang:1>main:2": node:key, '>'-joined
       "ALTER TABLE calls ADD COLUMN queue TEXT;"
       "ALTER TABLE calls ADD COLUMN queued_ms INTEGER;"  // epoch ms when first queued
       "ALTER TABLE calls ADD COLUMN wait_ms INTEGER;"    // queued to agent answer
       "ALTER TABLE calls ADD COLUMN agent TEXT;"
       "ALTER TABLE calls ADD COLUMN agent_answer_ms INTEGER;"  // epoch ms
       "ALTER TABLE calls ADD COLUMN ring_agent_ms INTEGER;"    // offered to agent answer
       "ALTER TABLE calls ADD COLUMN hold_ms INTEGER;"          // sum over holds
       "ALTER TABLE calls ADD COLUMN wrapup_ms INTEGER;"
       "ALTER TABLE calls ADD COLUMN abandoned_ms INTEGER;"  // queued to caller hang-up
       "ALTER TABLE calls ADD COLUMN transfers INTEGER NOT NULL DEFAULT 0;"
       "ALTER TABLE calls ADD COLUMN survey_score INTEGER;"
       "CREATE INDEX calls_queue ON calls(queue, queued_ms) WHERE queued_ms IS NOT NULL;"
       // Customers; a customer may have several phone numbers and a number may belong to
       // several customers (a shared family or office line).
       "CREATE TABLE customers ("
       "  id INTEGER PRIMARY KEY,"
       "  name TEXT NOT NULL,"
       "  account_number TEXT UNIQUE,"  // NULL: no account
       "  pin_hash TEXT,"               // see store/pin_hash.h; NULL: no PIN set
       "  balance_fen INTEGER NOT NULL DEFAULT 0,"
       "  vip INTEGER NOT NULL DEFAULT 0 CHECK (vip IN (0, 1)),"
       "  language TEXT NOT NULL DEFAULT '',"  // "zh", "en", or "" for the default
       "  created_time TEXT NOT NULL,"
       "  created_ms INTEGER NOT NULL,"
       "  updated_time TEXT NOT NULL,"
       "  updated_ms INTEGER NOT NULL"
       ");"
       "CREATE TABLE customer_phones ("
       "  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
       "  number TEXT NOT NULL,"
       "  PRIMARY KEY (customer_id, number)"
       ");"
       "CREATE INDEX customer_phones_number ON customer_phones(number);"
       "CREATE TABLE customer_tags ("
       "  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
       "  tag TEXT NOT NULL,"
       "  PRIMARY KEY (customer_id, tag)"
       ");"
       // Voicemail messages; the audio is a file at path.
       "CREATE TABLE voicemails ("
       "  id INTEGER PRIMARY KEY,"
       "  mailbox TEXT NOT NULL,"
       "  caller_number TEXT NOT NULL DEFAULT '',"
       "  call_id TEXT NOT NULL DEFAULT '',"  // calls.id; no foreign key: written separately
       "  path TEXT NOT NULL,"
       "  received_time TEXT NOT NULL,"
       "  received_ms INTEGER NOT NULL,"
       "  duration_ms INTEGER NOT NULL DEFAULT 0,"
       "  size_bytes INTEGER NOT NULL DEFAULT 0,"
       "  listened INTEGER NOT NULL DEFAULT 0 CHECK (listened IN (0, 1))"
       ");"
       "CREATE INDEX voicemails_mailbox ON voicemails(mailbox, received_ms);"
       // Agent state changes, append-only (the triggers refuse edits and deletes).
       "CREATE TABLE agent_events ("
       "  id INTEGER PRIMARY KEY,"
       "  agent TEXT NOT NULL,"
       "  from_state TEXT NOT NULL,"
       "  to_state TEXT NOT NULL,"
       "  reason TEXT NOT NULL DEFAULT '',"
       "  at_time TEXT NOT NULL,"
       "  at_ms INTEGER NOT NULL"
       ");"
       "CREATE INDEX agent_events_agent ON agent_events(agent, at_ms);"
       "CREATE TRIGGER agent_events_no_update BEFORE UPDATE ON agent_events "
       "BEGIN SELECT RAISE(ABORT, 'agent_events is append-only'); END;"
       "CREATE TRIGGER agent_events_no_delete BEFORE DELETE ON agent_events "
       "BEGIN SELECT RAISE(ABORT, 'agent_events is append-only'); END;"
       // IVR flow documents, every saved version kept; the YAML is stored as given.
       "CREATE TABLE flow_versions ("
       "  name TEXT NOT NULL,"
       "  version INTEGER NOT NULL,"
       "  yaml TEXT NOT NULL,"
       "  author TEXT NOT NULL DEFAULT '',"
       "  saved_time TEXT NOT NULL,"
       "  saved_ms INTEGER NOT NULL,"
       "  PRIMARY KEY (name, version)"
       ");"},
      {3,
       // The HTTP API and console: console users (agents log in with their SIP credentials;
       // supervisors and admins are their own users), login sessions (only a hash of each
       // token is kept) and the agent's wrap-up code and notes on a call.
       "CREATE TABLE users ("
       "  id INTEGER PRIMARY KEY,"
       "  username TEXT NOT NULL UNIQUE,"
       "  password_hash TEXT NOT NULL,"  // argon2id (libsodium crypto_pwhash_str)
       "  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),"
       "  agent_id TEXT,"  // the ACD agent (SIP user) this user works as; NULL: none
       "  display_name TEXT NOT NULL DEFAULT '',"
       "  created_ms INTEGER NOT NULL,"
       "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))"
       ");"
       "CREATE TABLE sessions ("
       "  token_hash TEXT PRIMARY KEY,"  // hex SHA-256 of the bearer token
       "  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,"
       "  created_ms INTEGER NOT NULL,"
       "  expires_ms INTEGER NOT NULL,"  // sliding: moved forward as the session is used
       "  last_seen_ms INTEGER NOT NULL"
       ");"
       "CREATE INDEX sessions_username ON sessions(username);"
       "CREATE INDEX sessions_expires ON sessions(expires_ms);"
       "ALTER TABLE calls ADD COLUMN wrapup_code TEXT;"
       "ALTER TABLE calls ADD COLUMN notes TEXT;"
       "CREATE INDEX calls_agent ON calls(agent, start_ms) WHERE agent IS NOT NULL;"},
      {4,
       // Queues and agents' skills, edited by the administrator (store/queue_store.h): the
       // configuration file seeds them once (config_seeds remembers it), then the database
       // is the truth. Skills and overflow rules are JSON: {"sales": 2} and
       // [{"after_s": 60, "action": "relax", "relax_by": 1}, {"after_s": 120, "action":
       // "add_queue", "target": "operator"}].
       "CREATE TABLE queues ("
       "  name TEXT PRIMARY KEY,"
       "  position INTEGER NOT NULL,"  // listing and start-up order
       "  strategy TEXT NOT NULL,"
       "  skills TEXT NOT NULL DEFAULT '{}',"
       "  ring_timeout_s INTEGER NOT NULL,"
       "  wrap_up_s INTEGER NOT NULL,"
       "  max_wait_s INTEGER NOT NULL,"               // 0: forever
       "  max_wait_target TEXT NOT NULL DEFAULT '',"  // '': voicemail
       "  voicemail TEXT NOT NULL DEFAULT '',"        // '': the queue's name
       "  max_length INTEGER NOT NULL,"
       "  announce_every_s INTEGER NOT NULL,"
       "  offer_callback INTEGER NOT NULL CHECK (offer_callback IN (0, 1)),"
       "  match_language INTEGER NOT NULL CHECK (match_language IN (0, 1)),"
       "  leave_when_empty INTEGER NOT NULL CHECK (leave_when_empty IN (0, 1)),"
       "  sticky_window_s INTEGER NOT NULL,"
       "  sticky_wait_s INTEGER NOT NULL,"
       "  overflow TEXT NOT NULL DEFAULT '[]',"
       "  updated_by TEXT NOT NULL DEFAULT '',"
       "  updated_ms INTEGER NOT NULL"
       ");"
       "CREATE TABLE agent_skills ("
       "  agent TEXT NOT NULL,"  // the SIP user number
       "  skill TEXT NOT NULL,"
       "  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 100),"
       "  PRIMARY KEY (agent, skill)"
       ");"
       "CREATE TABLE config_seeds ("
       "  what TEXT PRIMARY KEY,"  // 'acd': queues and agent_skills
       "  seeded_ms INTEGER NOT NULL"
       ");"},
      {5,
       // The customer the agent picked in the screen pop when several share the caller's
       // number (PUT /api/v1/calls/{id}/customer).
       "ALTER TABLE calls ADD COLUMN customer_id INTEGER;"},
      {6,
       // Callers waiting to be called back (store/callback_store.h): a restart puts them back
       // in their queues.
       "CREATE TABLE callbacks ("
       "  acd_id TEXT PRIMARY KEY,"
       "  number TEXT NOT NULL,"
       "  sip_user TEXT NOT NULL DEFAULT '',"
       "  trunk_uri_host TEXT NOT NULL DEFAULT '',"
       "  language TEXT NOT NULL DEFAULT '',"
       "  queue TEXT NOT NULL,"
       "  original_call TEXT NOT NULL DEFAULT '',"
       "  queued_ms INTEGER NOT NULL"
       ");"},
      {7,
       // Crash recovery (store/cdr_store.h): the storage writer stamps `heartbeat` about once
       // a second while the server runs, so after a kill -9 the calls left open are closed at
       // the server's last sign of life instead of at the restart. recordings.recovery says
       // what recovery did to an interrupted file: 'repaired' (header sizes set from the
       // file's length; duration_ms and size_bytes filled), 'missing' or 'unreadable'.
       "CREATE TABLE heartbeat ("
       "  id INTEGER PRIMARY KEY CHECK (id = 1),"
       "  alive_ms INTEGER NOT NULL"
       ");"
       "ALTER TABLE recordings ADD COLUMN recovery TEXT;"},
  };
  return kMigrations;
}

}  // namespace hotline::store
