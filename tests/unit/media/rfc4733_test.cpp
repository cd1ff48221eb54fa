// RFC 4733 telephone-events: payload format, the one-report-per-press decoder, the encoder.
#include "media/rfc4733.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace hotline::media {
namespace {

std::array<uint8_t, 4> Payload(uint8_t event, bool end, uint16_t duration) {
  TelephoneEvent ev;
  ev.event = event;
  ev.end = end;
  ev.volume = 10;
  ev.duration = duration;
  std::array<uint8_t, 4> out;
  BuildTelephoneEvent(ev, out.data());
  return out;
}

TEST(Rfc4733Test, BuildThenParse) {
  auto bytes = Payload(11, true, 0x1234);
  EXPECT_EQ(bytes[0], 11);
  EXPECT_EQ(bytes[1], 0x80 | 10);
  EXPECT_EQ(bytes[2], 0x12);
  EXPECT_EQ(bytes[3], 0x34);
  auto ev = ParseTelephoneEvent(bytes);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->event, 11);
  EXPECT_TRUE(ev->end);
  EXPECT_EQ(ev->volume, 10);
  EXPECT_EQ(ev->duration, 0x1234);
}

TEST(Rfc4733Test, ParseIgnoresReservedBitAndRejectsShort) {
  std::array<uint8_t, 4> bytes = {5, 0x40 | 0x3F, 0, 160};  // R bit set
  auto ev = ParseTelephoneEvent(bytes);
  ASSERT_TRUE(ev.has_value());
  EXPECT_FALSE(ev->end);
  EXPECT_EQ(ev->volume, 63);
  for (size_t n = 0; n < 4; ++n) {
    EXPECT_FALSE(ParseTelephoneEvent(std::span<const uint8_t>(bytes.data(), n)).has_value());
  }
}

TEST(Rfc4733Test, DigitMapping) {
  const std::string digits = "0123456789*#ABCD";
  for (size_t i = 0; i < digits.size(); ++i) {
    EXPECT_EQ(DigitToEvent(digits[i]), static_cast<uint8_t>(i));
    EXPECT_EQ(EventToDigit(static_cast<uint8_t>(i)), digits[i]);
  }
  EXPECT_EQ(DigitToEvent('a'), 12);
  EXPECT_FALSE(DigitToEvent('x').has_value());
  EXPECT_FALSE(DigitToEvent('\0').has_value());
  EXPECT_EQ(EventToDigit(16), 0);
  EXPECT_EQ(EventToDigit(255), 0);
}

// Feeds a digit the way a phone sends it: updates every 20 ms, then the end packet 3 times.
std::string Press(TelephoneEventDecoder& decoder, uint32_t timestamp, char digit) {
  std::string got;
  uint8_t event = *DigitToEvent(digit);
  for (uint16_t d = 160; d <= 800; d += 160) {
    auto payload = Payload(event, false, d);
    if (auto c = decoder.OnPacket(timestamp, payload)) got += *c;
    if (auto c = decoder.OnPacket(timestamp, payload)) got += *c;  // duplicated by network
  }
  for (int i = 0; i < 3; ++i) {
    if (auto c = decoder.OnPacket(timestamp, Payload(event, true, 800))) got += *c;
  }
  return got;
}

TEST(Rfc4733Test, DecoderReportsEachPressOnce) {
  TelephoneEventDecoder decoder;
  std::string got;
  uint32_t timestamp = 0xFFFFF000;  // wraps during the sequence
  for (char digit : std::string("1234#")) {
    got += Press(decoder, timestamp, digit);
    timestamp += 1600;
  }
  EXPECT_EQ(got, "1234#");
}

TEST(Rfc4733Test, SameDigitTwiceIsTwoPresses) {
  TelephoneEventDecoder decoder;
  std::string got = Press(decoder, 1000, '5');
  got += Press(decoder, 2600, '5');
  EXPECT_EQ(got, "55");
}

TEST(Rfc4733Test, ReportsPressSeenOnlyByItsEndPackets) {
  TelephoneEventDecoder decoder;
  std::string got;
  for (int i = 0; i < 3; ++i) {
    if (auto c = decoder.OnPacket(500, Payload(9, true, 800))) got += *c;
  }
  EXPECT_EQ(got, "9");
}

TEST(Rfc4733Test, LongEventSegmentIsNotANewPress) {
  TelephoneEventDecoder decoder;
  EXPECT_EQ(decoder.OnPacket(1000, Payload(1, false, 160)), '1');
  EXPECT_EQ(decoder.OnPacket(1000, Payload(1, false, 0xFFFF)), std::nullopt);
  // The next segment starts where the first one ended, without an end packet before it.
  EXPECT_EQ(decoder.OnPacket(1000 + 0xFFFF, Payload(1, false, 160)), std::nullopt);
  EXPECT_EQ(decoder.OnPacket(1000 + 0xFFFF, Payload(1, true, 800)), std::nullopt);
  EXPECT_EQ(decoder.OnPacket(1000 + 0xFFFF + 2400, Payload(1, false, 160)), '1');
}

TEST(Rfc4733Test, IgnoresMalformedAndNonDigitEvents) {
  TelephoneEventDecoder decoder;
  std::array<uint8_t, 2> short_payload = {1, 0};
  EXPECT_EQ(decoder.OnPacket(10, short_payload), std::nullopt);
  EXPECT_EQ(decoder.OnPacket(20, Payload(16, false, 160)), std::nullopt);  // flash
  EXPECT_EQ(decoder.OnPacket(30, Payload(3, false, 160)), '3');
}

TEST(Rfc4733Test, EncoderMakesUpdatesThenThreeEnds) {
  auto packets = EncodeDigit('#', 100);
  ASSERT_EQ(packets.size(), 5u + 3u);
  for (size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].marker, i == 0);
    auto ev = ParseTelephoneEvent(packets[i].payload);
    ASSERT_TRUE(ev.has_value());
    EXPECT_EQ(ev->event, 11);
    EXPECT_EQ(ev->end, i >= 5);
    EXPECT_EQ(ev->duration, std::min<size_t>(i + 1, 5) * 160);
  }
  EXPECT_TRUE(EncodeDigit('x').empty());
  EXPECT_EQ(EncodeDigit('1', 0).size(), 1u + 3u);
}

TEST(Rfc4733Test, EncoderOutputDecodesToTheDigits) {
  TelephoneEventDecoder decoder;
  std::string got;
  uint32_t timestamp = 0;
  for (char digit : std::string("0*9D")) {
    for (const auto& p : EncodeDigit(digit)) {
      if (auto c = decoder.OnPacket(timestamp, p.payload)) got += *c;
    }
    timestamp += 2400;
  }
  EXPECT_EQ(got, "0*9D");
}

}  // namespace
}  // namespace hotline::media
