// store/queue_store.h: ACD queues and agents' skills as the administrator edits them (tables
// queues, agent_skills and config_seeds of hotline.db, migration 4). The configuration
// file's `queues:` and `agents:` seed these tables once, on the first start with this schema
// (recorded in config_seeds, so a queue the administrator deleted does not come back); from
// then on the database is the truth and the file's lists are ignored.
// The store checks nothing but the schema: callers validate first (common/queue_rules.h).
// Not thread-safe: uses the SqliteDb it is given, which belongs to one thread and must outlive
// the store (the control thread's at start, the API thread's for edits).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

class QueueStore {
 public:
  // REQUIRES: db carries HotlineMigrations() (see OpenHotlineDb).
  explicit QueueStore(SqliteDb& db) : db_(db) {}

  // Stores `queues` and `agents` (their skills) unless the tables were seeded before; true
  // when it seeded now. One transaction: all or nothing.
  Result<bool> SeedOnce(const std::vector<QueueSettings>& queues,
                        const std::vector<AgentSettings>& agents, WallTime now);

  // Every queue, in the order they were first stored.
  Result<std::vector<QueueSettings>> Queues();
  Result<std::optional<QueueSettings>> Queue(const std::string& name);
  // Inserts the queue (after the others) or replaces the one with the same name.
  Status PutQueue(const QueueSettings& queue, const std::string& author, WallTime now);
  // False when there was no such queue.
  Result<bool> DeleteQueue(const std::string& name);

  // Every agent with at least one skill, by agent.
  Result<std::vector<AgentSettings>> AgentSkills();
  // Replaces the skills of `agent` (an empty map removes them all).
  Status SetAgentSkills(const std::string& agent, const std::map<std::string, int>& skills);

 private:
  Status InsertOrReplace(const QueueSettings& queue, const std::string& author, WallTime now);
  Status ReplaceSkills(const std::string& agent, const std::map<std::string, int>& skills);

  SqliteDb& db_;
};

}  // namespace hotline::store
