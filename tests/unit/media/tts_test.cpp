// TTS: espeak-ng renders English and Chinese at 8 kHz and caches on disk and in memory.
#include "media/tts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace hotline::media {
namespace {

class TtsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hotline_tts_test_" + std::to_string(getpid())) / "cache";  // created by the engine
  }
  void TearDown() override { std::filesystem::remove_all(dir_.parent_path()); }

  size_t WavFiles(const std::string& prefix) const {
    size_t n = 0;
    if (!std::filesystem::exists(dir_)) return 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with(prefix) && name.ends_with(".wav")) ++n;
    }
    return n;
  }

  std::filesystem::path dir_;
};

TEST_F(TtsTest, EnglishAndChineseGiveAudioAndAreCached) {
  TtsEngine tts(dir_.string());
  auto en = tts.Speak("en", "Please enter your number");
  ASSERT_TRUE(en.ok()) << en.error().message;
  EXPECT_GT((*en)->samples.size(), static_cast<size_t>(kSampleRate / 2));
  EXPECT_EQ(WavFiles("en-"), 1u);

  auto zh = tts.Speak("zh", "请输入号码");
  ASSERT_TRUE(zh.ok()) << zh.error().message;
  EXPECT_GT((*zh)->samples.size(), static_cast<size_t>(kSampleRate / 2));
  EXPECT_EQ(WavFiles("zh-"), 1u);

  // The same request again is served from memory: the very same audio object.
  auto again = tts.Speak("en", "Please enter your number");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), en->get());
  EXPECT_EQ(WavFiles(""), 2u);

  // A new engine (a restart) finds the files on disk.
  TtsEngine restarted(dir_.string());
  auto from_disk = restarted.Speak("zh", "请输入号码");
  ASSERT_TRUE(from_disk.ok());
  EXPECT_EQ((*from_disk)->samples, (*zh)->samples);
  EXPECT_EQ(WavFiles(""), 2u);
}

TEST_F(TtsTest, SamePromptInAnotherLanguageIsAnotherFile) {
  TtsEngine tts(dir_.string());
  ASSERT_TRUE(tts.Speak("en", "123").ok());
  ASSERT_TRUE(tts.Speak("zh", "123").ok());
  EXPECT_EQ(WavFiles(""), 2u);
}

TEST_F(TtsTest, RejectsBadInput) {
  TtsEngine tts(dir_.string());
  EXPECT_FALSE(tts.Speak("en", "").ok());
  EXPECT_FALSE(tts.Speak("../etc", "hello").ok());
  EXPECT_FALSE(tts.Speak("", "hello").ok());
}

}  // namespace
}  // namespace hotline::media
