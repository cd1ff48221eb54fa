#include "media/audio_file.h"

#include <sndfile.h>
#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

namespace hotline::media {

namespace {

// Output length of resampling n samples from in_rate to out_rate.
size_t ResampledLength(size_t n, int in_rate, int out_rate) {
  return static_cast<size_t>(
      std::llround(static_cast<double>(n) * out_rate / static_cast<double>(in_rate)));
}

// Resamples with libsoxr in one call; type is SOXR_FLOAT32_I or SOXR_INT16_I matching T.
template <typename T>
std::vector<T> SoxrOneshot(std::span<const T> in, int in_rate, int out_rate, soxr_datatype_t type) {
  std::vector<T> out(ResampledLength(in.size(), in_rate, out_rate));
  if (out.empty()) return out;
  soxr_io_spec_t io = soxr_io_spec(type, type);
  io.flags |= SOXR_NO_DITHER;  // keep digital silence silent
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  size_t done = 0;
  soxr_error_t error = soxr_oneshot(in_rate, out_rate, 1, in.data(), in.size(), nullptr, out.data(),
                                    out.size(), &done, &io, &quality, nullptr);
  if (error) return {};
  out.resize(std::min(done, out.size()));
  return out;
}

std::string SndfileError(SNDFILE* file, std::string_view what, const std::string& path) {
  std::string message(what);
  message += " ";
  message += path;
  message += ": ";
  message += sf_strerror(file);
  return message;
}

int16_t FloatToSample(float value) {
  float scaled = std::round(value * 32768.0f);
  return static_cast<int16_t>(std::clamp(scaled, -32768.0f, 32767.0f));
}

// Creates an 8 kHz 16-bit PCM WAV with `channels` channels (recordings, voicemail).
Result<SNDFILE*> CreatePcm16Wav(const std::string& path, int channels) {
  SF_INFO info{};
  info.samplerate = kSampleRate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file) return Error{SndfileError(nullptr, "cannot create", path)};
  return file;
}

// Rewrites the RIFF and data sizes for what is written so far (a small write at the start of
// the file), so a recording cut by a crash up to here is still a valid WAV. Writers are fed in
// blocks of about a second, so this costs one small write per second per recording.
void KeepHeaderCurrent(SNDFILE* file) { sf_command(file, SFC_UPDATE_HEADER_NOW, nullptr, 0); }

}  // namespace

std::vector<int16_t> Resample(std::span<const int16_t> in, int in_rate, int out_rate) {
  if (in_rate <= 0 || out_rate <= 0 || in.empty()) return {};
  if (in_rate == out_rate) return std::vector<int16_t>(in.begin(), in.end());
  return SoxrOneshot<int16_t>(in, in_rate, out_rate, SOXR_INT16_I);
}

Result<AudioPtr> LoadPrompt(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) return Error{SndfileError(nullptr, "cannot open", path)};
  if (info.channels <= 0 || info.samplerate <= 0 || info.frames < 0) {
    sf_close(file);
    return Error{"bad audio format in " + path};
  }
  // Read as float (libsndfile normalizes every format to [-1, 1]) and mix down as we go.
  const size_t channels = static_cast<size_t>(info.channels);
  std::vector<float> mono;
  mono.reserve(static_cast<size_t>(info.frames));
  constexpr sf_count_t kBlockFrames = 4096;
  std::vector<float> block(static_cast<size_t>(kBlockFrames) * channels);
  for (;;) {
    sf_count_t n = sf_readf_float(file, block.data(), kBlockFrames);
    if (n <= 0) break;
    for (sf_count_t i = 0; i < n; ++i) {
      const float* frame = block.data() + static_cast<size_t>(i) * channels;
      float sum = 0;
      for (size_t c = 0; c < channels; ++c) sum += frame[c];
      mono.push_back(sum / static_cast<float>(channels));
    }
  }
  int read_error = sf_error(file);
  std::string error_text = read_error ? SndfileError(file, "cannot read", path) : "";
  sf_close(file);
  if (read_error) return Error{error_text};

  if (info.samplerate != kSampleRate && !mono.empty()) {
    mono = SoxrOneshot<float>(mono, info.samplerate, kSampleRate, SOXR_FLOAT32_I);
    if (mono.empty()) return Error{"cannot resample " + path};
  }
  auto audio = std::make_shared<Audio>();
  audio->samples.resize(mono.size());
  std::transform(mono.begin(), mono.end(), audio->samples.begin(), FloatToSample);
  return AudioPtr(std::move(audio));
}

Status WriteMonoWav(const std::string& path, std::span<const int16_t> samples, int rate) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file) return Error{SndfileError(nullptr, "cannot create", path)};
  sf_count_t written =
      sf_writef_short(file, samples.data(), static_cast<sf_count_t>(samples.size()));
  std::string error_text;
  if (written != static_cast<sf_count_t>(samples.size())) {
    error_text = SndfileError(file, "cannot write", path);
  }
  if (sf_close(file) != 0 && error_text.empty()) error_text = "cannot close " + path;
  if (!error_text.empty()) return Error{error_text};
  return Status::Ok();
}

Result<std::unique_ptr<StereoWavWriter>> StereoWavWriter::Open(const std::string& path) {
  auto file = CreatePcm16Wav(path, 2);
  if (!file) return file.error();
  return std::unique_ptr<StereoWavWriter>(new StereoWavWriter(*file));
}

StereoWavWriter::~StereoWavWriter() { Close(); }

void StereoWavWriter::Write(std::span<const int16_t> left, std::span<const int16_t> right) {
  if (!file_) return;
  const size_t n = std::min(left.size(), right.size());
  if (n == 0) return;
  // Grows to the largest block once, then is reused.
  if (interleaved_.size() < 2 * n) interleaved_.resize(2 * n);
  for (size_t i = 0; i < n; ++i) {
    interleaved_[2 * i] = left[i];
    interleaved_[2 * i + 1] = right[i];
  }
  sf_count_t written = sf_writef_short(static_cast<SNDFILE*>(file_), interleaved_.data(),
                                       static_cast<sf_count_t>(n));
  if (written > 0) frames_ += written;
  KeepHeaderCurrent(static_cast<SNDFILE*>(file_));
}

void StereoWavWriter::Close() {
  if (!file_) return;
  sf_close(static_cast<SNDFILE*>(file_));
  file_ = nullptr;
}

Result<std::unique_ptr<MonoWavWriter>> MonoWavWriter::Open(const std::string& path) {
  auto file = CreatePcm16Wav(path, 1);
  if (!file) return file.error();
  return std::unique_ptr<MonoWavWriter>(new MonoWavWriter(*file));
}

MonoWavWriter::~MonoWavWriter() { Close(); }

void MonoWavWriter::Write(std::span<const int16_t> samples) {
  if (!file_ || samples.empty()) return;
  sf_count_t written = sf_writef_short(static_cast<SNDFILE*>(file_), samples.data(),
                                       static_cast<sf_count_t>(samples.size()));
  if (written > 0) frames_ += written;
  KeepHeaderCurrent(static_cast<SNDFILE*>(file_));
}

void MonoWavWriter::Close() {
  if (!file_) return;
  sf_close(static_cast<SNDFILE*>(file_));
  file_ = nullptr;
}

}  // namespace hotline::media
