// media/audio.h: the audio a media session plays: 8 kHz mono 16-bit samples, immutable once
// made, shared by every session that plays it (shared_ptr<const Audio> is safe across threads).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace hotline::media {

inline constexpr int kSampleRate = 8000;
inline constexpr int kFrameSamples = 160;  // 20 ms at 8 kHz

struct Audio {
  std::vector<int16_t> samples;  // 8 kHz mono
};
using AudioPtr = std::shared_ptr<const Audio>;

}  // namespace hotline::media
