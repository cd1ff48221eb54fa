// common/ip_network.h: IP networks in CIDR notation ("10.0.0.0/8", "2001:db8::/32", a bare
// address = one host) and the address classes a media address must not be in (multicast,
// broadcast, unspecified, reserved). Pure values and functions over numeric addresses (no DNS);
// any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace hotline {

// A numeric IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are IPv4.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4: the first 4

  // Error unless text is an IPv4 or IPv6 literal.
  static Result<IpAddress> Parse(const std::string& text);

  bool IsUnspecified() const;  // 0.0.0.0, ::
  bool IsMulticast() const;    // 224.0.0.0/4, ff00::/8
  bool IsBroadcast() const;    // 255.255.255.255
  bool IsReserved() const;     // 240.0.0.0/4 except broadcast (class E)
};

struct IpNetwork {
  IpAddress base;  // host bits cleared
  int prefix = 0;  // 0..32 or 0..128
  std::string text;

  // "ADDRESS/PREFIX" or "ADDRESS"; error says what is wrong.
  static Result<IpNetwork> Parse(const std::string& text);
  bool Contains(const IpAddress& address) const;
};

// True if address is in one of networks; an empty list contains every address.
bool InAnyNetwork(const IpAddress& address, const std::vector<IpNetwork>& networks);

}  // namespace hotline
