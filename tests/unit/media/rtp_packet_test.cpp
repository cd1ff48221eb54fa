// RTP header parsing and building, including datagrams that lie about their lengths.
#include "media/rtp_packet.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace hotline::media {
namespace {

// A minimal valid header: v2, PT 0, seq 1, ts 2, ssrc 3.
std::vector<uint8_t> Header(uint8_t first_byte = 0x80) {
  return {first_byte, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03};
}

TEST(RtpPacketTest, BuildThenParseRoundTrips) {
  RtpHeader header;
  header.marker = true;
  header.payload_type = 101;
  header.sequence = 0xBEEF;
  header.timestamp = 0xDEADBEEF;
  header.ssrc = 0x01020304;
  std::array<uint8_t, 5> payload = {1, 2, 3, 4, 5};
  std::array<uint8_t, 64> out;
  size_t size = BuildRtp(header, payload, out);
  ASSERT_EQ(size, kRtpHeaderSize + payload.size());
  EXPECT_EQ(out[0], 0x80);
  EXPECT_EQ(out[1], 0x80 | 101);

  auto view = ParseRtp(std::span<const uint8_t>(out.data(), size));
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->header.marker);
  EXPECT_EQ(view->header.payload_type, 101);
  EXPECT_EQ(view->header.sequence, 0xBEEF);
  EXPECT_EQ(view->header.timestamp, 0xDEADBEEFu);
  EXPECT_EQ(view->header.ssrc, 0x01020304u);
  ASSERT_EQ(view->payload.size(), payload.size());
  EXPECT_EQ(view->payload.data(), out.data() + kRtpHeaderSize);
  EXPECT_EQ(view->payload[4], 5);
}

TEST(RtpPacketTest, BuildFailsWhenOutIsTooSmall) {
  RtpHeader header;
  std::array<uint8_t, 10> payload{};
  std::array<uint8_t, 21> out;
  EXPECT_EQ(BuildRtp(header, payload, out), 0u);
  std::array<uint8_t, 22> exact;
  EXPECT_EQ(BuildRtp(header, payload, exact), 22u);
}

TEST(RtpPacketTest, HeaderOnlyHasEmptyPayload) {
  auto p = Header();
  auto view = ParseRtp(p);
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->payload.empty());
  EXPECT_FALSE(view->header.marker);
  EXPECT_EQ(view->header.sequence, 1);
  EXPECT_EQ(view->header.timestamp, 2u);
  EXPECT_EQ(view->header.ssrc, 3u);
}

TEST(RtpPacketTest, RejectsShortDatagrams) {
  auto p = Header();
  for (size_t n = 0; n < kRtpHeaderSize; ++n) {
    EXPECT_FALSE(ParseRtp(std::span<const uint8_t>(p.data(), n)).has_value()) << n;
  }
}

TEST(RtpPacketTest, RejectsWrongVersion) {
  for (uint8_t first : {0x00, 0x40, 0xC0}) {
    auto p = Header(first);
    p.push_back(0xAA);
    EXPECT_FALSE(ParseRtp(p).has_value()) << int{first};
  }
}

TEST(RtpPacketTest, SkipsCsrcs) {
  auto p = Header(0x82);  // two CSRCs
  for (int i = 0; i < 8; ++i) p.push_back(0x11);
  p.push_back(0x42);
  auto view = ParseRtp(p);
  ASSERT_TRUE(view.has_value());
  ASSERT_EQ(view->payload.size(), 1u);
  EXPECT_EQ(view->payload[0], 0x42);
}

TEST(RtpPacketTest, RejectsCsrcCountPastEnd) {
  auto p = Header(0x8F);  // 15 CSRCs = 60 bytes, only 8 present
  for (int i = 0; i < 8; ++i) p.push_back(0);
  EXPECT_FALSE(ParseRtp(p).has_value());
}

TEST(RtpPacketTest, SkipsExtension) {
  auto p = Header(0x90);
  for (uint8_t b : {0xBE, 0xDE, 0x00, 0x01, 0x10, 0x20, 0x30, 0x40}) p.push_back(b);
  p.push_back(0x42);
  auto view = ParseRtp(p);
  ASSERT_TRUE(view.has_value());
  ASSERT_EQ(view->payload.size(), 1u);
  EXPECT_EQ(view->payload[0], 0x42);
}

