// media/player.h: plays one Audio (prompt or tone) frame by frame, optionally looped. Owned
// by one RtpSession on its media thread; the Audio itself is shared and immutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "media/audio.h"

namespace hotline::media {

class Player {
 public:
  void Start(AudioPtr audio, bool loop, uint64_t token);
  void Stop();

  bool active() const { return audio_ != nullptr; }
  uint64_t token() const { return token_; }

  // Fills out with the next samples (silence past the end). Returns false when a non-looping
  // play has ended with this frame; the player is then inactive.
  bool Next(std::span<int16_t> out);

 private:
  AudioPtr audio_;
  size_t position_ = 0;
  bool loop_ = false;
  uint64_t token_ = 0;
};

}  // namespace hotline::media
