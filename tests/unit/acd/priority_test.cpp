// Waiting order: VIP first, then priority, then first come first served.
#include <gtest/gtest.h>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;

// Frees the single agent `a1` repeatedly and records which call it is offered each time.
std::vector<CallId> ServeOrder(Acd& acd, int calls, double start_s) {
  std::vector<CallId> order;
  Actions actions = ReadyAgent(acd, "a1", {{"sales", 1}}, start_s);
  for (int i = 0; i < calls; ++i) {
    std::vector<Offer> offers = All<Offer>(actions);
    if (offers.empty()) break;
    order.push_back(offers[0].call);
    Must(acd.AgentAnswered(offers[0].call, "a1", At(start_s + i + 0.1)));
    actions = Must(acd.CallEnded(offers[0].call, At(start_s + i + 0.5)));
  }
  return order;
}

TEST(Priority, FifoWithinOnePriority) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  for (int i = 0; i < 5; ++i) EnqueueCall(acd, "c" + std::to_string(i), "q", i);
  EXPECT_EQ(ServeOrder(acd, 5, 10), (std::vector<CallId>{"c0", "c1", "c2", "c3", "c4"}));
}

TEST(Priority, HigherPriorityFirstThenFifo) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  EnqueueCall(acd, "low1", "q", 1, 0);
  EnqueueCall(acd, "high1", "q", 2, 5);
  EnqueueCall(acd, "low2", "q", 3, 0);
  EnqueueCall(acd, "mid", "q", 4, 2);
  EnqueueCall(acd, "high2", "q", 5, 5);
  EXPECT_EQ(ServeOrder(acd, 5, 10), (std::vector<CallId>{"high1", "high2", "mid", "low1", "low2"}));
}

TEST(Priority, VipOvertakesEveryNormalCallerWhateverThePriority) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  EnqueueCall(acd, "urgent", "q", 1, 99);
  EnqueueCall(acd, "vip_low", "q", 2, 0, /*vip=*/true);
  EnqueueCall(acd, "vip_high", "q", 3, 3, /*vip=*/true);
  EXPECT_EQ(ServeOrder(acd, 3, 10), (std::vector<CallId>{"vip_high", "vip_low", "urgent"}));
}

TEST(Priority, PositionAndExpectedWaitReflectTheOrder) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.initial_handle_time = std::chrono::seconds(120);
  MustOk(acd.AddQueue(queue));
  MustOk(acd.AddAgent({"a1", {{"sales", 1}}}));
  MustOk(acd.AddAgent({"a2", {{"sales", 1}}}));
  for (const char* agent : {"a1", "a2"}) {
    Must(acd.AgentLogin(agent, At(0)));
    Must(acd.AgentReady(agent, At(0)));
  }
  EnqueueCall(acd, "busy1", "q", 1);
  EnqueueCall(acd, "busy2", "q", 1);
  Must(acd.AgentAnswered("busy1", "a1", At(2)));
  Must(acd.AgentAnswered("busy2", "a2", At(2)));
  Enqueued first = Must(acd.Enqueue({"n1", "1", "q", 0, false, {}}, At(3)));
  EXPECT_EQ(first.position, 1u);
  EXPECT_EQ(first.expected_wait, std::chrono::seconds(60));  // 1 x 120 s / 2 agents
  Enqueued second = Must(acd.Enqueue({"n2", "2", "q", 0, false, {}}, At(4)));
  EXPECT_EQ(second.position, 2u);
  EXPECT_EQ(second.expected_wait, std::chrono::seconds(120));
  Enqueued vip = Must(acd.Enqueue({"v", "3", "q", 0, true, {}}, At(5)));
  EXPECT_EQ(vip.position, 1u);
}

}  // namespace
}  // namespace hotline::acd
