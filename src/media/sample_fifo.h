// media/sample_fifo.h: a fixed-size ring of received 8 kHz samples between the network and
// the 20 ms tick (a minimal jitter buffer). When it is full the oldest samples are dropped, so
// the delay it adds stays bounded. No allocation; owned by one RtpSession on its media thread.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace hotline::media {

class SampleFifo {
 public:
  static constexpr size_t kCapacity = 1024;  // 128 ms; a power of two

  size_t size() const { return write_ - read_; }

  void Push(std::span<const int16_t> samples) {
    if (samples.size() > kCapacity) samples = samples.last(kCapacity);
    size_t at = write_ & (kCapacity - 1);
    size_t first = std::min(samples.size(), kCapacity - at);
    std::copy_n(samples.data(), first, buffer_.data() + at);
    std::copy_n(samples.data() + first, samples.size() - first, buffer_.data());
    write_ += samples.size();
    if (size() > kCapacity) read_ = write_ - kCapacity;
  }

  // Moves out.size() samples into out; false (and out untouched) if fewer are buffered.
  bool Pop(std::span<int16_t> out) {
    if (size() < out.size()) return false;
    size_t at = read_ & (kCapacity - 1);
    size_t first = std::min(out.size(), kCapacity - at);
    std::copy_n(buffer_.data() + at, first, out.data());
    std::copy_n(buffer_.data(), out.size() - first, out.data() + first);
    read_ += out.size();
    return true;
  }

  void Clear() { read_ = write_; }

 private:
  std::array<int16_t, kCapacity> buffer_{};
  uint64_t read_ = 0;
  uint64_t write_ = 0;
};

}  // namespace hotline::media
