#include "media/recorder.h"

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>

namespace hotline::media {

namespace {
constexpr size_t kBlockFrames = 50;  // 1 s of 20 ms frames
constexpr size_t kBlockSamples = kBlockFrames * kFrameSamples;
}  // namespace

Result<std::unique_ptr<Recorder>> Recorder::Open(const std::string& path, uint64_t stagger) {
  auto writer = StereoWavWriter::Open(path);
  if (!writer.ok()) return writer.error();
  return std::unique_ptr<Recorder>(new Recorder(path, std::move(writer).value(), stagger));
}

Recorder::Recorder(std::string path, std::unique_ptr<StereoWavWriter> writer, uint64_t stagger)
    : path_(std::move(path)),
      writer_(std::move(writer)),
      left_(kBlockSamples),
      right_(kBlockSamples),
      flush_at_((1 + stagger % kBlockFrames) * kFrameSamples) {}

Recorder::~Recorder() { Close(); }

void Recorder::WriteFrame(const int16_t* left, const int16_t* right) {
  if (closed_) return;
  int16_t* l = left_.data() + buffered_;
  int16_t* r = right_.data() + buffered_;
  if (left) {
    std::copy_n(left, kFrameSamples, l);
  } else {
    std::fill_n(l, kFrameSamples, int16_t{0});
  }
  if (right) {
    std::copy_n(right, kFrameSamples, r);
  } else {
    std::fill_n(r, kFrameSamples, int16_t{0});
  }
  buffered_ += kFrameSamples;
  if (buffered_ >= flush_at_) {
    Flush();
    flush_at_ = kBlockSamples;
  }
}

void Recorder::Flush() {
  if (buffered_ == 0) return;
  writer_->Write(std::span<const int16_t>(left_.data(), buffered_),
                 std::span<const int16_t>(right_.data(), buffered_));
  buffered_ = 0;
}

int64_t Recorder::Close() {
  if (closed_) return writer_->frames();
  Flush();
  writer_->Close();
  closed_ = true;
  return writer_->frames();
}

Result<std::unique_ptr<MonoRecorder>> MonoRecorder::Open(const std::string& path,
                                                         int64_t max_samples, uint64_t stagger) {
  auto writer = MonoWavWriter::Open(path);
  if (!writer.ok()) return writer.error();
  return std::unique_ptr<MonoRecorder>(
      new MonoRecorder(path, std::move(writer).value(), max_samples, stagger));
}

MonoRecorder::MonoRecorder(std::string path, std::unique_ptr<MonoWavWriter> writer,
                           int64_t max_samples, uint64_t stagger)
    : path_(std::move(path)),
      writer_(std::move(writer)),
      max_samples_(max_samples),
      buffer_(kBlockSamples),
      flush_at_((1 + stagger % kBlockFrames) * kFrameSamples) {}

MonoRecorder::~MonoRecorder() { Close(); }

void MonoRecorder::WriteFrame(const int16_t* frame) {
  if (closed_ || full()) return;
  size_t n = kFrameSamples;
  if (max_samples_ > 0) n = static_cast<size_t>(std::min<int64_t>(n, max_samples_ - total_));
  int16_t* at = buffer_.data() + buffered_;
  if (frame) {
    std::copy_n(frame, n, at);
  } else {
    std::fill_n(at, n, int16_t{0});
  }
  buffered_ += n;
  total_ += static_cast<int64_t>(n);
  if (buffered_ >= flush_at_) {
    Flush();
    flush_at_ = kBlockSamples;
  }
}

void MonoRecorder::Flush() {
  if (buffered_ == 0) return;
  writer_->Write(std::span<const int16_t>(buffer_.data(), buffered_));
  buffered_ = 0;
}

int64_t MonoRecorder::Close() {
  if (closed_) return writer_->frames();
  Flush();
  writer_->Close();
  closed_ = true;
  return writer_->frames();
}

}  // namespace hotline::media
