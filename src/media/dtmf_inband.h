// media/dtmf_inband.h: in-band DTMF (audio tones) detection and generation, over spandsp's
// dtmf_rx/dtmf_tx. One detector per media session, used only on that session's media thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace hotline::media {

class InbandDtmfDetector {
 public:
  InbandDtmfDetector();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // Feed 8 kHz linear samples; returns digits completed in this block (usually none).
  std::string Feed(std::span<const int16_t> samples);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// 8 kHz samples of the given digits as DTMF tones (tone_ms each, gap_ms silence between).
std::vector<int16_t> GenerateDtmf(const std::string& digits, int tone_ms = 100, int gap_ms = 100);

}  // namespace hotline::media
