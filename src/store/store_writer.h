// store/store_writer.h: the storage writer thread. Owns a CdrStore and applies call-record
// writes on its own thread, batching whatever is queued into one transaction, so SQLite
// (and fsync) never runs on the SIP control thread or a media thread. The write methods may
// be called from any thread; they queue and return at once. Failures are logged, never
// thrown or returned: a lost CDR update must not disturb a call. While it runs, the writer
// also stamps CdrStore::Heartbeat every `heartbeat_every`, so crash recovery knows when the
// server was last alive.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/agent_event_store.h"
#include "store/callback_store.h"
#include "store/cdr_store.h"
#include "store/voicemail_store.h"

namespace hotline::store {

class StoreWriter {
 public:
  // Starts the writer thread. REQUIRES: store != nullptr, heartbeat_every > 0.
  explicit StoreWriter(std::unique_ptr<CdrStore> store,
                       std::chrono::milliseconds heartbeat_every = std::chrono::seconds(1));
  // Stop()s.
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Queue the matching CdrStore write (see cdr_store.h). Thread-safe, never block on disk.
  void OpenCall(const CallStart& start);
  void MarkAnswered(const std::string& call_id, WallTime answer_time,
                    const std::string& answered_by);
  void SetDigits(const std::string& call_id, const std::string& digits);
  void AddRecording(const std::string& call_id, const std::string& path, WallTime start_time);
  void CompleteRecording(const std::string& path, WallTime end_time, int64_t duration_ms,
                         int64_t size_bytes);
  void CloseCall(const std::string& call_id, const CallEnd& end);
  // Call-center columns (see CdrStore).
  void SetIvrPath(const std::string& call_id, const std::string& ivr_path);
  void SetQueued(const std::string& call_id, const std::string& queue, WallTime queued_time);
  void SetAgentAnswer(const std::string& call_id, const std::string& agent, WallTime offered_time,
                      WallTime answer_time);
  void SetAbandoned(const std::string& call_id, WallTime hangup_time);
  void AddHold(const std::string& call_id, int64_t hold_ms);
  void AddTransfer(const std::string& call_id);
  void SetWrapup(const std::string& call_id, int64_t wrapup_ms);
  void SetSurveyScore(const std::string& call_id, int score);
  // Queues AgentEventStore::Append on the same database and batches as the call writes.
  void AppendAgentEvent(const AgentStateChange& change);
  // Queues VoicemailStore::Add (a message left in a mailbox) on the same connection.
  void AddVoicemail(const NewVoicemail& message);
  // Queue CallbackStore::Save / Delete (callers waiting to be called back).
  void SaveCallback(const WaitingCallback& callback);
  void DeleteCallback(const std::string& acd_id);

  // Blocks until every write queued before the call is committed (or has failed).
  // Not to be called from the writer thread. Returns at once after Stop().
  void Flush();
  // Flushes, then joins the thread. Idempotent. Writes queued after Stop() are applied
  // synchronously on the calling thread, so late records are not lost.
  void Stop();

  // Counters since start: writes applied, and writes that failed (logged).
  uint64_t written() const { return written_.load(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  struct Op {
    const char* what;     // for the log: "OpenCall", ...
    std::string subject;  // call id or recording path, for the log
    std::function<Status(CdrStore&)> apply;
  };

  void Enqueue(Op op);
  void Run();
  void Apply(std::deque<Op>& batch);
  void ApplyOne(Op& op);
  void Beat();

  std::unique_ptr<CdrStore> store_;
  const std::chrono::milliseconds heartbeat_every_;
  // On store_'s connection; null if it could not be prepared (then appends fail, logged).
  std::unique_ptr<AgentEventStore> agent_events_;
  std::mutex mutex_;
  std::condition_variable wake_;  // writer: work queued or stopping
  std::condition_variable done_;  // Flush(): a batch finished
  std::deque<Op> queue_;
  uint64_t queued_seq_ = 0;  // ops ever queued (guarded by mutex_)
  uint64_t done_seq_ = 0;    // ops ever finished (guarded by mutex_)
  bool stopping_ = false;
  bool stopped_ = false;  // thread joined: writes apply on the caller (under mutex_)
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace hotline::store
