// store/cdr_store.h: call detail records in SQLite, written ahead: a row is inserted 'open'
// when a call arrives and updated as it is answered and ends, so a crash leaves evidence that
// RecoverUnfinished() closes on the next start. Also the recordings made during calls.
// Not thread-safe: in the server it is opened on the main thread (Open, RecoverUnfinished),
// then owned by the storage writer thread (StoreWriter); tests and tools use it directly.
#pragma once

#include <cstdint>
#include <functional>
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
  // Call center (schema version 2); empty/NULL when the call never reached that step.
  std::string ivr_path;  // "lang:1>main:2": IVR node:key pairs joined by '>'
  std::string queue;
  std::optional<int64_t> queued_ms;        // epoch ms when the call first entered a queue
  std::optional<int64_t> wait_ms;          // queued to agent answer
  std::string agent;                       // the first agent who answered
  std::optional<int64_t> agent_answer_ms;  // epoch ms of that answer
  std::optional<int64_t> ring_agent_ms;    // offered to that agent until answered
  std::optional<int64_t> hold_ms;          // total time on hold
  std::optional<int64_t> wrapup_ms;        // the agent's after-call work
  std::optional<int64_t> abandoned_ms;     // queued to caller hang-up, if never answered
  int64_t transfers = 0;
  std::optional<int64_t> survey_score;
};

// The survey scale accepted by SetSurveyScore (inclusive).
inline constexpr int kMinSurveyScore = 0;
inline constexpr int kMaxSurveyScore = 10;

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
  // Set by crash recovery on an interrupted recording: "repaired" | "missing" | "unreadable".
  std::string recovery;
};

// What crash recovery learned from an interrupted recording's file (see RecoverUnfinished).
struct RecoveredFile {
  bool exists = false;    // false: the file is gone
  bool readable = false;  // the file is a valid WAV now (repaired if needed)
  int64_t duration_ms = 0;
  int64_t size_bytes = 0;
};
// Repairs the recording at `path` (its header) and says what is in it. Called by
// RecoverUnfinished for each recording still 'recording'.
using RecordingRepairer = std::function<RecoveredFile(const std::string& path)>;

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

  // ---- Call center. Each is an Error if no call has this id; none requires the call to be
  // open (wrap-up and surveys may end after the caller's leg does).

  // Stores the IVR path so far, replacing the previous one ("lang:1>main:2").
  Status SetIvrPath(const std::string& call_id, const std::string& ivr_path);
  // The call entered `queue` at `queued_time`. Called again (moved to another queue before
  // an answer), the queue name changes but the first queued time is kept, so wait_ms and
  // abandoned_ms measure the caller's whole wait.
  Status SetQueued(const std::string& call_id, const std::string& queue, WallTime queued_time);
  // `agent` answered at `answer_time` after being offered the call at `offered_time`: sets
  // agent, ring_agent_ms (offered to answer) and wait_ms (queued to answer; NULL if never
  // queued). The first agent answer wins: Error if an agent answered already or the call
  // was abandoned.
  Status SetAgentAnswer(const std::string& call_id, const std::string& agent, WallTime offered_time,
                        WallTime answer_time);
  // The caller hung up while queued: abandoned_ms = hangup_time - queued time. Error unless
  // the call was queued and no agent answered.
  Status SetAbandoned(const std::string& call_id, WallTime hangup_time);
  // Adds one hold's length to hold_ms. Error if hold_ms < 0.
  Status AddHold(const std::string& call_id, int64_t hold_ms);
  // Counts one transfer (blind or attended) of the call.
  Status AddTransfer(const std::string& call_id);
  // Stores the agent's wrap-up (after-call work) time. Error if wrapup_ms < 0.
  Status SetWrapup(const std::string& call_id, int64_t wrapup_ms);
  // Stores the caller's survey answer. Error outside [kMinSurveyScore, kMaxSurveyScore].
  Status SetSurveyScore(const std::string& call_id, int score);

  // Records that the server is alive at `now` (the storage writer calls it about once a
  // second). Crash recovery ends open calls at the last one.
  Status Heartbeat(WallTime now);

  // At start, after a crash: closes every 'open' call (hangup_cause 'crash_recovery', side
  // 'system', disposition 'answered' if it was answered, else 'failed') and marks recordings
  // still 'recording' as 'interrupted'. Each recording's file goes through `repair` (if
  // given): its row gets recovery 'repaired' / 'missing' / 'unreadable' and, when readable,
  // its duration, size and end time. A call ends at its last known activity, never at `now`:
  // the latest of its start, its answer, the last heartbeat and the end of the audio in its
  // recordings, capped at `now` - so the downtime is never counted as ring or talk time.
  // Returns the number of calls closed.
  Result<int> RecoverUnfinished(WallTime now, const RecordingRepairer& repair = {});

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
  Status RecoverRecordings(WallTime now, const RecordingRepairer& repair);
  Status CloseOpenCalls(WallTime now, int& closed);

  std::unique_ptr<SqliteDb> db_;
  Statement insert_call_;
  Statement answer_call_;
  Statement set_digits_;
  Statement insert_recording_;
  Statement set_recording_path_;
  Statement complete_recording_;
  Statement close_call_;
  Statement set_ivr_path_;
  Statement set_queued_;
  Statement set_agent_answer_;
  Statement set_abandoned_;
  Statement add_hold_;
  Statement add_transfer_;
  Statement set_wrapup_;
  Statement set_survey_score_;
  Statement heartbeat_;
};

// "2024-05-01T12:34:56.789Z" (UTC, milliseconds).
std::string FormatIsoUtc(WallTime time);
// Milliseconds since 1970-01-01 UTC.
int64_t EpochMs(WallTime time);

}  // namespace hotline::store
