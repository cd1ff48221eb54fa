#include "media/recorder.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <array>
#include <string>
#include <vector>

namespace hotline::media {
namespace {

TEST(RecorderTest, WritesAlignedStereoWithSilenceForMissingFrames) {
  std::string path = ::testing::TempDir() + "recorder_test_" + std::to_string(getpid()) + ".wav";
  auto recorder = Recorder::Open(path, 17);
  ASSERT_TRUE(recorder.ok()) << recorder.error().message;
  std::array<int16_t, kFrameSamples> left;
  std::array<int16_t, kFrameSamples> right;
  left.fill(100);
  right.fill(-200);
  for (int i = 0; i < 120; ++i) {  // 2.4 s, crossing block boundaries
    (*recorder)->WriteFrame(left.data(), i % 2 ? right.data() : nullptr);
  }
  EXPECT_EQ((*recorder)->Close(), 120 * kFrameSamples);

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, kSampleRate);
  ASSERT_EQ(info.frames, 120 * kFrameSamples);
  std::vector<int16_t> data(info.frames * 2);
  EXPECT_EQ(sf_readf_short(file, data.data(), info.frames), info.frames);
  sf_close(file);
  unlink(path.c_str());
  for (int frame = 0; frame < 120; ++frame) {
    size_t at = 2 * frame * kFrameSamples;
    ASSERT_EQ(data[at], 100) << frame;
    ASSERT_EQ(data[at + 1], frame % 2 ? -200 : 0) << frame;
  }
}

TEST(RecorderTest, OpenFailsForAnUnwritablePath) {
  EXPECT_FALSE(Recorder::Open("/nonexistent-dir/x.wav", 0).ok());
}

TEST(MonoRecorderTest, WritesFramesWithSilenceAndStopsAtTheLimit) {
  std::string path =
      ::testing::TempDir() + "mono_recorder_test_" + std::to_string(getpid()) + ".wav";
  // 1.25 s limit: 62.5 frames, so the last frame is cut in half.
  auto recorder = MonoRecorder::Open(path, 10000, 3);
  ASSERT_TRUE(recorder.ok()) << recorder.error().message;
  std::array<int16_t, kFrameSamples> frame;
  frame.fill(300);
  int frames_given = 0;
  while (!(*recorder)->full() && frames_given < 1000) {
    (*recorder)->WriteFrame(frames_given % 3 ? frame.data() : nullptr);
    ++frames_given;
  }
  EXPECT_EQ(frames_given, 63);
  (*recorder)->WriteFrame(frame.data());  // past the limit: dropped
  EXPECT_EQ((*recorder)->Close(), 10000);
  EXPECT_EQ((*recorder)->Close(), 10000);  // idempotent

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(info.channels, 1);
  EXPECT_EQ(info.samplerate, kSampleRate);
  ASSERT_EQ(info.frames, 10000);
  std::vector<int16_t> data(info.frames);
  EXPECT_EQ(sf_readf_short(file, data.data(), info.frames), info.frames);
  sf_close(file);
  unlink(path.c_str());
  for (size_t i = 0; i < data.size(); ++i) {
    ASSERT_EQ(data[i], (i / kFrameSamples) % 3 ? 300 : 0) << i;
  }
}

TEST(MonoRecorderTest, NoLimitWhenMaxIsZero) {
  std::string path =
      ::testing::TempDir() + "mono_recorder_nolimit_" + std::to_string(getpid()) + ".wav";
  auto recorder = MonoRecorder::Open(path, 0, 0);
  ASSERT_TRUE(recorder.ok()) << recorder.error().message;
  for (int i = 0; i < 200; ++i) (*recorder)->WriteFrame(nullptr);
  EXPECT_FALSE((*recorder)->full());
  EXPECT_EQ((*recorder)->Close(), 200 * kFrameSamples);
  unlink(path.c_str());
  EXPECT_FALSE(MonoRecorder::Open("/nonexistent-dir/x.wav", 0, 0).ok());
}

}  // namespace
}  // namespace hotline::media
