// store/call_queries.h: the reads the API makes on call records (table calls) and recordings,
// and the writes it owns there: the agent's wrap-up code and notes, and the customer the
// agent picked in the screen pop. Lists are newest
// first with a cursor (`before`, on start_ms); per-queue figures for a day. Call records are
// otherwise written only by the storage writer (CdrStore).
// Not thread-safe: uses the SqliteDb it is given, which belongs to one thread (the API
// thread in the server); the caller keeps that SqliteDb alive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

// One call as the API shows it (see the calls table for each column's meaning).
struct CallRecord {
  std::string id;
  std::string from_number, from_display, to_number, direction;
  int64_t start_ms = 0;
  std::optional<int64_t> answer_ms, end_ms, talk_ms, total_ms;
  std::string disposition, hangup_cause, hangup_side, state;
  std::string recording_path;
  std::string ivr_path, queue;
  std::optional<int64_t> queued_ms, wait_ms;
  std::string agent;
  std::optional<int64_t> agent_answer_ms, hold_ms, wrapup_ms, abandoned_ms;
  int64_t transfers = 0;
  std::optional<int64_t> survey_score;
  std::string wrapup_code, notes;
  std::optional<int64_t> customer_id;  // picked by the agent when several share the number
};

// Filters of ListCalls; empty / nullopt fields do not filter.
struct CallFilter {
  std::optional<int64_t> from_ms, to_ms;  // start_ms in [from_ms, to_ms)
  std::optional<int64_t> before_ms;       // cursor: start_ms < before_ms
  std::string agent, queue, disposition;
  std::string number;  // from_number or to_number
  int limit = 50;
};

// Today's figures of one queue (calls whose queued_ms >= since).
struct QueueDayStats {
  std::string queue;
  int64_t offered = 0;          // queued
  int64_t answered = 0;         // an agent answered
  int64_t abandoned = 0;        // the caller hung up while queued
  int64_t answered_within = 0;  // answered with wait_ms <= the service-level threshold
  int64_t average_speed_of_answer_ms = 0;
};

struct RecordingInfo {
  int64_t id = 0;
  std::string call_id, path, state;
  int64_t start_ms = 0;
  std::optional<int64_t> duration_ms, size_bytes;
  // From the call.
  std::string agent, from_number, to_number, queue;
};

class CallQueries {
 public:
  explicit CallQueries(SqliteDb& db) : db_(db) {}

  Result<std::vector<CallRecord>> ListCalls(const CallFilter& filter);
  Result<std::optional<CallRecord>> GetCall(const std::string& id);
  // The newest calls from or to any of `numbers`.
  Result<std::vector<CallRecord>> CallsOfNumbers(const std::vector<std::string>& numbers,
                                                 int limit);
  // False if there is no such call.
  Result<bool> SetWrapup(const std::string& id, const std::string& code, const std::string& notes);
  // The customer the agent picked for the call (nullopt: none). False if there is no such call.
  Result<bool> SetCustomer(const std::string& id, std::optional<int64_t> customer_id);

  // Per queue, calls queued since `since_ms`; `within_ms` is the service-level threshold.
  Result<std::vector<QueueDayStats>> QueueStats(int64_t since_ms, int64_t within_ms);
  // Calls started since `since_ms` by disposition ("open" for calls still running).
  Result<std::vector<std::pair<std::string, int64_t>>> DispositionCounts(int64_t since_ms);

  // Newest first; `agent` non-empty: only recordings of that agent's calls.
  Result<std::vector<RecordingInfo>> ListRecordings(const std::string& agent, int limit,
                                                    std::optional<int64_t> before_ms);
  Result<std::optional<RecordingInfo>> GetRecording(int64_t id);

 private:
  SqliteDb& db_;
};

}  // namespace hotline::store
