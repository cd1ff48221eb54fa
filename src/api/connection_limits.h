// api/connection_limits.h: how many HTTP/WebSocket connections the API keeps open, so that
// clients cannot take every file descriptor of the process (SIP and RTP need them too).
// ConnectionLimiter counts open connections per source address and in total and refuses a new
// one past either cap; a ConnectionSlot is one admitted connection and gives its place back
// when destroyed (it moves from the HTTP session to the WebSocket session on an upgrade).
// AcceptBackoff paces the accept loop when accepting fails for want of descriptors (EMFILE,
// ENFILE) or kernel memory: 100 ms, doubling up to 1 s, and says when to log: once when such an
// episode starts, once when accepting works again (with the count), never per attempt.
// Pure (time passed in); not thread-safe (the API thread owns them).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"

namespace hotline::api {

class ConnectionLimiter {
 public:
  ConnectionLimiter(size_t total, size_t per_source) : total_cap_(total), source_cap_(per_source) {}
  // True (and counted) if one more connection from `source` fits.
  bool TryAdd(const std::string& source);
  void Remove(const std::string& source);
  size_t open() const { return open_; }
  size_t open_from(const std::string& source) const;
  size_t total_cap() const { return total_cap_; }
  size_t per_source_cap() const { return source_cap_; }

 private:
  size_t total_cap_;
  size_t source_cap_;
  size_t open_ = 0;
  std::map<std::string, size_t> by_source_;
};

class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(std::shared_ptr<ConnectionLimiter> limiter, std::string source)
      : limiter_(std::move(limiter)), source_(std::move(source)) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    Release();
    limiter_ = std::move(other.limiter_);
    source_ = std::move(other.source_);
    return *this;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { Release(); }

 private:
  void Release() {
    if (limiter_) limiter_->Remove(source_);
    limiter_.reset();
  }
  std::shared_ptr<ConnectionLimiter> limiter_;
  std::string source_;
};

// The total cap to use when none is configured: a quarter of the descriptor limit (the rest
// is for SIP, RTP, the database, recordings), between 16 and 4096.
size_t DefaultConnectionCap(uint64_t descriptor_limit);

class AcceptBackoff {
 public:
  enum class Failure { kOutOfResources, kOther };
  struct Step {
    Duration wait{0};  // before accepting again
    bool log = false;  // the first failure of an episode: log it
  };
  // An accept failed.
  Step Failed(Failure kind);
  // An accept worked: the number of failures of the episode that just ended (log it), if any.
  std::optional<uint64_t> Succeeded();
  bool in_episode() const { return failures_ > 0; }

 private:
  uint64_t failures_ = 0;
  Duration wait_{0};
};

}  // namespace hotline::api
