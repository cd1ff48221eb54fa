// acd/actions.h: the decisions the ACD returns. The adapter (call/) performs them: rings
// agents, dials callbacks back, transfers calls, stores agent state events.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "acd/types.h"
#include "common/clock.h"

namespace hotline::acd {

// Ring these agents with the call (several only for ring_all: first to answer wins).
struct Offer {
  CallId call;
  QueueId queue;
  std::vector<AgentId> agents;
};

// Stop ringing `agent` for `call` (another agent won a ring_all, or the caller left).
struct CancelOffer {
  CallId call;
  AgentId agent;
  std::string reason;
};

// Dial `caller_number` back and connect it to `agent` (who is reserved meanwhile).
struct Callback {
  CallId call;
  QueueId queue;
  AgentId agent;
  std::string caller_number;
};

// The call leaves this queue for queue `to`; the adapter enqueues it there again.
struct Overflow {
  CallId call;
  QueueId from;
  QueueId to;
  std::string reason;
};

struct ToVoicemail {
  CallId call;
  QueueId queue;
  std::string reason;
};

// The call was refused on entry (e.g. "queue_full").
struct Reject {
  CallId call;
  QueueId queue;
  std::string reason;
};

struct AgentStateChanged {
  AgentId agent;
  AgentState from;
  AgentState to;
  std::string reason;
  TimePoint at;
};

using Action =
    std::variant<Offer, CancelOffer, Callback, Overflow, ToVoicemail, Reject, AgentStateChanged>;
using Actions = std::vector<Action>;

}  // namespace hotline::acd
