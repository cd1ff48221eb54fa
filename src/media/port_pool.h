// media/port_pool.h: the even UDP ports handed to RTP sessions. Ports are taken by the control
// thread (MediaEngine::CreateSession) and given back by a media thread once the session's
// socket is closed, so the pool has its own small lock (never touched per packet).
//
// Quarantine: a released port goes to the back of the queue and is not handed out again until
// `quarantine` has passed since its release, so packets still on their way to an ended call
// (a phone that has not seen the BYE yet, a phone of a call from before a restart) never land
// in a new call. When every free port is still in quarantine, the one released longest ago is
// handed out anyway (a call is worth more than the quarantine) and counted in early_reuses().
// After a restart the quarantine of the previous process is unknown: the server starts the
// queue at a random place in the range (start_offset), so the first new calls do not get the
// ports the calls of the killed process had (their phones may still be streaming).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "common/clock.h"

namespace hotline::media {

class PortPool {
 public:
  // Every even port in [low, high], queued from the (start_offset % count)-th one on and
  // wrapping around; empty when there is none. None is in quarantine at first.
  PortPool(uint16_t low, uint16_t high, Duration quarantine = Duration::zero(),
           size_t start_offset = 0);

  // The free port released longest ago; nullopt when none is free.
  std::optional<uint16_t> Acquire(TimePoint now);
  // REQUIRES: port came from Acquire() and was not released since.
  void Release(uint16_t port, TimePoint now);

  size_t capacity() const { return capacity_; }
  size_t available() const;
  // Ports handed out before their quarantine was over (the pool had nothing else).
  uint64_t early_reuses() const;

 private:
  mutable std::mutex mutex_;
  std::deque<std::pair<uint16_t, TimePoint>> free_;  // (port, released at), oldest first
  size_t capacity_ = 0;
  const Duration quarantine_;
  uint64_t early_reuses_ = 0;
};

}  // namespace hotline::media
