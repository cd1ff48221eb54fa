#include "common/ip_network.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace hotline {

namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

Result<IpAddress> IpAddress::Parse(const std::string& text) {
  IpAddress address;
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    std::memcpy(address.bytes.data(), &v4, 4);
    return address;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, kMappedPrefix, sizeof kMappedPrefix) == 0) {
      std::memcpy(address.bytes.data(), reinterpret_cast<const uint8_t*>(&v6) + 12, 4);
      return address;
    }
    address.v6 = true;
    std::memcpy(address.bytes.data(), &v6, 16);
    return address;
  }
  return Error{"\"" + text + "\" is not an IP address"};
}

bool IpAddress::IsUnspecified() const {
  size_t n = v6 ? 16 : 4;
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

bool IpAddress::IsMulticast() const { return v6 ? bytes[0] == 0xff : (bytes[0] & 0xf0) == 0xe0; }

bool IpAddress::IsBroadcast() const {
  return !v6 && bytes[0] == 255 && bytes[1] == 255 && bytes[2] == 255 && bytes[3] == 255;
}

bool IpAddress::IsReserved() const { return !v6 && (bytes[0] & 0xf0) == 0xf0 && !IsBroadcast(); }

Result<IpNetwork> IpNetwork::Parse(const std::string& text) {
  size_t slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return Error{"network \"" + text + "\": address is not an IP address"};
  int max_prefix = address->v6 ? 128 : 32;
  int prefix = max_prefix;
  if (slash != std::string::npos) {
    std::string digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > max_prefix) {
      return Error{"network \"" + text + "\": prefix must be 0-" + std::to_string(max_prefix)};
    }
  }
  IpNetwork network;
  network.base = *address;
  network.prefix = prefix;
  network.text = text;
  for (int bit = prefix; bit < max_prefix; ++bit) {
    network.base.bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return network;
}

bool IpNetwork::Contains(const IpAddress& address) const {
  if (address.v6 != base.v6) return false;
  for (int bit = 0; bit < prefix; ++bit) {
    size_t byte = static_cast<size_t>(bit / 8);
    uint8_t mask = static_cast<uint8_t>(0x80u >> (bit % 8));
    if ((address.bytes[byte] & mask) != (base.bytes[byte] & mask)) return false;
  }
  return true;
}

bool InAnyNetwork(const IpAddress& address, const std::vector<IpNetwork>& networks) {
  if (networks.empty()) return true;
  for (const IpNetwork& network : networks) {
    if (network.Contains(address)) return true;
  }
  return false;
}

}  // namespace hotline
