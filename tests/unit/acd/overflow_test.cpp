// Overflow rules, maximum wait and maximum queue length.
#include <gtest/gtest.h>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;
using std::chrono::seconds;

TEST(Overflow, RelaxesTheSkillLevelAfterAWhile) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q", "longest_idle", "sales", 5);
  queue.overflow = {{seconds(30), OverflowRule::Kind::kRelaxLevel, 2, ""}};
  MustOk(acd.AddQueue(queue));
  ReadyAgent(acd, "junior", {{"sales", 3}}, 0);
  ReadyAgent(acd, "novice", {{"sales", 2}}, 0);
  EXPECT_TRUE(Offered(EnqueueCall(acd, "c1", "q", 1)).empty());
  EXPECT_TRUE(Offered(acd.Tick(At(30.9))).empty());
  EXPECT_EQ(Offered(acd.Tick(At(31))), std::vector<AgentId>{"junior"});  // 3 >= 5 - 2
  EXPECT_EQ(Must(acd.Call("c1")).relaxed_by, 2);
  EnqueueCall(acd, "c2", "q", 40);
  EXPECT_TRUE(Offered(acd.Tick(At(100))).empty());  // novice (2) is below 3 even relaxed
}

TEST(Overflow, AddsAnotherQueuesAgents) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("support", "longest_idle", "support")));
  QueueConfig sales = SimpleQueue("sales");
  sales.overflow = {{seconds(20), OverflowRule::Kind::kAddQueueAgents, 0, "support"}};
  MustOk(acd.AddQueue(sales));
  ReadyAgent(acd, "s1", {{"support", 1}}, 0);
  EXPECT_TRUE(Offered(EnqueueCall(acd, "c1", "sales", 1)).empty());
  EXPECT_EQ(Offered(acd.Tick(At(21))), std::vector<AgentId>{"s1"});
}

TEST(Overflow, BorrowedAgentFreedLaterTakesTheOverflowedCall) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("support", "longest_idle", "support")));
  QueueConfig sales = SimpleQueue("sales");
  sales.overflow = {{seconds(20), OverflowRule::Kind::kAddQueueAgents, 0, "support"}};
  MustOk(acd.AddQueue(sales));
  MustOk(acd.AddAgent({"s1", {{"support", 1}}}));
  Must(acd.AgentLogin("s1", At(0)));
  EnqueueCall(acd, "c1", "sales", 1);
  acd.Tick(At(21));
  EXPECT_EQ(Offered(Must(acd.AgentReady("s1", At(22)))), std::vector<AgentId>{"s1"});
}

TEST(Overflow, AddQueueAgentsNeedsAnExistingTarget) {
  Acd acd;
  QueueConfig sales = SimpleQueue("sales");
  sales.overflow = {{seconds(20), OverflowRule::Kind::kAddQueueAgents, 0, "later"}};
  EXPECT_FALSE(acd.AddQueue(sales).ok());
}

TEST(Overflow, MovesTheCallToAnotherQueue) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.overflow = {{seconds(60), OverflowRule::Kind::kMoveToQueue, 0, "backup"}};
  MustOk(acd.AddQueue(queue));
  EnqueueCall(acd, "c1", "q", 0);
  Actions tick = acd.Tick(At(60));
  std::vector<Overflow> moved = All<Overflow>(tick);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].call, "c1");
  EXPECT_EQ(moved[0].from, "q");
  EXPECT_EQ(moved[0].to, "backup");
  EXPECT_FALSE(acd.Call("c1").ok());  // the call left this queue
  EXPECT_EQ(Must(acd.Stats("q", At(60))).waiting, 0u);
}

TEST(Overflow, SendsTheCallToVoicemailAndRulesFireInOrder) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q", "longest_idle", "sales", 5);
  queue.overflow = {{seconds(90), OverflowRule::Kind::kVoicemail, 0, ""},
                    {seconds(30), OverflowRule::Kind::kRelaxLevel, 1, ""}};
  MustOk(acd.AddQueue(queue));
  EnqueueCall(acd, "c1", "q", 0);
  EXPECT_TRUE(acd.Tick(At(30)).empty());
  EXPECT_EQ(Must(acd.Call("c1")).relaxed_by, 1);
  EXPECT_EQ(acd.NextDeadline(), std::optional<TimePoint>(At(90)));
  std::vector<ToVoicemail> voicemail = All<ToVoicemail>(acd.Tick(At(90)));
  ASSERT_EQ(voicemail.size(), 1u);
  EXPECT_EQ(voicemail[0].reason, "overflow");
}

