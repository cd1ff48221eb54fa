// common/token_buckets.cpp: see token_buckets.h.
#include "common/token_buckets.h"

#include <algorithm>
#include <chrono>

namespace hotline {

TokenBuckets::TokenBuckets(double rate_per_s, double burst, size_t max_keys)
    : rate_(rate_per_s), burst_(std::max(1.0, burst)), max_keys_(max_keys) {}

bool TokenBuckets::Allow(std::string_view key, TimePoint now) {
  if (rate_ <= 0) return true;
  Sweep(now);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) return true;
    it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
  } else {
    double elapsed_s = std::chrono::duration<double>(now - it->second.updated).count();
    it->second.tokens = std::min(burst_, it->second.tokens + std::max(0.0, elapsed_s) * rate_);
    it->second.updated = now;
  }
  if (it->second.tokens < 1.0) return false;
  it->second.tokens -= 1.0;
  return true;
}

// A bucket untouched long enough to be full again is the same as no bucket.
void TokenBuckets::Sweep(TimePoint now) {
  // Every 5 s, or every second while full (never per request: a flood of new keys must not
  // make each request walk the table).
  Duration since = now - last_sweep_;
  if (since < std::chrono::seconds(1)) return;
  if (since < std::chrono::seconds(5) && buckets_.size() < max_keys_) return;
  last_sweep_ = now;
  double refill_s = burst_ / rate_;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    double idle_s = std::chrono::duration<double>(now - it->second.updated).count();
    it = idle_s > refill_s ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace hotline
