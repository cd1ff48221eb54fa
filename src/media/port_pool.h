// media/port_pool.h: the even UDP ports handed to RTP sessions. Ports are taken by the control
// thread (MediaEngine::CreateSession) and given back by a media thread once the session's
// socket is closed, so the pool has its own small lock (never touched per packet). Released
// ports go to the back of the queue, so a port is reused as late as possible (stale packets
// of an old call do not land in a new one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace hotline::media {

class PortPool {
 public:
  // Every even port in [low, high]; empty when there is none.
  PortPool(uint16_t low, uint16_t high);

  // nullopt when exhausted.
  std::optional<uint16_t> Acquire();
  // REQUIRES: port came from Acquire() and was not released since.
  void Release(uint16_t port);

  size_t capacity() const { return capacity_; }
  size_t available() const;

 private:
  mutable std::mutex mutex_;
  std::deque<uint16_t> free_;
  size_t capacity_ = 0;
};

}  // namespace hotline::media
