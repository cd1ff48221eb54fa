// One test group per strategy: who gets the call among several idle agents.
#include <gtest/gtest.h>

#include <map>

#include "acd/strategy_registry.h"
#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;

// Three agents become ready at 1 s, 2 s, 3 s (a1 idle longest) unless told otherwise.
Acd ThreeAgents(const std::string& strategy, AcdConfig config = {}) {
  Acd acd(std::move(config));
  MustOk(acd.AddQueue(SimpleQueue("q", strategy)));
  ReadyAgent(acd, "a1", {{"sales", 1}}, 1);
  ReadyAgent(acd, "a2", {{"sales", 5}}, 2);
  ReadyAgent(acd, "a3", {{"sales", 3}}, 3);
  return acd;
}

// Connects and ends `call` at its offered agent, so that agent is ready again.
void Serve(Acd& acd, const std::string& call, const std::string& agent, double start_s,
           double end_s) {
  Must(acd.AgentAnswered(call, agent, At(start_s)));
  Must(acd.CallEnded(call, At(end_s)));
}

TEST(StrategyRegistry, KnowsAllBuiltins) {
  const std::vector<std::string> names = StrategyRegistry::WithBuiltins().Names();
  for (const char* name : {"longest_idle", "round_robin", "fewest_calls", "least_talk_time",
                           "ring_all", "best_skill", "random"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(StrategyRegistry, UnknownStrategyIsAnErrorNamingTheKnownOnes) {
  Acd acd;
  Status added = acd.AddQueue(SimpleQueue("q", "telepathy"));
  ASSERT_FALSE(added.ok());
  EXPECT_NE(added.message().find("longest_idle"), std::string::npos);
}

TEST(StrategyRegistry, RegistersCustomAndRefusesDuplicates) {
  StrategyRegistry registry = StrategyRegistry::WithBuiltins();
  EXPECT_FALSE(registry.Register("longest_idle", [] { return StrategyPtr(); }).ok());
  class NewestIdle final : public Strategy {
   public:
    std::string_view Name() const override { return "newest_idle"; }
    IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
      return {-KeyMillis(facts.idle_since), 0, facts.agent};
    }
  };
  MustOk(registry.Register("newest_idle", [] { return std::make_unique<NewestIdle>(); }));
  Acd acd({}, std::move(registry));
  MustOk(acd.AddQueue(SimpleQueue("q", "newest_idle")));
  ReadyAgent(acd, "a1", {{"sales", 1}}, 1);
  ReadyAgent(acd, "a2", {{"sales", 1}}, 2);
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 5)), std::vector<AgentId>{"a2"});
}

TEST(LongestIdle, OffersToTheAgentReadyLongest) {
  Acd acd = ThreeAgents("longest_idle");
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 10)), std::vector<AgentId>{"a1"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c2", "q", 11)), std::vector<AgentId>{"a2"});
}

TEST(LongestIdle, AnAgentBackFromACallGoesToTheEnd) {
  Acd acd = ThreeAgents("longest_idle");
  EnqueueCall(acd, "c1", "q", 10);
  Serve(acd, "c1", "a1", 11, 20);
  EXPECT_EQ(Offered(EnqueueCall(acd, "c2", "q", 21)), std::vector<AgentId>{"a2"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c3", "q", 22)), std::vector<AgentId>{"a3"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c4", "q", 23)), std::vector<AgentId>{"a1"});
}

TEST(RoundRobin, CyclesInAgentOrderRememberingTheLastOne) {
  Acd acd = ThreeAgents("round_robin");
  std::vector<AgentId> order;
  for (int i = 0; i < 6; ++i) {
    const std::string call = "c" + std::to_string(i);
    const std::vector<AgentId> offered = Offered(EnqueueCall(acd, call, "q", 10 + i));
    ASSERT_EQ(offered.size(), 1u);
    order.push_back(offered[0]);
    Serve(acd, call, offered[0], 10 + i, 10.5 + i);
  }
  EXPECT_EQ(order, (std::vector<AgentId>{"a1", "a2", "a3", "a1", "a2", "a3"}));
}

