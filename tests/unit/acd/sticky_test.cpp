// Last-agent (sticky) routing.
#include <gtest/gtest.h>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;

class StickyTest : public ::testing::Test {
 protected:
  void Build(Duration window, Duration wait) {
    QueueConfig queue = SimpleQueue("q");
    queue.sticky_window = window;
    queue.sticky_wait = wait;
    MustOk(acd_.AddQueue(queue));
    ReadyAgent(acd_, "a1", {{"sales", 1}}, 0);
    ReadyAgent(acd_, "a2", {{"sales", 1}}, 1);
    ReadyAgent(acd_, "a3", {{"sales", 1}}, 2);
    // Caller 555 is served by a2 (a1 busy with another call).
    EnqueueCall(acd_, "other", "q", 3, 0, false, "111");  // -> a1
    EnqueueCall(acd_, "first", "q", 3, 0, false, "555");  // -> a2
    Must(acd_.AgentAnswered("first", "a2", At(4)));
    Must(acd_.CallEnded("first", At(10)));  // a2 ready again, idle the shortest
    Must(acd_.AgentAnswered("other", "a1", At(4)));
  }
  Acd acd_;
};

TEST_F(StickyTest, ReturningCallerGetsTheLastAgentWhenReady) {
  Build(std::chrono::hours(1), Duration::zero());
  // Longest idle would pick a3; sticky picks a2.
  EXPECT_EQ(Offered(EnqueueCall(acd_, "again", "q", 20, 0, false, "555")),
            std::vector<AgentId>{"a2"});
}

TEST_F(StickyTest, OutsideTheWindowRoutesNormally) {
  Build(std::chrono::seconds(30), Duration::zero());
  EXPECT_EQ(Offered(EnqueueCall(acd_, "again", "q", 100, 0, false, "555")),
            std::vector<AgentId>{"a3"});
}

TEST_F(StickyTest, WithoutWaitABusyLastAgentIsSkipped) {
  Build(std::chrono::hours(1), Duration::zero());
  EnqueueCall(acd_, "x", "q", 11, 0, false, "999");  // -> a3
  EnqueueCall(acd_, "y", "q", 11, 0, false, "998");  // -> a2, busy now
  Must(acd_.AgentAnswered("y", "a2", At(12)));
  Must(acd_.CallEnded("other", At(13)));  // a1 free
  EXPECT_EQ(Offered(EnqueueCall(acd_, "again", "q", 20, 0, false, "555")),
            std::vector<AgentId>{"a1"});
}

TEST_F(StickyTest, WaitsForABusyLastAgentThenFallsBack) {
  Build(std::chrono::hours(1), std::chrono::seconds(10));
  EnqueueCall(acd_, "y", "q", 11, 0, false, "998");  // -> a3 (longest idle)
  EnqueueCall(acd_, "z", "q", 11, 0, false, "997");  // -> a2
  Must(acd_.AgentAnswered("z", "a2", At(12)));
  Must(acd_.CallEnded("other", At(13)));  // a1 free, but caller 555 holds for a2
  EXPECT_TRUE(Offered(EnqueueCall(acd_, "again", "q", 20, 0, false, "555")).empty());
  EXPECT_EQ(acd_.NextDeadline(), std::optional<TimePoint>(At(30)));  // end of the hold
  // a2 frees up within the hold: it gets the call.
  Actions ended = Must(acd_.CallEnded("z", At(25)));
  EXPECT_EQ(Offered(ended), std::vector<AgentId>{"a2"});
}

TEST_F(StickyTest, HoldExpiresToNormalRouting) {
  Build(std::chrono::hours(1), std::chrono::seconds(10));
  EnqueueCall(acd_, "z", "q", 11, 0, false, "997");  // -> a3
  EnqueueCall(acd_, "w", "q", 11, 0, false, "996");  // -> a2
  Must(acd_.AgentAnswered("z", "a3", At(12)));
  Must(acd_.AgentAnswered("w", "a2", At(12)));
  Must(acd_.CallEnded("other", At(13)));  // a1 free
  EXPECT_TRUE(Offered(EnqueueCall(acd_, "again", "q", 20, 0, false, "555")).empty());
  EXPECT_TRUE(Offered(acd_.Tick(At(29.9))).empty());
  EXPECT_EQ(Offered(acd_.Tick(At(30))), std::vector<AgentId>{"a1"});
}

}  // namespace
}  // namespace hotline::acd
