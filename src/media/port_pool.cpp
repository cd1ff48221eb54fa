#include "media/port_pool.h"

namespace hotline::media {

PortPool::PortPool(uint16_t low, uint16_t high) {
  uint32_t first = low + (low & 1u);
  for (uint32_t port = first; port <= high && port <= 0xFFFE; port += 2) {
    if (port == 0) continue;
    free_.push_back(static_cast<uint16_t>(port));
  }
  capacity_ = free_.size();
}

std::optional<uint16_t> PortPool::Acquire() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return std::nullopt;
  uint16_t port = free_.front();
  free_.pop_front();
  return port;
}

void PortPool::Release(uint16_t port) {
  std::lock_guard lock(mutex_);
  free_.push_back(port);
}

size_t PortPool::available() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

}  // namespace hotline::media
