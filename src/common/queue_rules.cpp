#include "common/queue_rules.h"

#include <algorithm>
#include <functional>
#include <set>

namespace hotline {

namespace {

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '@' || c == ':' || c == ';' || c == '"' ||
        c == '<' || c == '>') {
      return false;
    }
  }
  return true;
}

bool ValidSkillName(const std::string& name) {
  if (name.empty()) return false;
  return std::none_of(name.begin(), name.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

class Problems {
 public:
  void Range(const std::string& field, int value, int low, int high) {
    if (value < low || value > high) {
      Add(field, field + " must be from " + std::to_string(low) + " to " + std::to_string(high) +
                     ", not " + std::to_string(value));
    }
  }
  void Add(const std::string& field, const std::string& message) {
    list.push_back({field, message});
  }
  std::vector<FieldProblem> list;
};

void CheckOverflow(const QueueSettings& queue, Problems& problems) {
  int previous_after = 0;
  for (size_t i = 0; i < queue.overflow.size(); ++i) {
    const QueueOverflowRule& rule = queue.overflow[i];
    const std::string at = "overflow[" + std::to_string(i) + "]";
    problems.Range(at + ".after_s", rule.after_s, 1, 86400);
    if (i > 0 && rule.after_s < previous_after) {
      problems.Add(at + ".after_s",
                   "overflow rules must be in order of after_s: " + std::to_string(rule.after_s) +
                       " comes after " + std::to_string(previous_after));
    }
    previous_after = rule.after_s;
    const bool has_target = rule.action == "add_queue" || rule.action == "move";
    if (rule.action != "relax" && !has_target && rule.action != "voicemail") {
      problems.Add(at + ".action", "unknown overflow action \"" + rule.action +
                                       "\" (valid: relax, add_queue, move, voicemail)");
      continue;
    }
    if (rule.action == "relax") problems.Range(at + ".relax_by", rule.relax_by, 1, 100);
    if (has_target && rule.target.empty()) {
      problems.Add(at + ".target", "overflow action " + rule.action + " needs a target queue");
    }
    if (!has_target && !rule.target.empty()) {
      problems.Add(at + ".target", "overflow action " + rule.action + " takes no target");
    }
  }
}

void CheckTargets(const QueueSettings& queue, const std::vector<QueueSettings>& all,
                  Problems& problems) {
  auto known = [&all](const std::string& name) {
    return std::any_of(all.begin(), all.end(),
                       [&name](const QueueSettings& q) { return q.name == name; });
  };
  auto check = [&](const std::string& field, const std::string& target, const std::string& what) {
    if (target.empty()) return;
    if (target == queue.name) {
      problems.Add(field, what + " must be another queue, not " + queue.name + " itself");
    } else if (!known(target)) {
      problems.Add(field, what + " " + target + " is not a known queue");
    }
  };
  if (!queue.max_wait_target.empty()) {
    if (queue.max_wait_s == 0) {
      problems.Add("max_wait_target",
                   "max_wait_target needs max_wait_s (callers wait forever without it)");
    }
    check("max_wait_target", queue.max_wait_target, "max_wait_target");
  }
  for (size_t i = 0; i < queue.overflow.size(); ++i) {
    const QueueOverflowRule& rule = queue.overflow[i];
    if (rule.action != "add_queue" && rule.action != "move") continue;
    check("overflow[" + std::to_string(i) + "].target", rule.target, "overflow target");
  }
}

// add_queue lends a queue's agents to another; the ACD sets up a lender before its borrowers,
// so these rules must not form a cycle. Reports the first rule of `queue` that closes one.
void CheckCycles(const QueueSettings& queue, const std::vector<QueueSettings>& all,
                 Problems& problems) {
  std::map<std::string, const QueueSettings*> by_name;
  for (const auto& q : all) by_name[q.name] = &q;
  by_name[queue.name] = &queue;
  for (size_t i = 0; i < queue.overflow.size(); ++i) {
    const QueueOverflowRule& rule = queue.overflow[i];
    if (rule.action != "add_queue" || rule.target == queue.name) continue;
    std::set<std::string> seen;
    std::vector<std::string> path;
    std::function<bool(const std::string&)> reaches = [&](const std::string& name) {
      if (name == queue.name) return true;
      auto it = by_name.find(name);
      if (it == by_name.end() || !seen.insert(name).second) return false;
      path.push_back(name);
      for (const auto& next : it->second->overflow) {
        if (next.action == "add_queue" && reaches(next.target)) return true;
      }
      path.pop_back();
      return false;
    };
    if (reaches(rule.target)) {
      std::string cycle = queue.name;
      for (const auto& name : path) cycle += " -> " + name;
      cycle += " -> " + queue.name;
      problems.Add("overflow[" + std::to_string(i) + "].target",
                   "add_queue overflow rules form a cycle (" + cycle + ")");
      return;
    }
  }
}

}  // namespace

const std::vector<std::string>& QueueStrategies() {
  static const std::vector<std::string> kStrategies = {
      "longest_idle", "round_robin", "fewest_calls", "least_talk_time",
      "ring_all",     "best_skill",  "random"};
  return kStrategies;
}

std::vector<FieldProblem> CheckSkills(const std::map<std::string, int>& skills,
                                      const std::string& field) {
  Problems problems;
  for (const auto& [skill, level] : skills) {
    if (!ValidSkillName(skill)) {
      problems.Add(field,
                   "a skill name must be a word without spaces (\"sales\", \"lang:zh\"), "
                   "not \"" +
                       skill + "\"");
      continue;
    }
    problems.Range(field + "." + skill, level, 0, 100);
  }
  return problems.list;
}

std::vector<FieldProblem> CheckQueue(const QueueSettings& queue,
                                     const std::vector<QueueSettings>& all) {
  Problems problems;
  if (!ValidName(queue.name)) {
    problems.Add("name", "queue name \"" + queue.name +
                             "\" must be non-empty, without spaces, '@', ':' or ';'");
  }
  const auto& strategies = QueueStrategies();
  if (std::find(strategies.begin(), strategies.end(), queue.strategy) == strategies.end()) {
    problems.Add("strategy", "unknown queue strategy \"" + queue.strategy +
                                 "\" (valid: longest_idle, round_robin, fewest_calls, "
                                 "least_talk_time, ring_all, best_skill, random)");
  }
  for (auto& problem : CheckSkills(queue.skills)) problems.list.push_back(std::move(problem));
  problems.Range("ring_timeout_s", queue.ring_timeout_s, 1, 600);
  problems.Range("wrap_up_s", queue.wrap_up_s, 0, 3600);
  problems.Range("max_wait_s", queue.max_wait_s, 0, 86400);
  problems.Range("max_length", queue.max_length, 1, 100000);
  problems.Range("announce_every_s", queue.announce_every_s, 0, 3600);
  if (queue.announce_every_s > 0 && queue.announce_every_s < 5) {
    problems.Add("announce_every_s", "announce_every_s must be 0 (never) or from 5 to 3600, not " +
                                         std::to_string(queue.announce_every_s) +
                                         " (too frequent)");
  }
  problems.Range("sticky_window_s", queue.sticky_window_s, 0, 86400);
  problems.Range("sticky_wait_s", queue.sticky_wait_s, 0, 86400);
  if (!queue.voicemail.empty() && !ValidName(queue.voicemail)) {
    problems.Add("voicemail", "a mailbox name must not contain spaces, '@', ':' or ';'");
  }
  CheckOverflow(queue, problems);
  CheckTargets(queue, all, problems);
  CheckCycles(queue, all, problems);
  return problems.list;
}

std::vector<std::string> QueuesNaming(const std::string& name,
                                      const std::vector<QueueSettings>& all) {
  std::vector<std::string> out;
  for (const auto& queue : all) {
    if (queue.name == name) continue;
    bool named = queue.max_wait_target == name;
    for (const auto& rule : queue.overflow) {
      if ((rule.action == "add_queue" || rule.action == "move") && rule.target == name) {
        named = true;
      }
    }
    if (named) out.push_back(queue.name);
  }
  return out;
}

}  // namespace hotline
