// Goertzel power and tone ratio.
#include "media/goertzel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace hotline::media {
namespace {

std::vector<int16_t> Sine(double hz, int rate, size_t n, double amplitude = 8000) {
  std::vector<int16_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<int16_t>(
        std::lround(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate)));
  }
  return out;
}

TEST(GoertzelTest, OneKilohertzSine) {
  auto sine = Sine(1000, 8000, 8000);
  EXPECT_GT(ToneRatio(sine, 1000, 8000), 1e4);
  EXPECT_LT(ToneRatio(sine, 440, 8000), 10);
}

TEST(GoertzelTest, PowerIsMeanSquareOfTheComponent) {
  auto sine = Sine(1000, 8000, 8000, 8000);
  // A^2 / 2 for a sine of amplitude A.
  EXPECT_NEAR(GoertzelPower(sine, 1000, 8000), 8000.0 * 8000.0 / 2, 8000.0 * 8000.0 / 200);
  EXPECT_LT(GoertzelPower(sine, 2000, 8000), 8000.0 * 8000.0 / 2 * 1e-4);
}

TEST(GoertzelTest, WorksAtOtherRatesAndShortBlocks) {
  auto sine = Sine(450, 48000, 48000 / 10);  // 100 ms
  EXPECT_GT(ToneRatio(sine, 450, 48000), 1e4);
  EXPECT_LT(ToneRatio(sine, 1000, 48000), 10);
  auto short_block = Sine(1000, 8000, 160);  // one 20 ms frame
  EXPECT_GT(ToneRatio(short_block, 1000, 8000), 1e3);
}

TEST(GoertzelTest, NoiseAndSilenceHaveNoTone) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> dist(-8000, 8000);
  std::vector<int16_t> noise(8000);
  for (auto& s : noise) s = static_cast<int16_t>(dist(rng));
  EXPECT_LT(ToneRatio(noise, 1000, 8000), 10);
  std::vector<int16_t> silence(8000, 0);
  EXPECT_EQ(ToneRatio(silence, 1000, 8000), 0.0);
  EXPECT_EQ(GoertzelPower({}, 1000, 8000), 0.0);
  EXPECT_EQ(ToneRatio({}, 1000, 8000), 0.0);
}

}  // namespace
}  // namespace hotline::media
