// sip/tcp_guard.cpp: see tcp_guard.h.
#include "sip/tcp_guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <map>

namespace hotline::sip {

std::vector<int> ChooseToClose(std::vector<StreamConnection> connections,
                               const TcpGuardLimits& limits) {
  std::sort(connections.begin(), connections.end(),
            [](const StreamConnection& a, const StreamConnection& b) { return a.fd < b.fd; });
  std::vector<int> close;
  std::vector<StreamConnection> kept;
  std::map<std::string, size_t> per_source;
  for (const auto& connection : connections) {  // oldest first: the newest go over the cap
    if (connection.idle_ms > limits.max_idle_ms) {
      close.push_back(connection.fd);
    } else if (++per_source[connection.peer_ip] > limits.max_per_source) {
      close.push_back(connection.fd);
    } else {
      kept.push_back(connection);
    }
  }
  while (kept.size() > limits.max_total) {
    close.push_back(kept.back().fd);
    kept.pop_back();
  }
  return close;
}

StreamConnectionScanner::StreamConnectionScanner() : dir_(opendir("/proc/self/fd")) {}

StreamConnectionScanner::~StreamConnectionScanner() {
  if (dir_ != nullptr) closedir(static_cast<DIR*>(dir_));
}

std::vector<StreamConnection> StreamConnectionScanner::Scan(const std::vector<uint16_t>& ports) {
  std::vector<StreamConnection> found;
  DIR* dir = static_cast<DIR*>(dir_);
  if (dir == nullptr) return found;
  rewinddir(dir);
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long number = strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || number == dirfd(dir)) continue;
    int fd = static_cast<int>(number);
    int type = 0;
    socklen_t type_len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 || type != SOCK_STREAM) {
      continue;
    }
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    uint16_t port = 0;
    if (local.ss_family == AF_INET) {
      port = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    } else if (local.ss_family == AF_INET6) {
      port = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    } else {
      continue;
    }
    if (std::find(ports.begin(), ports.end(), port) == ports.end()) continue;
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;  // listener
    char text[INET6_ADDRSTRLEN] = {};
    if (peer.ss_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&peer)->sin_addr, text, sizeof text);
    } else {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&peer)->sin6_addr, text, sizeof text);
    }
    tcp_info info{};
    socklen_t info_len = sizeof info;
    uint32_t idle_ms = 0;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &info_len) == 0) {
      idle_ms = std::min(info.tcpi_last_data_recv, info.tcpi_last_data_sent);
    }
    found.push_back(StreamConnection{fd, text, idle_ms});
  }
  return found;
}

void ShutDownSockets(const std::vector<int>& fds) {
  for (int fd : fds) shutdown(fd, SHUT_RDWR);
}

size_t DescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<size_t>(limit.rlim_cur);
}

}  // namespace hotline::sip
