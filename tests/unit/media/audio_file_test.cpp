// Prompt loading (any format to 8 kHz mono), resampling and WAV writing.
#include "media/audio_file.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "media/goertzel.h"

namespace hotline::media {
namespace {

class AudioFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hotline_audio_file_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

std::vector<int16_t> Sine(double hz, int rate, size_t n, double amplitude = 8000) {
  std::vector<int16_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<int16_t>(
        std::lround(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate)));
  }
  return out;
}

SF_INFO Info(const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f) sf_close(f);
  return info;
}

TEST_F(AudioFileTest, StereoWriterWritesTwoChannels) {
  std::string path = Path("stereo.wav");
  {
    auto writer = StereoWavWriter::Open(path);
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    auto left = Sine(500, kSampleRate, 8000);
    auto right = Sine(1200, kSampleRate, 8000);
    for (size_t i = 0; i < left.size(); i += 1600) {
      (*writer)->Write(std::span<const int16_t>(left.data() + i, 1600),
                       std::span<const int16_t>(right.data() + i, 1600));
    }
    EXPECT_EQ((*writer)->frames(), 8000);
    (*writer)->Close();
    (*writer)->Write(left, right);  // ignored after Close
    EXPECT_EQ((*writer)->frames(), 8000);
  }
  SF_INFO info = Info(path);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, kSampleRate);
  EXPECT_EQ(info.frames, 8000);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);

  // Channels were kept apart: left is 500 Hz, right 1200 Hz.
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  std::vector<int16_t> interleaved(2 * 8000);
  ASSERT_EQ(sf_readf_short(f, interleaved.data(), 8000), 8000);
  sf_close(f);
  std::vector<int16_t> left, right;
  for (size_t i = 0; i < 8000; ++i) {
    left.push_back(interleaved[2 * i]);
    right.push_back(interleaved[2 * i + 1]);
  }
  EXPECT_GT(ToneRatio(left, 500, kSampleRate), 1e4);
  EXPECT_LT(ToneRatio(left, 1200, kSampleRate), 10);
  EXPECT_GT(ToneRatio(right, 1200, kSampleRate), 1e4);
}

TEST_F(AudioFileTest, DestructorClosesTheFile) {
  std::string path = Path("unclosed.wav");
  {
    auto writer = StereoWavWriter::Open(path);
    ASSERT_TRUE(writer.ok());
    std::vector<int16_t> frame(160, 100);
    (*writer)->Write(frame, frame);
  }
  EXPECT_EQ(Info(path).frames, 160);
}

TEST_F(AudioFileTest, OpenFailsInMissingDirectory) {
  auto writer = StereoWavWriter::Open(Path("no/such/dir/x.wav"));
  EXPECT_FALSE(writer.ok());
  EXPECT_FALSE(WriteMonoWav(Path("no/such/dir/y.wav"), std::vector<int16_t>(10)).ok());
}

TEST_F(AudioFileTest, MonoWavRoundTrip) {
  std::string path = Path("mono.wav");
  auto samples = Sine(700, kSampleRate, 4000);
  samples[0] = -32768;
  samples[1] = 32767;
  ASSERT_TRUE(WriteMonoWav(path, samples).ok());
  auto loaded = LoadPrompt(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ((*loaded)->samples, samples);
}

TEST_F(AudioFileTest, MonoWriterAppendsBlocksAndClosesOnDestruction) {
  std::string path = Path("mono_writer.wav");
  auto samples = Sine(600, kSampleRate, 4000);
  {
    auto writer = MonoWavWriter::Open(path);
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    for (size_t i = 0; i < samples.size(); i += 1000) {
      (*writer)->Write(std::span<const int16_t>(samples.data() + i, 1000));
    }
    EXPECT_EQ((*writer)->frames(), 4000);
  }  // destructor closes
  SF_INFO info = Info(path);
  EXPECT_EQ(info.channels, 1);
  EXPECT_EQ(info.samplerate, kSampleRate);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  auto loaded = LoadPrompt(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ((*loaded)->samples, samples);

  auto writer = MonoWavWriter::Open(path);
  ASSERT_TRUE(writer.ok());
  (*writer)->Close();
  (*writer)->Write(samples);  // ignored after Close
  EXPECT_EQ((*writer)->frames(), 0);
  EXPECT_FALSE(MonoWavWriter::Open(Path("no/such/dir/z.wav")).ok());
}

TEST_F(AudioFileTest, LoadPromptMixesAndResamples16kStereo) {
  std::string path = Path("wide.wav");
  const int rate = 16000;
  const size_t frames = 16000 * 3 / 2;  // 1.5 s
  auto left = Sine(440, rate, frames);
  auto right = Sine(440, rate, frames);
  std::vector<int16_t> interleaved;
  for (size_t i = 0; i < frames; ++i) {
    interleaved.push_back(left[i]);
    interleaved.push_back(right[i]);
  }
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(sf_writef_short(f, interleaved.data(), frames), static_cast<sf_count_t>(frames));
  sf_close(f);

  auto loaded = LoadPrompt(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ((*loaded)->samples.size(), 12000u);
  EXPECT_GT(ToneRatio((*loaded)->samples, 440, kSampleRate), 1e4);
}

TEST_F(AudioFileTest, LoadPromptReadsFloatFilesAtFullScale) {
  std::string path = Path("float.wav");
  SF_INFO info{};
  info.samplerate = 44100;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  std::vector<float> samples(44100);
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 1000 * i / 44100.0));
  }
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  sf_writef_float(f, samples.data(), static_cast<sf_count_t>(samples.size()));
  sf_close(f);
  auto loaded = LoadPrompt(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->samples.size(), 8000u);
  int16_t peak = 0;
  for (int16_t s : (*loaded)->samples) peak = std::max<int16_t>(peak, s);
  EXPECT_NEAR(peak, 16384, 800);
}

TEST_F(AudioFileTest, LoadPromptFailsForMissingOrGarbageFiles) {
  auto missing = LoadPrompt(Path("missing.wav"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing.wav"), std::string::npos);
  std::string garbage = Path("garbage.wav");
  FILE* g = std::fopen(garbage.c_str(), "wb");
  ASSERT_NE(g, nullptr);
  std::fputs("this is not a sound file at all", g);
  std::fclose(g);
  EXPECT_FALSE(LoadPrompt(garbage).ok());
}

TEST(ResampleTest, LengthsAndTone) {
  auto in = Sine(1000, 22050, 22050);
  auto out = Resample(in, 22050, kSampleRate);
  EXPECT_NEAR(static_cast<double>(out.size()), 8000.0, 1.0);
  EXPECT_GT(ToneRatio(out, 1000, kSampleRate), 1e4);
  EXPECT_EQ(Resample(in, kSampleRate, kSampleRate), in);
  EXPECT_TRUE(Resample({}, 16000, 8000).empty());
  EXPECT_TRUE(Resample(in, 0, 8000).empty());
  std::vector<int16_t> silence(1600, 0);
  for (int16_t s : Resample(silence, 16000, 8000)) EXPECT_EQ(s, 0);
}

}  // namespace
}  // namespace hotline::media
