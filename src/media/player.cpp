#include "media/player.h"

#include <algorithm>
#include <utility>

namespace hotline::media {

void Player::Start(AudioPtr audio, bool loop, uint64_t token) {
  audio_ = std::move(audio);
  position_ = 0;
  loop_ = loop;
  token_ = token;
}

void Player::Stop() {
  audio_.reset();
  position_ = 0;
}

bool Player::Next(std::span<int16_t> out) {
  if (!audio_) {
    std::fill(out.begin(), out.end(), int16_t{0});
    return false;
  }
  const auto& samples = audio_->samples;
  size_t filled = 0;
  while (filled < out.size()) {
    if (position_ >= samples.size()) {
      if (!loop_ || samples.empty()) break;
      position_ = 0;
    }
    size_t n = std::min(out.size() - filled, samples.size() - position_);
    std::copy_n(samples.begin() + static_cast<std::ptrdiff_t>(position_), n,
                out.begin() + static_cast<std::ptrdiff_t>(filled));
    filled += n;
    position_ += n;
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(filled), out.end(), int16_t{0});
  if (!loop_ && position_ >= samples.size()) {
    Stop();
    return false;
  }
  if (loop_ && samples.empty()) {
    Stop();
    return false;
  }
  return true;
}

}  // namespace hotline::media
