// Call inputs: a call enters, is answered, refused, ends, is abandoned or becomes a callback.
#include <algorithm>

#include "acd/acd_core.h"

namespace hotline::acd {

Result<Enqueued> Acd::Core::Enqueue(const CallInfo& info, TimePoint now) {
  if (info.id.empty()) return Error{"call needs an id"};
  auto queue_it = queue_ids_.find(info.queue);
  if (queue_it == queue_ids_.end()) return Error{"unknown queue '" + info.queue + "'"};
  if (call_ids_.count(info.id)) return Error{"call '" + info.id + "' is already in the ACD"};
  QueueRecord& queue = queues_[queue_it->second];
  Enqueued result;
  if (queue.waiting.size() >= queue.config.max_queue_length) {
    result.actions.push_back(Reject{info.id, info.queue, "queue_full"});
    return result;
  }
  const CallSeq seq = next_seq_++;
  CallRecord& call = calls_[seq];
  call.info = info;
  call.seq = seq;
  call.queue = queue_it->second;
  call.wait_key = {info.vip ? 0 : 1, -std::int64_t{info.priority}, seq};
  call.extra = InternAll(info.extra_skills);
  call.entered_at = now;
  call_ids_.emplace(info.id, seq);
  AddWaiting(call);

  // Last-agent routing: the agent who served this number recently, if it can take the call.
  const QueueConfig& config = queue.config;
  auto last = config.sticky_window > Duration::zero() ? last_agent_.find(info.caller_number)
                                                      : last_agent_.end();
  if (last != last_agent_.end() && now - last->second.served_at <= config.sticky_window &&
      Eligible(call, last->second.agent)) {
    const AgentState state = agents_[last->second.agent].state;
    const bool busy = state == AgentState::kRinging || state == AgentState::kOnCall ||
                      state == AgentState::kAfterCallWork || state == AgentState::kReserved;
    if (state == AgentState::kReady) {
      OfferTo(call, {last->second.agent}, now, result.actions);
      return result;
    }
    if (busy && config.sticky_wait > Duration::zero()) {
      call.sticky_agent = last->second.agent;
      StartStickyHold(call, now);
    }
  }
  if (!TryRoute(call, now, result.actions)) {
    ArmCall(call, now);
    result.position = PositionOf(call);
    result.expected_wait = ExpectedWait(queue, result.position);
  }
  return result;
}

std::vector<AgentIndex> Acd::Core::CancelRinging(CallRecord& call, std::optional<AgentIndex> except,
                                                 const std::string& reason, TimePoint now,
                                                 Actions& out) {
  std::vector<AgentIndex> freed;
  for (AgentIndex agent : call.offered) {
    if (agent == except) continue;
    out.push_back(CancelOffer{call.info.id, agents_[agent].id, reason});
    agents_[agent].call.reset();
    SetState(agent, AgentState::kReady, reason, now, out);
    freed.push_back(agent);
  }
  return freed;
}

Result<Actions> Acd::Core::Answered(const CallId& id, const AgentId& agent_id, TimePoint now) {
  Result<CallSeq> seq = FindCall(id);
  if (!seq.ok()) return seq.error();
  Result<AgentIndex> agent = FindAgent(agent_id);
  if (!agent.ok()) return agent.error();
  CallRecord& call = calls_.at(*seq);
  const bool offered =
      std::find(call.offered.begin(), call.offered.end(), *agent) != call.offered.end();
  if (call.phase == CallPhase::kConnected || call.phase == CallPhase::kWaiting || !offered) {
    return Error{"call '" + id + "' is not offered to agent '" + agent_id + "'"};
  }
  Actions out;
  const std::vector<AgentIndex> freed = CancelRinging(call, *agent, "answered_elsewhere", now, out);
  if (call.phase == CallPhase::kRinging) --queues_[call.queue].ringing;
  call.phase = CallPhase::kConnected;
  call.offered = {*agent};
  ++call.timer_generation;  // no ring timeout any more
  AgentRecord& record = agents_[*agent];
  record.answered_at = now;
  ++record.calls_handled;
  SetState(*agent, AgentState::kOnCall, "", now, out);
  if (!call.info.caller_number.empty()) {
    last_agent_[call.info.caller_number] = {*agent, now};
    last_agent_order_.emplace(now, call.info.caller_number);
  }
  for (AgentIndex free_agent : freed) AgentFreed(free_agent, now, out);
  return out;
}

void Acd::Core::WithdrawAgent(CallRecord& call, AgentIndex agent, bool declined, TimePoint now,
                              Actions& out) {
  call.offered.erase(std::remove(call.offered.begin(), call.offered.end(), agent),
                     call.offered.end());
  if (declined) call.declined.push_back(agent);
  agents_[agent].call.reset();
  if (!call.offered.empty()) return;  // ring_all: others still ring
  ReturnToQueue(call, now);
  TryRoute(call, now, out);
}

Result<Actions> Acd::Core::Refused(const CallId& id, const AgentId& agent_id, bool no_answer,
                                   TimePoint now) {
  Result<CallSeq> seq = FindCall(id);
  if (!seq.ok()) return seq.error();
  Result<AgentIndex> agent = FindAgent(agent_id);
  if (!agent.ok()) return agent.error();
  CallRecord& call = calls_.at(*seq);
  const bool offered =
      std::find(call.offered.begin(), call.offered.end(), *agent) != call.offered.end();
  if (call.phase == CallPhase::kConnected || call.phase == CallPhase::kWaiting || !offered) {
    return Error{"call '" + id + "' is not offered to agent '" + agent_id + "'"};
  }
  Actions out;
  WithdrawAgent(call, *agent, /*declined=*/!no_answer, now, out);
  if (no_answer) {
    SetState(*agent, AgentState::kNotReady, "no_answer", now, out);
  } else {
    SetState(*agent, AgentState::kReady, "rejected", now, out);
    AgentFreed(*agent, now, out);
  }
  return out;
}

Result<Actions> Acd::Core::Ended(const CallId& id, TimePoint now) {
  Result<CallSeq> seq = FindCall(id);
  if (!seq.ok()) return seq.error();
  CallRecord& call = calls_.at(*seq);
  if (call.phase != CallPhase::kConnected) return Abandon(id, now);
  const AgentIndex agent = call.offered.front();
  QueueRecord& queue = queues_[call.queue];
  AgentRecord& record = agents_[agent];
  const Duration talk = now - record.answered_at;
  record.talk_time += talk;
  record.call.reset();
  const Duration wrap_up = queue.config.wrap_up;
  const auto handle_ms = static_cast<double>((talk + wrap_up).count());
  if (!queue.handle_time_measured) {
    queue.average_handle_ms = handle_ms;
    queue.handle_time_measured = true;
  } else {
    queue.average_handle_ms +=
        config_.handle_time_smoothing * (handle_ms - queue.average_handle_ms);
  }
  Forget(call);
  Actions out;
  if (wrap_up > Duration::zero()) {
    SetState(agent, AgentState::kAfterCallWork, "wrap_up", now, out);
    ArmAgent(agent, now + wrap_up);
  } else {
    SetState(agent, AgentState::kReady, "", now, out);
    AgentFreed(agent, now, out);
  }
  return out;
}

Result<Actions> Acd::Core::Abandon(const CallId& id, TimePoint now) {
  Result<CallSeq> seq = FindCall(id);
  if (!seq.ok()) return seq.error();
  CallRecord& call = calls_.at(*seq);
  if (call.phase == CallPhase::kConnected) {
    return Error{"call '" + id + "' is connected: use CallEnded"};
  }
  Actions out;
  std::vector<AgentIndex> freed;
  if (call.phase == CallPhase::kWaiting) {
    RemoveWaiting(call);
  } else {
    if (call.phase == CallPhase::kRinging) --queues_[call.queue].ringing;
    freed = CancelRinging(call, std::nullopt, "abandoned", now, out);
  }
  Forget(call);
  for (AgentIndex agent : freed) AgentFreed(agent, now, out);
  return out;
}

Result<Actions> Acd::Core::RequestCallback(const CallId& id, TimePoint now) {
  Result<CallSeq> seq = FindCall(id);
  if (!seq.ok()) return seq.error();
  CallRecord& call = calls_.at(*seq);
  if (call.phase != CallPhase::kWaiting) {
    return Error{"call '" + id + "' is not waiting: no callback"};
  }
  if (call.callback) return Error{"call '" + id + "' is already a callback"};
  call.callback = true;
  ArmCall(call, now);  // max_wait no longer applies
  return Actions{};
}

void Acd::Core::Forget(CallRecord& call) {
  call_ids_.erase(call.info.id);
  calls_.erase(call.seq);  // `call` dangles from here on
}

}  // namespace hotline::acd
