// media/recorder.h: records a bridge as a stereo WAV (left = session a's received audio,
// right = session b's). Every tick adds one 20 ms frame per side, silence when nothing
// arrived, so both channels stay aligned to wall time. Samples are buffered and written in
// blocks of about one second (the first block is shorter by a per-recorder amount so that
// many recorders started together do not all hit the disk in the same tick).
// Owned by the left session, on its media thread.
//
// MonoRecorder records what one session receives (voicemail, a parked caller) as a mono WAV,
// with the same silence filling and block writes, and stops by itself at a length limit.
// Owned by that session, on its media thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "media/audio_file.h"

namespace hotline::media {

class Recorder {
 public:
  // stagger: any number (e.g. a session id); spreads the first flush over the first second.
  static Result<std::unique_ptr<Recorder>> Open(const std::string& path, uint64_t stagger);
  ~Recorder();  // closes the file if Close() was not called
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // One frame (kFrameSamples) per side; nullptr = silence.
  void WriteFrame(const int16_t* left, const int16_t* right);
  // Writes what is buffered and closes the file; returns the length in samples per channel.
  int64_t Close();

  const std::string& path() const { return path_; }

 private:
  Recorder(std::string path, std::unique_ptr<StereoWavWriter> writer, uint64_t stagger);
  void Flush();

  std::string path_;
  std::unique_ptr<StereoWavWriter> writer_;
  std::vector<int16_t> left_;
  std::vector<int16_t> right_;
  size_t buffered_ = 0;  // samples per side in left_/right_
  size_t flush_at_ = 0;  // flush when buffered_ reaches this
  bool closed_ = false;
};

class MonoRecorder {
 public:
  // max_samples: the recording stops (full() turns true) after this many; <= 0 = no limit.
  // stagger as for Recorder::Open.
  static Result<std::unique_ptr<MonoRecorder>> Open(const std::string& path, int64_t max_samples,
                                                    uint64_t stagger);
  ~MonoRecorder();  // closes the file if Close() was not called
  MonoRecorder(const MonoRecorder&) = delete;
  MonoRecorder& operator=(const MonoRecorder&) = delete;

  // One frame (kFrameSamples); nullptr = silence. Past the limit the rest is dropped.
  void WriteFrame(const int16_t* frame);
  // True once the limit is reached: the owner should Close().
  bool full() const { return max_samples_ > 0 && total_ >= max_samples_; }
  // Writes what is buffered and closes the file; returns the length in samples.
  int64_t Close();

  const std::string& path() const { return path_; }

 private:
  MonoRecorder(std::string path, std::unique_ptr<MonoWavWriter> writer, int64_t max_samples,
               uint64_t stagger);
  void Flush();

  std::string path_;
  std::unique_ptr<MonoWavWriter> writer_;
  const int64_t max_samples_;
  int64_t total_ = 0;  // samples accepted (written or buffered)
  std::vector<int16_t> buffer_;
  size_t buffered_ = 0;
  size_t flush_at_ = 0;
  bool closed_ = false;
};

}  // namespace hotline::media
