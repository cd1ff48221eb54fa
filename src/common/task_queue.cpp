#include "common/task_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace hotline {

TaskQueue::TaskQueue() : event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (event_fd_ < 0) throw std::runtime_error("eventfd failed");
}

TaskQueue::~TaskQueue() { close(event_fd_); }

void TaskQueue::Post(Task task) {
  bool was_empty;
  {
    std::lock_guard lock(mutex_);
    was_empty = pending_.empty();
    pending_.push_back(std::move(task));
  }
  if (was_empty) {
    uint64_t one = 1;
    [[maybe_unused]] auto n = write(event_fd_, &one, sizeof one);
  }
}

size_t TaskQueue::Drain() {
  uint64_t count;
  [[maybe_unused]] auto n = read(event_fd_, &count, sizeof count);
  {
    std::lock_guard lock(mutex_);
    running_.swap(pending_);
  }
  size_t ran = running_.size();
  for (auto& task : running_) task();
  running_.clear();
  return ran;
}

}  // namespace hotline
