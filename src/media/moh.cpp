#include "media/moh.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <numbers>
#include <vector>

namespace hotline::media {

namespace {

constexpr double kBeatSeconds = 0.75;  // 80 beats per minute
constexpr int kBeatsPerChord = 4;
constexpr int kChords = 4;
constexpr double kLoopSeconds = kBeatSeconds * kBeatsPerChord * kChords;  // 12 s
constexpr double kPeak = 11500.0;             // about -9 dBFS: calm, well clear of clipping
constexpr double kPadCrossfadeSeconds = 0.8;  // chords melt into each other
constexpr double kPadGain = 0.22;             // per pad voice, against 1.0 for the melody
constexpr double kBassGain = 0.3;
constexpr double kNoteAttackSeconds = 0.012;
constexpr double kNoteReleaseSeconds = 0.08;
constexpr double kNoteDecaySeconds = 0.55;
constexpr double kEchoSeconds = kBeatSeconds / 2;
constexpr double kEchoGain = 0.25;

double MidiToHz(int note) { return 440.0 * std::pow(2.0, (note - 69) / 12.0); }

double Sine(double hz, double t) { return std::sin(2.0 * std::numbers::pi * hz * t); }

// 0 -> 1 along a quarter sine period as x goes 0 -> 1 (clamped). Its square and the square of
// its mirror sum to 1, so two crossfading pads keep a constant level.
double RiseShape(double x) { return std::sin(0.5 * std::numbers::pi * std::clamp(x, 0.0, 1.0)); }

struct Chord {
  int bass;                // MIDI note, an octave or two under the pad
  std::array<int, 3> pad;  // MIDI notes around middle C
};

// I - vi - IV - V in C major, voiced to move as little as possible.
constexpr std::array<Chord, kChords> kProgression = {{
    {48, {60, 64, 67}},  // C
    {45, {60, 64, 69}},  // Am
    {41, {60, 65, 69}},  // F
    {43, {62, 67, 71}},  // G
}};

struct Note {
  double beat;
  int midi;
  double beats;
};

// A C major pentatonic melody (C D E G A), one phrase per chord, ending on the loop's last beat.
constexpr std::array<Note, 19> kMelody = {{
    {0.5, 76, 0.5},  {1.0, 79, 1.0},  {2.0, 81, 0.5},  {2.5, 79, 0.5},  {3.0, 76, 1.0},
    {4.0, 81, 1.5},  {5.5, 79, 0.5},  {6.0, 76, 1.0},  {7.0, 74, 1.0},  {8.0, 81, 1.0},
    {9.0, 84, 1.0},  {10.0, 81, 0.5}, {10.5, 79, 0.5}, {11.0, 76, 1.0}, {12.0, 74, 1.0},
    {13.0, 79, 1.0}, {14.0, 74, 0.5}, {14.5, 76, 1.0}, {15.5, 72, 0.5},
}};

// A warm pad voice: two slightly detuned sines (slow beating) and a soft octave.
double PadVoice(double hz, double t) {
  return 0.5 * (Sine(hz, t) + Sine(hz * 1.003, t)) + 0.15 * Sine(2.0 * hz, t);
}

// The pad's level for chord index at time t: full inside its slot, crossfading with the
// neighbours at inner boundaries, fading from and to silence at the loop's ends.
double PadEnvelope(int index, double t) {
  const double slot = kBeatSeconds * kBeatsPerChord;
  const double start = index * slot;
  const double end = start + slot;
  const double half = kPadCrossfadeSeconds / 2;
  double rise = index == 0 ? RiseShape(t / kPadCrossfadeSeconds)
                           : RiseShape((t - (start - half)) / kPadCrossfadeSeconds);
  double fall = index == kChords - 1 ? RiseShape((kLoopSeconds - t) / kPadCrossfadeSeconds)
                                     : RiseShape(((end + half) - t) / kPadCrossfadeSeconds);
  return rise * fall;
}

void AddPad(std::vector<double>& out) {
  for (size_t i = 0; i < out.size(); ++i) {
    const double t = static_cast<double>(i) / kSampleRate;
    double value = 0.0;
    for (int c = 0; c < kChords; ++c) {
      double envelope = PadEnvelope(c, t);
      if (envelope <= 0.0) continue;
      const Chord& chord = kProgression[static_cast<size_t>(c)];
      double voices = 0.0;
      for (int note : chord.pad) voices += kPadGain * PadVoice(MidiToHz(note), t);
      // The bass fundamental is below what a phone reproduces; its harmonics carry it.
      double bass_hz = MidiToHz(chord.bass);
      voices += kBassGain *
                (0.4 * Sine(bass_hz, t) + 0.35 * Sine(2 * bass_hz, t) + 0.2 * Sine(3 * bass_hz, t));
      // Squared: the two shapes of a crossfade then sum to exactly 1.
      value += envelope * envelope * voices;
    }
    out[i] += value;
  }
}

// A plucked note (soft electric piano): quick attack, exponential decay, brighter at the
// start, and a short release that brings it to exactly zero at its end.
void AddNote(std::vector<double>& out, const Note& note, double gain) {
  const double hz = MidiToHz(note.midi);
  const auto first = static_cast<size_t>(std::lround(note.beat * kBeatSeconds * kSampleRate));
  const auto length = static_cast<size_t>(std::lround(note.beats * kBeatSeconds * kSampleRate));
  for (size_t k = 0; k < length && first + k < out.size(); ++k) {
    const double t = static_cast<double>(k) / kSampleRate;
    const double left = static_cast<double>(length - k) / kSampleRate;
    double envelope = RiseShape(t / kNoteAttackSeconds) * RiseShape(left / kNoteReleaseSeconds) *
                      std::exp(-t / kNoteDecaySeconds);
    double value = Sine(hz, t) + 0.25 * std::exp(-t / 0.15) * Sine(2 * hz, t) +
                   0.1 * std::exp(-t / 0.08) * Sine(3 * hz, t);
    out[first + k] += gain * envelope * value;
  }
}

void AddMelody(std::vector<double>& out) {
  std::vector<double> melody(out.size(), 0.0);
  for (const Note& note : kMelody) AddNote(melody, note, 1.0);
  const auto echo_delay = static_cast<size_t>(std::lround(kEchoSeconds * kSampleRate));
  // The echo of the last notes would be cut off by the loop: it fades out with the pad.
  const auto fade = static_cast<size_t>(kPadCrossfadeSeconds * kSampleRate);
  for (size_t i = 0; i < out.size(); ++i) {
    double echo = i >= echo_delay ? kEchoGain * melody[i - echo_delay] : 0.0;
    size_t to_end = out.size() - 1 - i;
    if (to_end < fade) echo *= RiseShape(static_cast<double>(to_end) / static_cast<double>(fade));
    out[i] += melody[i] + echo;
  }
}

}  // namespace

AudioPtr MakeMusicOnHold() {
  const auto n = static_cast<size_t>(std::lround(kLoopSeconds * kSampleRate));
  std::vector<double> mix(n, 0.0);
  AddPad(mix);
  AddMelody(mix);
  double peak = 0.0;
  for (double v : mix) peak = std::max(peak, std::abs(v));
  const double scale = peak > 0.0 ? kPeak / peak : 0.0;
  auto audio = std::make_shared<Audio>();
  audio->samples.resize(n);
  for (size_t i = 0; i < n; ++i) {
    audio->samples[i] = static_cast<int16_t>(std::lround(mix[i] * scale));
  }
  return audio;
}

}  // namespace hotline::media
