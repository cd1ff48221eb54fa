// call/queue_admin.cpp: CallController's side of queue and skill administration (the
// ControlPort methods the API's admin routes post to the control thread). The ACD core is
// changed first; only if it accepts do the live settings beside it (live_queues_,
// live_skills_), which queue_calls.cpp reads for ring timeouts, announcements, voicemail and
// callbacks, take the new values. Then the ACD's resulting decisions are performed (a call
// offered to an agent who now qualifies, a caller leaving under a shorter max_wait).
// Same class and thread as call_controller.cpp.
#include <algorithm>

#include "call/acd_setup.h"
#include "call/call_controller.h"
#include "common/log.h"
#include "common/queue_rules.h"

namespace hotline::call {

std::map<std::string, std::map<std::string, int>> CallController::SkillsByAgent(
    const std::vector<AgentSettings>& agents) {
  std::map<std::string, std::map<std::string, int>> out;
  for (const auto& agent : agents) out[agent.user] = agent.skills;
  return out;
}

std::vector<QueueSettings> CallController::QueueSettingsList() { return live_queues_; }

Status CallController::PutQueue(const QueueSettings& queue) {
  std::vector<QueueSettings> after = live_queues_;
  auto existing = std::find_if(after.begin(), after.end(),
                               [&queue](const QueueSettings& q) { return q.name == queue.name; });
  if (existing != after.end()) {
    *existing = queue;
  } else {
    after.push_back(queue);
  }
  std::vector<FieldProblem> problems = CheckQueue(queue, after);
  if (!problems.empty()) return Error{problems.front().field + ": " + problems.front().message};

  acd::Actions actions;
  const bool update = acd_.HasQueue(queue.name);
  if (update) {
    auto updated = acd_.UpdateQueue(ToQueueConfig(queue), clock_.Now());
    if (!updated.ok()) return Error{updated.error().message};
    actions = std::move(updated).value();
  } else if (Status added = acd_.AddQueue(ToQueueConfig(queue)); !added.ok()) {
    return added;
  }
  live_queues_ = std::move(after);
  HLOG_INFO("queue {} {} by the administrator (strategy {}, ring {} s, wrap-up {} s)", queue.name,
            update ? "changed" : "added", queue.strategy, queue.ring_timeout_s, queue.wrap_up_s);
  PerformAcd(std::move(actions));
  PublishQueueChanged(queue.name);
  return Status::Ok();
}

Status CallController::DeleteQueue(const std::string& name) {
  if (Status removed = acd_.RemoveQueue(name); !removed.ok()) return removed;
  live_queues_.erase(std::remove_if(live_queues_.begin(), live_queues_.end(),
                                    [&name](const QueueSettings& q) { return q.name == name; }),
                     live_queues_.end());
  HLOG_INFO("queue {} removed by the administrator", name);
  PublishQueueChanged(name);
  return Status::Ok();
}

Status CallController::SetAgentSkills(const std::string& agent,
                                      const std::map<std::string, int>& skills) {
  std::vector<FieldProblem> problems = CheckSkills(skills);
  if (!problems.empty()) return Error{problems.front().field + ": " + problems.front().message};
  std::vector<acd::SkillLevel> levels;
  for (const auto& [skill, level] : skills) levels.push_back({skill, level});
  auto changed = acd_.SetAgentSkills(agent, std::move(levels), clock_.Now());
  if (!changed.ok()) return Error{changed.error().message};
  if (skills.empty()) {
    live_skills_.erase(agent);
  } else {
    live_skills_[agent] = skills;
  }
  HLOG_INFO("agent {}: skills changed by the administrator ({} skill(s))", agent, skills.size());
  PerformAcd(std::move(changed).value());
  return Status::Ok();
}

}  // namespace hotline::call
