#include "acd/types.h"

namespace hotline::acd {

std::string_view ToString(AgentState state) {
  switch (state) {
    case AgentState::kLoggedOut:
      return "logged_out";
    case AgentState::kReady:
      return "ready";
    case AgentState::kNotReady:
      return "not_ready";
    case AgentState::kReserved:
      return "reserved";
    case AgentState::kRinging:
      return "ringing";
    case AgentState::kOnCall:
      return "on_call";
    case AgentState::kAfterCallWork:
      return "after_call_work";
  }
  return "unknown";
}

}  // namespace hotline::acd
