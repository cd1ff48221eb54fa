#include "api/queue_json.h"

#include <cstdint>
#include <set>

#include "api/input_limits.h"

namespace hotline::api {

namespace {

using nlohmann::json;

class Reader {
 public:
  Reader(const json& object, std::string prefix, std::vector<FieldProblem>* problems)
      : object_(object), prefix_(std::move(prefix)), problems_(problems) {}

  void Int(const char* key, int& out) {
    const json* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_number_integer()) return Fail(key, "must be an integer");
    const auto number = value->get<int64_t>();
    if (number < INT32_MIN || number > INT32_MAX) return Fail(key, "is out of range");
    out = static_cast<int>(number);
  }
  void Bool(const char* key, bool& out) {
    const json* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_boolean()) return Fail(key, "must be true or false");
    out = value->get<bool>();
  }
  void String(const char* key, std::string& out) {
    const json* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_string()) return Fail(key, "must be a string");
    out = value->get<std::string>();
    if (limits::Utf8Length(out) > limits::kName) {
      Fail(key, "is longer than " + std::to_string(limits::kName) + " characters");
    }
  }
  bool Has(const char* key) const { return Find(key) != nullptr; }
  const json* Find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  void Fail(const std::string& key, const std::string& what) {
    const std::string field = prefix_ + key;
    problems_->push_back({field, field + " " + what});
  }
  // Reports every key not in `known`.
  void Unknown(const std::set<std::string>& known) {
    for (const auto& [key, value] : object_.items()) {
      if (!known.count(key)) Fail(key, "is not a known setting");
    }
  }

 private:
  const json& object_;
  std::string prefix_;
  std::vector<FieldProblem>* problems_;
};

void ReadOverflow(const json& list, QueueSettings& queue, std::vector<FieldProblem>* problems) {
  if (!list.is_array()) {
    problems->push_back({"overflow", "overflow must be a list of rules"});
    return;
  }
  if (list.size() > limits::kOverflowRules) {
    problems->push_back({"overflow", "overflow has more than " +
                                         std::to_string(limits::kOverflowRules) + " rules"});
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "overflow[" + std::to_string(i) + "]";
    if (!list[i].is_object()) {
      problems->push_back({at, at + " must be an object {after_s, action, relax_by, target}"});
      continue;
    }
    Reader rule_reader(list[i], at + ".", problems);
    QueueOverflowRule rule;
    rule_reader.Unknown({"after_s", "action", "relax_by", "target"});
    if (!rule_reader.Has("after_s")) rule_reader.Fail("after_s", "is required");
    if (!rule_reader.Has("action")) rule_reader.Fail("action", "is required");
    rule_reader.Int("after_s", rule.after_s);
    rule_reader.String("action", rule.action);
    rule_reader.Int("relax_by", rule.relax_by);
    rule_reader.String("target", rule.target);
    if (rule_reader.Has("relax_by") && !rule.action.empty() && rule.action != "relax") {
      rule_reader.Fail("relax_by", "applies only to action relax, not " + rule.action);
    }
    queue.overflow.push_back(std::move(rule));
  }
}

}  // namespace

json QueueToJson(const QueueSettings& queue) {
  json skills = json::object();
  for (const auto& [skill, level] : queue.skills) skills[skill] = level;
  json overflow = json::array();
  for (const auto& rule : queue.overflow) {
    json item = {{"after_s", rule.after_s}, {"action", rule.action}};
    if (rule.action == "relax") item["relax_by"] = rule.relax_by;
    if (!rule.target.empty()) item["target"] = rule.target;
    overflow.push_back(std::move(item));
  }
  return {{"name", queue.name},
          {"skills", skills},
          {"strategy", queue.strategy},
          {"ring_timeout_s", queue.ring_timeout_s},
          {"wrap_up_s", queue.wrap_up_s},
          {"max_wait_s", queue.max_wait_s},
          {"max_wait_target", queue.max_wait_target},
          {"voicemail", queue.voicemail},
          {"max_length", queue.max_length},
          {"announce_every_s", queue.announce_every_s},
          {"offer_callback", queue.offer_callback},
          {"match_language", queue.match_language},
          {"leave_when_empty", queue.leave_when_empty},
          {"sticky_window_s", queue.sticky_window_s},
          {"sticky_wait_s", queue.sticky_wait_s},
          {"overflow", overflow}};
}

std::optional<std::map<std::string, int>> SkillsFromJson(const json& skills,
                                                         const std::string& field,
                                                         std::vector<FieldProblem>* problems) {
  if (!skills.is_object()) {
    problems->push_back({field, field + " must be an object {\"skill\": level}"});
    return std::nullopt;
  }
  if (skills.size() > limits::kSkills) {
    problems->push_back(
        {field, field + " has more than " + std::to_string(limits::kSkills) + " skills"});
    return std::nullopt;
  }
  std::map<std::string, int> out;
  const size_t before = problems->size();
  for (const auto& [skill, level] : skills.items()) {
    if (limits::Utf8Length(skill) > limits::kName) {
      problems->push_back({field, "a skill name in " + field + " is longer than " +
                                      std::to_string(limits::kName) + " characters"});
      continue;
    }
    const std::string at = field + "." + skill;
    if (!level.is_number_integer()) {
      problems->push_back({at, "the level of skill " + skill + " must be an integer"});
      continue;
    }
    const auto number = level.get<int64_t>();
    if (number < INT32_MIN || number > INT32_MAX) {
      problems->push_back({at, at + " must be from 0 to 100"});
      continue;
    }
    out[skill] = static_cast<int>(number);
  }
  if (problems->size() != before) return std::nullopt;
  return out;
}

std::optional<QueueSettings> QueueFromJson(const json& body, std::vector<FieldProblem>* problems) {
  const size_t before = problems->size();
  QueueSettings queue;
  Reader reader(body, "", problems);
  reader.Unknown({"name", "skills", "strategy", "ring_timeout_s", "wrap_up_s", "max_wait_s",
                  "max_wait_target", "voicemail", "max_length", "announce_every_s",
                  "offer_callback", "match_language", "leave_when_empty", "sticky_window_s",
                  "sticky_wait_s", "overflow"});
  reader.String("name", queue.name);
  if (const json* skills = reader.Find("skills")) {
    if (auto read = SkillsFromJson(*skills, "skills", problems)) queue.skills = std::move(*read);
  }
  reader.String("strategy", queue.strategy);
  reader.Int("ring_timeout_s", queue.ring_timeout_s);
  reader.Int("wrap_up_s", queue.wrap_up_s);
  reader.Int("max_wait_s", queue.max_wait_s);
  reader.String("max_wait_target", queue.max_wait_target);
  reader.String("voicemail", queue.voicemail);
  reader.Int("max_length", queue.max_length);
  reader.Int("announce_every_s", queue.announce_every_s);
  reader.Bool("offer_callback", queue.offer_callback);
  reader.Bool("match_language", queue.match_language);
  reader.Bool("leave_when_empty", queue.leave_when_empty);
  reader.Int("sticky_window_s", queue.sticky_window_s);
  reader.Int("sticky_wait_s", queue.sticky_wait_s);
  if (const json* overflow = reader.Find("overflow")) ReadOverflow(*overflow, queue, problems);
  if (problems->size() != before) return std::nullopt;
  return queue;
}

json ProblemsJson(const std::vector<FieldProblem>& problems) {
  json out = json::array();
  for (const auto& problem : problems) {
    out.push_back({{"field", problem.field}, {"message", problem.message}});
  }
  return out;
}

}  // namespace hotline::api
