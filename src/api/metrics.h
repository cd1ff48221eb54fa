// api/metrics.h: the Prometheus text exposition served at /metrics: HTTP requests by status
// code, WebSocket clients, agents by state, callers waiting per queue, today's calls by
// disposition. The counters live on the API thread; Render is pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "call/control_port.h"

namespace hotline::api {

struct MetricsInput {
  std::map<unsigned, uint64_t> http_requests_by_code;
  size_t ws_clients = 0;
  std::vector<call::AgentSnapshot> agents;
  std::vector<call::QueueSnapshot> queues;
  std::vector<std::pair<std::string, int64_t>> calls_today_by_disposition;
};

std::string RenderMetrics(const MetricsInput& input);

// Escapes a Prometheus label value (backslash, double quote, newline).
std::string EscapeLabel(const std::string& value);

}  // namespace hotline::api
