// Music on hold: a loop of the right length that is audible, unclipped, tonal and click-free.
#include "media/moh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <span>

#include "media/goertzel.h"

namespace hotline::media {
namespace {

double Rms(std::span<const int16_t> samples) {
  double sum = 0;
  for (int16_t s : samples) sum += static_cast<double>(s) * s;
  return samples.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

TEST(MohTest, LoopLengthIsEightToSixteenSecondsOfWholeFrames) {
  AudioPtr music = MakeMusicOnHold();
  ASSERT_NE(music, nullptr);
  EXPECT_GE(music->samples.size(), 8u * kSampleRate);
  EXPECT_LE(music->samples.size(), 16u * kSampleRate);
  EXPECT_EQ(music->samples.size() % kFrameSamples, 0u);
  EXPECT_EQ(MakeMusicOnHold()->samples, music->samples);  // deterministic
}

TEST(MohTest, AudibleEverySecondAndNeverClipped) {
  AudioPtr music = MakeMusicOnHold();
  std::span<const int16_t> all(music->samples);
  EXPECT_GT(Rms(all), 1500.0);
  int peak = 0;
  for (int16_t s : all) peak = std::max(peak, std::abs(static_cast<int>(s)));
  EXPECT_LT(peak, 16000);  // well below full scale (32767)
  EXPECT_GT(peak, 8000);
  // No dead air: every whole second but the loop's edges carries sound.
  for (size_t second = 1; second + 1 < all.size() / kSampleRate; ++second) {
    EXPECT_GT(Rms(all.subspan(second * kSampleRate, kSampleRate)), 800.0) << second;
  }
}

TEST(MohTest, IsMusicNotABeep) {
  AudioPtr music = MakeMusicOnHold();
  std::span<const int16_t> all(music->samples);
  // The first chord (C major, 0.5-2.5 s) has C, E and G in it; its melody starts on E5.
  std::span<const int16_t> c_chord = all.subspan(kSampleRate / 2, 2 * kSampleRate);
  for (double hz : {261.63, 329.63, 392.0}) {
    EXPECT_GT(ToneRatio(c_chord, hz, kSampleRate), 10.0) << hz;
  }
  // Bars differ: the F chord (6.5-8.5 s) has F4 (349 Hz), the C chord has not.
  std::span<const int16_t> f_chord = all.subspan(13 * kSampleRate / 2, 2 * kSampleRate);
  EXPECT_GT(GoertzelPower(f_chord, 349.23, kSampleRate),
            20.0 * GoertzelPower(c_chord, 349.23, kSampleRate));
}

TEST(MohTest, LoopsWithoutAClick) {
  AudioPtr music = MakeMusicOnHold();
  const std::vector<int16_t>& s = music->samples;
  EXPECT_LE(std::abs(s.front()), 50);
  EXPECT_LE(std::abs(s.back()), 50);
  // Across the loop point the signal moves no faster than it does inside the loop.
  int max_step = 0;
  for (size_t i = 1; i < s.size(); ++i) max_step = std::max(max_step, std::abs(s[i] - s[i - 1]));
  int wrap_step = std::abs(s.front() - s.back());
  EXPECT_LT(wrap_step, max_step / 20);
  // And the first and last 10 ms stay quiet (a fade, not a cut).
  EXPECT_LT(Rms(std::span<const int16_t>(s).first(80)), 300.0);
  EXPECT_LT(Rms(std::span<const int16_t>(s).last(80)), 300.0);
}

}  // namespace
}  // namespace hotline::media