TEST(RoundRobin, SkipsBusyAgentsAndWraps) {
  Acd acd = ThreeAgents("round_robin");
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 10)), std::vector<AgentId>{"a1"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c2", "q", 11)), std::vector<AgentId>{"a2"});
  Serve(acd, "c1", "a1", 12, 13);  // a1 free again, a2 still ringing
  EXPECT_EQ(Offered(EnqueueCall(acd, "c3", "q", 14)), std::vector<AgentId>{"a3"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c4", "q", 15)), std::vector<AgentId>{"a1"});  // wraps
}

TEST(FewestCalls, PrefersTheAgentWithFewestCallsHandled) {
  Acd acd = ThreeAgents("fewest_calls");
  EnqueueCall(acd, "c1", "q", 10);  // a1 (tie: longest idle)
  Serve(acd, "c1", "a1", 10, 11);
  EnqueueCall(acd, "c2", "q", 12);  // a2
  Serve(acd, "c2", "a2", 12, 13);
  // Everyone idle; a3 has 0 calls although it has been idle for less time than... a1/a2 have 1.
  EXPECT_EQ(Offered(EnqueueCall(acd, "c3", "q", 14)), std::vector<AgentId>{"a3"});
  Serve(acd, "c3", "a3", 14, 15);
  // All have 1: the longest idle (a1, free since 11) wins.
  EXPECT_EQ(Offered(EnqueueCall(acd, "c4", "q", 16)), std::vector<AgentId>{"a1"});
}

TEST(LeastTalkTime, PrefersTheAgentWhoTalkedLeast) {
  Acd acd = ThreeAgents("least_talk_time");
  EnqueueCall(acd, "c1", "q", 10);  // a1
  EnqueueCall(acd, "c2", "q", 10);  // a2
  EnqueueCall(acd, "c3", "q", 10);  // a3
  Serve(acd, "c1", "a1", 10, 100);  // 90 s
  Serve(acd, "c2", "a2", 10, 20);   // 10 s
  Serve(acd, "c3", "a3", 10, 50);   // 40 s
  EXPECT_EQ(Offered(EnqueueCall(acd, "c4", "q", 200)), std::vector<AgentId>{"a2"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c5", "q", 201)), std::vector<AgentId>{"a3"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c6", "q", 202)), std::vector<AgentId>{"a1"});
}

TEST(RingAll, OffersToEveryEligibleIdleAgentAndFirstAnswerWins) {
  Acd acd = ThreeAgents("ring_all");
  std::vector<AgentId> offered = Offered(EnqueueCall(acd, "c1", "q", 10));
  std::sort(offered.begin(), offered.end());
  EXPECT_EQ(offered, (std::vector<AgentId>{"a1", "a2", "a3"}));
  for (const char* agent : {"a1", "a2", "a3"}) EXPECT_EQ(StateOf(acd, agent), AgentState::kRinging);
  Actions answered = Must(acd.AgentAnswered("c1", "a2", At(12)));
  std::vector<CancelOffer> cancelled = All<CancelOffer>(answered);
  ASSERT_EQ(cancelled.size(), 2u);
  EXPECT_EQ(StateOf(acd, "a2"), AgentState::kOnCall);
  EXPECT_EQ(StateOf(acd, "a1"), AgentState::kReady);
  EXPECT_EQ(StateOf(acd, "a3"), AgentState::kReady);
  EXPECT_FALSE(acd.AgentAnswered("c1", "a1", At(12.5)).ok());  // too late
}

TEST(RingAll, AllRejectingPutsTheCallBackAndRejectersAreNotReofferedIt) {
  Acd acd = ThreeAgents("ring_all");
  EnqueueCall(acd, "c1", "q", 10);
  Must(acd.AgentRejected("c1", "a1", At(11)));
  Must(acd.AgentRejected("c1", "a2", At(11)));
  Actions last = Must(acd.AgentRejected("c1", "a3", At(11)));
  EXPECT_TRUE(All<Offer>(last).empty());
  EXPECT_EQ(Must(acd.Call("c1")).phase, CallPhase::kWaiting);
  // A fresh agent gets it.
  EXPECT_EQ(Offered(ReadyAgent(acd, "a4", {{"sales", 1}}, 12)), std::vector<AgentId>{"a4"});
}

TEST(BestSkill, OffersToTheHighestLevelFirst) {
  Acd acd = ThreeAgents("best_skill");
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 10)), std::vector<AgentId>{"a2"});  // level 5
  EXPECT_EQ(Offered(EnqueueCall(acd, "c2", "q", 11)), std::vector<AgentId>{"a3"});  // level 3
  EXPECT_EQ(Offered(EnqueueCall(acd, "c3", "q", 12)), std::vector<AgentId>{"a1"});  // level 1
}

TEST(BestSkill, ScoresOverAllRequiredSkillsAndBreaksTiesByIdleTime) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q", "best_skill");
  queue.required_skills = {{"sales", 1}, {"zh", 1}};
  MustOk(acd.AddQueue(queue));
  ReadyAgent(acd, "a1", {{"sales", 9}, {"zh", 1}}, 1);  // 10
  ReadyAgent(acd, "a2", {{"sales", 5}, {"zh", 6}}, 2);  // 11
  ReadyAgent(acd, "a3", {{"sales", 6}, {"zh", 5}}, 3);  // 11, idle for less time
  ReadyAgent(acd, "a4", {{"sales", 10}}, 0);            // lacks zh: not eligible
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 10)), std::vector<AgentId>{"a2"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c2", "q", 11)), std::vector<AgentId>{"a3"});
  EXPECT_EQ(Offered(EnqueueCall(acd, "c3", "q", 12)), std::vector<AgentId>{"a1"});
  EXPECT_TRUE(Offered(EnqueueCall(acd, "c4", "q", 13)).empty());
}

TEST(Random, SameSeedSameChoicesAndEveryAgentGetsAShare) {
  auto run = [](std::uint64_t seed) {
    AcdConfig config;
    config.random_seed = seed;
    Acd acd = ThreeAgents("random", config);
    std::vector<AgentId> picks;
    for (int i = 0; i < 300; ++i) {
      const std::string call = "c" + std::to_string(i);
      const std::vector<AgentId> offered = Offered(EnqueueCall(acd, call, "q", 10 + i));
      picks.push_back(offered.at(0));
      Serve(acd, call, offered[0], 10 + i, 10.5 + i);
    }
    return picks;
  };
  const std::vector<AgentId> first = run(42);
  EXPECT_EQ(first, run(42));
  EXPECT_NE(first, run(43));
  std::map<AgentId, int> counts;
  for (const AgentId& agent : first) ++counts[agent];
  for (const char* agent : {"a1", "a2", "a3"}) {
    EXPECT_GT(counts[agent], 70) << agent;  // expectation 100 each
    EXPECT_LT(counts[agent], 130) << agent;
  }
}

TEST(Random, UsesTheInjectedSource) {
  AcdConfig config;
  config.random = [] { return std::uint64_t{0}; };  // reservoir keeps replacing: last wins
  Acd acd = ThreeAgents("random", config);
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 10)), std::vector<AgentId>{"a3"});
}

}  // namespace
}  // namespace hotline::acd
