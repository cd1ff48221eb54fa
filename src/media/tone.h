// media/tone.h: call-progress tones (ringback, busy) and test tones, generated as 8 kHz
// audio once at start. Cadences follow a region's plan (China: 450 Hz; North America:
// 440+480 Hz ringback, 480+620 Hz busy).
#pragma once

#include <string>

#include "media/audio.h"

namespace hotline::media {

enum class ToneKind { kRingback, kBusy, kBeep };

// One full cadence cycle (looped by the player). region: "cn" (default) or "us".
AudioPtr MakeTone(ToneKind kind, const std::string& region = "cn");

// A pure sine of the given frequency and length.
AudioPtr MakeSine(double frequency_hz, int duration_ms, double amplitude = 8000.0);

}  // namespace hotline::media
