#include "api/metrics.h"

#include <fmt/format.h>

namespace hotline::api {

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderMetrics(const MetricsInput& in) {
  std::string out;
  out += "# HELP hotline_http_requests_total HTTP API requests answered, by status code.\n";
  out += "# TYPE hotline_http_requests_total counter\n";
  for (const auto& [code, count] : in.http_requests_by_code) {
    out += fmt::format("hotline_http_requests_total{{code=\"{}\"}} {}\n", code, count);
  }
  out += "# HELP hotline_ws_clients Open WebSocket connections.\n";
  out += "# TYPE hotline_ws_clients gauge\n";
  out += fmt::format("hotline_ws_clients {}\n", in.ws_clients);

  std::map<std::string, int> by_state = {{"logged_out", 0},     {"ready", 0},   {"not_ready", 0},
                                         {"reserved", 0},       {"ringing", 0}, {"on_call", 0},
                                         {"after_call_work", 0}};
  for (const auto& agent : in.agents) by_state[agent.state]++;
  out += "# HELP hotline_agents Agents by state.\n";
  out += "# TYPE hotline_agents gauge\n";
  for (const auto& [state, count] : by_state) {
    out += fmt::format("hotline_agents{{state=\"{}\"}} {}\n", EscapeLabel(state), count);
  }
  out += "# HELP hotline_queue_waiting Callers waiting in each queue.\n";
  out += "# TYPE hotline_queue_waiting gauge\n";
  for (const auto& queue : in.queues) {
    out += fmt::format("hotline_queue_waiting{{queue=\"{}\"}} {}\n", EscapeLabel(queue.id),
                       queue.waiting);
  }
  out += "# HELP hotline_queue_longest_wait_seconds Longest current wait in each queue.\n";
  out += "# TYPE hotline_queue_longest_wait_seconds gauge\n";
  for (const auto& queue : in.queues) {
    out += fmt::format("hotline_queue_longest_wait_seconds{{queue=\"{}\"}} {:.3f}\n",
                       EscapeLabel(queue.id), static_cast<double>(queue.longest_wait_ms) / 1000.0);
  }
  out += "# HELP hotline_calls_today_total Calls started since midnight UTC, by disposition.\n";
  out += "# TYPE hotline_calls_today_total counter\n";
  for (const auto& [disposition, count] : in.calls_today_by_disposition) {
    out += fmt::format("hotline_calls_today_total{{disposition=\"{}\"}} {}\n",
                       EscapeLabel(disposition), count);
  }
  const media::MediaCounters& m = in.media;
  out +=
      "# HELP hotline_rtp_received_packets_total RTP packets accepted from a session's source.\n";
  out += "# TYPE hotline_rtp_received_packets_total counter\n";
  out += fmt::format("hotline_rtp_received_packets_total {}\n", m.accepted);
  out +=
      "# HELP hotline_rtp_dropped_packets_total RTP packets dropped before decoding, by reason.\n";
  out += "# TYPE hotline_rtp_dropped_packets_total counter\n";
  const std::pair<const char*, uint64_t> dropped[] = {{"foreign_source", m.foreign_source},
                                                      {"learning", m.learning},
                                                      {"no_remote", m.no_remote},
                                                      {"malformed", m.malformed}};
  for (const auto& [reason, count] : dropped) {
    out += fmt::format("hotline_rtp_dropped_packets_total{{reason=\"{}\"}} {}\n", reason, count);
  }
  out += "# HELP hotline_rtp_ports_reused_early_total RTP ports handed out in quarantine.\n";
  out += "# TYPE hotline_rtp_ports_reused_early_total counter\n";
  out += fmt::format("hotline_rtp_ports_reused_early_total {}\n", m.ports_reused_early);
  return out;
}

}  // namespace hotline::api
