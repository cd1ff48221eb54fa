// sip/kernel_source_filter.cpp: see kernel_source_filter.h.
#include "sip/kernel_source_filter.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/filter.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace hotline::sip {

Status KernelSourceFilter::AttachToSocketOf(const std::string& ip, uint16_t port) {
  in_addr wanted{};
  if (inet_pton(AF_INET, ip.c_str(), &wanted) != 1) {
    return Error{"kernel source filter: " + ip + " is not an IPv4 address"};
  }
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return Error{"kernel source filter: cannot list /proc/self/fd"};
  int found = -1;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    int type = 0;
    socklen_t type_len = sizeof type;
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 ||
        type != SOCK_DGRAM) {
      continue;
    }
    sockaddr_in bound{};
    socklen_t bound_len = sizeof bound;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0 ||
        bound.sin_family != AF_INET || ntohs(bound.sin_port) != port) {
      continue;
    }
    if (bound.sin_addr.s_addr == wanted.s_addr || bound.sin_addr.s_addr == htonl(INADDR_ANY)) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  if (found < 0)
    return Error{"kernel source filter: no UDP socket on " + ip + ":" + std::to_string(port)};
  fd_ = found;
  return Status::Ok();
}

Status KernelSourceFilter::SetBlocked(const std::vector<in_addr_t>& sources) {
  if (fd_ < 0) return Error{"kernel source filter: not attached"};
  if (sources.empty()) {
    int unused = 0;
    if (setsockopt(fd_, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused) != 0 &&
        errno != ENOENT) {
      return Error{std::string("kernel source filter: detach: ") + strerror(errno)};
    }
    return Status::Ok();
  }
  size_t count = std::min(sources.size(), kMaxSources);
  // ld [net + 12] (the IPv4 source); one jeq per address to "drop"; accept; drop.
  std::vector<sock_filter> program;
  program.reserve(count + 3);
  program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_NET_OFF + 12)));
  for (size_t i = 0; i < count; ++i) {
    auto to_drop = static_cast<uint8_t>(count - i);  // skips the rest and the accept
    program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(sources[i]), to_drop, 0));
  }
  program.push_back(BPF_STMT(BPF_RET | BPF_K, 0xffffffffu));  // accept the whole datagram
  program.push_back(BPF_STMT(BPF_RET | BPF_K, 0));            // drop
  sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
  if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) != 0) {
    return Error{std::string("kernel source filter: attach: ") + strerror(errno)};
  }
  return Status::Ok();
}

}  // namespace hotline::sip
