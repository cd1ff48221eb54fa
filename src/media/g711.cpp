#include "media/g711.h"

#include <spandsp.h>

#include <cassert>

namespace hotline::media {

uint8_t G711Encode(G711Law law, int16_t sample) {
  return law == G711Law::kALaw ? linear_to_alaw(sample) : linear_to_ulaw(sample);
}

int16_t G711Decode(G711Law law, uint8_t code) {
  return law == G711Law::kALaw ? alaw_to_linear(code) : ulaw_to_linear(code);
}

void G711EncodeFrame(G711Law law, std::span<const int16_t> in, std::span<uint8_t> out) {
  assert(out.size() >= in.size());
  if (law == G711Law::kALaw) {
    for (size_t i = 0; i < in.size(); ++i) out[i] = linear_to_alaw(in[i]);
  } else {
    for (size_t i = 0; i < in.size(); ++i) out[i] = linear_to_ulaw(in[i]);
  }
}

void G711DecodeFrame(G711Law law, std::span<const uint8_t> in, std::span<int16_t> out) {
  assert(out.size() >= in.size());
  if (law == G711Law::kALaw) {
    for (size_t i = 0; i < in.size(); ++i) out[i] = alaw_to_linear(in[i]);
  } else {
    for (size_t i = 0; i < in.size(); ++i) out[i] = ulaw_to_linear(in[i]);
  }
}

}  // namespace hotline::media
