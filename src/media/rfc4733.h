// media/rfc4733.h: DTMF as RTP telephone-events (RFC 4733). The decoder turns a stream of
// event packets (with their redundant end packets) into one digit per key press; the encoder
// produces the packet sequence for sending a digit. Pure state machines, owned by one
// media session.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hotline::media {

struct TelephoneEvent {
  uint8_t event = 0;  // 0-9, 10 = '*', 11 = '#', 12-15 = A-D
  bool end = false;
  uint8_t volume = 0;     // 0..63, -dBm0
  uint16_t duration = 0;  // in timestamp units (8 kHz)
};

std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const uint8_t> payload);
void BuildTelephoneEvent(const TelephoneEvent& ev, uint8_t out[4]);

// '0'..'9', '*', '#', 'A'..'D' <-> event codes; nullopt / 0 for others.
std::optional<uint8_t> DigitToEvent(char digit);
char EventToDigit(uint8_t event);

// Reports each key press once, even though events repeat and end packets are sent 3 times.
// A new press is a new RTP timestamp; the continuation segment of an event longer than the
// 16-bit duration field allows (RFC 4733 2.5.1.3) is recognized and not reported again.
class TelephoneEventDecoder {
 public:
  // Feed every telephone-event packet; returns the digit when a new press is first seen.
  std::optional<char> OnPacket(uint32_t rtp_timestamp, std::span<const uint8_t> payload);

 private:
  std::optional<uint32_t> last_timestamp_;
  uint8_t last_event_ = 0;
  bool last_ended_ = true;
  uint16_t last_duration_ = 0;
};

// One RTP packet to send for an outgoing digit.
struct TelephoneEventPacket {
  bool marker = false;
  uint8_t payload[4] = {};
};

// Packet sequence for a digit lasting duration_ms: one per 20 ms, then three end packets.
// All share one RTP timestamp (the event start). Empty for an unknown digit.
std::vector<TelephoneEventPacket> EncodeDigit(char digit, int duration_ms = 100);

}  // namespace hotline::media
