// Time-driven rules: ring timeouts, overflow rules, maximum wait, the end of a sticky hold and
// of wrap-up. Deadlines sit in a min-heap; each entry carries the generation of its call or
// agent at arming time, and any later change bumps the generation, so stale entries are
// dropped when they surface instead of being searched for.
#include <algorithm>

#include "acd/acd_core.h"

namespace hotline::acd {

void Acd::Core::ArmCall(CallRecord& call, TimePoint now) {
  const std::uint64_t generation = ++call.timer_generation;
  std::optional<TimePoint> due;
  auto consider = [&due](TimePoint at) { due = due ? std::min(*due, at) : at; };
  const QueueConfig& config = queues_[call.queue].config;
  if (call.phase == CallPhase::kRinging) {
    consider(now + config.ring_timeout);
  } else if (call.phase == CallPhase::kWaiting) {
    if (call.next_rule < config.overflow.size()) {
      consider(call.entered_at + config.overflow[call.next_rule].after);
    }
    if (config.max_wait && !call.callback) consider(call.entered_at + *config.max_wait);
    if (StickyHolding(call, now)) consider(call.sticky_until);
  }
  if (due) timers_.push(Timer{*due, false, call.seq, generation});
}

void Acd::Core::ArmAgent(AgentIndex agent, TimePoint due) {
  timers_.push(Timer{due, true, agent, agents_[agent].timer_generation});
}

bool Acd::Core::Live(const Timer& timer) const {
  if (timer.for_agent) {
    const AgentRecord& agent = agents_[static_cast<AgentIndex>(timer.id)];
    return agent.timer_generation == timer.generation && agent.state == AgentState::kAfterCallWork;
  }
  auto it = calls_.find(timer.id);
  return it != calls_.end() && it->second.timer_generation == timer.generation;
}

std::optional<TimePoint> Acd::Core::NextDeadline() const {
  while (!timers_.empty() && !Live(timers_.top())) timers_.pop();
  if (timers_.empty()) return std::nullopt;
  return timers_.top().due;
}

Actions Acd::Core::Tick(TimePoint now) {
  Actions out;
  while (!timers_.empty() && timers_.top().due <= now) {
    const Timer timer = timers_.top();
    timers_.pop();
    if (!Live(timer)) continue;
    if (timer.for_agent) {
      const auto agent = static_cast<AgentIndex>(timer.id);
      SetState(agent, AgentState::kReady, "wrap_up_done", now, out);
      AgentFreed(agent, now, out);
      continue;
    }
    FireCall(calls_.at(timer.id), now, out);
  }
  PruneSticky(now);
  return out;
}

void Acd::Core::FireCall(CallRecord& call, TimePoint now, Actions& out) {
  if (call.phase == CallPhase::kRinging) {  // ring timeout: nobody answered
    const std::vector<AgentIndex> ringing = call.offered;
    for (AgentIndex agent : ringing) {
      out.push_back(CancelOffer{call.info.id, agents_[agent].id, "no_answer"});
      const bool last = call.offered.size() == 1;
      WithdrawAgent(call, agent, /*declined=*/false, now, out);  // the last one returns it
      SetState(agent, AgentState::kNotReady, "no_answer", now, out);
      if (last) break;
    }
    return;
  }
  if (call.phase != CallPhase::kWaiting) return;
  const QueueConfig& config = queues_[call.queue].config;
  const Duration waited = now - call.entered_at;
  while (call.next_rule < config.overflow.size() &&
         config.overflow[call.next_rule].after <= waited) {
    const OverflowRule& rule = config.overflow[call.next_rule++];
    if (!ApplyRule(call, rule, now, out)) return;  // the call left
  }
  if (config.max_wait && !call.callback && waited >= *config.max_wait) {
    if (config.max_wait_target.empty()) {
      Leave(call, ToVoicemail{call.info.id, config.id, "max_wait"}, out);
    } else {
      Leave(call, Overflow{call.info.id, config.id, config.max_wait_target, "max_wait"}, out);
    }
    return;
  }
  if (!TryRoute(call, now, out)) ArmCall(call, now);
}

bool Acd::Core::ApplyRule(CallRecord& call, const OverflowRule& rule, TimePoint now, Actions& out) {
  (void)now;
  const QueueConfig& config = queues_[call.queue].config;
  switch (rule.kind) {
    case OverflowRule::Kind::kRelaxLevel:
      call.relax += rule.relax_by;
      return true;
    case OverflowRule::Kind::kAddQueueAgents: {
      const QueueIndex lender = queue_ids_.at(rule.target);
      if (std::find(call.borrowed.begin(), call.borrowed.end(), lender) != call.borrowed.end()) {
        return true;
      }
      if (call.borrowed.empty()) ++queues_[call.queue].waiting_with_borrowed;
      call.borrowed.push_back(lender);
      return true;
    }
    case OverflowRule::Kind::kMoveToQueue:
      if (call.callback) return true;
      Leave(call, Overflow{call.info.id, config.id, rule.target, "overflow"}, out);
      return false;
    case OverflowRule::Kind::kVoicemail:
      if (call.callback) return true;
      Leave(call, ToVoicemail{call.info.id, config.id, "overflow"}, out);
      return false;
  }
  return true;
}

void Acd::Core::Leave(CallRecord& call, Action action, Actions& out) {
  RemoveWaiting(call);
  out.push_back(std::move(action));
  Forget(call);
}

void Acd::Core::PruneSticky(TimePoint now) {
  while (!last_agent_order_.empty() &&
         last_agent_order_.front().first + longest_sticky_window_ < now) {
    auto it = last_agent_.find(last_agent_order_.front().second);
    if (it != last_agent_.end() && it->second.served_at == last_agent_order_.front().first) {
      last_agent_.erase(it);
    }
    last_agent_order_.pop();
  }
}

}  // namespace hotline::acd
