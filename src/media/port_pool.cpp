#include "media/port_pool.h"

#include <algorithm>

namespace hotline::media {

PortPool::PortPool(uint16_t low, uint16_t high, Duration quarantine, size_t start_offset)
    : quarantine_(quarantine) {
  uint32_t first = low + (low & 1u);
  for (uint32_t port = first; port <= high && port <= 0xFFFE; port += 2) {
    if (port == 0) continue;
    free_.emplace_back(static_cast<uint16_t>(port), TimePoint::min());
  }
  capacity_ = free_.size();
  if (capacity_ > 0) {
    std::rotate(free_.begin(),
                free_.begin() + static_cast<std::ptrdiff_t>(start_offset % capacity_), free_.end());
  }
}

std::optional<uint16_t> PortPool::Acquire(TimePoint now) {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return std::nullopt;
  // Releases are queued in time order: if the oldest is still in quarantine, all are.
  auto [port, released_at] = free_.front();
  free_.pop_front();
  if (released_at != TimePoint::min() && now - released_at < quarantine_) ++early_reuses_;
  return port;
}

void PortPool::Release(uint16_t port, TimePoint now) {
  std::lock_guard lock(mutex_);
  free_.emplace_back(port, now);
}

size_t PortPool::available() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

uint64_t PortPool::early_reuses() const {
  std::lock_guard lock(mutex_);
  return early_reuses_;
}

}  // namespace hotline::media
