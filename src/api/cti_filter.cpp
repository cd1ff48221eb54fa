#include "api/cti_filter.h"

namespace hotline::api {

bool Wants(const EventInterest& interest, const call::CtiEvent& event) {
  if (event.type == "queue.changed") return interest.queues;
  bool agent_event = event.type == "agent.state" || event.type.rfind("call.", 0) == 0;
  if (!agent_event) return false;
  if (interest.agents) return true;
  return !interest.agent_id.empty() && event.agent == interest.agent_id;
}

}  // namespace hotline::api
