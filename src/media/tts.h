// media/tts.h: text-to-speech prompts in Chinese and English through espeak-ng, rendered at
// 8 kHz and cached on disk (cache_dir/<language>-<hash>.wav) and in memory, so each text is
// synthesized once while it is in use; both caches are bounded (media/prompt_cache.h, least
// recently used dropped first). espeak-ng is not thread-safe: one TtsEngine per process, called
// from one thread (the control thread); the AudioPtr it returns may be handed to any media thread.
#pragma once

#include <mutex>
#include <string>

#include "common/result.h"
#include "media/audio.h"
#include "media/prompt_cache.h"

namespace hotline::media {

class TtsEngine {
 public:
  explicit TtsEngine(std::string cache_dir, PromptCacheLimits limits = {});
  ~TtsEngine();

  // language: "en" or "zh" (espeak-ng voice "cmn" is used for Chinese).
  Result<AudioPtr> Speak(const std::string& language, const std::string& text);

  const PromptCache& cache() const { return cache_; }

 private:
  std::string cache_dir_;
  bool initialized_ = false;
  PromptCache cache_;
};

}  // namespace hotline::media
