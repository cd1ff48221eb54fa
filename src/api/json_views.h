// api/json_views.h: how the API shows the call center's objects as JSON (snake_case keys):
// agents, queues, CTI events, call records, recordings, customers and users. One place, so
// HTTP responses and WebSocket messages agree with docs/api/openapi.yaml. Pure.
#pragma once

#include <nlohmann/json.hpp>

#include "call/control_port.h"
#include "store/call_queries.h"
#include "store/customer_store.h"
#include "store/user_store.h"

namespace hotline::api {

nlohmann::json ToJson(const call::AgentSnapshot& agent);
nlohmann::json ToJson(const call::QueueSnapshot& queue);
// {"type", "at_ms", the event's non-empty fields..., "data": {...}}.
nlohmann::json ToJson(const call::CtiEvent& event);
nlohmann::json ToJson(const store::CallRecord& call);
nlohmann::json ToJson(const store::RecordingInfo& recording);
nlohmann::json ToJson(const store::Customer& customer);
// {"username", "role", "agent" (null if none), "display_name", "created_ms", "disabled"}.
nlohmann::json ToJson(const store::User& user);
// {"skill": level, ...}
nlohmann::json SkillsJson(const call::SkillList& skills);

}  // namespace hotline::api
