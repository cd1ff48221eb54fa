// ivr/flow.h: a loaded, validated IVR flow: nodes by id, the start node, languages, the site's
// UTC offset, business-hours calendars and limits. Built only by LoadFlow (flow_loader.h) and
// immutable afterwards: sessions share it through FlowPtr, so replacing a flow never disturbs
// calls already running the previous version.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ivr/calendar.h"
#include "ivr/node.h"

namespace hotline::ivr {

struct FlowLimits {
  // Node entries allowed without a key from the caller before the session hangs up
  // ("loop_guard"): stops silent callers being walked around a loop forever.
  int max_steps_without_input = 50;
  // Node entries allowed in one session at all ("max_steps").
  int max_steps = 1000;
};

struct Flow {
  std::string name;
  std::string source;                           // where it was loaded from, for messages
  std::string start;                            // id of the first node
  std::string default_language = "zh";          // used when the call has no language yet
  std::set<std::string> languages{"zh", "en"};  // prompt languages the flow provides
  std::vector<std::string> numbers;             // dialled numbers that open this flow
  std::chrono::minutes utc_offset{0};           // the site's local time, for hours and dates
  FlowLimits limits;
  std::map<std::string, Calendar> calendars;
  std::map<std::string, std::unique_ptr<const Node>> nodes;
  std::vector<std::string> warnings;  // "source:line: node 'x': unreachable ..."

  const Node* FindNode(const std::string& id) const {
    auto it = nodes.find(id);
    return it == nodes.end() ? nullptr : it->second.get();
  }
  const Calendar* FindCalendar(const std::string& name) const {
    auto it = calendars.find(name);
    return it == calendars.end() ? nullptr : &it->second;
  }
};

using FlowPtr = std::shared_ptr<const Flow>;

}  // namespace hotline::ivr
