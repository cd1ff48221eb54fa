#include "media/tts.h"

#include <espeak-ng/speak_lib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#include "media/audio_file.h"

namespace hotline::media {

namespace {

// espeak-ng keeps global state: one initialization per process, one synthesis at a time.
std::mutex& EspeakMutex() {
  static std::mutex mutex;
  return mutex;
}

// The sample rate espeak-ng renders at, or <= 0 if it could not be initialized.
int EspeakSampleRate() {
  static const int rate = [] {
    // DONT_EXIT: without it espeak-ng calls exit() when its data is missing.
    return espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  }();
  return rate;
}

int CollectSamples(short* wav, int count, espeak_EVENT* events) {
  if (!wav || count <= 0 || !events) return 0;
  auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
  if (out) out->insert(out->end(), wav, wav + count);
  return 0;  // continue
}

// FNV-1a: a stable hash for cache file names.
uint64_t HashText(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

bool SafeLanguage(const std::string& language) {
  if (language.empty() || language.size() > 16) return false;
  for (char c : language) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status SelectVoice(const std::string& language) {
  std::string voice = language == "zh" ? "cmn" : language;
  if (espeak_SetVoiceByName(voice.c_str()) == EE_OK) return Status::Ok();
  espeak_VOICE spec{};
  spec.languages = voice.c_str();
  if (espeak_SetVoiceByProperties(&spec) == EE_OK) return Status::Ok();
  return Error{"tts: no espeak-ng voice for language " + language};
}

}  // namespace

TtsEngine::TtsEngine(std::string cache_dir, PromptCacheLimits limits)
    : cache_dir_(std::move(cache_dir)), cache_(cache_dir_, limits) {
  std::lock_guard lock(EspeakMutex());
  initialized_ = EspeakSampleRate() > 0;
  if (initialized_) espeak_SetSynthCallback(CollectSamples);
}

// espeak-ng stays initialized for the life of the process (it cannot safely be set up twice).
TtsEngine::~TtsEngine() = default;

Result<AudioPtr> TtsEngine::Speak(const std::string& language, const std::string& text) {
  if (!SafeLanguage(language)) return Error{"tts: bad language '" + language + "'"};
  if (text.empty()) return Error{"tts: empty text"};
  std::string key = language;
  key += '\0';
  key += text;
  if (AudioPtr cached = cache_.Find(key)) return cached;

  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(HashText(text)));
  const std::string file_name = language + "-" + hash + ".wav";
  if (!cache_dir_.empty() && cache_.UseFile(file_name)) {
    if (auto loaded = LoadPrompt(cache_.PathOf(file_name));
        loaded.ok() && !(*loaded)->samples.empty()) {
      cache_.Put(key, *loaded);
      return *loaded;
    }
    cache_.DropFile(file_name);  // unreadable: synthesize again
  }

  if (!initialized_) return Error{"tts: espeak-ng could not be initialized"};
  std::vector<int16_t> raw;
  {
    std::lock_guard lock(EspeakMutex());
    espeak_SetSynthCallback(CollectSamples);
    if (Status voice = SelectVoice(language); !voice.ok()) return Error{voice.message()};
    espeak_ERROR result = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                       espeakCHARS_UTF8 | espeakENDPAUSE, nullptr, &raw);
    if (result != EE_OK) return Error{"tts: espeak-ng failed to synthesize"};
  }
  if (raw.empty()) return Error{"tts: espeak-ng produced no audio for '" + text + "'"};

  auto audio = std::make_shared<Audio>();
  audio->samples = Resample(raw, EspeakSampleRate(), kSampleRate);
  if (audio->samples.empty()) return Error{"tts: resampling failed"};

  if (!cache_dir_.empty()) {
    // Write to a temporary name and rename, so a crash never leaves a truncated cache file.
    std::error_code ec;
    std::filesystem::create_directories(cache_dir_, ec);
    std::filesystem::path cache_file = cache_.PathOf(file_name);
    std::filesystem::path temp = cache_file;
    temp += ".tmp";
    if (WriteMonoWav(temp.string(), audio->samples).ok()) {
      std::filesystem::rename(temp, cache_file, ec);
      if (ec) {
        std::filesystem::remove(temp, ec);
      } else {
        auto bytes = std::filesystem::file_size(cache_file, ec);
        if (!ec) cache_.AddedFile(file_name, static_cast<int64_t>(bytes));
      }
    }
    // A cache that cannot be written only costs a new synthesis next time.
  }
  AudioPtr shared = std::move(audio);
  cache_.Put(key, shared);
  return shared;
}

}  // namespace hotline::media
