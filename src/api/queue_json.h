// api/queue_json.h: a queue's settings and an agent's skills as the admin API reads and
// writes them (JSON with the configuration file's key names: strategy, ring_timeout_s,
// overflow [{after_s, action, relax_by, target}] ...). Reading collects every type problem
// with the field it is about (a JSON path such as "overflow[1].after_s"); the rules on values
// (ranges, strategies, targets, cycles) are common/queue_rules.h's. Pure.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/queue_rules.h"

namespace hotline::api {

nlohmann::json QueueToJson(const QueueSettings& queue);

// A queue from a JSON object; keys left out take the configuration's defaults. Unknown keys
// and wrong types are problems. nullopt when there is any.
std::optional<QueueSettings> QueueFromJson(const nlohmann::json& body,
                                           std::vector<FieldProblem>* problems);

// {"sales": 2, "lang:zh": 5}: skill names to integer levels. `field` names the object.
std::optional<std::map<std::string, int>> SkillsFromJson(const nlohmann::json& skills,
                                                         const std::string& field,
                                                         std::vector<FieldProblem>* problems);

// [{"field": ..., "message": ...}, ...]
nlohmann::json ProblemsJson(const std::vector<FieldProblem>& problems);

}  // namespace hotline::api