TEST(RtpPacketTest, RejectsExtensionPastEnd) {
  auto p = Header(0x90);
  for (uint8_t b : {0xBE, 0xDE, 0x00, 0x02, 0x10, 0x20, 0x30, 0x40}) p.push_back(b);  // 1 of 2
  EXPECT_FALSE(ParseRtp(p).has_value());
  auto q = Header(0x90);
  q.push_back(0xBE);  // extension header itself truncated
  q.push_back(0xDE);
  EXPECT_FALSE(ParseRtp(q).has_value());
  auto r = Header(0x90);
  for (uint8_t b : {0xBE, 0xDE, 0xFF, 0xFF}) r.push_back(b);
  EXPECT_FALSE(ParseRtp(r).has_value());
}

TEST(RtpPacketTest, StripsPadding) {
  auto p = Header(0xA0);
  for (uint8_t b : {0x01, 0x02, 0x00, 0x00, 0x03}) p.push_back(b);  // 2 payload + 3 padding
  auto view = ParseRtp(p);
  ASSERT_TRUE(view.has_value());
  ASSERT_EQ(view->payload.size(), 2u);
  EXPECT_EQ(view->payload[1], 0x02);
}

TEST(RtpPacketTest, RejectsBadPadding) {
  auto bigger = Header(0xA0);
  for (uint8_t b : {0x01, 0x02, 0x09}) bigger.push_back(b);  // 9 > 3 bytes after header
  EXPECT_FALSE(ParseRtp(bigger).has_value());
  auto zero = Header(0xA0);
  for (uint8_t b : {0x01, 0x00}) zero.push_back(b);
  EXPECT_FALSE(ParseRtp(zero).has_value());
  auto header_only = Header(0xA0);  // the padding count would be the SSRC's last byte
  EXPECT_FALSE(ParseRtp(header_only).has_value());
  // Padding may not eat into the CSRC list.
  auto into_csrc = Header(0xA1);
  for (uint8_t b : {0x00, 0x00, 0x00, 0x05}) into_csrc.push_back(b);
  EXPECT_FALSE(ParseRtp(into_csrc).has_value());
}

TEST(RtpPacketTest, PaddingCanLeaveAnEmptyPayload) {
  auto p = Header(0xA0);
  for (uint8_t b : {0x00, 0x00, 0x03}) p.push_back(b);
  auto view = ParseRtp(p);
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->payload.empty());
}

TEST(RtpPacketTest, EverythingCombined) {
  auto p = Header(0xB1);                                      // padding, extension, 1 CSRC
  for (uint8_t b : {0x0A, 0x0B, 0x0C, 0x0D}) p.push_back(b);  // CSRC
  for (uint8_t b : {0x10, 0x00, 0x00, 0x01, 0x1, 0x2, 0x3, 0x4}) p.push_back(b);  // ext
  for (uint8_t b : {0x77, 0x88, 0x00, 0x02}) p.push_back(b);  // 2 payload + 2 padding
  auto view = ParseRtp(p);
  ASSERT_TRUE(view.has_value());
  ASSERT_EQ(view->payload.size(), 2u);
  EXPECT_EQ(view->payload[0], 0x77);
  EXPECT_EQ(view->payload[1], 0x88);
}

TEST(RtpPacketTest, NeverReadsPastTruncations) {
  auto p = Header(0xB1);
  for (uint8_t b : {0x0A, 0x0B, 0x0C, 0x0D, 0x10, 0x00, 0x00, 0x01, 0x1, 0x2, 0x3, 0x4, 0x77, 0x88,
                    0x00, 0x02}) {
    p.push_back(b);
  }
  // Every prefix is either rejected or yields a payload inside the prefix.
  for (size_t n = 0; n <= p.size(); ++n) {
    std::vector<uint8_t> prefix(p.begin(), p.begin() + n);  // exact-size copy for ASan
    auto view = ParseRtp(prefix);
    if (view) {
      EXPECT_GE(view->payload.data(), prefix.data());
      EXPECT_LE(view->payload.data() + view->payload.size(), prefix.data() + prefix.size());
    }
  }
}

}  // namespace
}  // namespace hotline::media
