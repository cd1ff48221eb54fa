#include "call/acd_setup.h"

#include <set>

namespace hotline::call {

namespace {

std::vector<acd::SkillLevel> ToSkills(const std::map<std::string, int>& skills) {
  std::vector<acd::SkillLevel> out;
  for (const auto& [skill, level] : skills) out.push_back({skill, level});
  return out;
}

acd::OverflowRule ToRule(const QueueOverflowRule& rule) {
  acd::OverflowRule out;
  out.after = std::chrono::seconds(rule.after_s);
  out.relax_by = rule.relax_by;
  out.target = rule.target;
  if (rule.action == "add_queue") {
    out.kind = acd::OverflowRule::Kind::kAddQueueAgents;
  } else if (rule.action == "move") {
    out.kind = acd::OverflowRule::Kind::kMoveToQueue;
  } else if (rule.action == "voicemail") {
    out.kind = acd::OverflowRule::Kind::kVoicemail;
  } else {
    out.kind = acd::OverflowRule::Kind::kRelaxLevel;
  }
  return out;
}

}  // namespace

acd::QueueConfig ToQueueConfig(const QueueSettings& settings) {
  acd::QueueConfig queue;
  queue.id = settings.name;
  for (const auto& [skill, level] : settings.skills)
    queue.required_skills.push_back({skill, level});
  queue.strategy = settings.strategy;
  queue.max_queue_length = static_cast<std::size_t>(settings.max_length);
  if (settings.max_wait_s > 0) queue.max_wait = std::chrono::seconds(settings.max_wait_s);
  queue.max_wait_target = settings.max_wait_target;
  queue.ring_timeout = std::chrono::seconds(settings.ring_timeout_s);
  queue.wrap_up = std::chrono::seconds(settings.wrap_up_s);
  queue.sticky_window = std::chrono::seconds(settings.sticky_window_s);
  queue.sticky_wait = std::chrono::seconds(settings.sticky_wait_s);
  for (const auto& rule : settings.overflow) queue.overflow.push_back(ToRule(rule));
  return queue;
}

Status ConfigureAcd(const Config& config, acd::Acd& acd) {
  // add_queue rules need their target queue first: add queues whose targets are all present,
  // repeatedly (the configuration loader has already refused unknown targets).
  std::set<std::string> added;
  std::vector<const QueueSettings*> pending;
  for (const auto& queue : config.queues) pending.push_back(&queue);
  while (!pending.empty()) {
    std::vector<const QueueSettings*> later;
    for (const QueueSettings* queue : pending) {
      bool ready = true;
      for (const auto& rule : queue->overflow) {
        if (rule.action == "add_queue" && !added.count(rule.target)) ready = false;
      }
      if (!ready) {
        later.push_back(queue);
        continue;
      }
      if (Status status = acd.AddQueue(ToQueueConfig(*queue)); !status.ok()) {
        return Error{"queue " + queue->name + ": " + status.message()};
      }
      added.insert(queue->name);
    }
    if (later.size() == pending.size()) {
      return Error{"queue " + later.front()->name + ": add_queue overflow rules form a cycle"};
    }
    pending = std::move(later);
  }
  std::map<std::string, const AgentSettings*> skilled;
  for (const auto& agent : config.agents) skilled[agent.user] = &agent;
  for (const auto& user : config.users) {
    auto it = skilled.find(user.number);
    acd::AgentConfig agent{user.number, {}};
    if (it != skilled.end()) agent.skills = ToSkills(it->second->skills);
    if (Status status = acd.AddAgent(std::move(agent)); !status.ok()) {
      return Error{"agent " + user.number + ": " + status.message()};
    }
  }
  return Status::Ok();
}

}  // namespace hotline::call
