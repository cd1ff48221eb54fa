// store/flow_store.h: IVR flow documents, versioned (table flow_versions of hotline.db,
// migration 2). Every save adds a version (1, 2, ...) per flow name and nothing is
// overwritten, so an earlier flow can be restored by saving it again. The store does not
// parse YAML: the caller validates a flow (ivr/flow_loader) before saving it.
// Not thread-safe: a FlowStore uses the SqliteDb it is given, which belongs to one thread;
// the caller keeps that SqliteDb alive for the store's lifetime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

struct FlowVersion {
  std::string name;
  int version = 0;
  std::string yaml;
  std::string author;
  std::string saved_time;  // ISO-8601 UTC
  int64_t saved_ms = 0;
};

// One flow's newest version, without its text (for listings).
struct FlowSummary {
  std::string name;
  int latest_version = 0;
  std::string author;  // of the latest version
  std::string saved_time;
  int64_t saved_ms = 0;
};

class FlowStore {
 public:
  // REQUIRES: db carries HotlineMigrations() (see OpenHotlineDb) and outlives the store.
  explicit FlowStore(SqliteDb& db) : db_(db) {}

  // Stores `yaml_text` as the next version of flow `name` and returns that version number
  // (1 for a new flow). Error if name or yaml_text is empty.
  Result<int> SaveVersion(const std::string& name, const std::string& yaml_text,
                          const std::string& author, WallTime saved_at);
  // The newest version of the flow, or nullopt if no flow has this name.
  Result<std::optional<FlowVersion>> Latest(const std::string& name);
  // One version of the flow, or nullopt if there is no such version.
  Result<std::optional<FlowVersion>> Get(const std::string& name, int version);
  // Every flow's newest version, by name.
  Result<std::vector<FlowSummary>> List();

 private:
  Result<std::optional<FlowVersion>> ReadOne(Statement& query);

  SqliteDb& db_;
};

}  // namespace hotline::store
