// G.711: known code points and round trips for both laws.
#include "media/g711.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <vector>

namespace hotline::media {
namespace {

TEST(G711Test, KnownValues) {
  EXPECT_EQ(G711Encode(G711Law::kMuLaw, 0), 0xFF);
  EXPECT_EQ(G711Encode(G711Law::kALaw, 0), 0xD5);
  EXPECT_EQ(G711Decode(G711Law::kMuLaw, 0xFF), 0);
  EXPECT_EQ(G711Decode(G711Law::kMuLaw, 0x7F), 0);
  EXPECT_EQ(G711Decode(G711Law::kMuLaw, 0x80), 32124);
  EXPECT_EQ(G711Decode(G711Law::kMuLaw, 0x00), -32124);
  EXPECT_EQ(G711Decode(G711Law::kALaw, 0xD5), 8);
  EXPECT_EQ(G711Decode(G711Law::kALaw, 0x55), -8);
  EXPECT_EQ(G711Decode(G711Law::kALaw, 0xAA), 32256);
  EXPECT_EQ(G711Decode(G711Law::kALaw, 0x2A), -32256);
}

TEST(G711Test, EveryCodeRoundTrips) {
  for (int code = 0; code < 256; ++code) {
    auto c = static_cast<uint8_t>(code);
    EXPECT_EQ(G711Encode(G711Law::kALaw, G711Decode(G711Law::kALaw, c)), c) << code;
    int16_t mu = G711Decode(G711Law::kMuLaw, c);
    // µ-law has two codes for zero (0x7F and 0xFF); zero encodes as 0xFF.
    if (c == 0x7F) continue;
    EXPECT_EQ(G711Encode(G711Law::kMuLaw, mu), c) << code;
  }
}

TEST(G711Test, LinearRoundTripErrorIsSmallRelativeToLevel) {
  for (G711Law law : {G711Law::kMuLaw, G711Law::kALaw}) {
    for (int v = -32768; v <= 32767; v += 7) {
      auto sample = static_cast<int16_t>(v);
      int back = G711Decode(law, G711Encode(law, sample));
      int error = std::abs(back - v);
      // Companding keeps the error within about 1/16 of the level (plus a small floor).
      EXPECT_LE(error, std::abs(v) / 16 + 16) << v;
    }
  }
}

TEST(G711Test, FramesMatchSingleSamples) {
  std::array<int16_t, 160> in;
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int16_t>(i * 400 - 32000);
  for (G711Law law : {G711Law::kMuLaw, G711Law::kALaw}) {
    std::array<uint8_t, 160> coded;
    std::array<int16_t, 160> decoded;
    G711EncodeFrame(law, in, coded);
    G711DecodeFrame(law, coded, decoded);
    for (size_t i = 0; i < in.size(); ++i) {
      EXPECT_EQ(coded[i], G711Encode(law, in[i]));
      EXPECT_EQ(decoded[i], G711Decode(law, coded[i]));
    }
  }
}

}  // namespace
}  // namespace hotline::media
