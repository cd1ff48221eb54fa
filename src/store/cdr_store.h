// store/cdr_store.h: call detail records in SQLite, written ahead: a row is inserted 'open'
// when a call arrives and updated as it is answered and ends, so a crash leaves evidence that
// RecoverUnfinished() closes on the next start. Also the recordings made during calls.
// Not thread-safe: in the server it is opened on the main thread (Open, RecoverUnfinished),
// then owned by the storage writer thread (StoreWriter); tests and tools use it directly.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

struct CallStart {
  std::string call_id;  // our id for the call (the primary key)
  std::string sip_call_id;
  std::string from_number;
  std::string from_display;
  std::string to_number;
  std::string direction;  // "inbound" | "outbound" | "internal"
  std::string source_ip;
  WallTime start_time{};
};

struct CallEnd {
  WallTime end_time{};
  // "answered", "no_answer", "busy", "cancelled", "failed", "unknown_number", "rejected"
  std::string disposition;
  // SIP code or text: "normal_clearing", "rtp_timeout", "shutdown", "crash_recovery", ...
  std::string hangup_cause;
  std::string hangup_side;  // "caller" | "callee" | "system"
  int sip_status = 0;       // final SIP status sent to the caller (0: none, stored NULL)
};

// One row of table calls. Times as stored: ISO-8601 UTC text and epoch milliseconds.
struct CdrRow {
  std::string id;
  std::string sip_call_id;
  std::string from_number;
  std::string from_display;
  std::string to_number;
  std::string direction;
  std::string source_ip;
  std::string answered_by;  // "" if not answered
  std::string start_time;
  std::optional<std::string> answer_time;
  std::optional<std::string> end_time;
  int64_t start_ms = 0;
  std::optional<int64_t> answer_ms;
  std::optional<int64_t> end_ms;
  std::optional<int64_t> ring_ms;   // start to answer, or to end if never answered
  std::optional<int64_t> talk_ms;   // answer to end (0 if never answered)
  std::optional<int64_t> total_ms;  // start to end
  std::string disposition;
  std::string hangup_cause;
  std::string hangup_side;
  std::optional<int64_t> sip_status;
  std::string state;  // "open" | "closed"
  std::string recording_path;
  std::string dtmf_digits;
};

struct RecordingRow {
  int64_t id = 0;
  std::string call_id;
  std::string path;
  std::string start_time;
  std::optional<std::string> end_time;
  int64_t start_ms = 0;
  std::optional<int64_t> end_ms;
  std::optional<int64_t> duration_ms;
  std::optional<int64_t> size_bytes;
  std::string state;  // "recording" | "complete" | "interrupted"
};

class CdrStore {
 public:
  // Opens or creates the database at `path` and brings its schema up to date.
  static Result<std::unique_ptr<CdrStore>> Open(const std::string& path);
  ~CdrStore();
  CdrStore(const CdrStore&) = delete;
  CdrStore& operator=(const CdrStore&) = delete;

  // Inserts the call's row, state 'open'. Error if the id exists.
  Status OpenCall(const CallStart& start);
  // Records the answer (first answer wins). Error if no open call has this id.
  Status MarkAnswered(const std::string& call_id, WallTime answer_time,
                      const std::string& answered_by);
  // Stores the digits the caller keyed (digit read-back). Error if no such call.
  Status SetDigits(const std::string& call_id, const std::string& digits);
  // Inserts a recordings row (state 'recording') and sets calls.recording_path.
  Status AddRecording(const std::string& call_id, const std::string& path, WallTime start_time);
  // Marks the recording at `path` 'complete'. Error if no recording is in progress there.
  Status CompleteRecording(const std::string& path, WallTime end_time, int64_t duration_ms,
                           int64_t size_bytes);
  // Closes the call: end time, ring/talk/total durations, disposition, cause, side, status.
  // Error if no open call has this id (e.g. closed twice).
  Status CloseCall(const std::string& call_id, const CallEnd& end);

  // At start, after a crash: closes every 'open' call (disposition 'failed', hangup_cause
  // 'crash_recovery', side 'system', ended `now`) and marks recordings still 'recording' as
  // 'interrupted'. Returns the number of calls closed.
  Result<int> RecoverUnfinished(WallTime now);

  // Queries, for tests and tools. Errors are logged and read as "nothing".
  std::optional<CdrRow> GetCall(const std::string& call_id);
  std::vector<CdrRow> ListCalls(int limit);                              // newest first
  std::vector<RecordingRow> ListRecordings(const std::string& call_id);  // oldest first

  // Batching for the storage writer: groups the writes between them into one transaction.
  Status Begin() { return db_->Begin(); }
  Status Commit() { return db_->Commit(); }
  Status Rollback() { return db_->Rollback(); }

  SqliteDb& db() { return *db_; }

 private:
  explicit CdrStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Status Prepare();

  std::unique_ptr<SqliteDb> db_;
  Statement insert_call_;
  Statement answer_call_;
  Statement set_digits_;
  Statement insert_recording_;
  Statement set_recording_path_;
  Statement complete_recording_;
  Statement close_call_;
};

// "2024-05-01T12:34:56.789Z" (UTC, milliseconds).
std::string FormatIsoUtc(WallTime time);
// Milliseconds since 1970-01-01 UTC.
int64_t EpochMs(WallTime time);

}  // namespace hotline::store
