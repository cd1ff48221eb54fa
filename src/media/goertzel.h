// media/goertzel.h: how strongly one frequency is present in a block of samples. Used by
// tests and tools to prove that a tone sent by one party arrived at the other.
#pragma once

#include <cstdint>
#include <span>

namespace hotline::media {

// Power of frequency_hz in samples (Goertzel algorithm).
double GoertzelPower(std::span<const int16_t> samples, double frequency_hz, int sample_rate);

// Power at frequency_hz divided by the mean power at a few off frequencies (0.7x, 1.3x,
// 1.6x, 0.5x). Millions when a clean tone is there; around or below 1 when it is not.
double ToneRatio(std::span<const int16_t> samples, double frequency_hz, int sample_rate);

}  // namespace hotline::media
