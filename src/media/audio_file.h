// media/audio_file.h: reading prompts and writing recordings with libsndfile.
// LoadPrompt converts any rate/channel count to 8 kHz mono once (libsoxr), so the media tick
// never resamples. StereoWavWriter writes a recording: left = caller, right = callee;
// MonoWavWriter writes one leg (voicemail). Both rewrite the header's sizes after every
// Write, so a file cut by a crash (kill -9) stays a valid WAV up to the last block written.
// A writer is owned by one media session on one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"
#include "media/audio.h"

namespace hotline::media {

// Loads a sound file (WAV or anything libsndfile reads), mixes to mono, resamples to 8 kHz.
Result<AudioPtr> LoadPrompt(const std::string& path);

// Resamples mono samples from in_rate to out_rate.
std::vector<int16_t> Resample(std::span<const int16_t> in, int in_rate, int out_rate);

// Writes mono 8 kHz 16-bit WAV (used for caches and tests).
Status WriteMonoWav(const std::string& path, std::span<const int16_t> samples,
                    int rate = kSampleRate);

class StereoWavWriter {
 public:
  // Opens path for an 8 kHz 16-bit stereo WAV.
  static Result<std::unique_ptr<StereoWavWriter>> Open(const std::string& path);
  ~StereoWavWriter();  // closes the file (header updated)

  // Appends frames; left and right must have the same length.
  void Write(std::span<const int16_t> left, std::span<const int16_t> right);
  // Frames written so far.
  int64_t frames() const { return frames_; }
  void Close();

 private:
  explicit StereoWavWriter(void* sndfile) : file_(sndfile) {}
  void* file_;
  int64_t frames_ = 0;
  std::vector<int16_t> interleaved_;
};

class MonoWavWriter {
 public:
  // Opens path for an 8 kHz 16-bit mono WAV.
  static Result<std::unique_ptr<MonoWavWriter>> Open(const std::string& path);
  ~MonoWavWriter();  // closes the file (header updated)
  MonoWavWriter(const MonoWavWriter&) = delete;
  MonoWavWriter& operator=(const MonoWavWriter&) = delete;

  // Appends samples (ignored after Close).
  void Write(std::span<const int16_t> samples);
  // Samples written so far.
  int64_t frames() const { return frames_; }
  void Close();

 private:
  explicit MonoWavWriter(void* sndfile) : file_(sndfile) {}
  void* file_;
  int64_t frames_ = 0;
};

}  // namespace hotline::media
