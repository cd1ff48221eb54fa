// api/flow_calendars.h: the business hours of an IVR flow (its `calendars:`) as the admin API
// shows and edits them, without touching the rest of the flow document:
//   {"utc_offset": "+08:00",
//    "calendars": {"business_hours": {"weekly": {"mon": ["09:00-18:00"], ..., "sun": []},
//                                     "holidays": ["2026-01-01", "2026-02-16..2026-02-22"]}}}
// Reading expands day groups ("mon-fri") into the seven days (mon first). Writing checks
// every day, range and date (problems name the field, e.g. "calendars.x.weekly.mon[0]"),
// renders the calendars with yaml-cpp (days with the same hours grouped again) and splices
// them into the document's text in place of the old `calendars:` block, so comments and the
// layout of the nodes stay as they were. The caller validates the whole flow (ivr::LoadFlow)
// before publishing it. Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/queue_rules.h"  // FieldProblem
#include "common/result.h"

namespace hotline::api {

// {"utc_offset", "calendars"} of a flow document; error if it is not a YAML mapping.
Result<nlohmann::json> ReadCalendars(const std::string& flow_yaml);

// The flow's text with its calendars replaced by `calendars` (the "calendars" object above);
// nullopt with problems when a name, day, range or date is invalid.
std::optional<std::string> ReplaceCalendars(const std::string& flow_yaml,
                                            const nlohmann::json& calendars,
                                            std::vector<FieldProblem>* problems);

}  // namespace hotline::api
