// tone-check: proves that a tone is present in a recording. Loads a WAV (any rate and channel
// count), takes one channel without mixing, and measures ToneRatio at FREQ over a window.
//
//   tone-check FILE.wav FREQ [--channel N] [--min-ratio R] [--skip-ms MS] [--length-ms MS]
//
// Prints "ratio=<value>"; exits 0 if ratio >= min-ratio (default 1000), 1 if not, 2 on errors.

#include <sndfile.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "media/goertzel.h"

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitError = 2;

void Usage() {
  std::fprintf(stderr,
               "usage: tone-check FILE.wav FREQ [--channel N] [--min-ratio R] [--skip-ms MS] "
               "[--length-ms MS]\n");
}

bool ParseDouble(const char* text, double& out) {
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || errno != 0 || !std::isfinite(value)) return false;
  out = value;
  return true;
}

bool ParseNonNegativeInt(const char* text, long long& out) {
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || errno != 0 || value < 0 || value > 1000000000LL) {
    return false;
  }
  out = value;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    Usage();
    return kExitError;
  }
  const std::string path = argv[1];
  double frequency = 0;
  if (!ParseDouble(argv[2], frequency) || frequency <= 0) {
    std::fprintf(stderr, "tone-check: bad frequency '%s'\n", argv[2]);
    return kExitError;
  }
  long long channel = 0;
  double min_ratio = 1000.0;
  long long skip_ms = 0;
  long long length_ms = -1;  // rest of the file
  for (int i = 3; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "tone-check: %s needs a value\n", flag.c_str());
      Usage();
      return kExitError;
    }
    const char* value = argv[++i];
    bool ok = false;
    if (flag == "--channel") {
      ok = ParseNonNegativeInt(value, channel);
    } else if (flag == "--min-ratio") {
      ok = ParseDouble(value, min_ratio);
    } else if (flag == "--skip-ms") {
      ok = ParseNonNegativeInt(value, skip_ms);
    } else if (flag == "--length-ms") {
      ok = ParseNonNegativeInt(value, length_ms) && length_ms > 0;
    } else {
      std::fprintf(stderr, "tone-check: unknown option %s\n", flag.c_str());
      Usage();
      return kExitError;
    }
    if (!ok) {
      std::fprintf(stderr, "tone-check: bad value '%s' for %s\n", value, flag.c_str());
      return kExitError;
    }
  }

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) {
    std::fprintf(stderr, "tone-check: cannot open %s: %s\n", path.c_str(), sf_strerror(nullptr));
    return kExitError;
  }
  if (info.channels <= 0 || info.samplerate <= 0) {
    sf_close(file);
    std::fprintf(stderr, "tone-check: bad audio format in %s\n", path.c_str());
    return kExitError;
  }
  if (channel >= info.channels) {
    sf_close(file);
    std::fprintf(stderr, "tone-check: %s has %d channel(s); no channel %lld\n", path.c_str(),
                 info.channels, channel);
    return kExitError;
  }

  // Read as float (normalized for every format) and keep the chosen channel only.
  const size_t channels = static_cast<size_t>(info.channels);
  std::vector<int16_t> samples;
  std::vector<float> block(4096 * channels);
  for (;;) {
    sf_count_t n = sf_readf_float(file, block.data(), 4096);
    if (n <= 0) break;
    for (sf_count_t i = 0; i < n; ++i) {
      float v = block[static_cast<size_t>(i) * channels + static_cast<size_t>(channel)];
      float scaled = std::clamp(std::round(v * 32768.0f), -32768.0f, 32767.0f);
      samples.push_back(static_cast<int16_t>(scaled));
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR) {
    std::fprintf(stderr, "tone-check: cannot read %s: %s\n", path.c_str(), sf_strerror(file));
    sf_close(file);
    return kExitError;
  }
  sf_close(file);

  const long long rate = info.samplerate;
  const size_t begin = static_cast<size_t>(
      std::min<long long>(skip_ms * rate / 1000, static_cast<long long>(samples.size())));
  size_t end = samples.size();
  if (length_ms > 0) {
    long long length = length_ms * rate / 1000;
    end = std::min(end, begin + static_cast<size_t>(length));
  }
  if (end <= begin) {
    std::fprintf(stderr, "tone-check: %s: the window (skip %lld ms) holds no samples\n",
                 path.c_str(), skip_ms);
    return kExitError;
  }
  double ratio = hotline::media::ToneRatio(
      std::span<const int16_t>(samples.data() + begin, end - begin), frequency, info.samplerate);
  std::printf("ratio=%.6g\n", ratio);
  return ratio >= min_ratio ? kExitPass : kExitFail;
}
