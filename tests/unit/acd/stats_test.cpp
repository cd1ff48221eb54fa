// Queue statistics for announcements and wallboards.
#include <gtest/gtest.h>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;
using std::chrono::seconds;

TEST(Stats, CountsWaitingRingingStaffedAndLongestWait) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.initial_handle_time = seconds(100);
  MustOk(acd.AddQueue(queue));
  ReadyAgent(acd, "a1", {{"sales", 1}}, 0);
  ReadyAgent(acd, "a2", {{"sales", 1}}, 0);
  MustOk(acd.AddAgent({"a3", {{"sales", 1}}}));
  Must(acd.AgentLogin("a3", At(0)));  // not_ready: not staffed
  EnqueueCall(acd, "c1", "q", 1);     // ringing a1
  Must(acd.AgentAnswered("c1", "a1", At(2)));
  EnqueueCall(acd, "c2", "q", 3);  // ringing a2
  EnqueueCall(acd, "c3", "q", 4);
  EnqueueCall(acd, "c4", "q", 6);
  QueueStats stats = Must(acd.Stats("q", At(10)));
  EXPECT_EQ(stats.waiting, 2u);
  EXPECT_EQ(stats.ringing, 1u);
  EXPECT_EQ(stats.staffed, 2u);
  EXPECT_EQ(stats.idle, 0u);
  EXPECT_EQ(stats.longest_wait, seconds(6));
  ASSERT_EQ(stats.calls.size(), 2u);
  EXPECT_EQ(stats.calls[1].position, 2u);
  EXPECT_EQ(stats.calls[1].expected_wait, seconds(100));  // 2 x 100 s / 2 staffed
  EXPECT_FALSE(acd.Stats("nope", At(10)).ok());
}

TEST(Stats, AverageHandleTimeFollowsMeasuredCalls) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.wrap_up = seconds(10);
  MustOk(acd.AddQueue(queue));
  ReadyAgent(acd, "a1", {{"sales", 1}}, 0);
  EnqueueCall(acd, "c1", "q", 1);
  Must(acd.AgentAnswered("c1", "a1", At(1)));
  Must(acd.CallEnded("c1", At(51)));
  EXPECT_EQ(Must(acd.Stats("q", At(52))).average_handle_time, seconds(60));  // talk + wrap-up
}

TEST(Stats, NobodyStaffedMeansUnknownWait) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  Enqueued enqueued = Must(acd.Enqueue({"c1", "1", "q", 0, false, {}}, At(0)));
  EXPECT_EQ(enqueued.expected_wait, Duration::max());
}

}  // namespace
}  // namespace hotline::acd
