// Live reconfiguration of the ACD: UpdateQueue, RemoveQueue and SetAgentSkills while calls
// wait, ring and talk. Time is injected (At(seconds)); nothing sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;
using std::chrono::seconds;

std::vector<CallId> WaitingIds(const Acd& acd, const QueueId& queue, double at_s) {
  std::vector<CallId> out;
  for (const WaitingCall& call : Must(acd.Stats(queue, At(at_s))).calls) out.push_back(call.call);
  return out;
}

TEST(AcdReconfigure, UpdateUnknownQueueFails) {
  Acd acd;
  Result<Actions> r = acd.UpdateQueue(SimpleQueue("nope"), At(0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown queue"), std::string::npos);
}

TEST(AcdReconfigure, UpdateRefusesUnknownStrategyAndKeepsTheOldSettings) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q", "longest_idle")));
  QueueConfig bad = SimpleQueue("q", "no_such_strategy");
  EXPECT_FALSE(acd.UpdateQueue(bad, At(0)).ok());
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 1)), std::vector<AgentId>{"a"});
}

TEST(AcdReconfigure, UpdateRefusesSelfTargetCyclesAndUnknownTargets) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("a")));
  QueueConfig b = SimpleQueue("b");
  b.overflow = {{seconds(10), OverflowRule::Kind::kAddQueueAgents, 0, "a"}};
  MustOk(acd.AddQueue(b));

  QueueConfig self = SimpleQueue("a");
  self.overflow = {{seconds(10), OverflowRule::Kind::kAddQueueAgents, 0, "a"}};
  EXPECT_FALSE(acd.UpdateQueue(self, At(0)).ok());

  QueueConfig cycle = SimpleQueue("a");
  cycle.overflow = {{seconds(10), OverflowRule::Kind::kAddQueueAgents, 0, "b"}};
  Result<Actions> r = acd.UpdateQueue(cycle, At(0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cycle"), std::string::npos);

  QueueConfig unknown = SimpleQueue("a");
  unknown.overflow = {{seconds(10), OverflowRule::Kind::kAddQueueAgents, 0, "zzz"}};
  EXPECT_FALSE(acd.UpdateQueue(unknown, At(0)).ok());

  QueueConfig no_target = SimpleQueue("a");
  no_target.overflow = {{seconds(10), OverflowRule::Kind::kMoveToQueue, 0, ""}};
  EXPECT_FALSE(acd.UpdateQueue(no_target, At(0)).ok());

  QueueConfig negative = SimpleQueue("a");
  negative.overflow = {{seconds(10), OverflowRule::Kind::kRelaxLevel, -1, ""}};
  EXPECT_FALSE(acd.UpdateQueue(negative, At(0)).ok());
}

TEST(AcdReconfigure, StrategyChangeDecidesTheNextOffer) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q", "longest_idle");
  MustOk(acd.AddQueue(queue));
  ReadyAgent(acd, "low", {{"sales", 1}}, 0);   // idle longest
  ReadyAgent(acd, "high", {{"sales", 9}}, 5);  // best skill
  queue.strategy = "best_skill";
  EXPECT_TRUE(Must(acd.UpdateQueue(queue, At(6))).empty());
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 7)), std::vector<AgentId>{"high"});

  queue.strategy = "ring_all";
  Must(acd.UpdateQueue(queue, At(8)));
  Must(acd.AgentRejected("c1", "high", At(8)));  // c1 goes to low; high is ready again
  EXPECT_EQ(StateOf(acd, "low"), AgentState::kRinging);
  const std::vector<AgentId> both = Offered(EnqueueCall(acd, "c2", "q", 9));
  EXPECT_EQ(both, std::vector<AgentId>{"high"});  // the only ready one
}

