// acd/acd_core.h: the state behind Acd (implementation detail; include acd/acd.h instead).
//
// Data structures (docs/design/acd.md):
//  - agents_: dense vector; an agent lists the queues it can serve (`member_of`, using the
//    lowest level any overflow rule can relax to) and its current entries in their indexes.
//  - per queue, `idle`: ready member agents ordered by the queue strategy's IdleKey, and
//    `waiting`: waiting calls ordered by (VIP, priority, arrival). Routing a call is a walk
//    from the front of `idle` to the first agent the call accepts; usually the first.
//  - calls_: by sequence number (arrival order); `timers_`: a min-heap of deadlines with
//    generation numbers, so a stale timer is skipped instead of searched for and removed.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "acd/acd.h"
#include "acd/random_source.h"

namespace hotline::acd {

using QueueIndex = std::uint32_t;
using SkillIndex = std::uint32_t;
using CallSeq = std::uint64_t;

struct Requirement {
  SkillIndex skill = 0;
  int min_level = 0;
};

// Routing order of waiting calls: VIPs first, then higher priority, then arrival.
struct WaitKey {
  int vip_rank = 1;  // 0 for VIP
  std::int64_t negative_priority = 0;
  CallSeq seq = 0;
  auto operator<=>(const WaitKey&) const = default;
};

// A queue whose index may hold the agent; `base`: eligible without any relaxation (counts as
// staffed for the queue's statistics).
struct Membership {
  QueueIndex queue = 0;
  bool base = false;
};

struct AgentRecord {
  AgentId id;
  std::vector<Requirement> skills;  // sorted by skill; min_level holds the agent's level
  AgentState state = AgentState::kLoggedOut;
  std::string reason;
  TimePoint idle_since{};
  std::uint64_t calls_handled = 0;
  Duration talk_time{};
  std::vector<Membership> member_of;
  std::vector<std::pair<QueueIndex, IdleKey>> idle_entries;
  std::optional<CallSeq> call;
  TimePoint answered_at{};
  std::uint64_t timer_generation = 0;
  std::vector<CallSeq> sticky_waiters;  // calls holding for this agent (checked lazily)
};

struct QueueRecord {
  QueueConfig config;
  std::vector<Requirement> required;
  int max_relax = 0;  // sum of kRelaxLevel rules: how low the minimum levels can go
  StrategyPtr strategy;
  IdleIndex idle;
  QueueMemory memory;
  std::set<std::pair<WaitKey, CallSeq>> waiting;
  std::vector<QueueIndex> borrowers;  // queues with a kAddQueueAgents rule targeting this one
  std::size_t waiting_with_borrowed = 0;
  std::size_t ringing = 0;
  std::vector<AgentIndex> members;
  std::size_t staffed = 0;     // base members logged in and not in not_ready
  std::size_t idle_count = 0;  // base members in ready
  double average_handle_ms = 0;
  bool handle_time_measured = false;
  // RemoveQueue leaves a tombstone (indexes stay stable): no members, no calls, no id.
  bool removed = false;
};

struct CallRecord {
  CallInfo info;
  CallSeq seq = 0;
  QueueIndex queue = 0;
  WaitKey wait_key;
  std::vector<Requirement> extra;
  TimePoint entered_at{};
  CallPhase phase = CallPhase::kWaiting;
  int relax = 0;
  std::vector<QueueIndex> borrowed;
  std::size_t next_rule = 0;
  bool callback = false;
  std::optional<AgentIndex> sticky_agent;
  TimePoint sticky_until{};
  std::vector<AgentIndex> offered;  // ringing / reserved / connected agents
  std::vector<AgentIndex> declined;
  std::uint64_t timer_generation = 0;
};

struct Timer {
  TimePoint due{};
  bool for_agent = false;
  std::uint64_t id = 0;  // AgentIndex or CallSeq
  std::uint64_t generation = 0;
  bool operator>(const Timer& other) const { return due > other.due; }
};

class Acd::Core {
 public:
  Core(AcdConfig config, StrategyRegistry strategies);

  // acd.cpp: configuration and queries.
  Status AddQueue(QueueConfig queue);
  Status AddAgent(AgentConfig agent);

  // acd_reconfigure.cpp: live changes of queues and skills.
  Result<Actions> UpdateQueue(QueueConfig queue, TimePoint now);
  Status RemoveQueue(const QueueId& queue);
  Result<Actions> SetAgentSkills(const AgentId& agent, std::vector<SkillLevel> skills,
                                 TimePoint now);
  bool HasQueue(const QueueId& queue) const { return queue_ids_.count(queue) > 0; }
  Result<QueueStats> Stats(const QueueId& queue, TimePoint now) const;
  Result<AgentView> AgentOf(const AgentId& agent) const;
  Result<CallView> CallOf(const CallId& call) const;
  std::optional<TimePoint> NextDeadline() const;

  // acd_agents.cpp: agent inputs and the state machine.
  Result<Actions> Login(const AgentId& agent, TimePoint now);
  Result<Actions> Ready(const AgentId& agent, TimePoint now);
  Result<Actions> NotReady(const AgentId& agent, const std::string& reason, TimePoint now);
  Result<Actions> Logout(const AgentId& agent, TimePoint now);

