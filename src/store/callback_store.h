// store/callback_store.h: callers waiting to be called back (table callbacks, migration 6).
// The ACD keeps a callback's place in memory; this table lets a restart put the waiting
// callbacks back in their queues (in the order they were asked for). A row is written when
// the caller asks and deleted when the callback is answered or given up.
// Not thread-safe: uses the SqliteDb it is given, which belongs to one thread; the caller
// keeps that SqliteDb alive for the store's lifetime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

struct WaitingCallback {
  std::string acd_id;          // the call's id in the ACD (the original call's)
  std::string number;          // to dial
  std::string sip_user;        // the SIP user to ring, for internal callers ("" otherwise)
  std::string trunk_uri_host;  // else the trunk to dial through, "address:port"
  std::string language;        // of the announcements ("zh", "en")
  std::string queue;
  std::string original_call;  // calls.id of the call that asked
  int64_t queued_ms = 0;      // epoch ms when the caller first queued
};

class CallbackStore {
 public:
  explicit CallbackStore(SqliteDb& db) : db_(db) {}

  // Inserts or replaces the row of callback.acd_id.
  Status Save(const WaitingCallback& callback);
  Status Delete(const std::string& acd_id);
  // Every waiting callback, oldest request first.
  Result<std::vector<WaitingCallback>> All();

 private:
  SqliteDb& db_;
};

}  // namespace hotline::store