TEST(AcdReconfigure, NewRequiredSkillOffersAWaitingCallToAReadyAgent) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q", "longest_idle", "sales", 1)));
  ReadyAgent(acd, "support_only", {{"support", 2}}, 0);
  EnqueueCall(acd, "c1", "q", 1);
  EXPECT_EQ(Must(acd.Stats("q", At(1))).staffed, 0u);
  Actions actions = Must(acd.UpdateQueue(SimpleQueue("q", "longest_idle", "support", 1), At(2)));
  EXPECT_EQ(Offered(actions), std::vector<AgentId>{"support_only"});
  EXPECT_EQ(StateOf(acd, "support_only"), AgentState::kRinging);
  QueueStats stats = Must(acd.Stats("q", At(2)));
  EXPECT_EQ(stats.staffed, 1u);
  EXPECT_EQ(stats.waiting, 0u);
  EXPECT_EQ(stats.ringing, 1u);
}

TEST(AcdReconfigure, DroppedSkillTakesAgentsOutOfTheQueue) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q", "longest_idle", "sales", 1)));
  ReadyAgent(acd, "a", {{"sales", 2}}, 0);
  EXPECT_EQ(Must(acd.Stats("q", At(0))).idle, 1u);
  Must(acd.UpdateQueue(SimpleQueue("q", "longest_idle", "sales", 3), At(1)));
  QueueStats stats = Must(acd.Stats("q", At(1)));
  EXPECT_EQ(stats.staffed, 0u);
  EXPECT_EQ(stats.idle, 0u);
  EXPECT_TRUE(Offered(EnqueueCall(acd, "c1", "q", 2)).empty());
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kReady);
}

TEST(AcdReconfigure, WaitingCallsKeepTheirOrder) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  EnqueueCall(acd, "c1", "q", 1);
  EnqueueCall(acd, "c2", "q", 2, /*priority=*/5);
  EnqueueCall(acd, "c3", "q", 3, 0, /*vip=*/true);
  EnqueueCall(acd, "c4", "q", 4);
  const std::vector<CallId> before = WaitingIds(acd, "q", 5);
  EXPECT_EQ(before, (std::vector<CallId>{"c3", "c2", "c1", "c4"}));
  QueueConfig changed = SimpleQueue("q", "fewest_calls");
  changed.wrap_up = seconds(30);
  EXPECT_TRUE(Must(acd.UpdateQueue(changed, At(5))).empty());
  EXPECT_EQ(WaitingIds(acd, "q", 6), before);
  ReadyAgent(acd, "a", {{"sales", 1}}, 7);  // gets the head of the queue
  EXPECT_EQ(Must(acd.Agent("a")).call, std::optional<CallId>("c3"));
}

TEST(AcdReconfigure, ShorterMaxWaitSendsLongWaitersAwayAtOnce) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  MustOk(acd.AddQueue(SimpleQueue("night")));
  EnqueueCall(acd, "old", "q", 0);
  EnqueueCall(acd, "new", "q", 50);
  QueueConfig changed = SimpleQueue("q");
  changed.max_wait = seconds(30);
  Actions actions = Must(acd.UpdateQueue(changed, At(60)));
  std::vector<ToVoicemail> gone = All<ToVoicemail>(actions);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].call, "old");
  EXPECT_EQ(gone[0].reason, "max_wait");
  EXPECT_FALSE(acd.Call("old").ok());
  EXPECT_EQ(WaitingIds(acd, "q", 60), std::vector<CallId>{"new"});
  // "new" leaves 30 s after it entered, to the target queue now set.
  changed.max_wait_target = "night";
  Must(acd.UpdateQueue(changed, At(61)));
  EXPECT_EQ(acd.NextDeadline(), std::optional<TimePoint>(At(80)));
  std::vector<Overflow> moved = All<Overflow>(acd.Tick(At(80)));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].to, "night");
}

TEST(AcdReconfigure, NewOverflowRulesApplyAsIfTheyHadAlwaysBeenThere) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q", "longest_idle", "sales", 3)));
  ReadyAgent(acd, "junior", {{"sales", 2}}, 0);
  EnqueueCall(acd, "c1", "q", 0);
  EXPECT_EQ(StateOf(acd, "junior"), AgentState::kReady);
  QueueConfig relaxed = SimpleQueue("q", "longest_idle", "sales", 3);
  relaxed.overflow = {{seconds(10), OverflowRule::Kind::kRelaxLevel, 1, ""}};
  // At 20 s the 10 s rule is already due: the call is relaxed and offered to junior now.
  Actions actions = Must(acd.UpdateQueue(relaxed, At(20)));
  EXPECT_EQ(Offered(actions), std::vector<AgentId>{"junior"});
  EXPECT_EQ(Must(acd.Call("c1")).relaxed_by, 1);
}

