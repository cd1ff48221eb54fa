// api/metrics.h: the Prometheus text exposition served at /metrics: HTTP requests by status
// code, WebSocket clients, agents by state, callers waiting per queue, today's calls by
// disposition, RTP packets accepted and dropped (by reason). The counters live on the API
// thread (the media ones are read from the media threads' atomics); Render is pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "call/control_port.h"
#include "media/media_engine.h"

namespace hotline::api {

struct MetricsInput {
  std::map<unsigned, uint64_t> http_requests_by_code;
  size_t ws_clients = 0;
  std::vector<call::AgentSnapshot> agents;
  std::vector<call::QueueSnapshot> queues;
  std::vector<std::pair<std::string, int64_t>> calls_today_by_disposition;
  media::MediaCounters media;  // RTP received/dropped by reason, early port reuses
};

std::string RenderMetrics(const MetricsInput& input);

// Escapes a Prometheus label value (backslash, double quote, newline).
std::string EscapeLabel(const std::string& value);

}  // namespace hotline::api
