#include "api/rate_limiter.h"

#include <algorithm>

namespace hotline::api {

bool RateLimiter::Allow(const std::string& key, TimePoint now) {
  Forget(now);
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = burst_;
  } else {
    double elapsed_s = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed_s) * rate_);
  }
  bucket.updated = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

// A bucket untouched long enough to be full again is the same as no bucket.
void RateLimiter::Forget(TimePoint now) {
  if (now - last_sweep_ < std::chrono::seconds(10)) return;
  last_sweep_ = now;
  double refill_s = rate_ > 0 ? burst_ / rate_ : 3600.0;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    double idle_s = std::chrono::duration<double>(now - it->second.updated).count();
    it = idle_s > refill_s ? buckets_.erase(it) : std::next(it);
  }
}

void LoginThrottle::Trim(std::deque<TimePoint>& times, TimePoint now) const {
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
}

std::optional<std::chrono::seconds> LoginThrottle::RetryAfter(const std::string& key,
                                                              TimePoint now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return std::nullopt;
  Trim(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return std::nullopt;
  }
  if (static_cast<int>(it->second.size()) < max_failures_) return std::nullopt;
  Duration left = it->second.front() + window_ - now;
  auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
  return std::max(seconds, std::chrono::seconds(1));
}

void LoginThrottle::Failed(const std::string& key, TimePoint now) {
  auto& times = failures_[key];
  Trim(times, now);
  times.push_back(now);
  while (static_cast<int>(times.size()) > max_failures_) times.pop_front();
  // Bound memory: drop keys whose failures have all expired.
  if (failures_.size() > 10000) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      Trim(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
}

}  // namespace hotline::api