TEST(AcdReconfigure, RemovedOverflowRuleUndoesRelaxation) {
  Acd acd;
  QueueConfig relaxed = SimpleQueue("q", "longest_idle", "sales", 3);
  relaxed.overflow = {{seconds(10), OverflowRule::Kind::kRelaxLevel, 1, ""}};
  MustOk(acd.AddQueue(relaxed));
  EnqueueCall(acd, "c1", "q", 0);
  acd.Tick(At(10));
  EXPECT_EQ(Must(acd.Call("c1")).relaxed_by, 1);
  Must(acd.UpdateQueue(SimpleQueue("q", "longest_idle", "sales", 3), At(11)));
  EXPECT_EQ(Must(acd.Call("c1")).relaxed_by, 0);
  EXPECT_TRUE(Offered(ReadyAgent(acd, "junior", {{"sales", 2}}, 12)).empty());
}

TEST(AcdReconfigure, AddQueueRuleBorrowsTheNewLender) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("operator", "longest_idle", "operator", 1)));
  MustOk(acd.AddQueue(SimpleQueue("sales")));
  ReadyAgent(acd, "op", {{"operator", 1}}, 0);
  EnqueueCall(acd, "c1", "sales", 0);
  QueueConfig borrowing = SimpleQueue("sales");
  borrowing.overflow = {{seconds(30), OverflowRule::Kind::kAddQueueAgents, 0, "operator"}};
  EXPECT_TRUE(Must(acd.UpdateQueue(borrowing, At(5))).empty());
  EXPECT_EQ(acd.NextDeadline(), std::optional<TimePoint>(At(30)));
  EXPECT_EQ(Offered(acd.Tick(At(30))), std::vector<AgentId>{"op"});
  // A later call borrows too, when the lender's agent comes free.
  Must(acd.AgentAnswered("c1", "op", At(31)));
  EnqueueCall(acd, "c2", "sales", 32);
  EXPECT_TRUE(Offered(acd.Tick(At(62))).empty());  // c2 borrows, but op is talking
  EXPECT_EQ(Offered(Must(acd.CallEnded("c1", At(63)))), std::vector<AgentId>{"op"});
}

TEST(AcdReconfigure, RingingAndConnectedCallsKeepTheirAgent) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.ring_timeout = seconds(10);
  queue.wrap_up = seconds(5);
  MustOk(acd.AddQueue(queue));
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  ReadyAgent(acd, "b", {{"sales", 1}}, 0);
  EnqueueCall(acd, "talking", "q", 1);
  Must(acd.AgentAnswered("talking", "a", At(2)));
  EnqueueCall(acd, "ringing", "q", 3);
  EXPECT_EQ(StateOf(acd, "b"), AgentState::kRinging);
  // Both agents lose the skill; ring timeout and wrap-up change.
  QueueConfig changed = SimpleQueue("q", "longest_idle", "other", 1);
  changed.ring_timeout = seconds(60);
  changed.wrap_up = seconds(40);
  Must(acd.UpdateQueue(changed, At(4)));
  EXPECT_EQ(Must(acd.Call("ringing")).phase, CallPhase::kRinging);
  EXPECT_EQ(Must(acd.Call("talking")).phase, CallPhase::kConnected);
  // The offer made before the change times out on the old 10 s.
  Actions timeout = acd.Tick(At(13));
  EXPECT_EQ(All<CancelOffer>(timeout).size(), 1u);
  EXPECT_EQ(StateOf(acd, "b"), AgentState::kNotReady);
  EXPECT_EQ(Must(acd.Call("ringing")).phase, CallPhase::kWaiting);
  // The connected call ends with the new wrap-up of 40 s.
  Must(acd.CallEnded("talking", At(20)));
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kAfterCallWork);
  acd.Tick(At(59));
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kAfterCallWork);
  acd.Tick(At(60));
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kReady);
  EXPECT_EQ(Must(acd.Call("ringing")).phase, CallPhase::kWaiting);  // a lacks "other"
}

