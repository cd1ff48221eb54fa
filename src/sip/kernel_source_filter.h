// sip/kernel_source_filter.h: drops datagrams from flooding addresses in the kernel, before
// sofia-sip reads or parses them. A scanner at tens of thousands of messages a second costs
// the SIP thread a parse, a transaction and a 503 per message even when refused, and starves
// legitimate phones; a classic BPF socket filter on the SIP UDP socket (SO_ATTACH_FILTER)
// makes its packets cost nothing above the kernel. The filter holds up to kMaxSources IPv4
// addresses and is replaced as a whole (atomically) when the list changes.
// Owned by the SIP control thread.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace hotline::sip {

class KernelSourceFilter {
 public:
  static constexpr size_t kMaxSources = 200;

  // Finds this process's UDP socket bound to ip:port (sofia-sip opens it; it does not hand
  // out its descriptors). Error if there is none or the address is not IPv4.
  Status AttachToSocketOf(const std::string& ip, uint16_t port);
  // Uses fd (a bound IPv4 UDP socket) instead; for tests and callers that own the socket.
  void AttachToFd(int fd) { fd_ = fd; }
  bool attached() const { return fd_ >= 0; }

  // Datagrams from these addresses (network byte order) are dropped from now on; the previous
  // list is replaced. At most kMaxSources are used (the first ones). Empty: the filter goes.
  Status SetBlocked(const std::vector<in_addr_t>& sources);

 private:
  int fd_ = -1;
};

}  // namespace hotline::sip
