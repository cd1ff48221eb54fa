#include "store/store_writer.h"

#include <cassert>

#include "common/log.h"

namespace hotline::store {

StoreWriter::StoreWriter(std::unique_ptr<CdrStore> store, std::chrono::milliseconds heartbeat_every)
    : store_(std::move(store)), heartbeat_every_(heartbeat_every) {
  assert(store_ != nullptr);
  if (auto events = AgentEventStore::Create(store_->db()); events.ok()) {
    agent_events_ = std::move(events).value();
  } else {
    HLOG_ERROR("store: agent events unavailable: {}", events.error().message);
  }
  thread_ = std::thread([this] { Run(); });
}

StoreWriter::~StoreWriter() { Stop(); }

void StoreWriter::OpenCall(const CallStart& start) {
  Enqueue({"OpenCall", start.call_id, [start](CdrStore& s) { return s.OpenCall(start); }});
}

void StoreWriter::MarkAnswered(const std::string& call_id, WallTime answer_time,
                               const std::string& answered_by) {
  Enqueue({"MarkAnswered", call_id, [call_id, answer_time, answered_by](CdrStore& s) {
             return s.MarkAnswered(call_id, answer_time, answered_by);
           }});
}

void StoreWriter::SetDigits(const std::string& call_id, const std::string& digits) {
  Enqueue({"SetDigits", call_id,
           [call_id, digits](CdrStore& s) { return s.SetDigits(call_id, digits); }});
}

void StoreWriter::AddRecording(const std::string& call_id, const std::string& path,
                               WallTime start_time) {
  Enqueue({"AddRecording", call_id, [call_id, path, start_time](CdrStore& s) {
             return s.AddRecording(call_id, path, start_time);
           }});
}

void StoreWriter::CompleteRecording(const std::string& path, WallTime end_time, int64_t duration_ms,
                                    int64_t size_bytes) {
  Enqueue({"CompleteRecording", path, [path, end_time, duration_ms, size_bytes](CdrStore& s) {
             return s.CompleteRecording(path, end_time, duration_ms, size_bytes);
           }});
}

void StoreWriter::CloseCall(const std::string& call_id, const CallEnd& end) {
  Enqueue(
      {"CloseCall", call_id, [call_id, end](CdrStore& s) { return s.CloseCall(call_id, end); }});
}

void StoreWriter::SetIvrPath(const std::string& call_id, const std::string& ivr_path) {
  Enqueue({"SetIvrPath", call_id,
           [call_id, ivr_path](CdrStore& s) { return s.SetIvrPath(call_id, ivr_path); }});
}

void StoreWriter::SetQueued(const std::string& call_id, const std::string& queue,
                            WallTime queued_time) {
  Enqueue({"SetQueued", call_id, [call_id, queue, queued_time](CdrStore& s) {
             return s.SetQueued(call_id, queue, queued_time);
           }});
}

void StoreWriter::SetAgentAnswer(const std::string& call_id, const std::string& agent,
                                 WallTime offered_time, WallTime answer_time) {
  Enqueue({"SetAgentAnswer", call_id, [call_id, agent, offered_time, answer_time](CdrStore& s) {
             return s.SetAgentAnswer(call_id, agent, offered_time, answer_time);
           }});
}

void StoreWriter::SetAbandoned(const std::string& call_id, WallTime hangup_time) {
  Enqueue({"SetAbandoned", call_id,
           [call_id, hangup_time](CdrStore& s) { return s.SetAbandoned(call_id, hangup_time); }});
}

void StoreWriter::AddHold(const std::string& call_id, int64_t hold_ms) {
  Enqueue({"AddHold", call_id,
           [call_id, hold_ms](CdrStore& s) { return s.AddHold(call_id, hold_ms); }});
}

void StoreWriter::AddTransfer(const std::string& call_id) {
  Enqueue({"AddTransfer", call_id, [call_id](CdrStore& s) { return s.AddTransfer(call_id); }});
}

void StoreWriter::SetWrapup(const std::string& call_id, int64_t wrapup_ms) {
  Enqueue({"SetWrapup", call_id,
           [call_id, wrapup_ms](CdrStore& s) { return s.SetWrapup(call_id, wrapup_ms); }});
}

void StoreWriter::SetSurveyScore(const std::string& call_id, int score) {
  Enqueue({"SetSurveyScore", call_id,
           [call_id, score](CdrStore& s) { return s.SetSurveyScore(call_id, score); }});
}

void StoreWriter::AppendAgentEvent(const AgentStateChange& change) {
  // agent_events_ is set before the thread starts and never changes: safe to read there.
  Enqueue({"AppendAgentEvent", change.agent, [this, change](CdrStore&) -> Status {
             if (agent_events_ == nullptr) return Error{"agent events unavailable"};
             return agent_events_->Append(change);
           }});
}

void StoreWriter::AddVoicemail(const NewVoicemail& message) {
  Enqueue({"AddVoicemail", message.path, [message](CdrStore& s) -> Status {
             auto added = VoicemailStore(s.db()).Add(message);
             if (!added) return Error{added.error().message};
             return Status::Ok();
           }});
}

void StoreWriter::SaveCallback(const WaitingCallback& callback) {
  Enqueue({"SaveCallback", callback.acd_id,
           [callback](CdrStore& s) { return CallbackStore(s.db()).Save(callback); }});
}

void StoreWriter::DeleteCallback(const std::string& acd_id) {
  Enqueue({"DeleteCallback", acd_id,
           [acd_id](CdrStore& s) { return CallbackStore(s.db()).Delete(acd_id); }});
}

void StoreWriter::Enqueue(Op op) {
  std::unique_lock lock(mutex_);
  ++queued_seq_;
  if (stopped_) {
    // The thread is gone; the store is ours now (serialized by mutex_).
    ApplyOne(op);
    ++done_seq_;
    return;
  }
  queue_.push_back(std::move(op));
  lock.unlock();
  wake_.notify_one();
}

void StoreWriter::Flush() {
  std::unique_lock lock(mutex_);
  uint64_t target = queued_seq_;
  done_.wait(lock, [&] { return done_seq_ >= target || stopped_; });
}

void StoreWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StoreWriter::Run() {
  std::unique_lock lock(mutex_);
  auto next_beat = std::chrono::steady_clock::now();
  while (true) {
    if (std::chrono::steady_clock::now() >= next_beat) {
      lock.unlock();
      Beat();
      lock.lock();
      next_beat = std::chrono::steady_clock::now() + heartbeat_every_;
    }
    wake_.wait_until(lock, next_beat, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      if (stopping_) break;  // stopping, and everything is written
      continue;              // time for a heartbeat
    }
    std::deque<Op> batch;
    batch.swap(queue_);
    lock.unlock();
    Apply(batch);
    lock.lock();
    done_seq_ += batch.size();
    done_.notify_all();
  }
  // Still holding the lock: from here on, writes apply on the caller's thread.
  stopped_ = true;
  done_.notify_all();
}

// Not counted in written()/failed(): it is not a record update.
void StoreWriter::Beat() {
  if (auto beat = store_->Heartbeat(std::chrono::system_clock::now()); !beat.ok()) {
    HLOG_WARN("store: heartbeat not written: {}", beat.message());
  }
}

void StoreWriter::Apply(std::deque<Op>& batch) {
  if (batch.size() == 1) {
    ApplyOne(batch.front());
    return;
  }
  if (auto begun = store_->Begin(); !begun.ok()) {
    HLOG_ERROR("store: cannot begin a transaction ({}); writing {} record update(s) one by one",
               begun.message(), batch.size());
    for (auto& op : batch) ApplyOne(op);
    return;
  }
  uint64_t written_before = written_.load();
  uint64_t failed_before = failed_.load();
  for (auto& op : batch) ApplyOne(op);
  if (auto committed = store_->Commit(); !committed.ok()) {
    // The whole batch is undone: retry each write on its own, so one bad write (or a
    // transient failure) costs as little as possible.
    HLOG_ERROR("store: commit of {} record update(s) failed ({}); retrying one by one",
               batch.size(), committed.message());
    if (auto rolled_back = store_->Rollback(); !rolled_back.ok()) {
      HLOG_ERROR("store: rollback failed: {}", rolled_back.message());
    }
    written_ = written_before;
    failed_ = failed_before;
    for (auto& op : batch) ApplyOne(op);
  }
}

void StoreWriter::ApplyOne(Op& op) {
  Status status = op.apply(*store_);
  if (status.ok()) {
    ++written_;
  } else {
    ++failed_;
    HLOG_ERROR("store: {} {}: {}", op.what, op.subject, status.message());
  }
}

}  // namespace hotline::store