TEST(AcdReconfigure, NewRingTimeoutAppliesToTheNextOffer) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.ring_timeout = seconds(10);
  MustOk(acd.AddQueue(queue));
  queue.ring_timeout = seconds(3);
  Must(acd.UpdateQueue(queue, At(0)));
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  EnqueueCall(acd, "c1", "q", 1);
  EXPECT_EQ(acd.NextDeadline(), std::optional<TimePoint>(At(4)));
}

TEST(AcdReconfigure, RemoveQueueRefusedWhileCallsAreInIt) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  EnqueueCall(acd, "c1", "q", 0);
  Status refused = acd.RemoveQueue("q");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("1 call"), std::string::npos);
  EXPECT_TRUE(acd.HasQueue("q"));
  Must(acd.Abandon("c1", At(1)));
  MustOk(acd.RemoveQueue("q"));
  EXPECT_FALSE(acd.HasQueue("q"));
  EXPECT_FALSE(acd.Stats("q", At(2)).ok());
  CallInfo info;
  info.id = "c2";
  info.queue = "q";
  EXPECT_FALSE(acd.Enqueue(info, At(2)).ok());
  EXPECT_FALSE(acd.RemoveQueue("q").ok());
}

TEST(AcdReconfigure, RemoveQueueRefusedWhileConnectedCallIsInIt) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  EnqueueCall(acd, "c1", "q", 0);
  Must(acd.AgentAnswered("c1", "a", At(1)));
  EXPECT_FALSE(acd.RemoveQueue("q").ok());
  Must(acd.CallEnded("c1", At(2)));
  MustOk(acd.RemoveQueue("q"));
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kReady);
}

TEST(AcdReconfigure, RemoveQueueRefusedWhileAnotherQueueNamesIt) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("lender")));
  MustOk(acd.AddQueue(SimpleQueue("night")));
  MustOk(acd.AddQueue(SimpleQueue("spill")));
  QueueConfig q = SimpleQueue("q");
  q.overflow = {{seconds(10), OverflowRule::Kind::kAddQueueAgents, 0, "lender"},
                {seconds(20), OverflowRule::Kind::kMoveToQueue, 0, "spill"}};
  q.max_wait = seconds(60);
  q.max_wait_target = "night";
  MustOk(acd.AddQueue(q));
  for (const char* named : {"lender", "night", "spill"}) {
    Status refused = acd.RemoveQueue(named);
    ASSERT_FALSE(refused.ok()) << named;
    EXPECT_NE(refused.message().find("'q'"), std::string::npos) << refused.message();
  }
  // The borrower itself may go; then the lender is free too.
  MustOk(acd.RemoveQueue("q"));
  MustOk(acd.RemoveQueue("lender"));
}

TEST(AcdReconfigure, RemovedQueueLeavesAgentsServingTheOthersAndCanComeBack) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("gone")));
  MustOk(acd.AddQueue(SimpleQueue("stays")));
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  MustOk(acd.RemoveQueue("gone"));
  QueueStats stays = Must(acd.Stats("stays", At(1)));
  EXPECT_EQ(stays.idle, 1u);
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "stays", 1)), std::vector<AgentId>{"a"});
  // Back under the same id, with another skill; agents added later join it.
  MustOk(acd.AddQueue(SimpleQueue("gone", "longest_idle", "support", 1)));
  ReadyAgent(acd, "b", {{"support", 1}}, 2);
  EXPECT_EQ(Must(acd.Stats("gone", At(2))).idle, 1u);
  EXPECT_EQ(Offered(EnqueueCall(acd, "c2", "gone", 3)), std::vector<AgentId>{"b"});
}

TEST(AcdReconfigure, AgentGainingASkillTakesTheWaitingCall) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("support", "longest_idle", "support", 2)));
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  EnqueueCall(acd, "c1", "support", 1);
  Actions actions = Must(acd.SetAgentSkills("a", {{"support", 2}, {"sales", 1}}, At(2)));
  EXPECT_EQ(Offered(actions), std::vector<AgentId>{"a"});
  EXPECT_EQ(Must(acd.Stats("support", At(2))).staffed, 1u);
}

