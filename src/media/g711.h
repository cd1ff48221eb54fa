// media/g711.h: G.711 µ-law and A-law, one sample or a 20 ms frame at a time.
// Thin wrappers over spandsp's table-free inline codecs; pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hotline::media {

enum class G711Law { kMuLaw, kALaw };

// Static RTP payload types (RFC 3551).
inline constexpr uint8_t kPayloadPcmu = 0;
inline constexpr uint8_t kPayloadPcma = 8;

uint8_t G711Encode(G711Law law, int16_t sample);
int16_t G711Decode(G711Law law, uint8_t code);

// REQUIRES: out.size() >= in.size().
void G711EncodeFrame(G711Law law, std::span<const int16_t> in, std::span<uint8_t> out);
void G711DecodeFrame(G711Law law, std::span<const uint8_t> in, std::span<int16_t> out);

}  // namespace hotline::media
