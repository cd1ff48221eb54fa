// Player and SampleFifo: the pieces of a session that need no socket.
#include "media/player.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <numeric>

#include "media/sample_fifo.h"

namespace hotline::media {
namespace {

AudioPtr Ramp(size_t n) {
  auto audio = std::make_shared<Audio>();
  audio->samples.resize(n);
  std::iota(audio->samples.begin(), audio->samples.end(), int16_t{1});
  return audio;
}

TEST(PlayerTest, PlaysOnceAndPadsTheLastFrame) {
  Player player;
  player.Start(Ramp(400), false, 9);
  std::array<int16_t, kFrameSamples> frame;
  EXPECT_TRUE(player.Next(frame));
  EXPECT_EQ(frame[0], 1);
  EXPECT_TRUE(player.Next(frame));
  EXPECT_EQ(frame[0], 161);
  EXPECT_FALSE(player.Next(frame));  // samples 321..400, then silence
  EXPECT_EQ(frame[0], 321);
  EXPECT_EQ(frame[79], 400);
  EXPECT_EQ(frame[80], 0);
  EXPECT_FALSE(player.active());
  EXPECT_EQ(player.token(), 9u);
}

TEST(PlayerTest, LoopsAcrossTheEnd) {
  Player player;
  player.Start(Ramp(100), true, 0);
  std::array<int16_t, kFrameSamples> frame;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(player.Next(frame));
  EXPECT_TRUE(player.active());
  // 10 frames = 1600 samples = 16 loops: the next frame starts at sample 1 again.
  EXPECT_TRUE(player.Next(frame));
  EXPECT_EQ(frame[0], 1);
  EXPECT_EQ(frame[100], 1);
}

TEST(PlayerTest, EmptyOrMissingAudioEndsAtOnce) {
  Player player;
  std::array<int16_t, kFrameSamples> frame;
  player.Start(std::make_shared<Audio>(), true, 1);
  EXPECT_FALSE(player.Next(frame));
  player.Start(nullptr, false, 2);
  EXPECT_FALSE(player.Next(frame));
  EXPECT_EQ(player.token(), 2u);
}

TEST(SampleFifoTest, PopsWholeFramesOnly) {
  SampleFifo fifo;
  std::array<int16_t, 100> in;
  std::iota(in.begin(), in.end(), int16_t{0});
  std::array<int16_t, kFrameSamples> out;
  fifo.Push(in);
  EXPECT_FALSE(fifo.Pop(out));
  fifo.Push(in);
  EXPECT_TRUE(fifo.Pop(out));
  EXPECT_EQ(out[99], 99);
  EXPECT_EQ(out[100], 0);
  EXPECT_EQ(fifo.size(), 40u);
}

TEST(SampleFifoTest, DropsTheOldestWhenFull) {
  SampleFifo fifo;
  std::array<int16_t, kFrameSamples> frame;
  for (int i = 0; i < 10; ++i) {
    frame.fill(static_cast<int16_t>(i));
    fifo.Push(frame);
  }
  EXPECT_EQ(fifo.size(), SampleFifo::kCapacity);
  EXPECT_TRUE(fifo.Pop(frame));
  // 1600 pushed, 1024 kept: the oldest kept sample is from frame 576 / 160 = 3.
  EXPECT_EQ(frame[0], 3);
}

}  // namespace
}  // namespace hotline::media
