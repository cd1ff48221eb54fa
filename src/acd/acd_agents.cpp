// Agent inputs and the agent state machine (docs/design/acd.md). Every change of state goes
// through SetState, which keeps the idle indexes and queue counters in step and emits the
// AgentStateChanged event.
#include <algorithm>

#include "acd/acd_core.h"

namespace hotline::acd {
namespace {

bool Staffed(AgentState state) {
  return state != AgentState::kLoggedOut && state != AgentState::kNotReady;
}

}  // namespace

void Acd::Core::RemoveFromIdle(AgentRecord& agent) {
  for (const auto& [queue, key] : agent.idle_entries) queues_[queue].idle.erase(key);
  agent.idle_entries.clear();
}

void Acd::Core::AddToIdle(AgentIndex index, TimePoint idle_since) {
  AgentRecord& agent = agents_[index];
  agent.idle_since = idle_since;
  for (const Membership& membership : agent.member_of) {
    QueueRecord& queue = queues_[membership.queue];
    const AgentFacts facts{index, idle_since, agent.calls_handled, agent.talk_time,
                           SkillScore(agent, queue)};
    const IdleKey key = queue.strategy->Key(facts, random_);
    queue.idle.insert(key);
    agent.idle_entries.emplace_back(membership.queue, key);
  }
}

void Acd::Core::SetState(AgentIndex index, AgentState to, std::string reason, TimePoint now,
                         Actions& out) {
  AgentRecord& agent = agents_[index];
  const AgentState from = agent.state;
  if (from == AgentState::kReady) RemoveFromIdle(agent);
  for (const Membership& membership : agent.member_of) {
    if (!membership.base) continue;
    QueueRecord& queue = queues_[membership.queue];
    queue.staffed += Staffed(to) - Staffed(from);
    queue.idle_count += (to == AgentState::kReady) - (from == AgentState::kReady);
  }
  agent.state = to;
  agent.reason = to == AgentState::kNotReady ? reason : std::string();
  ++agent.timer_generation;  // any pending wrap-up end is void now
  if (to == AgentState::kReady) AddToIdle(index, now);
  out.push_back(AgentStateChanged{agent.id, from, to, std::move(reason), now});
}

Result<Actions> Acd::Core::Login(const AgentId& id, TimePoint now) {
  Result<AgentIndex> agent = FindAgent(id);
  if (!agent.ok()) return agent.error();
  if (agents_[*agent].state != AgentState::kLoggedOut) {
    return Error{"agent '" + id + "' is already logged in"};
  }
  Actions out;
  SetState(*agent, AgentState::kNotReady, "login", now, out);
  return out;
}

Result<Actions> Acd::Core::Ready(const AgentId& id, TimePoint now) {
  Result<AgentIndex> agent = FindAgent(id);
  if (!agent.ok()) return agent.error();
  const AgentState state = agents_[*agent].state;
  Actions out;
  if (state == AgentState::kReady) return out;
  if (state != AgentState::kNotReady && state != AgentState::kAfterCallWork) {
    return Error{"agent '" + id + "' cannot become ready from " + std::string(ToString(state))};
  }
  SetState(*agent, AgentState::kReady, "", now, out);
  AgentFreed(*agent, now, out);
  return out;
}

Result<Actions> Acd::Core::NotReady(const AgentId& id, const std::string& reason, TimePoint now) {
  Result<AgentIndex> agent = FindAgent(id);
  if (!agent.ok()) return agent.error();
  const AgentState state = agents_[*agent].state;
  if (state != AgentState::kReady && state != AgentState::kNotReady &&
      state != AgentState::kAfterCallWork) {
    return Error{"agent '" + id + "' cannot become not_ready from " + std::string(ToString(state))};
  }
  Actions out;
  SetState(*agent, AgentState::kNotReady, reason, now, out);
  return out;
}

Result<Actions> Acd::Core::Logout(const AgentId& id, TimePoint now) {
  Result<AgentIndex> agent = FindAgent(id);
  if (!agent.ok()) return agent.error();
  AgentRecord& record = agents_[*agent];
  if (record.state == AgentState::kLoggedOut) return Error{"agent '" + id + "' is logged out"};
  if (record.state == AgentState::kOnCall) return Error{"agent '" + id + "' is on a call"};
  Actions out;
  if (record.call) {  // ringing or reserved: the call goes back to its place
    CallRecord& call = calls_.at(*record.call);
    out.push_back(CancelOffer{call.info.id, id, "logout"});
    WithdrawAgent(call, *agent, /*declined=*/false, now, out);
  }
  SetState(*agent, AgentState::kLoggedOut, "logout", now, out);
  return out;
}

void Acd::Core::AgentFreed(AgentIndex index, TimePoint now, Actions& out) {
  AgentRecord& agent = agents_[index];
  // 1. A call holding for this agent (last-agent routing) goes first.
  std::vector<CallSeq> holders;
  holders.swap(agent.sticky_waiters);
  CallRecord* best_holder = nullptr;
  for (CallSeq seq : holders) {
    auto it = calls_.find(seq);
    if (it == calls_.end()) continue;
    CallRecord& call = it->second;
    if (call.phase != CallPhase::kWaiting || call.sticky_agent != index) continue;
    if (!StickyHolding(call, now)) continue;
    agent.sticky_waiters.push_back(seq);
    if (Eligible(call, index) && (!best_holder || call.wait_key < best_holder->wait_key)) {
      best_holder = &call;
    }
  }
  if (best_holder) {
    OfferTo(*best_holder, {index}, now, out);
    return;
  }
  // 2. The best waiting call, over every queue the agent can serve, that accepts the agent.
  // Wait keys compare across queues (sequence numbers are global), so each queue's walk stops
  // as soon as it cannot beat the best found so far.
  std::vector<QueueIndex> candidates;
  for (const Membership& membership : agent.member_of) {
    candidates.push_back(membership.queue);
    for (QueueIndex borrower : queues_[membership.queue].borrowers) {
      if (queues_[borrower].waiting_with_borrowed > 0) candidates.push_back(borrower);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  while (agents_[index].state == AgentState::kReady) {
    CallRecord* best = nullptr;
    for (QueueIndex queue : candidates) {
      for (const auto& [key, seq] : queues_[queue].waiting) {
        if (best && !(key < best->wait_key)) break;
        CallRecord& call = calls_.at(seq);
        if (StickyHolding(call, now)) continue;
        if (Eligible(call, index)) {
          best = &call;
          break;
        }
      }
    }
    if (!best) return;
    // Normally routes to this agent; another idle agent the strategy prefers is possible only
    // when this one came free together with it (ring_all losers), then loop.
    if (!TryRoute(*best, now, out)) return;
  }
}

}  // namespace hotline::acd
