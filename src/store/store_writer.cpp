#include "store/store_writer.h"

#include <cassert>

#include "common/log.h"

namespace hotline::store {

StoreWriter::StoreWriter(std::unique_ptr<CdrStore> store) : store_(std::move(store)) {
  assert(store_ != nullptr);
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
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is written
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
