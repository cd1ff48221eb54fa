// Recordings cut by a crash: the writer keeps the header current, and RepairWavHeader fixes
// a header left stale. Real files, read back with libsndfile.
#include "media/wav_repair.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "media/audio_file.h"
#include "media/recorder.h"

namespace hotline::media {
namespace {

std::string TempWav(const std::string& name) {
  return ::testing::TempDir() + "wav_repair_" + name + "_" + std::to_string(getpid()) + ".wav";
}

// Frames libsndfile reads from `path` (-1 if it cannot open it).
int64_t FramesReadable(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) return -1;
  std::vector<int16_t> block(4096 * static_cast<size_t>(info.channels));
  int64_t frames = 0;
  for (sf_count_t n; (n = sf_readf_short(file, block.data(), 4096)) > 0;) frames += n;
  sf_close(file);
  return frames;
}

void PatchLe32(const std::string& path, long at, uint32_t value) {
  std::FILE* file = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(file, nullptr);
  unsigned char bytes[4] = {
      static_cast<unsigned char>(value), static_cast<unsigned char>(value >> 8),
      static_cast<unsigned char>(value >> 16), static_cast<unsigned char>(value >> 24)};
  std::fseek(file, at, SEEK_SET);
  std::fwrite(bytes, 1, 4, file);
  std::fclose(file);
}

// The RIFF and data chunk sizes in the header of a 44-byte-header PCM WAV (libsndfile's), as
// players such as sox trust them (libsndfile itself reads past a data size of 0).
struct HeaderSizes {
  uint32_t riff = 0;
  uint32_t data = 0;
};
HeaderSizes SizesIn(const std::string& path) {
  HeaderSizes sizes;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return sizes;
  unsigned char header[44] = {};
  if (std::fread(header, 1, 44, file) == 44 &&
      std::string(reinterpret_cast<char*>(header) + 36, 4) == "data") {
    auto le32 = [&](int at) {
      return static_cast<uint32_t>(header[at] | header[at + 1] << 8 | header[at + 2] << 16 |
                                   static_cast<uint32_t>(header[at + 3]) << 24);
    };
    sizes = {le32(4), le32(40)};
  }
  std::fclose(file);
  return sizes;
}

// A copy of the file as it is on disk now, while its writer is still open: what a kill -9
// would leave behind (libsndfile writes through to the kernel, no user-space buffer).
std::string SnapshotOf(const std::string& path) {
  std::string copy = path + ".crash.wav";
  std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing);
  return copy;
}

TEST(WavRepairTest, RecordingCutByACrashIsReadableUpToTheLastBlock) {
  std::string path = TempWav("recorder");
  auto recorder = Recorder::Open(path, /*stagger=*/0);
  ASSERT_TRUE(recorder.ok()) << recorder.error().message;
  std::array<int16_t, kFrameSamples> frame;
  frame.fill(1000);
  for (int i = 0; i < 9 * 50 + 20; ++i) (*recorder)->WriteFrame(frame.data(), frame.data());
  // 9.4 s given: the first block is one frame, then blocks of 1 s: 9 s + 1 frame on disk.
  std::string crashed = SnapshotOf(path);
  const int64_t on_disk = 9 * kSampleRate + kFrameSamples;
  const auto file_size = static_cast<int64_t>(std::filesystem::file_size(crashed));
  ASSERT_EQ(file_size, 44 + on_disk * 4);
  HeaderSizes sizes = SizesIn(crashed);
  EXPECT_EQ(sizes.data, on_disk * 4) << "the header was not kept current";
  EXPECT_EQ(sizes.riff, file_size - 8);
  EXPECT_EQ(FramesReadable(crashed), on_disk);

  auto repaired = RepairWavHeader(crashed);
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_FALSE(repaired->rewritten);  // already right
  EXPECT_EQ(repaired->frames, on_disk);
  EXPECT_EQ(repaired->channels, 2);
  EXPECT_EQ(repaired->sample_rate, kSampleRate);
  EXPECT_EQ(repaired->duration_ms(), 9020);
  (*recorder)->Close();
  std::filesystem::remove(path);
  std::filesystem::remove(crashed);
}

TEST(WavRepairTest, StaleSizesAreSetFromTheFileLength) {
  std::string path = TempWav("stale");
  std::vector<int16_t> samples(3 * kSampleRate, 500);  // 3 s mono
  ASSERT_TRUE(WriteMonoWav(path, samples).ok());
  // What a writer that never updated its header leaves: sizes from the moment it opened,
  // plus half a sample written when the process died.
  PatchLe32(path, 4, 36);
  PatchLe32(path, 40, 0);
  {
    std::FILE* file = std::fopen(path.c_str(), "ab");
    ASSERT_NE(file, nullptr);
    std::fputc(7, file);
    std::fclose(file);
  }
  EXPECT_EQ(SizesIn(path).data, 0u);

  auto repaired = RepairWavHeader(path);
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_TRUE(repaired->rewritten);
  EXPECT_EQ(repaired->frames, static_cast<int64_t>(samples.size()));
  EXPECT_EQ(repaired->duration_ms(), 3000);
  EXPECT_EQ(repaired->size_bytes, 44 + 2 * static_cast<int64_t>(samples.size()));
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(path)), repaired->size_bytes);
  EXPECT_EQ(SizesIn(path).data, 2 * samples.size());
  EXPECT_EQ(SizesIn(path).riff, repaired->size_bytes - 8);
  EXPECT_EQ(FramesReadable(path), static_cast<int64_t>(samples.size()));
  std::filesystem::remove(path);
}

TEST(WavRepairTest, HeaderOnlyFileIsAnEmptyValidWav) {
  std::string path = TempWav("empty");
  {
    auto writer = StereoWavWriter::Open(path);
    ASSERT_TRUE(writer.ok());
    std::string crashed = SnapshotOf(path);
    auto repaired = RepairWavHeader(crashed);
    ASSERT_TRUE(repaired.ok()) << repaired.error().message;
    EXPECT_EQ(repaired->frames, 0);
    EXPECT_EQ(FramesReadable(crashed), 0);
    std::filesystem::remove(crashed);
  }
  std::filesystem::remove(path);
}

TEST(WavRepairTest, RefusesWhatIsNotAWav) {
  EXPECT_FALSE(RepairWavHeader(TempWav("missing")).ok());
  std::string path = TempWav("text");
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs("this is not a RIFF file at all, just text", file);
    std::fclose(file);
  }
  auto before = std::filesystem::file_size(path);
  EXPECT_FALSE(RepairWavHeader(path).ok());
  EXPECT_EQ(std::filesystem::file_size(path), before);  // untouched
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace hotline::media
