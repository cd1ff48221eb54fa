// common/queue_rules.h: the rules a queue and an agent's skills must follow, for edits made
// through the API (the configuration loader, config.cpp, applies the same ranges and names to
// the YAML file). Each problem names the field it is about, as a JSON path ("strategy",
// "overflow[1].target", "skills.lang:zh"), so a form can show it beside the field.
// Pure functions; any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/config.h"

namespace hotline {

struct FieldProblem {
  std::string field;
  std::string message;
};

// The strategies a queue may use (the ACD's built-in ones).
const std::vector<std::string>& QueueStrategies();

// Checks `queue` on its own (name, strategy, ranges, skills, overflow rules) and against
// `all`, the complete list of queues once the edit is made (it contains `queue`): targets
// must be other known queues, max_wait_target needs max_wait_s, add_queue rules must not form
// a cycle. Empty when the queue is valid.
std::vector<FieldProblem> CheckQueue(const QueueSettings& queue,
                                     const std::vector<QueueSettings>& all);

// Skill names (no spaces or control characters) and levels 0-100; fields "skills.NAME".
std::vector<FieldProblem> CheckSkills(const std::map<std::string, int>& skills,
                                      const std::string& field = "skills");

// The queues whose overflow rules or max_wait_target name `name` (they block its removal).
std::vector<std::string> QueuesNaming(const std::string& name,
                                      const std::vector<QueueSettings>& all);

}  // namespace hotline
