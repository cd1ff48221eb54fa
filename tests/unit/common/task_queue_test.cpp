#include "common/task_queue.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <thread>
#include <vector>

namespace hotline {
namespace {

bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

TEST(TaskQueueTest, DrainRunsTasksInOrderOnTheCallingThread) {
  TaskQueue queue;
  EXPECT_FALSE(Readable(queue.fd(), 0));
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) queue.Post([&order, i] { order.push_back(i); });
  EXPECT_TRUE(Readable(queue.fd(), 0));
  EXPECT_TRUE(order.empty());
  EXPECT_EQ(queue.Drain(), 5u);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(Readable(queue.fd(), 0));
  EXPECT_EQ(queue.Drain(), 0u);
}

TEST(TaskQueueTest, TasksPostedWhileDrainingRunNextTime) {
  TaskQueue queue;
  int ran = 0;
  queue.Post([&] {
    ++ran;
    queue.Post([&] { ++ran; });
  });
  EXPECT_EQ(queue.Drain(), 1u);
  EXPECT_EQ(ran, 1);
  EXPECT_TRUE(Readable(queue.fd(), 0));
  EXPECT_EQ(queue.Drain(), 1u);
  EXPECT_EQ(ran, 2);
}

TEST(TaskQueueTest, PostFromFourThreadsRunsEveryTaskExactlyOnceOnTheOwner) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  TaskQueue queue;
  // Touched only by tasks, i.e. only on this (the owner) thread.
  std::vector<int> runs(kThreads * kPerThread, 0);
  std::thread::id owner = std::this_thread::get_id();
  int wrong_thread = 0;

  std::atomic<bool> go{false};
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        int index = t * kPerThread + i;
        queue.Post([&runs, &wrong_thread, owner, index] {
          ++runs[index];
          if (std::this_thread::get_id() != owner) ++wrong_thread;
        });
      }
    });
  }
  go = true;

  // The owner's loop: wait for the eventfd, drain, until every task ran.
  size_t total = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (total < runs.size() && std::chrono::steady_clock::now() < deadline) {
    if (Readable(queue.fd(), 100)) total += queue.Drain();
  }
  for (auto& poster : posters) poster.join();
  total += queue.Drain();

  EXPECT_EQ(total, runs.size());
  EXPECT_EQ(wrong_thread, 0);
  int not_once = 0;
  for (int count : runs) not_once += count != 1;
  EXPECT_EQ(not_once, 0);
  EXPECT_FALSE(Readable(queue.fd(), 0));
}

}  // namespace
}  // namespace hotline
