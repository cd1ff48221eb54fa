// api/cti_filter.h: which CTI events a WebSocket client receives. An agent's socket gets the
// events about its own agent; a supervisor or admin who subscribed to "agents" gets every
// agent.state and call.* event, and to "queues" every queue.changed event (plus periodic
// queue snapshots, sent by the hub). Pure.
#pragma once

#include <string>

#include "call/control_port.h"

namespace hotline::api {

struct EventInterest {
  std::string agent_id;  // the socket user's agent ("" if none)
  bool agents = false;   // subscribed to "agents"
  bool queues = false;   // subscribed to "queues"
};

bool Wants(const EventInterest& interest, const call::CtiEvent& event);

}  // namespace hotline::api
