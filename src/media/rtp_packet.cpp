#include "media/rtp_packet.h"

#include <cstring>

namespace hotline::media {

namespace {

uint16_t ReadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

uint32_t ReadU32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

void WriteU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

void WriteU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

std::optional<RtpView> ParseRtp(std::span<const uint8_t> datagram) {
  const size_t size = datagram.size();
  if (size < kRtpHeaderSize) return std::nullopt;
  const uint8_t* p = datagram.data();
  if ((p[0] >> 6) != 2) return std::nullopt;
  const bool padding = (p[0] & 0x20) != 0;
  const bool extension = (p[0] & 0x10) != 0;
  const size_t csrc_count = p[0] & 0x0F;

  RtpView view;
  view.header.marker = (p[1] & 0x80) != 0;
  view.header.payload_type = p[1] & 0x7F;
  view.header.sequence = ReadU16(p + 2);
  view.header.timestamp = ReadU32(p + 4);
  view.header.ssrc = ReadU32(p + 8);

  // Every length below is bounded by size, so none of the sums can overflow.
  size_t offset = kRtpHeaderSize + 4 * csrc_count;
  if (offset > size) return std::nullopt;
  if (extension) {
    if (size - offset < 4) return std::nullopt;
    const size_t words = ReadU16(p + offset + 2);
    offset += 4;
    if (size - offset < 4 * words) return std::nullopt;
    offset += 4 * words;
  }
  size_t end = size;
  if (padding) {
    // The last octet counts the padding octets, itself included.
    const size_t pad = p[size - 1];
    if (pad == 0 || pad > end - offset) return std::nullopt;
    end -= pad;
  }
  view.payload = datagram.subspan(offset, end - offset);
  return view;
}

size_t BuildRtp(const RtpHeader& header, std::span<const uint8_t> payload, std::span<uint8_t> out) {
  const size_t total = kRtpHeaderSize + payload.size();
  if (out.size() < total) return 0;
  uint8_t* p = out.data();
  p[0] = 0x80;  // version 2, no padding, no extension, no CSRCs
  p[1] = static_cast<uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7F));
  WriteU16(p + 2, header.sequence);
  WriteU32(p + 4, header.timestamp);
  WriteU32(p + 8, header.ssrc);
  if (!payload.empty()) std::memcpy(p + kRtpHeaderSize, payload.data(), payload.size());
  return total;
}

}  // namespace hotline::media
