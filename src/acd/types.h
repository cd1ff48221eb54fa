// acd/types.h: the vocabulary of the ACD core: ids, skills, agent states.
// Ids are the adapter's strings (agent login, call UUID, queue name); the core maps them to
// dense indexes internally, so nothing here allocates on the routing path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::acd {

using AgentId = std::string;
using CallId = std::string;
using QueueId = std::string;
using SkillName = std::string;

// Dense index of an agent inside one Acd; stable for the Acd's life (agents are never removed,
// only logged out).
using AgentIndex = std::uint32_t;

// "Has skill `skill` at level >= `min_level`". Levels are small non-negative integers; a
// missing skill never matches, whatever the level (relaxation lowers levels, not possession).
struct SkillRequirement {
  SkillName skill;
  int min_level = 1;
};

struct SkillLevel {
  SkillName skill;
  int level = 1;
};

// The agent state machine (docs/design/acd.md):
//   logged_out -> not_ready <-> ready -> ringing -> on_call -> after_call_work -> ready
//   ready -> reserved (callback) -> on_call;  ringing -> not_ready("no_answer") | ready (reject)
enum class AgentState : std::uint8_t {
  kLoggedOut,
  kReady,
  kNotReady,
  kReserved,
  kRinging,
  kOnCall,
  kAfterCallWork,
};

std::string_view ToString(AgentState state);

}  // namespace hotline::acd
