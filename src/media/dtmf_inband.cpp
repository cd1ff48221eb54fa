#include "media/dtmf_inband.h"

#include <spandsp.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "media/audio.h"

namespace hotline::media {

struct InbandDtmfDetector::State {
  dtmf_rx_state_t* rx = nullptr;
};

InbandDtmfDetector::InbandDtmfDetector() : state_(std::make_unique<State>()) {
  // No callback: digits are polled after each block with dtmf_rx_get.
  state_->rx = dtmf_rx_init(nullptr, nullptr, nullptr);
}

InbandDtmfDetector::~InbandDtmfDetector() {
  if (state_->rx) dtmf_rx_free(state_->rx);
}

std::string InbandDtmfDetector::Feed(std::span<const int16_t> samples) {
  std::string digits;  // short: stays in the small-string buffer, no allocation
  if (!state_->rx || samples.empty()) return digits;
  dtmf_rx(state_->rx, samples.data(), static_cast<int>(samples.size()));
  std::array<char, 16> buffer;
  for (;;) {
    size_t n = dtmf_rx_get(state_->rx, buffer.data(), static_cast<int>(buffer.size()));
    if (n == 0) break;
    digits.append(buffer.data(), n);
  }
  return digits;
}

std::vector<int16_t> GenerateDtmf(const std::string& digits, int tone_ms, int gap_ms) {
  std::vector<int16_t> out;
  std::string valid;
  for (char c : digits) {
    if (c >= 'a' && c <= 'd') c = static_cast<char>(c - 'a' + 'A');
    if (c != '\0' && std::strchr("0123456789*#ABCD", c)) valid.push_back(c);
  }
  if (valid.empty() || tone_ms <= 0) return out;
  gap_ms = std::max(gap_ms, 0);

  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  if (!tx) return out;
  dtmf_tx_set_timing(tx, tone_ms, gap_ms);
  const size_t per_digit = static_cast<size_t>(tone_ms + gap_ms) * kSampleRate / 1000;
  out.reserve(valid.size() * per_digit + kFrameSamples);
  std::array<int16_t, kFrameSamples> block;
  // spandsp's digit queue is small: feed it a few digits at a time.
  constexpr size_t kChunk = 32;
  for (size_t pos = 0; pos < valid.size(); pos += kChunk) {
    size_t len = std::min(kChunk, valid.size() - pos);
    dtmf_tx_put(tx, valid.data() + pos, static_cast<int>(len));
    for (;;) {
      int n = dtmf_tx(tx, block.data(), static_cast<int>(block.size()));
      if (n <= 0) break;
      out.insert(out.end(), block.begin(), block.begin() + n);
    }
  }
  dtmf_tx_free(tx);
  return out;
}

}  // namespace hotline::media
