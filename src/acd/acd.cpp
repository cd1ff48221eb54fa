// Acd facade, configuration and queries. Inputs live in acd_agents.cpp and acd_calls.cpp,
// routing in acd_routing.cpp, time-driven rules in acd_timers.cpp.
#include "acd/acd.h"

#include <algorithm>

#include "acd/acd_core.h"

namespace hotline::acd {

Acd::Acd(AcdConfig config, StrategyRegistry strategies)
    : core_(std::make_unique<Core>(std::move(config), std::move(strategies))) {}
Acd::~Acd() = default;
Acd::Acd(Acd&&) noexcept = default;
Acd& Acd::operator=(Acd&&) noexcept = default;

Status Acd::AddQueue(QueueConfig queue) { return core_->AddQueue(std::move(queue)); }
Status Acd::AddAgent(AgentConfig agent) { return core_->AddAgent(std::move(agent)); }
Result<Actions> Acd::UpdateQueue(QueueConfig queue, TimePoint now) {
  return core_->UpdateQueue(std::move(queue), now);
}
Status Acd::RemoveQueue(const QueueId& queue) { return core_->RemoveQueue(queue); }
Result<Actions> Acd::SetAgentSkills(const AgentId& agent, std::vector<SkillLevel> skills,
                                    TimePoint now) {
  return core_->SetAgentSkills(agent, std::move(skills), now);
}
bool Acd::HasQueue(const QueueId& queue) const { return core_->HasQueue(queue); }
Result<Enqueued> Acd::Enqueue(const CallInfo& call, TimePoint now) {
  return core_->Enqueue(call, now);
}
Result<Actions> Acd::AgentLogin(const AgentId& agent, TimePoint now) {
  return core_->Login(agent, now);
}
Result<Actions> Acd::AgentReady(const AgentId& agent, TimePoint now) {
  return core_->Ready(agent, now);
}
Result<Actions> Acd::AgentNotReady(const AgentId& agent, const std::string& reason, TimePoint now) {
  return core_->NotReady(agent, reason, now);
}
Result<Actions> Acd::AgentLogout(const AgentId& agent, TimePoint now) {
  return core_->Logout(agent, now);
}
Result<Actions> Acd::AgentAnswered(const CallId& call, const AgentId& agent, TimePoint now) {
  return core_->Answered(call, agent, now);
}
Result<Actions> Acd::AgentRejected(const CallId& call, const AgentId& agent, TimePoint now) {
  return core_->Refused(call, agent, /*no_answer=*/false, now);
}
Result<Actions> Acd::AgentNoAnswer(const CallId& call, const AgentId& agent, TimePoint now) {
  return core_->Refused(call, agent, /*no_answer=*/true, now);
}
Result<Actions> Acd::CallEnded(const CallId& call, TimePoint now) {
  return core_->Ended(call, now);
}
Result<Actions> Acd::Abandon(const CallId& call, TimePoint now) {
  return core_->Abandon(call, now);
}
Result<Actions> Acd::RequestCallback(const CallId& call, TimePoint now) {
  return core_->RequestCallback(call, now);
}
Actions Acd::Tick(TimePoint now) { return core_->Tick(now); }
std::optional<TimePoint> Acd::NextDeadline() const { return core_->NextDeadline(); }
Result<QueueStats> Acd::Stats(const QueueId& queue, TimePoint now) const {
  return core_->Stats(queue, now);
}
Result<AgentView> Acd::Agent(const AgentId& agent) const { return core_->AgentOf(agent); }
Result<CallView> Acd::Call(const CallId& call) const { return core_->CallOf(call); }

Acd::Core::Core(AcdConfig config, StrategyRegistry strategies)
    : config_(std::move(config)),
      strategies_(std::move(strategies)),
      random_(config_.random_seed, config_.random) {}

SkillIndex Acd::Core::Intern(const SkillName& name) {
  auto [it, added] = skill_ids_.emplace(name, static_cast<SkillIndex>(skill_ids_.size()));
  return it->second;
}

std::vector<Requirement> Acd::Core::InternAll(const std::vector<SkillRequirement>& wanted) {
  std::vector<Requirement> out;
  for (const SkillRequirement& requirement : wanted) {
    out.push_back({Intern(requirement.skill), requirement.min_level});
  }
  return out;
}

int Acd::Core::LevelOf(const AgentRecord& agent, SkillIndex skill) {
  auto it = std::lower_bound(agent.skills.begin(), agent.skills.end(), skill,
                             [](const Requirement& have, SkillIndex s) { return have.skill < s; });
  return (it != agent.skills.end() && it->skill == skill) ? it->min_level : -1;
}

bool Acd::Core::Meets(const AgentRecord& agent, const std::vector<Requirement>& wanted, int relax) {
  for (const Requirement& requirement : wanted) {
    const int level = LevelOf(agent, requirement.skill);
    if (level < 0 || level < std::max(0, requirement.min_level - relax)) return false;
  }
  return true;
}

int Acd::Core::SkillScore(const AgentRecord& agent, const QueueRecord& queue) const {
  int score = 0;
  for (const Requirement& requirement : queue.required) {
    score += std::max(0, LevelOf(agent, requirement.skill));
  }
  return score;
}

void Acd::Core::LinkMembership(AgentIndex agent, QueueIndex queue) {
  AgentRecord& record = agents_[agent];
  QueueRecord& target = queues_[queue];
  if (target.removed || !Meets(record, target.required, target.max_relax)) return;
  const bool base = Meets(record, target.required, 0);
  record.member_of.push_back({queue, base});
  target.members.push_back(agent);
  if (base && record.state != AgentState::kLoggedOut && record.state != AgentState::kNotReady) {
    ++target.staffed;
  }
  if (base && record.state == AgentState::kReady) ++target.idle_count;
}

Status Acd::Core::AddQueue(QueueConfig config) {
  if (config.id.empty()) return Error{"queue needs an id"};
  if (queue_ids_.count(config.id)) return Error{"queue '" + config.id + "' already exists"};
  Result<StrategyPtr> strategy = strategies_.Create(config.strategy);
  if (!strategy.ok()) return Error{"queue '" + config.id + "': " + strategy.error().message};
  QueueRecord record;
  for (const OverflowRule& rule : config.overflow) {
    if (rule.kind == OverflowRule::Kind::kRelaxLevel) {
      if (rule.relax_by < 0) return Error{"queue '" + config.id + "': negative relax_by"};
      record.max_relax += rule.relax_by;
    }
    if (rule.kind == OverflowRule::Kind::kAddQueueAgents && !queue_ids_.count(rule.target)) {
      return Error{"queue '" + config.id + "': overflow target queue '" + rule.target +
                   "' must be added first"};
    }
    if (rule.kind == OverflowRule::Kind::kMoveToQueue && rule.target.empty()) {
      return Error{"queue '" + config.id + "': move-to-queue rule without a target"};
    }
  }
  std::stable_sort(config.overflow.begin(), config.overflow.end(),
                   [](const OverflowRule& a, const OverflowRule& b) { return a.after < b.after; });
  record.required = InternAll(config.required_skills);
  record.strategy = std::move(strategy).value();
  record.average_handle_ms = static_cast<double>(config.initial_handle_time.count());
  longest_sticky_window_ = std::max(longest_sticky_window_, config.sticky_window);
  const auto index = static_cast<QueueIndex>(queues_.size());
  for (const OverflowRule& rule : config.overflow) {
    if (rule.kind == OverflowRule::Kind::kAddQueueAgents) {
      queues_[queue_ids_.at(rule.target)].borrowers.push_back(index);
    }
  }
  record.config = std::move(config);
  queue_ids_.emplace(record.config.id, index);
  queues_.push_back(std::move(record));
  for (AgentIndex agent = 0; agent < agents_.size(); ++agent) {
    LinkMembership(agent, index);
    if (agents_[agent].state == AgentState::kReady) {
      // Join the new queue's index as if it had been there all along.
      RemoveFromIdle(agents_[agent]);
      const TimePoint idle_since = agents_[agent].idle_since;
      AddToIdle(agent, idle_since);
    }
  }
  return Status::Ok();
}

Status Acd::Core::AddAgent(AgentConfig config) {
  if (config.id.empty()) return Error{"agent needs an id"};
  if (agent_ids_.count(config.id)) return Error{"agent '" + config.id + "' already exists"};
  AgentRecord record;
  record.id = config.id;
  for (const SkillLevel& skill : config.skills) {
    if (skill.level < 0) return Error{"agent '" + config.id + "': negative skill level"};
    record.skills.push_back({Intern(skill.skill), skill.level});
  }
  std::sort(record.skills.begin(), record.skills.end(),
            [](const Requirement& a, const Requirement& b) { return a.skill < b.skill; });
  const auto index = static_cast<AgentIndex>(agents_.size());
  agent_ids_.emplace(config.id, index);
  agents_.push_back(std::move(record));
  for (QueueIndex queue = 0; queue < queues_.size(); ++queue) LinkMembership(index, queue);
  return Status::Ok();
}

Result<AgentIndex> Acd::Core::FindAgent(const AgentId& agent) const {
  auto it = agent_ids_.find(agent);
  if (it == agent_ids_.end()) return Error{"unknown agent '" + agent + "'"};
  return it->second;
}

Result<CallSeq> Acd::Core::FindCall(const CallId& call) const {
  auto it = call_ids_.find(call);
  if (it == call_ids_.end()) return Error{"unknown or finished call '" + call + "'"};
  return it->second;
}

Duration Acd::Core::AverageHandleTime(const QueueRecord& queue) const {
  return Duration(static_cast<Duration::rep>(queue.average_handle_ms + 0.5));
}

// Expected wait of the call at `position` (1-based): with `staffed` agents each finishing
// after an average handle time, a place frees up every AHT / staffed on average; the call
// needs `position` of them (minus agents idle now). With exponential handle times this is the
// exact conditional mean of M/M/n (the k-th departure of n busy servers); with the measured
// EWMA of handle time it follows the queue's real mix of calls.
Duration Acd::Core::ExpectedWait(const QueueRecord& queue, std::size_t position) const {
  if (queue.staffed == 0) return Duration::max();  // nobody to answer: unknown
  if (position <= queue.idle_count) return Duration::zero();
  const auto ahead = static_cast<Duration::rep>(position - queue.idle_count);
  return AverageHandleTime(queue) * ahead / static_cast<Duration::rep>(queue.staffed);
}

std::size_t Acd::Core::PositionOf(const CallRecord& call) const {
  const auto& waiting = queues_[call.queue].waiting;
  const std::pair<WaitKey, CallSeq> key{call.wait_key, call.seq};
  auto forward = waiting.begin();
  auto backward = waiting.end();
  std::size_t from_front = 1;
  std::size_t from_back = 0;
  while (true) {  // REQUIRES: the call is waiting, so one of the walks finds it
    if (*forward == key) return from_front;
    --backward;
    ++from_back;
    if (*backward == key) return waiting.size() - from_back + 1;
    ++forward;
    ++from_front;
  }
}

Result<QueueStats> Acd::Core::Stats(const QueueId& id, TimePoint now) const {
  auto found = queue_ids_.find(id);
  if (found == queue_ids_.end()) return Error{"unknown queue '" + id + "'"};
  const QueueRecord& queue = queues_[found->second];
  QueueStats stats;
  stats.queue = id;
  stats.waiting = queue.waiting.size();
  stats.ringing = queue.ringing;
  stats.average_handle_time = AverageHandleTime(queue);
  stats.staffed = queue.staffed;
  stats.idle = queue.idle_count;
  std::size_t position = 0;
  for (const auto& [key, seq] : queue.waiting) {
    const CallRecord& call = calls_.at(seq);
    ++position;
    WaitingCall entry{call.info.id, position, now - call.entered_at, {}, call.callback};
    entry.expected_wait = ExpectedWait(queue, position);
    stats.longest_wait = std::max(stats.longest_wait, entry.waited);
    stats.calls.push_back(std::move(entry));
  }
  return stats;
}

Result<AgentView> Acd::Core::AgentOf(const AgentId& id) const {
  Result<AgentIndex> agent = FindAgent(id);
  if (!agent.ok()) return agent.error();
  const AgentRecord& record = agents_[*agent];
  AgentView view{record.state, record.reason, std::nullopt, record.calls_handled, record.talk_time};
  if (record.call) view.call = calls_.at(*record.call).info.id;
  return view;
}

Result<CallView> Acd::Core::CallOf(const CallId& id) const {
  Result<CallSeq> seq = FindCall(id);
  if (!seq.ok()) return seq.error();
  const CallRecord& call = calls_.at(*seq);
  CallView view{queues_[call.queue].config.id, call.phase, {}, call.callback, call.relax};
  for (AgentIndex agent : call.offered) view.agents.push_back(agents_[agent].id);
  return view;
}

}  // namespace hotline::acd
