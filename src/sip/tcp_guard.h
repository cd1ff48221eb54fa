// sip/tcp_guard.h: keeps SIP over TCP/TLS from exhausting the process's file descriptors.
// sofia-sip accepts every connection and, at the descriptor limit, its accept loop spins at
// 100 % CPU (seen: 235 idle connections under `ulimit -n 200` took a full core), and a
// connection that never sends anything is never timed out. The guard
// looks at the SIP stream connections now and then (on the SIP control thread), and closes
// (shutdown(2): sofia-sip then sees the peer go and frees the socket) the newest connections
// of any source over its per-source cap, then the newest overall while over the total cap.
// ChooseToClose is the pure decision; Scan/Close are the thin Linux part.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hotline::sip {

struct StreamConnection {
  int fd = -1;           // higher = opened later (the kernel hands out the lowest free number,
                         // so this is only roughly the age; good enough to pick the newest)
  std::string peer_ip;   // the remote address
  uint32_t idle_ms = 0;  // since data last went either way (TCP_INFO)
};

struct TcpGuardLimits {
  size_t max_per_source = 50;
  size_t max_total = 2000;
  // Connections without traffic for this long are closed too. sofia-sip's own idle timeout
  // only starts once a message came in; a connection that never sends would stay forever.
  uint32_t max_idle_ms = 600000;
};

// Which connections to close so that no source has more than max_per_source and the total
// is at most max_total: the newest (highest fd) first; and every connection idle longer than
// max_idle_ms. Pure.
std::vector<int> ChooseToClose(std::vector<StreamConnection> connections,
                               const TcpGuardLimits& limits);

// Lists this process's connected TCP sockets whose local port is one of ports (IPv4, IPv6).
// It keeps /proc/self/fd open from construction: at the descriptor limit, exactly when it is
// needed, opening it again would fail.
class StreamConnectionScanner {
 public:
  StreamConnectionScanner();
  ~StreamConnectionScanner();
  StreamConnectionScanner(const StreamConnectionScanner&) = delete;
  StreamConnectionScanner& operator=(const StreamConnectionScanner&) = delete;
  std::vector<StreamConnection> Scan(const std::vector<uint16_t>& ports);

 private:
  void* dir_ = nullptr;  // DIR*
};

// Shuts the sockets down (both directions); their owner notices and closes them.
void ShutDownSockets(const std::vector<int>& fds);

// The soft limit on open descriptors (RLIMIT_NOFILE).
size_t DescriptorLimit();

}  // namespace hotline::sip
