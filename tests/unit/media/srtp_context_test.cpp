// SRTP round trips between two contexts keyed as two ends of a call (our send key is the
// peer's receive key), as libsrtp2 does it; forged, replayed and truncated packets are refused.
#include "media/srtp_context.h"

#include <gtest/gtest.h>

#include <vector>

namespace hotline::media {
namespace {

std::vector<uint8_t> RtpPacket(uint16_t sequence, uint8_t fill) {
  std::vector<uint8_t> packet(12 + 160 + SrtpContext::kMaxTrailer, fill);
  packet[0] = 0x80;
  packet[1] = 0;  // PCMU
  packet[2] = static_cast<uint8_t>(sequence >> 8);
  packet[3] = static_cast<uint8_t>(sequence);
  for (int i = 4; i < 8; ++i) packet[i] = 0;                                 // timestamp
  packet[8] = 0x12, packet[9] = 0x34, packet[10] = 0x56, packet[11] = 0x78;  // SSRC
  return packet;
}

struct Pair {
  std::unique_ptr<SrtpContext> ours, theirs;
};

Pair MakePair(SrtpSuite suite) {
  SrtpMasterKey a = RandomSrtpKey(), b = RandomSrtpKey();
  auto ours = SrtpContext::Create(suite, a, b);
  auto theirs = SrtpContext::Create(suite, b, a);
  EXPECT_TRUE(ours.ok() && theirs.ok());
  return {std::move(ours).value(), std::move(theirs).value()};
}

TEST(Srtp, RoundTripBothSuites) {
  for (SrtpSuite suite : {SrtpSuite::kAesCm128HmacSha1_80, SrtpSuite::kAesCm128HmacSha1_32}) {
    Pair pair = MakePair(suite);
    for (uint16_t seq = 100; seq < 110; ++seq) {
      std::vector<uint8_t> packet = RtpPacket(seq, 0x55);
      size_t length = 12 + 160;
      ASSERT_TRUE(pair.ours->Protect(packet.data(), &length));
      EXPECT_EQ(length, 12u + 160u + (suite == SrtpSuite::kAesCm128HmacSha1_80 ? 10u : 4u));
      EXPECT_NE(packet[20], 0x55);  // the payload is encrypted
      ASSERT_TRUE(pair.theirs->Unprotect(packet.data(), &length));
      EXPECT_EQ(length, 12u + 160u);
      EXPECT_EQ(packet[20], 0x55);
    }
  }
}

TEST(Srtp, ForgedReplayedAndShortPacketsAreRefused) {
  Pair pair = MakePair(SrtpSuite::kAesCm128HmacSha1_80);
  std::vector<uint8_t> packet = RtpPacket(7, 0x11);
  size_t length = 12 + 160;
  ASSERT_TRUE(pair.ours->Protect(packet.data(), &length));
  std::vector<uint8_t> copy = packet;
  size_t copy_length = length;
  std::vector<uint8_t> forged = packet;
  forged[30] ^= 1;
  size_t forged_length = length;
  EXPECT_FALSE(pair.theirs->Unprotect(forged.data(), &forged_length));
  ASSERT_TRUE(pair.theirs->Unprotect(packet.data(), &length));
  EXPECT_FALSE(pair.theirs->Unprotect(copy.data(), &copy_length));  // replay
  std::vector<uint8_t> plain = RtpPacket(8, 0x22);                  // plain RTP from an attacker
  size_t plain_length = 12 + 160;
  EXPECT_FALSE(pair.theirs->Unprotect(plain.data(), &plain_length));
  uint8_t tiny[4] = {0x80, 0, 0, 1};
  size_t tiny_length = sizeof tiny;
  EXPECT_FALSE(pair.theirs->Unprotect(tiny, &tiny_length));
}

TEST(Srtp, WrongKeyCannotDecrypt) {
  auto sender =
      SrtpContext::Create(SrtpSuite::kAesCm128HmacSha1_80, RandomSrtpKey(), RandomSrtpKey());
  auto receiver =
      SrtpContext::Create(SrtpSuite::kAesCm128HmacSha1_80, RandomSrtpKey(), RandomSrtpKey());
  ASSERT_TRUE(sender.ok() && receiver.ok());
  std::vector<uint8_t> packet = RtpPacket(1, 0x33);
  size_t length = 12 + 160;
  ASSERT_TRUE((*sender)->Protect(packet.data(), &length));
  EXPECT_FALSE((*receiver)->Unprotect(packet.data(), &length));
}

TEST(Srtp, SuiteNames) {
  EXPECT_TRUE(SrtpSuiteFromName("AES_CM_128_HMAC_SHA1_80").ok());
  EXPECT_TRUE(SrtpSuiteFromName("AES_CM_128_HMAC_SHA1_32").ok());
  EXPECT_FALSE(SrtpSuiteFromName("AEAD_AES_256_GCM").ok());
  EXPECT_STREQ(SrtpSuiteName(SrtpSuite::kAesCm128HmacSha1_32), "AES_CM_128_HMAC_SHA1_32");
}

}  // namespace
}  // namespace hotline::media