  // acd_calls.cpp: call inputs.
  Result<Enqueued> Enqueue(const CallInfo& call, TimePoint now);
  Result<Actions> Answered(const CallId& call, const AgentId& agent, TimePoint now);
  Result<Actions> Refused(const CallId& call, const AgentId& agent, bool no_answer, TimePoint now);
  Result<Actions> Ended(const CallId& call, TimePoint now);
  Result<Actions> Abandon(const CallId& call, TimePoint now);
  Result<Actions> RequestCallback(const CallId& call, TimePoint now);

  // acd_timers.cpp
  Actions Tick(TimePoint now);

 private:
  class CallFilter;  // accepts the agents a given call may go to

  // acd.cpp helpers
  SkillIndex Intern(const SkillName& name);
  std::vector<Requirement> InternAll(const std::vector<SkillRequirement>& wanted);
  static int LevelOf(const AgentRecord& agent, SkillIndex skill);
  static bool Meets(const AgentRecord& agent, const std::vector<Requirement>& wanted, int relax);
  int SkillScore(const AgentRecord& agent, const QueueRecord& queue) const;
  void LinkMembership(AgentIndex agent, QueueIndex queue);
  Duration AverageHandleTime(const QueueRecord& queue) const;
  Result<AgentIndex> FindAgent(const AgentId& agent) const;
  Result<CallSeq> FindCall(const CallId& call) const;

  // acd_reconfigure.cpp helpers
  Status CheckRules(const QueueConfig& config, std::optional<QueueIndex> self) const;
  bool AddQueueCycle(QueueIndex queue, const QueueConfig& config) const;
  void UnlinkMembership(AgentIndex agent, QueueIndex queue);
  void ForgetBorrower(const QueueRecord& queue, QueueIndex index);
  void RecomputeStickyWindow();

  // acd_agents.cpp helpers
  void SetState(AgentIndex agent, AgentState to, std::string reason, TimePoint now, Actions& out);
  void RemoveFromIdle(AgentRecord& agent);
  void AddToIdle(AgentIndex agent, TimePoint now);
  // The agent just became ready: give it the best call it can take, if any.
  void AgentFreed(AgentIndex agent, TimePoint now, Actions& out);
  // Takes `agent` off `call`'s offer; the call returns to its place when no offer is left.
  // `declined`: the agent refused it explicitly and is not offered this call again.
  void WithdrawAgent(CallRecord& call, AgentIndex agent, bool declined, TimePoint now,
                     Actions& out);
  // Position (1-based) of a waiting call, walking from the nearer end of its queue.
  std::size_t PositionOf(const CallRecord& call) const;
  Duration ExpectedWait(const QueueRecord& queue, std::size_t position) const;

  // acd_routing.cpp
  bool Eligible(const CallRecord& call, AgentIndex agent) const;
  // Offers `call` (waiting) to the best idle agent(s); false when none accepts or the call
  // holds for its sticky agent.
  bool TryRoute(CallRecord& call, TimePoint now, Actions& out);
  void OfferTo(CallRecord& call, const std::vector<AgentIndex>& agents, TimePoint now,
               Actions& out);
  void ReturnToQueue(CallRecord& call, TimePoint now);
  void AddWaiting(CallRecord& call);
  void RemoveWaiting(CallRecord& call);
  void StartStickyHold(CallRecord& call, TimePoint now);
  bool StickyHolding(const CallRecord& call, TimePoint now) const;

  // acd_calls.cpp helpers
  // Cancels the offer at every agent but `except`; returns the agents freed (now ready).
  std::vector<AgentIndex> CancelRinging(CallRecord& call, std::optional<AgentIndex> except,
                                        const std::string& reason, TimePoint now, Actions& out);
  void Forget(CallRecord& call);

  // acd_timers.cpp
  void ArmCall(CallRecord& call, TimePoint now);
  void ArmAgent(AgentIndex agent, TimePoint due);
  void FireCall(CallRecord& call, TimePoint now, Actions& out);
  // Applies one due overflow rule; false when the call left the queue.
  bool ApplyRule(CallRecord& call, const OverflowRule& rule, TimePoint now, Actions& out);
  void Leave(CallRecord& call, Action action, Actions& out);
  void PruneSticky(TimePoint now);
  bool Live(const Timer& timer) const;

  AcdConfig config_;
  StrategyRegistry strategies_;
  SeededRandom random_;
  std::unordered_map<std::string, SkillIndex> skill_ids_;
  std::vector<AgentRecord> agents_;
  std::unordered_map<AgentId, AgentIndex> agent_ids_;
  std::vector<QueueRecord> queues_;
  std::unordered_map<QueueId, QueueIndex> queue_ids_;
  std::unordered_map<CallSeq, CallRecord> calls_;
  std::unordered_map<CallId, CallSeq> call_ids_;
  CallSeq next_seq_ = 1;
  // mutable: NextDeadline() drops stale entries from the top.
  mutable std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  // Last agent per caller number, for sticky routing; pruned in arrival order.
  struct LastAgent {
    AgentIndex agent = 0;
    TimePoint served_at{};
  };
  std::unordered_map<std::string, LastAgent> last_agent_;
  std::queue<std::pair<TimePoint, std::string>> last_agent_order_;
  Duration longest_sticky_window_{};
};

}  // namespace hotline::acd
