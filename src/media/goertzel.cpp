#include "media/goertzel.h"

#include <cmath>
#include <numbers>

namespace hotline::media {

namespace {

// Goertzel over samples, each multiplied by a Hann window if windowed. Returns the mean-square
// amplitude of the component (A^2 / 2 for a sine of amplitude A filling the block).
double Goertzel(std::span<const int16_t> samples, double frequency_hz, int sample_rate,
                bool windowed) {
  const size_t n = samples.size();
  if (n == 0 || sample_rate <= 0) return 0.0;
  const double omega = 2.0 * std::numbers::pi * frequency_hz / sample_rate;
  const double coeff = 2.0 * std::cos(omega);
  const double window_step = n > 1 ? 2.0 * std::numbers::pi / static_cast<double>(n - 1) : 0.0;
  double s1 = 0.0;
  double s2 = 0.0;
  double gain = 0.0;  // sum of window weights, to undo the window's attenuation
  for (size_t i = 0; i < n; ++i) {
    double w = windowed ? 0.5 - 0.5 * std::cos(window_step * static_cast<double>(i)) : 1.0;
    gain += w;
    double s0 = w * samples[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  double magnitude2 = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  if (magnitude2 < 0) magnitude2 = 0;  // rounding
  if (gain <= 0) return 0.0;
  return 2.0 * magnitude2 / (gain * gain);
}

}  // namespace

double GoertzelPower(std::span<const int16_t> samples, double frequency_hz, int sample_rate) {
  return Goertzel(samples, frequency_hz, sample_rate, false);
}

double ToneRatio(std::span<const int16_t> samples, double frequency_hz, int sample_rate) {
  if (samples.empty() || sample_rate <= 0 || frequency_hz <= 0) return 0.0;
  // A Hann window keeps the tone's own leakage out of the off-frequency bins.
  const double target = Goertzel(samples, frequency_hz, sample_rate, true);
  const double nyquist = sample_rate / 2.0;
  double off_sum = 0.0;
  int off_count = 0;
  for (double factor : {0.7, 1.3, 1.6, 0.5}) {
    double f = frequency_hz * factor;
    if (f >= nyquist) continue;
    off_sum += Goertzel(samples, f, sample_rate, true);
    ++off_count;
  }
  if (off_count == 0) return 0.0;
  // Floor the reference at a fraction of one quantization step so digital silence off the
  // tone does not divide by zero.
  constexpr double kFloor = 1e-6;
  double off_mean = off_sum / off_count;
  return target / (off_mean > kFloor ? off_mean : kFloor);
}

}  // namespace hotline::media
