#include "media/wav_repair.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace hotline::media {

namespace {

uint32_t Le32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

uint16_t Le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

void PutLe32(unsigned char* p, uint32_t value) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(value >> (8 * i));
}

// Closes the descriptor on every return path.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

bool ReadAt(int fd, void* out, size_t n, off_t at) {
  return pread(fd, out, n, at) == static_cast<ssize_t>(n);
}

bool WriteSize(int fd, off_t at, uint32_t value) {
  unsigned char bytes[4];
  PutLe32(bytes, value);
  return pwrite(fd, bytes, 4, at) == 4;
}

}  // namespace

Result<WavRepair> RepairWavHeader(const std::string& path) {
  Fd file{open(path.c_str(), O_RDWR | O_CLOEXEC)};
  if (file.fd < 0) return Error{"cannot open " + path + ": " + std::strerror(errno)};
  struct stat info {};
  if (fstat(file.fd, &info) != 0) return Error{"cannot stat " + path};
  const int64_t length = info.st_size;
  unsigned char riff[12];
  if (length < 12 || !ReadAt(file.fd, riff, 12, 0) || std::memcmp(riff, "RIFF", 4) != 0 ||
      std::memcmp(riff + 8, "WAVE", 4) != 0) {
    return Error{path + " is not a RIFF/WAVE file"};
  }
  WavRepair repair;
  int block_align = 0;
  // Walk the chunks: fmt first (libsndfile writes it first), then data. A chunk's size field
  // may be stale only for data, the last chunk being written.
  int64_t at = 12;
  while (at + 8 <= length) {
    unsigned char header[8];
    if (!ReadAt(file.fd, header, 8, at)) break;
    const uint32_t size = Le32(header + 4);
    if (std::memcmp(header, "fmt ", 4) == 0) {
      unsigned char fmt[16];
      if (size < 16 || !ReadAt(file.fd, fmt, 16, at + 8)) return Error{path + ": bad fmt chunk"};
      repair.channels = Le16(fmt + 2);
      repair.sample_rate = static_cast<int>(Le32(fmt + 4));
      block_align = Le16(fmt + 12);
    } else if (std::memcmp(header, "data", 4) == 0) {
      if (block_align <= 0 || repair.channels <= 0 || repair.sample_rate <= 0) {
        return Error{path + ": data chunk before a usable fmt chunk"};
      }
      const int64_t data_start = at + 8;
      int64_t data_bytes = length - data_start;
      data_bytes -= data_bytes % block_align;  // a partial frame at the end is dropped
      if (data_bytes > 0xFFFFFFFFLL - 36) return Error{path + ": too long for a WAV header"};
      const int64_t new_length = data_start + data_bytes;
      const uint32_t riff_size = static_cast<uint32_t>(new_length - 8);
      if (size != static_cast<uint32_t>(data_bytes)) {
        if (!WriteSize(file.fd, at + 4, static_cast<uint32_t>(data_bytes))) {
          return Error{"cannot write " + path};
        }
        repair.rewritten = true;
      }
      if (Le32(riff + 4) != riff_size) {
        if (!WriteSize(file.fd, 4, riff_size)) return Error{"cannot write " + path};
        repair.rewritten = true;
      }
      if (new_length != length) {
        if (ftruncate(file.fd, new_length) != 0) return Error{"cannot truncate " + path};
        repair.rewritten = true;
      }
      repair.frames = data_bytes / block_align;
      repair.size_bytes = new_length;
      return repair;
    }
    at += 8 + static_cast<int64_t>(size) + (size & 1);  // chunks are padded to even sizes
  }
  return Error{path + ": no data chunk"};
}

}  // namespace hotline::media
