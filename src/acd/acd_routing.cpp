// Routing: matching one waiting call with the best idle agent(s) of its queue (and of queues
// it borrows agents from), and moving calls between the waiting and offered phases.
#include <algorithm>

#include "acd/acd_core.h"

namespace hotline::acd {

// Accepts the agents that may take one particular call (the index holds only ready agents).
class Acd::Core::CallFilter final : public AgentFilter {
 public:
  CallFilter(const Core& core, const CallRecord& call) : core_(core), call_(call) {}
  bool Accepts(AgentIndex agent) const override { return core_.Eligible(call_, agent); }

 private:
  const Core& core_;
  const CallRecord& call_;
};

bool Acd::Core::Eligible(const CallRecord& call, AgentIndex index) const {
  const AgentRecord& agent = agents_[index];
  if (std::find(call.declined.begin(), call.declined.end(), index) != call.declined.end()) {
    return false;
  }
  if (!Meets(agent, call.extra, 0)) return false;  // e.g. language: never relaxed
  if (Meets(agent, queues_[call.queue].required, call.relax)) return true;
  for (QueueIndex borrowed : call.borrowed) {
    if (Meets(agent, queues_[borrowed].required, 0)) return true;
  }
  return false;
}

bool Acd::Core::StickyHolding(const CallRecord& call, TimePoint now) const {
  return call.sticky_agent.has_value() && now < call.sticky_until;
}

void Acd::Core::StartStickyHold(CallRecord& call, TimePoint now) {
  const AgentIndex agent = *call.sticky_agent;
  call.sticky_until = now + queues_[call.queue].config.sticky_wait;
  agents_[agent].sticky_waiters.push_back(call.seq);
}

bool Acd::Core::TryRoute(CallRecord& call, TimePoint now, Actions& out) {
  if (call.phase != CallPhase::kWaiting) return false;
  if (call.sticky_agent) {
    const AgentIndex sticky = *call.sticky_agent;
    if (StickyHolding(call, now)) {
      if (agents_[sticky].state != AgentState::kReady || !Eligible(call, sticky)) return false;
      OfferTo(call, {sticky}, now, out);
      return true;
    }
    call.sticky_agent.reset();
  }
  const CallFilter filter(*this, call);
  std::vector<AgentIndex> chosen;
  QueueRecord& queue = queues_[call.queue];
  queue.strategy->Pick(queue.idle, filter, queue.memory, random_, chosen);
  for (std::size_t i = 0; chosen.empty() && i < call.borrowed.size(); ++i) {
    QueueRecord& lender = queues_[call.borrowed[i]];
    lender.strategy->Pick(lender.idle, filter, lender.memory, random_, chosen);
  }
  if (chosen.empty()) return false;
  OfferTo(call, chosen, now, out);
  return true;
}

void Acd::Core::OfferTo(CallRecord& call, const std::vector<AgentIndex>& agents, TimePoint now,
                        Actions& out) {
  RemoveWaiting(call);
  QueueRecord& queue = queues_[call.queue];
  call.offered = agents;
  const AgentState to = call.callback ? AgentState::kReserved : AgentState::kRinging;
  call.phase = call.callback ? CallPhase::kCallbackReserved : CallPhase::kRinging;
  if (!call.callback) ++queue.ringing;
  for (AgentIndex agent : agents) {
    agents_[agent].call = call.seq;
    SetState(agent, to, call.callback ? "callback" : "offer", now, out);
  }
  if (call.callback) {
    out.push_back(
        Callback{call.info.id, queue.config.id, agents_[agents[0]].id, call.info.caller_number});
  } else {
    Offer offer{call.info.id, queue.config.id, {}};
    for (AgentIndex agent : agents) offer.agents.push_back(agents_[agent].id);
    out.push_back(std::move(offer));
  }
  ArmCall(call, now);
}

void Acd::Core::ReturnToQueue(CallRecord& call, TimePoint now) {
  if (call.phase == CallPhase::kRinging) --queues_[call.queue].ringing;
  call.phase = CallPhase::kWaiting;
  call.offered.clear();
  AddWaiting(call);  // same WaitKey: the call is back at its original place
  ArmCall(call, now);
}

void Acd::Core::AddWaiting(CallRecord& call) {
  QueueRecord& queue = queues_[call.queue];
  queue.waiting.emplace(call.wait_key, call.seq);
  if (!call.borrowed.empty()) ++queue.waiting_with_borrowed;
}

void Acd::Core::RemoveWaiting(CallRecord& call) {
  QueueRecord& queue = queues_[call.queue];
  if (queue.waiting.erase({call.wait_key, call.seq}) && !call.borrowed.empty()) {
    --queue.waiting_with_borrowed;
  }
}

}  // namespace hotline::acd
