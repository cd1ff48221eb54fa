// Live reconfiguration: an administrator changes a queue's settings, removes a queue or
// changes an agent's skills while calls wait and ring. Queue indexes stay stable (a removed
// queue is a tombstone), so calls, agents and timers that refer to other queues are untouched;
// the changed queue's members, idle index, borrowers and waiting calls are rebuilt here.
#include <algorithm>
#include <functional>

#include "acd/acd_core.h"

namespace hotline::acd {
namespace {

bool Staffed(AgentState state) {
  return state != AgentState::kLoggedOut && state != AgentState::kNotReady;
}

}  // namespace

Status Acd::Core::CheckRules(const QueueConfig& config, std::optional<QueueIndex> self) const {
  for (const OverflowRule& rule : config.overflow) {
    if (rule.kind == OverflowRule::Kind::kRelaxLevel && rule.relax_by < 0) {
      return Error{"queue '" + config.id + "': negative relax_by"};
    }
    if (rule.kind == OverflowRule::Kind::kAddQueueAgents) {
      auto target = queue_ids_.find(rule.target);
      if (target == queue_ids_.end()) {
        return Error{"queue '" + config.id + "': overflow target queue '" + rule.target +
                     "' does not exist"};
      }
      if (self && target->second == *self) {
        return Error{"queue '" + config.id + "': an add_queue rule cannot target the queue itself"};
      }
    }
    if (rule.kind == OverflowRule::Kind::kMoveToQueue && rule.target.empty()) {
      return Error{"queue '" + config.id + "': move-to-queue rule without a target"};
    }
  }
  return Status::Ok();
}

// Whether `config` (the new settings of `queue`) closes a cycle of add_queue rules: the ACD
// needs lenders defined before borrowers (and so does the next start, which adds queues in
// that order).
bool Acd::Core::AddQueueCycle(QueueIndex queue, const QueueConfig& config) const {
  std::vector<char> seen(queues_.size(), 0);
  std::function<bool(QueueIndex)> reaches_queue = [&](QueueIndex from) {
    if (from == queue) return true;
    if (seen[from]) return false;
    seen[from] = 1;
    for (const OverflowRule& rule : queues_[from].config.overflow) {
      if (rule.kind != OverflowRule::Kind::kAddQueueAgents) continue;
      auto next = queue_ids_.find(rule.target);
      if (next != queue_ids_.end() && reaches_queue(next->second)) return true;
    }
    return false;
  };
  for (const OverflowRule& rule : config.overflow) {
    if (rule.kind != OverflowRule::Kind::kAddQueueAgents) continue;
    auto target = queue_ids_.find(rule.target);
    if (target != queue_ids_.end() && reaches_queue(target->second)) return true;
  }
  return false;
}

void Acd::Core::UnlinkMembership(AgentIndex agent, QueueIndex queue) {
  AgentRecord& record = agents_[agent];
  auto it = std::find_if(record.member_of.begin(), record.member_of.end(),
                         [queue](const Membership& m) { return m.queue == queue; });
  if (it == record.member_of.end()) return;
  QueueRecord& target = queues_[queue];
  if (it->base && Staffed(record.state)) --target.staffed;
  if (it->base && record.state == AgentState::kReady) --target.idle_count;
  record.member_of.erase(it);
  target.members.erase(std::remove(target.members.begin(), target.members.end(), agent),
                       target.members.end());
}

// The queues `queue` borrows agents from (kAddQueueAgents rules) stop listing it.
void Acd::Core::ForgetBorrower(const QueueRecord& queue, QueueIndex index) {
  for (const OverflowRule& rule : queue.config.overflow) {
    if (rule.kind != OverflowRule::Kind::kAddQueueAgents) continue;
    auto lender = queue_ids_.find(rule.target);
    if (lender == queue_ids_.end()) continue;
    auto& borrowers = queues_[lender->second].borrowers;
    borrowers.erase(std::remove(borrowers.begin(), borrowers.end(), index), borrowers.end());
  }
}

void Acd::Core::RecomputeStickyWindow() {
  longest_sticky_window_ = Duration::zero();
  for (const QueueRecord& queue : queues_) {
    if (!queue.removed) {
      longest_sticky_window_ = std::max(longest_sticky_window_, queue.config.sticky_window);
    }
  }
}

Result<Actions> Acd::Core::UpdateQueue(QueueConfig config, TimePoint now) {
  auto found = queue_ids_.find(config.id);
  if (found == queue_ids_.end()) return Error{"unknown queue '" + config.id + "'"};
  const QueueIndex index = found->second;
  if (Status checked = CheckRules(config, index); !checked.ok()) return Error{checked.message()};
  if (AddQueueCycle(index, config)) {
    return Error{"queue '" + config.id + "': add_queue overflow rules would form a cycle"};
  }
  Result<StrategyPtr> strategy = strategies_.Create(config.strategy);
  if (!strategy.ok()) return Error{"queue '" + config.id + "': " + strategy.error().message};
  std::stable_sort(config.overflow.begin(), config.overflow.end(),
                   [](const OverflowRule& a, const OverflowRule& b) { return a.after < b.after; });

  // 1. Take the ready agents out of every idle index (their keys depend on the queue's
  //    strategy and skills), and every member out of the queue.
  std::vector<AgentIndex> reindex;
  QueueRecord& queue = queues_[index];
  const std::vector<AgentIndex> old_members = queue.members;
  for (AgentIndex agent : old_members) {
    if (agents_[agent].state == AgentState::kReady) {
      RemoveFromIdle(agents_[agent]);
      reindex.push_back(agent);
    }
    UnlinkMembership(agent, index);
  }
  // 2. The lenders this queue borrowed from forget it; the new ones learn it.
  ForgetBorrower(queue, index);
  // 3. The new settings.
  queue.required = InternAll(config.required_skills);
  queue.max_relax = 0;
  for (const OverflowRule& rule : config.overflow) {
    if (rule.kind == OverflowRule::Kind::kRelaxLevel) queue.max_relax += rule.relax_by;
    if (rule.kind == OverflowRule::Kind::kAddQueueAgents) {
      auto& borrowers = queues_[queue_ids_.at(rule.target)].borrowers;
      if (std::find(borrowers.begin(), borrowers.end(), index) == borrowers.end()) {
        borrowers.push_back(index);
      }
    }
  }
  queue.strategy = std::move(strategy).value();
  queue.idle.clear();
  queue.memory = QueueMemory{};
  if (!queue.handle_time_measured) {
    queue.average_handle_ms = static_cast<double>(config.initial_handle_time.count());
  }
  queue.config = std::move(config);
  RecomputeStickyWindow();
  // 4. Members again, by the new required skills; ready agents back into the idle indexes.
  for (AgentIndex agent = 0; agent < agents_.size(); ++agent) {
    LinkMembership(agent, index);
    const bool member =
        std::any_of(agents_[agent].member_of.begin(), agents_[agent].member_of.end(),
                    [index](const Membership& m) { return m.queue == index; });
    if (member && agents_[agent].state == AgentState::kReady &&
        std::find(reindex.begin(), reindex.end(), agent) == reindex.end()) {
      RemoveFromIdle(agents_[agent]);
      reindex.push_back(agent);
    }
  }
  for (AgentIndex agent : reindex) AddToIdle(agent, agents_[agent].idle_since);

  // 5. The queue's calls start over with the new rules (they keep their place).
  std::vector<CallSeq> waiting;
  for (auto& [seq, call] : calls_) {
    if (call.queue != index) continue;
    const bool is_waiting = call.phase == CallPhase::kWaiting;
    if (is_waiting) RemoveWaiting(call);
    call.relax = 0;
    call.borrowed.clear();
    call.next_rule = 0;
    if (is_waiting) {
      AddWaiting(call);
      waiting.push_back(seq);
    }
  }
  std::sort(waiting.begin(), waiting.end(),
            [this](CallSeq a, CallSeq b) { return calls_.at(a).wait_key < calls_.at(b).wait_key; });
  // 6. Apply what is due now (overflow, max_wait) and route, in routing order: an agent who
  //    now qualifies takes the first call it can.
  Actions out;
  for (CallSeq seq : waiting) {
    auto it = calls_.find(seq);
    if (it == calls_.end() || it->second.phase != CallPhase::kWaiting) continue;
    FireCall(it->second, now, out);
  }
  return out;
}

Status Acd::Core::RemoveQueue(const QueueId& id) {
  auto found = queue_ids_.find(id);
  if (found == queue_ids_.end()) return Error{"unknown queue '" + id + "'"};
  const QueueIndex index = found->second;
  std::size_t in_queue = 0;
  for (const auto& [seq, call] : calls_) {
    const bool borrows =
        std::find(call.borrowed.begin(), call.borrowed.end(), index) != call.borrowed.end();
    if (call.queue == index || borrows) ++in_queue;
  }
  if (in_queue > 0) {
    return Error{"queue '" + id + "' has " + std::to_string(in_queue) +
                 " call(s); remove it when it is empty"};
  }
  for (const QueueRecord& other : queues_) {
    if (other.removed || other.config.id == id) continue;
    bool named = other.config.max_wait_target == id;
    for (const OverflowRule& rule : other.config.overflow) {
      if (rule.target == id && (rule.kind == OverflowRule::Kind::kAddQueueAgents ||
                                rule.kind == OverflowRule::Kind::kMoveToQueue)) {
        named = true;
      }
    }
    if (named) {
      return Error{"queue '" + id + "' is named by queue '" + other.config.id +
                   "' (overflow rule or max_wait_target); change that queue first"};
    }
  }
  QueueRecord& queue = queues_[index];
  const std::vector<AgentIndex> members = queue.members;
  for (AgentIndex agent : members) {
    const bool ready = agents_[agent].state == AgentState::kReady;
    if (ready) RemoveFromIdle(agents_[agent]);
    UnlinkMembership(agent, index);
    if (ready) AddToIdle(agent, agents_[agent].idle_since);
  }
  ForgetBorrower(queue, index);
  queue.removed = true;
  queue.idle.clear();
  queue.borrowers.clear();
  queue.staffed = 0;
  queue.idle_count = 0;
  queue_ids_.erase(found);
  RecomputeStickyWindow();
  return Status::Ok();
}

Result<Actions> Acd::Core::SetAgentSkills(const AgentId& id, std::vector<SkillLevel> skills,
                                          TimePoint now) {
  Result<AgentIndex> found = FindAgent(id);
  if (!found.ok()) return found.error();
  std::vector<Requirement> interned;
  for (const SkillLevel& skill : skills) {
    if (skill.level < 0) return Error{"agent '" + id + "': negative skill level"};
    interned.push_back({Intern(skill.skill), skill.level});
  }
  std::sort(interned.begin(), interned.end(),
            [](const Requirement& a, const Requirement& b) { return a.skill < b.skill; });
  if (std::adjacent_find(interned.begin(), interned.end(),
                         [](const Requirement& a, const Requirement& b) {
                           return a.skill == b.skill;
                         }) != interned.end()) {
    return Error{"agent '" + id + "': a skill is listed twice"};
  }
  const AgentIndex agent = *found;
  AgentRecord& record = agents_[agent];
  const bool ready = record.state == AgentState::kReady;
  if (ready) RemoveFromIdle(record);
  const std::vector<Membership> old = record.member_of;
  for (const Membership& membership : old) UnlinkMembership(agent, membership.queue);
  record.skills = std::move(interned);
  for (QueueIndex queue = 0; queue < queues_.size(); ++queue) LinkMembership(agent, queue);
  Actions out;
  if (ready) {
    AddToIdle(agent, agents_[agent].idle_since);
    AgentFreed(agent, now, out);
  }
  return out;
}

}  // namespace hotline::acd
