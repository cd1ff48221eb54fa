// store/agent_event_store.h: the history of agent state changes (available, ringing,
// on_call, wrap_up, away, ...), append-only (table agent_events of hotline.db, migration 2;
// triggers refuse updates and deletes). The states are the ACD's names; stored as given.
// The server appends through StoreWriter::AppendAgentEvent so no SQLite runs on the control
// thread; reports read with ListForAgent on their own connection.
// Not thread-safe: an AgentEventStore uses the SqliteDb it is given, which belongs to one
// thread; the caller keeps that SqliteDb alive for the store's lifetime.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

struct AgentStateChange {
  std::string agent;  // required
  std::string from_state;
  std::string to_state;  // required
  std::string reason;    // "" if none: "break", "lunch", "missed_offer", ...
  WallTime at{};
};

struct AgentEvent {
  int64_t id = 0;  // increases with each append
  std::string agent;
  std::string from_state;
  std::string to_state;
  std::string reason;
  std::string at_time;  // ISO-8601 UTC
  int64_t at_ms = 0;    // epoch milliseconds
};

class AgentEventStore {
 public:
  // Prepares the append statement. REQUIRES: db carries HotlineMigrations() (see
  // OpenHotlineDb) and outlives the store.
  static Result<std::unique_ptr<AgentEventStore>> Create(SqliteDb& db);

  // Appends one event. Error if agent or to_state is empty.
  Status Append(const AgentStateChange& change);
  // The agent's events at or after `since`, oldest first (by time, then by append order).
  Result<std::vector<AgentEvent>> ListForAgent(const std::string& agent, WallTime since);

 private:
  AgentEventStore(SqliteDb& db, Statement insert) : db_(db), insert_(std::move(insert)) {}

  SqliteDb& db_;
  Statement insert_;
};

}  // namespace hotline::store
