// media/sample_fifo.h: a fixed-size ring of received 8 kHz samples between the network and
// the 20 ms tick (a minimal jitter buffer). When it is full the oldest samples are dropped, so
// the delay it adds stays bounded. No allocation; owned by one RtpSession on its media thread.
#pragma once

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
    for (int16_t s : samples) buffer_[write_++ & (kCapacity - 1)] = s;
    if (size() > kCapacity) read_ = write_ - kCapacity;
  }

  // Moves out.size() samples into out; false (and out untouched) if fewer are buffered.
  bool Pop(std::span<int16_t> out) {
    if (size() < out.size()) return false;
    for (int16_t& s : out) s = buffer_[read_++ & (kCapacity - 1)];
    return true;
  }

  void Clear() { read_ = write_; }

 private:
  std::array<int16_t, kCapacity> buffer_{};
  uint64_t read_ = 0;
  uint64_t write_ = 0;
};

}  // namespace hotline::media
