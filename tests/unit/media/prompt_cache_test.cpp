// The TTS prompt cache stays within its memory and disk limits, dropping the least recently
// used prompts first; real files in a temporary directory.
#include "media/prompt_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "media/tts.h"

namespace hotline::media {
namespace {

namespace fs = std::filesystem;

AudioPtr Samples(size_t n) {
  auto audio = std::make_shared<Audio>();
  audio->samples.assign(n, 1);
  return audio;
}

class PromptCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hotline_prompt_cache_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A cache file of `bytes` bytes, last used `age_s` seconds ago.
  void WriteFile(const std::string& name, size_t bytes, int age_s) {
    std::FILE* file = std::fopen((dir_ / name).c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::string body(bytes, 'x');
    std::fwrite(body.data(), 1, body.size(), file);
    std::fclose(file);
    fs::last_write_time(dir_ / name,
                        fs::file_time_type::clock::now() - std::chrono::seconds(age_s));
  }

  fs::path dir_;
};

TEST_F(PromptCacheTest, MemoryDropsTheLeastRecentlyUsedBeyondItsLimit) {
  // 1,000 samples = 2,000 bytes (+ the key): room for two prompts in 4,100 bytes.
  PromptCache cache("", {4100, 0});
  cache.Put("a", Samples(1000));
  cache.Put("b", Samples(1000));
  ASSERT_NE(cache.Find("a"), nullptr);  // a is now more recent than b
  cache.Put("c", Samples(1000));
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("b"), nullptr);  // the least recently used went
  EXPECT_NE(cache.Find("c"), nullptr);
  EXPECT_EQ(cache.memory_entries(), 2u);
  EXPECT_LE(cache.memory_bytes(), 4100);

  AudioPtr huge = Samples(10000);  // larger than the whole cache: handed out, never kept
  cache.Put("huge", huge);
  EXPECT_EQ(cache.Find("huge"), nullptr);
  EXPECT_EQ(cache.memory_entries(), 2u);
  EXPECT_EQ(huge->samples.size(), 10000u);  // callers keep their AudioPtr
}

TEST_F(PromptCacheTest, DiskDropsTheOldestFilesAndKeepsTheNewOne) {
  WriteFile("en-old.wav", 400, 300);
  WriteFile("en-mid.wav", 400, 200);
  WriteFile("en-new.wav", 400, 100);
  WriteFile("en-cut.wav.tmp", 50, 0);  // a write cut by a crash
  PromptCache cache(dir_.string(), {1 << 20, 1000});
  // At start: over the limit (1,200 bytes), so the oldest file went; the .tmp too.
  EXPECT_FALSE(fs::exists(dir_ / "en-old.wav"));
  EXPECT_FALSE(fs::exists(dir_ / "en-cut.wav.tmp"));
  EXPECT_EQ(cache.disk_files(), 2u);
  EXPECT_EQ(cache.disk_bytes(), 800);

  EXPECT_TRUE(cache.UseFile("en-mid.wav"));  // now more recent than en-new
  WriteFile("zh-added.wav", 400, 0);
  cache.AddedFile("zh-added.wav", 400);
  EXPECT_TRUE(fs::exists(dir_ / "en-mid.wav"));
  EXPECT_FALSE(fs::exists(dir_ / "en-new.wav"));
  EXPECT_TRUE(fs::exists(dir_ / "zh-added.wav"));
  EXPECT_LE(cache.disk_bytes(), 1000);

  WriteFile("zh-big.wav", 5000, 0);  // alone larger than the limit: kept, the others go
  cache.AddedFile("zh-big.wav", 5000);
  EXPECT_TRUE(fs::exists(dir_ / "zh-big.wav"));
  EXPECT_EQ(cache.disk_files(), 1u);
  EXPECT_FALSE(cache.UseFile("en-mid.wav"));
}

TEST_F(PromptCacheTest, ARestartKeepsTheMostRecentlyUsedFiles) {
  WriteFile("a.wav", 400, 300);
  WriteFile("b.wav", 400, 200);
  {
    PromptCache cache(dir_.string(), {1 << 20, 1000});
    EXPECT_TRUE(cache.UseFile("a.wav"));  // refreshes its mtime
  }
  WriteFile("c.wav", 400, 50);
  PromptCache restarted(dir_.string(), {1 << 20, 1000});
  EXPECT_TRUE(fs::exists(dir_ / "a.wav"));
  EXPECT_FALSE(fs::exists(dir_ / "b.wav"));
  EXPECT_TRUE(fs::exists(dir_ / "c.wav"));
}

TEST_F(PromptCacheTest, TtsEngineStaysWithinItsLimits) {
  // Each prompt is a few tens of KB: limits of 100 KB hold only a few of them.
  const PromptCacheLimits limits{100 << 10, 100 << 10};
  TtsEngine tts((dir_ / "cache").string(), limits);
  for (int i = 0; i < 12; ++i) {
    auto spoken = tts.Speak("en", "You entered " + std::to_string(1000 + i));
    ASSERT_TRUE(spoken.ok()) << spoken.error().message;
    EXPECT_LE(tts.cache().memory_bytes(), limits.memory_bytes);
    EXPECT_LE(tts.cache().disk_bytes(), limits.disk_bytes);
  }
  int64_t on_disk = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "cache")) {
    on_disk += static_cast<int64_t>(entry.file_size());
  }
  EXPECT_EQ(on_disk, tts.cache().disk_bytes());
  EXPECT_LT(tts.cache().memory_entries(), 12u);
  // The newest prompt is still served from memory.
  auto again = tts.Speak("en", "You entered 1011");
  ASSERT_TRUE(again.ok());
  EXPECT_GT((*again)->samples.size(), 0u);
}

}  // namespace
}  // namespace hotline::media
