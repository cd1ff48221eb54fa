#include "api/json_views.h"

namespace hotline::api {

namespace {

using nlohmann::json;

json Optional(const std::optional<int64_t>& value) { return value ? json(*value) : json(nullptr); }

json OptionalText(const std::string& value) { return value.empty() ? json(nullptr) : json(value); }

}  // namespace

json SkillsJson(const call::SkillList& skills) {
  json out = json::object();
  for (const auto& [skill, level] : skills) out[skill] = level;
  return out;
}

json ToJson(const call::AgentSnapshot& a) {
  return {{"id", a.id},
          {"name", a.name},
          {"state", a.state},
          {"reason", a.reason},
          {"state_since_ms", a.state_since_ms},
          {"call_id", OptionalText(a.call_id)},
          {"skills", SkillsJson(a.skills)},
          {"calls_handled", a.calls_handled},
          {"talk_ms", a.talk_ms},
          {"registered", a.registered}};
}

json ToJson(const call::QueueSnapshot& q) {
  json calls = json::array();
  for (const auto& c : q.calls) {
    calls.push_back({{"call_id", c.call_id},
                     {"caller", c.caller},
                     {"position", c.position},
                     {"waited_ms", c.waited_ms},
                     {"expected_wait_ms", c.expected_wait_ms},
                     {"callback", c.callback}});
  }
  return {{"id", q.id},
          {"strategy", q.strategy},
          {"skills", SkillsJson(q.skills)},
          {"ring_timeout_s", q.ring_timeout_s},
          {"wrap_up_s", q.wrap_up_s},
          {"max_wait_s", q.max_wait_s},
          {"waiting", q.waiting},
          {"ringing", q.ringing},
          {"staffed", q.staffed},
          {"idle", q.idle},
          {"longest_wait_ms", q.longest_wait_ms},
          {"average_handle_ms", q.average_handle_ms},
          {"calls", calls}};
}

json ToJson(const call::CtiEvent& e) {
  json out = {{"type", e.type}, {"at_ms", e.at_ms}};
  auto text = [&out](const char* key, const std::string& value) {
    if (!value.empty()) out[key] = value;
  };
  text("agent", e.agent);
  text("state", e.state);
  text("previous_state", e.previous_state);
  text("reason", e.reason);
  text("call_id", e.call_id);
  text("queue", e.queue);
  text("caller", e.caller);
  text("caller_name", e.caller_name);
  if (e.caller_verified) out["caller_verified"] = *e.caller_verified;
  text("ivr_path", e.ivr_path);
  text("target", e.target);
  if (e.wait_ms != 0) out["wait_ms"] = e.wait_ms;
  json data = json::object();
  for (const auto& [key, value] : e.data) data[key] = value;
  out["data"] = data;
  return out;
}

json ToJson(const store::CallRecord& c) {
  return {{"id", c.id},
          {"from_number", c.from_number},
          {"from_display", c.from_display},
          {"to_number", c.to_number},
          {"direction", c.direction},
          {"start_ms", c.start_ms},
          {"answer_ms", Optional(c.answer_ms)},
          {"end_ms", Optional(c.end_ms)},
          {"talk_ms", Optional(c.talk_ms)},
          {"total_ms", Optional(c.total_ms)},
          {"disposition", c.disposition},
          {"hangup_cause", c.hangup_cause},
          {"hangup_side", c.hangup_side},
          {"state", c.state},
          {"has_recording", !c.recording_path.empty()},
          {"ivr_path", c.ivr_path},
          {"queue", OptionalText(c.queue)},
          {"queued_ms", Optional(c.queued_ms)},
          {"wait_ms", Optional(c.wait_ms)},
          {"agent", OptionalText(c.agent)},
          {"agent_answer_ms", Optional(c.agent_answer_ms)},
          {"hold_ms", Optional(c.hold_ms)},
          {"wrapup_ms", Optional(c.wrapup_ms)},
          {"abandoned_ms", Optional(c.abandoned_ms)},
          {"transfers", c.transfers},
          {"survey_score", Optional(c.survey_score)},
          {"wrapup_code", OptionalText(c.wrapup_code)},
          {"notes", OptionalText(c.notes)},
          {"customer_id", Optional(c.customer_id)}};
}

json ToJson(const store::RecordingInfo& r) {
  return {{"id", r.id},
          {"call_id", r.call_id},
          {"state", r.state},
          {"start_ms", r.start_ms},
          {"duration_ms", Optional(r.duration_ms)},
          {"size_bytes", Optional(r.size_bytes)},
          {"agent", OptionalText(r.agent)},
          {"from_number", r.from_number},
          {"to_number", r.to_number},
          {"queue", OptionalText(r.queue)},
          {"audio_url", "/api/v1/recordings/" + std::to_string(r.id) + "/audio"}};
}

json ToJson(const store::Customer& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"phones", c.phones},
          {"account_number", OptionalText(c.account_number)},
          {"balance_fen", c.balance_fen},
          {"vip", c.vip},
          {"language", c.language},
          {"tags", c.tags},
          {"created_ms", c.created_ms},
          {"updated_ms", c.updated_ms}};
}

json ToJson(const store::User& u) {
  return {{"username", u.username},
          {"role", u.role},
          {"agent", OptionalText(u.agent_id)},
          {"display_name", u.display_name},
          {"created_ms", u.created_ms},
          {"disabled", u.disabled}};
}

}  // namespace hotline::api
