// In-band DTMF: spandsp generation and detection, straight and through G.711.
#include "media/dtmf_inband.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "media/audio.h"
#include "media/g711.h"

namespace hotline::media {
namespace {

// Feeds samples in 20 ms frames, as a media session does.
std::string Detect(const std::vector<int16_t>& samples) {
  InbandDtmfDetector detector;
  std::string got;
  for (size_t i = 0; i < samples.size(); i += kFrameSamples) {
    size_t n = std::min<size_t>(kFrameSamples, samples.size() - i);
    got += detector.Feed(std::span<const int16_t>(samples.data() + i, n));
  }
  // Trailing silence lets the detector finish the last digit.
  std::vector<int16_t> silence(kFrameSamples, 0);
  for (int i = 0; i < 10; ++i) got += detector.Feed(silence);
  return got;
}

TEST(DtmfInbandTest, GeneratedLengthMatchesTiming) {
  auto samples = GenerateDtmf("12", 100, 50);
  // Two digits of 100 ms tone + 50 ms gap.
  EXPECT_NEAR(static_cast<double>(samples.size()), 2 * 150 * 8.0, 160.0);
  EXPECT_TRUE(GenerateDtmf("").empty());
  EXPECT_TRUE(GenerateDtmf("xyz").empty());
}

TEST(DtmfInbandTest, DetectsGeneratedDigits) {
  EXPECT_EQ(Detect(GenerateDtmf("1234#")), "1234#");
  EXPECT_EQ(Detect(GenerateDtmf("0*9ABCD", 80, 60)), "0*9ABCD");
}

TEST(DtmfInbandTest, DetectsAfterG711RoundTrip) {
  auto samples = GenerateDtmf("1234#");
  for (G711Law law : {G711Law::kMuLaw, G711Law::kALaw}) {
    std::vector<uint8_t> coded(samples.size());
    std::vector<int16_t> decoded(samples.size());
    G711EncodeFrame(law, samples, coded);
    G711DecodeFrame(law, coded, decoded);
    EXPECT_EQ(Detect(decoded), "1234#");
  }
}

TEST(DtmfInbandTest, SameDigitRepeatedIsDetectedEachTime) {
  EXPECT_EQ(Detect(GenerateDtmf("55")), "55");
}

TEST(DtmfInbandTest, SilenceAndSpeechBandToneGiveNoDigits) {
  std::vector<int16_t> silence(8000, 0);
  EXPECT_EQ(Detect(silence), "");
  std::vector<int16_t> odd_sizes = GenerateDtmf("7");
  InbandDtmfDetector detector;
  std::string got;
  for (size_t i = 0; i < odd_sizes.size(); i += 37) {  // blocks of any size work
    size_t n = std::min<size_t>(37, odd_sizes.size() - i);
    got += detector.Feed(std::span<const int16_t>(odd_sizes.data() + i, n));
  }
  got += detector.Feed(silence);
  EXPECT_EQ(got, "7");
}

}  // namespace
}  // namespace hotline::media
