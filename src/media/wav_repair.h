// media/wav_repair.h: makes a WAV file cut short by a crash readable again. A recording that
// was being written when the process died holds good audio but a header whose RIFF and data
// chunk sizes are stale (0, or the size at the last header update); players refuse it or stop
// early. RepairWavHeader sets both sizes from the file's length (whole frames only).
// Used once at start-up by crash recovery, on the main thread, before any recorder runs;
// plain file I/O, no libsndfile state.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace hotline::media {

struct WavRepair {
  int64_t frames = 0;      // audio frames in the data chunk after the repair
  int sample_rate = 0;     // from the fmt chunk
  int channels = 0;        // from the fmt chunk
  int64_t size_bytes = 0;  // the file's length after the repair
  bool rewritten = false;  // a size in the header was wrong and has been fixed
  int64_t duration_ms() const { return sample_rate > 0 ? frames * 1000 / sample_rate : 0; }
};

// Repairs the RIFF and data sizes of the PCM WAV at `path` in place (a trailing partial frame
// is cut off). Error if the file is missing or is not a RIFF/WAVE file with a fmt chunk
// followed by a data chunk; the file is then left untouched.
Result<WavRepair> RepairWavHeader(const std::string& path);

}  // namespace hotline::media
