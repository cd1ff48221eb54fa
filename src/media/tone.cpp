#include "media/tone.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <numbers>
#include <vector>

namespace hotline::media {

namespace {

constexpr double kSingleAmplitude = 6000.0;  // about -12 dBm0
constexpr double kDualAmplitude = 4000.0;    // each of two components
constexpr int kRampMs = 5;                   // fade in/out: no clicks at the cadence edges

int MsToSamples(int ms) { return ms * kSampleRate / 1000; }

// Appends duration_ms of the sum of the given frequencies, with short fades at both ends.
void AppendTone(std::vector<int16_t>& out, std::initializer_list<double> frequencies,
                double amplitude, int duration_ms) {
  const int n = MsToSamples(duration_ms);
  const int ramp = std::min(MsToSamples(kRampMs), n / 2);
  for (int i = 0; i < n; ++i) {
    double t = static_cast<double>(i) / kSampleRate;
    double value = 0.0;
    for (double f : frequencies) value += std::sin(2.0 * std::numbers::pi * f * t);
    double gain = 1.0;
    if (i < ramp) gain = static_cast<double>(i) / ramp;
    if (n - 1 - i < ramp) gain = static_cast<double>(n - 1 - i) / ramp;
    out.push_back(static_cast<int16_t>(std::lround(amplitude * gain * value)));
  }
}

void AppendSilence(std::vector<int16_t>& out, int duration_ms) {
  out.insert(out.end(), static_cast<size_t>(MsToSamples(duration_ms)), int16_t{0});
}

}  // namespace

AudioPtr MakeTone(ToneKind kind, const std::string& region) {
  const bool us = region == "us";
  auto audio = std::make_shared<Audio>();
  std::vector<int16_t>& s = audio->samples;
  switch (kind) {
    case ToneKind::kRingback:
      if (us) {
        AppendTone(s, {440.0, 480.0}, kDualAmplitude, 2000);
        AppendSilence(s, 4000);
      } else {
        AppendTone(s, {450.0}, kSingleAmplitude, 1000);
        AppendSilence(s, 4000);
      }
      break;
    case ToneKind::kBusy:
      if (us) {
        AppendTone(s, {480.0, 620.0}, kDualAmplitude, 500);
        AppendSilence(s, 500);
      } else {
        AppendTone(s, {450.0}, kSingleAmplitude, 350);
        AppendSilence(s, 350);
      }
      break;
    case ToneKind::kBeep:
      AppendTone(s, {1000.0}, kSingleAmplitude, 250);
      AppendSilence(s, 100);
      break;
  }
  return audio;
}

AudioPtr MakeSine(double frequency_hz, int duration_ms, double amplitude) {
  auto audio = std::make_shared<Audio>();
  const int n = std::max(0, MsToSamples(duration_ms));
  audio->samples.resize(static_cast<size_t>(n));
  const double limit = 32767.0;
  for (int i = 0; i < n; ++i) {
    double v = amplitude * std::sin(2.0 * std::numbers::pi * frequency_hz * i / kSampleRate);
    audio->samples[static_cast<size_t>(i)] =
        static_cast<int16_t>(std::lround(std::clamp(v, -limit, limit)));
  }
  return audio;
}

}  // namespace hotline::media
