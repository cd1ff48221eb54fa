// Call-progress tones: cadence lengths and frequencies per region.
#include "media/tone.h"

#include <gtest/gtest.h>

#include <span>

#include "media/goertzel.h"

namespace hotline::media {
namespace {

constexpr size_t Ms(int ms) { return static_cast<size_t>(ms) * kSampleRate / 1000; }

std::span<const int16_t> Window(const AudioPtr& audio, int from_ms, int to_ms) {
  return std::span<const int16_t>(audio->samples).subspan(Ms(from_ms), Ms(to_ms - from_ms));
}

bool Silent(std::span<const int16_t> samples) {
  for (int16_t s : samples) {
    if (s != 0) return false;
  }
  return true;
}

TEST(ToneTest, ChinaRingback) {
  AudioPtr tone = MakeTone(ToneKind::kRingback, "cn");
  ASSERT_EQ(tone->samples.size(), Ms(5000));
  EXPECT_GT(ToneRatio(Window(tone, 100, 900), 450, kSampleRate), 1e4);
  EXPECT_TRUE(Silent(Window(tone, 1000, 5000)));
  EXPECT_EQ(MakeTone(ToneKind::kRingback)->samples, tone->samples);  // cn is the default
}

TEST(ToneTest, ChinaBusy) {
  AudioPtr tone = MakeTone(ToneKind::kBusy, "cn");
  ASSERT_EQ(tone->samples.size(), Ms(700));
  EXPECT_GT(ToneRatio(Window(tone, 20, 330), 450, kSampleRate), 1e3);
  EXPECT_TRUE(Silent(Window(tone, 350, 700)));
}

TEST(ToneTest, UsRingbackIsDualTone) {
  AudioPtr tone = MakeTone(ToneKind::kRingback, "us");
  ASSERT_EQ(tone->samples.size(), Ms(6000));
  EXPECT_GT(ToneRatio(Window(tone, 100, 1900), 440, kSampleRate), 1e3);
  EXPECT_GT(ToneRatio(Window(tone, 100, 1900), 480, kSampleRate), 1e3);
  EXPECT_LT(ToneRatio(Window(tone, 100, 1900), 1000, kSampleRate), 10);
  EXPECT_TRUE(Silent(Window(tone, 2000, 6000)));
}

TEST(ToneTest, UsBusyIsDualTone) {
  AudioPtr tone = MakeTone(ToneKind::kBusy, "us");
  ASSERT_EQ(tone->samples.size(), Ms(1000));
  EXPECT_GT(ToneRatio(Window(tone, 20, 480), 480, kSampleRate), 1e3);
  EXPECT_GT(ToneRatio(Window(tone, 20, 480), 620, kSampleRate), 1e3);
  EXPECT_TRUE(Silent(Window(tone, 500, 1000)));
}

TEST(ToneTest, Beep) {
  AudioPtr tone = MakeTone(ToneKind::kBeep);
  ASSERT_EQ(tone->samples.size(), Ms(350));
  EXPECT_GT(ToneRatio(Window(tone, 10, 240), 1000, kSampleRate), 1e4);
  EXPECT_TRUE(Silent(Window(tone, 250, 350)));
}

TEST(ToneTest, Sine) {
  AudioPtr sine = MakeSine(1000, 500, 10000);
  ASSERT_EQ(sine->samples.size(), Ms(500));
  EXPECT_EQ(sine->samples[0], 0);
  EXPECT_EQ(sine->samples[2], 10000);  // 1 kHz at 8 kHz: a quarter period is 2 samples
  EXPECT_GT(ToneRatio(sine->samples, 1000, kSampleRate), 1e4);
  EXPECT_TRUE(MakeSine(1000, 0)->samples.empty());
}

}  // namespace
}  // namespace hotline::media
