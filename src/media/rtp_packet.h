// media/rtp_packet.h: RTP fixed header (RFC 3550) parsing and building. Parsing validates
// version, padding, CSRC count and extension lengths against the datagram size and never
// reads past it: every datagram from the network is untrusted. Pure, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace hotline::media {

inline constexpr size_t kRtpHeaderSize = 12;

struct RtpHeader {
  bool marker = false;
  uint8_t payload_type = 0;
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
};

struct RtpView {
  RtpHeader header;
  std::span<const uint8_t> payload;  // points into the datagram passed to ParseRtp
};

// nullopt for anything that is not a well-formed RTP v2 packet.
std::optional<RtpView> ParseRtp(std::span<const uint8_t> datagram);

// Writes a 12-byte header followed by payload into out; returns the packet size,
// or 0 if out is too small.
size_t BuildRtp(const RtpHeader& header, std::span<const uint8_t> payload, std::span<uint8_t> out);

}  // namespace hotline::media