TEST(MaxWait, GoesToVoicemailOrToTheConfiguredQueue) {
  Acd acd;
  QueueConfig to_voicemail = SimpleQueue("vm");
  to_voicemail.max_wait = seconds(120);
  QueueConfig to_queue = SimpleQueue("oq");
  to_queue.max_wait = seconds(120);
  to_queue.max_wait_target = "night";
  MustOk(acd.AddQueue(to_voicemail));
  MustOk(acd.AddQueue(to_queue));
  EnqueueCall(acd, "c1", "vm", 0);
  EnqueueCall(acd, "c2", "oq", 0);
  EXPECT_TRUE(acd.Tick(At(119.9)).empty());
  Actions tick = acd.Tick(At(120));
  ASSERT_EQ(All<ToVoicemail>(tick).size(), 1u);
  EXPECT_EQ(All<ToVoicemail>(tick)[0].reason, "max_wait");
  ASSERT_EQ(All<Overflow>(tick).size(), 1u);
  EXPECT_EQ(All<Overflow>(tick)[0].to, "night");
}

TEST(MaxWait, TimeSpentRingingCounts) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.max_wait = seconds(30);
  queue.ring_timeout = seconds(20);
  MustOk(acd.AddQueue(queue));
  ReadyAgent(acd, "a1", {{"sales", 1}}, 0);
  EnqueueCall(acd, "c1", "q", 0);                           // rings a1 until 20 s
  EXPECT_TRUE(All<ToVoicemail>(acd.Tick(At(20))).empty());  // back in queue
  EXPECT_EQ(All<ToVoicemail>(acd.Tick(At(30))).size(), 1u);
}

TEST(MaxQueueLength, RefusesNewCallsWithAReason) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.max_queue_length = 2;
  MustOk(acd.AddQueue(queue));
  EXPECT_TRUE(EnqueueCall(acd, "c1", "q", 0).empty());
  EXPECT_TRUE(EnqueueCall(acd, "c2", "q", 0).empty());
  std::vector<Reject> refused = All<Reject>(EnqueueCall(acd, "c3", "q", 0));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].reason, "queue_full");
  EXPECT_FALSE(acd.Call("c3").ok());
  Must(acd.Abandon("c1", At(1)));
  EXPECT_TRUE(All<Reject>(EnqueueCall(acd, "c3", "q", 2)).empty());
}

TEST(Enqueue, BadInputsAreErrors) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  EXPECT_FALSE(acd.Enqueue({"", "1", "q", 0, false, {}}, At(0)).ok());
  EXPECT_FALSE(acd.Enqueue({"c", "1", "nope", 0, false, {}}, At(0)).ok());
  EXPECT_TRUE(acd.Enqueue({"c", "1", "q", 0, false, {}}, At(0)).ok());
  EXPECT_FALSE(acd.Enqueue({"c", "1", "q", 0, false, {}}, At(0)).ok());  // duplicate
  EXPECT_FALSE(acd.AddQueue(SimpleQueue("q")).ok());
  EXPECT_FALSE(acd.AddQueue(SimpleQueue("")).ok());
}

TEST(Enqueue, PerCallExtraSkillsSuchAsLanguage) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  ReadyAgent(acd, "en", {{"sales", 5}, {"lang:en", 1}}, 0);
  ReadyAgent(acd, "zh", {{"sales", 1}, {"lang:zh", 1}}, 1);
  CallInfo info{"c1", "1", "q", 0, false, {{"lang:zh", 1}}};
  EXPECT_EQ(Offered(Must(acd.Enqueue(info, At(2))).actions), std::vector<AgentId>{"zh"});
}

}  // namespace
}  // namespace hotline::acd
