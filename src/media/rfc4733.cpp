#include "media/rfc4733.h"

#include <algorithm>

#include "media/audio.h"

namespace hotline::media {

namespace {

constexpr char kDigits[] = "0123456789*#ABCD";
constexpr uint8_t kSendVolume = 10;  // -10 dBm0
constexpr int kPacketMs = 20;
constexpr int kEndPackets = 3;
constexpr uint16_t kMinSegmentedDuration = 0x8000;   // about 4 s
constexpr uint32_t kSegmentSlack = 2 * kSampleRate;  // updates lost at the end of a segment

}  // namespace

std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  TelephoneEvent ev;
  ev.event = payload[0];
  ev.end = (payload[1] & 0x80) != 0;
  ev.volume = payload[1] & 0x3F;
  ev.duration = static_cast<uint16_t>((payload[2] << 8) | payload[3]);
  return ev;
}

void BuildTelephoneEvent(const TelephoneEvent& ev, uint8_t out[4]) {
  out[0] = ev.event;
  out[1] = static_cast<uint8_t>((ev.end ? 0x80 : 0) | (ev.volume & 0x3F));
  out[2] = static_cast<uint8_t>(ev.duration >> 8);
  out[3] = static_cast<uint8_t>(ev.duration);
}

std::optional<uint8_t> DigitToEvent(char digit) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  for (uint8_t i = 0; i < 16; ++i) {
    if (kDigits[i] == digit) return i;
  }
  return std::nullopt;
}

char EventToDigit(uint8_t event) { return event < 16 ? kDigits[event] : 0; }

std::optional<char> TelephoneEventDecoder::OnPacket(uint32_t rtp_timestamp,
                                                    std::span<const uint8_t> payload) {
  std::optional<TelephoneEvent> ev = ParseTelephoneEvent(payload);
  if (!ev) return std::nullopt;
  if (last_timestamp_ && *last_timestamp_ == rtp_timestamp) {
    // Another packet of the press already seen (an update or a repeated end packet).
    if (ev->event == last_event_) {
      last_ended_ = last_ended_ || ev->end;
      last_duration_ = std::max(last_duration_, ev->duration);
    }
    return std::nullopt;
  }
  // A long event goes on in a new segment whose timestamp is the previous segment's plus its
  // duration, the previous segment having no end bit. Only events of several seconds are
  // segmented, so a short press whose end packets were lost is not mistaken for one.
  const uint32_t since_last = last_timestamp_ ? rtp_timestamp - *last_timestamp_ : 0;
  bool continuation = last_timestamp_ && !last_ended_ && ev->event == last_event_ &&
                      last_duration_ >= kMinSegmentedDuration && since_last >= last_duration_ &&
                      since_last <= last_duration_ + kSegmentSlack;
  last_timestamp_ = rtp_timestamp;
  last_event_ = ev->event;
  last_ended_ = ev->end;
  last_duration_ = ev->duration;
  if (continuation) return std::nullopt;
  char digit = EventToDigit(ev->event);
  if (digit == 0) return std::nullopt;  // not a DTMF key (flash, modem tones, ...)
  return digit;
}

std::vector<TelephoneEventPacket> EncodeDigit(char digit, int duration_ms) {
  std::vector<TelephoneEventPacket> packets;
  std::optional<uint8_t> event = DigitToEvent(digit);
  if (!event) return packets;
  const int max_packets = 0xFFFF / kFrameSamples;  // keep within one segment
  const int count = std::clamp(duration_ms / kPacketMs, 1, max_packets);
  packets.reserve(count + kEndPackets);
  TelephoneEvent ev;
  ev.event = *event;
  ev.volume = kSendVolume;
  for (int i = 0; i < count + kEndPackets; ++i) {
    TelephoneEventPacket packet;
    packet.marker = i == 0;
    ev.end = i >= count;
    ev.duration = static_cast<uint16_t>(std::min(i + 1, count) * kFrameSamples);
    BuildTelephoneEvent(ev, packet.payload);
    packets.push_back(packet);
  }
  return packets;
}

}  // namespace hotline::media