TEST(AcdReconfigure, AgentLosingASkillIsNoLongerOffered) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q", "longest_idle", "sales", 1)));
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  ReadyAgent(acd, "b", {{"sales", 1}}, 5);
  EXPECT_TRUE(Must(acd.SetAgentSkills("a", {{"support", 3}}, At(6))).empty());
  EXPECT_EQ(Must(acd.Stats("q", At(6))).idle, 1u);
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 7)), std::vector<AgentId>{"b"});
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kReady);
}

TEST(AcdReconfigure, SkillLevelChangeReordersBestSkill) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q", "best_skill", "sales", 1)));
  ReadyAgent(acd, "a", {{"sales", 5}}, 0);
  ReadyAgent(acd, "b", {{"sales", 2}}, 0);
  Must(acd.SetAgentSkills("b", {{"sales", 9}}, At(1)));
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 2)), std::vector<AgentId>{"b"});
}

TEST(AcdReconfigure, SkillsOfABusyAgentChangeWithoutTouchingItsCall) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  ReadyAgent(acd, "a", {{"sales", 1}}, 0);
  EnqueueCall(acd, "c1", "q", 1);
  EXPECT_TRUE(Must(acd.SetAgentSkills("a", {}, At(2))).empty());
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kRinging);
  Must(acd.AgentAnswered("c1", "a", At(3)));
  Must(acd.CallEnded("c1", At(4)));
  EXPECT_EQ(StateOf(acd, "a"), AgentState::kReady);
  EXPECT_TRUE(Offered(EnqueueCall(acd, "c2", "q", 5)).empty());
  EXPECT_EQ(Must(acd.Stats("q", At(5))).staffed, 0u);
}

TEST(AcdReconfigure, SetAgentSkillsRejectsBadInput) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  MustOk(acd.AddAgent({"a", {{"sales", 1}}}));
  EXPECT_FALSE(acd.SetAgentSkills("nobody", {}, At(0)).ok());
  EXPECT_FALSE(acd.SetAgentSkills("a", {{"sales", -1}}, At(0)).ok());
  EXPECT_FALSE(acd.SetAgentSkills("a", {{"sales", 1}, {"sales", 2}}, At(0)).ok());
  // Refusals leave the agent as it was.
  Must(acd.AgentLogin("a", At(0)));
  Must(acd.AgentReady("a", At(0)));
  EXPECT_EQ(Offered(EnqueueCall(acd, "c1", "q", 1)), std::vector<AgentId>{"a"});
}

