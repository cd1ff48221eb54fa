// common/task_queue.h: the way one thread posts work to another thread's loop.
// Any thread may Post(); only the owning loop calls Drain(), after its poller reports fd()
// readable (an eventfd). This is the only lock the call path takes: one short push/swap.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

namespace hotline {

class TaskQueue {
 public:
  using Task = std::function<void()>;
  TaskQueue();
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // Thread-safe. Wakes the owner.
  void Post(Task task);
  // Owner thread only: runs every task posted so far. Returns how many ran.
  size_t Drain();
  // An eventfd that becomes readable when tasks are waiting.
  int fd() const { return event_fd_; }

 private:
  int event_fd_;
  std::mutex mutex_;
  std::vector<Task> pending_;
  std::vector<Task> running_;
};

}  // namespace hotline
