// media/moh.h: built-in music on hold, synthesized at start (no file to license or ship).
// A 12 s loop for the player (Play(id, MakeMusicOnHold(), /*loop=*/true)): a soft pad through
// C - Am - F - G with a plucked pentatonic melody above it, voiced between about 260 Hz and
// 1.1 kHz so the telephone band (and G.711) carries it. The loop starts and ends in silence
// and every note fades in and out, so it repeats without a click.
#pragma once

#include "media/audio.h"

namespace hotline::media {

// The music-on-hold loop: 8 kHz mono, 12 s, a whole number of 20 ms frames, peak about
// -9 dBFS. Deterministic (same samples every call); callers make it once and share it.
AudioPtr MakeMusicOnHold();

}  // namespace hotline::media