// Random edits between random calls: the per-queue counters (staffed, idle) always equal a
// recount from the agents' states and skills, and every call ends at most once.
TEST(AcdReconfigure, RandomEditsKeepCountersExact) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    auto uniform = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    Acd acd;
    const std::vector<std::string> skills = {"sales", "support", "billing"};
    const std::vector<std::string> strategies = {"longest_idle",    "round_robin", "fewest_calls",
                                                 "least_talk_time", "ring_all",    "best_skill",
                                                 "random"};
    std::map<QueueId, QueueConfig> queues;
    for (const std::string& skill : skills) {
      queues[skill] = SimpleQueue(skill, "longest_idle", skill, 2);
      MustOk(acd.AddQueue(queues[skill]));
    }
    std::map<AgentId, std::map<std::string, int>> agent_skills;
    for (int i = 0; i < 8; ++i) {
      const AgentId id = "a" + std::to_string(i);
      MustOk(acd.AddAgent({id, {}}));
      agent_skills[id];
    }
    std::set<CallId> live;
    std::set<CallId> ended;
    int next_call = 0;
    auto absorb = [&](const Actions& actions) {
      for (const Action& action : actions) {
        CallId gone;
        if (auto* v = std::get_if<ToVoicemail>(&action)) gone = v->call;
        if (auto* o = std::get_if<Overflow>(&action)) gone = o->call;
        if (auto* r = std::get_if<Reject>(&action)) gone = r->call;
        if (gone.empty()) continue;
        ASSERT_TRUE(ended.insert(gone).second) << gone << " ended twice";
        live.erase(gone);
      }
    };
    double now = 0;
    for (int step = 0; step < 2000; ++step) {
      SCOPED_TRACE("step " + std::to_string(step));
      now += uniform(300) / 100.0;
      const AgentId agent = "a" + std::to_string(uniform(8));
      const std::string skill = skills[static_cast<std::size_t>(uniform(3))];
      const int op = uniform(100);
      if (op < 20) {
        const CallId id = "c" + std::to_string(next_call++);
        CallInfo info;
        info.id = id;
        info.queue = skill;
        info.caller_number = "tel" + std::to_string(uniform(5));
        Result<Enqueued> r = acd.Enqueue(info, At(now));
        ASSERT_TRUE(r.ok());
        live.insert(id);
        absorb(r->actions);
      } else if (op < 35) {
        Result<Actions> r =
            uniform(2) ? acd.AgentLogin(agent, At(now)) : acd.AgentReady(agent, At(now));
        if (r.ok()) absorb(*r);
      } else if (op < 40) {
        Result<Actions> r = acd.AgentLogout(agent, At(now));
        if (r.ok()) absorb(*r);
      } else if (op < 60) {
        AgentView view = Must(acd.Agent(agent));
        if (!view.call) continue;
        CallView call = Must(acd.Call(*view.call));
        if (call.phase == CallPhase::kConnected) {
          absorb(Must(acd.CallEnded(*view.call, At(now))));
          live.erase(*view.call);
          ended.insert(*view.call);
        } else if (call.phase == CallPhase::kRinging) {
          absorb(Must(acd.AgentAnswered(*view.call, agent, At(now))));
        }
      } else if (op < 70) {
        if (live.empty()) continue;
        auto it = live.begin();
        std::advance(it, uniform(static_cast<int>(live.size())));
        Result<CallView> call = acd.Call(*it);
        if (call.ok() && call->phase != CallPhase::kConnected) {
          absorb(Must(acd.Abandon(*it, At(now))));
          ended.insert(*it);
          live.erase(it);
        }
      } else if (op < 80) {  // edit an agent's skills
        std::map<std::string, int>& have = agent_skills[agent];
        have.clear();
        std::vector<SkillLevel> levels;
        for (const std::string& s : skills) {
          if (uniform(2)) {
            have[s] = uniform(5);
            levels.push_back({s, have[s]});
          }
        }
        absorb(Must(acd.SetAgentSkills(agent, levels, At(now))));
      } else if (op < 90) {  // edit a queue
        QueueConfig& config = queues[skill];
        config.strategy = strategies[static_cast<std::size_t>(uniform(7))];
        config.required_skills = {{skill, uniform(4)}};
        config.wrap_up = seconds(uniform(3));
        config.ring_timeout = seconds(1 + uniform(5));
        config.max_wait =
            uniform(3) == 0 ? std::optional<Duration>(seconds(20 + uniform(40))) : std::nullopt;
        config.overflow.clear();
        if (uniform(2))
          config.overflow.push_back({seconds(uniform(20)), OverflowRule::Kind::kRelaxLevel, 1, ""});
        absorb(Must(acd.UpdateQueue(config, At(now))));
      } else {
        absorb(acd.Tick(At(now)));
      }
      if (::testing::Test::HasFatalFailure()) return;
      // Recount.
      for (const auto& [id, config] : queues) {
        std::size_t staffed = 0;
        std::size_t idle = 0;
        const int min_level = config.required_skills[0].min_level;
        const std::string& need = config.required_skills[0].skill;
        for (const auto& [agent_id, have] : agent_skills) {
          auto level = have.find(need);
          if (level == have.end() || level->second < min_level) continue;
          const AgentState state = StateOf(acd, agent_id);
          if (state != AgentState::kLoggedOut && state != AgentState::kNotReady) ++staffed;
          if (state == AgentState::kReady) ++idle;
        }
        QueueStats stats = Must(acd.Stats(id, At(now)));
        ASSERT_EQ(stats.staffed, staffed) << id;
        ASSERT_EQ(stats.idle, idle) << id;
      }
    }
  }
}

}  // namespace
}  // namespace hotline::acd
