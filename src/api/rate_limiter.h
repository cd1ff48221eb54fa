// api/rate_limiter.h: abuse limits of the HTTP API, with time passed in (tests drive a fake
// clock). RateLimiter: one token bucket per key (client IP): `rate` tokens a second, at most
// `burst`; a request takes one. LoginThrottle: failed sign-ins per key (username + IP); once
// `max_failures` fall within `window`, further attempts are refused until the oldest of
// them leaves the window. Both forget idle keys so memory stays bounded. Pure.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "common/clock.h"

namespace hotline::api {

class RateLimiter {
 public:
  RateLimiter(double rate_per_s, double burst) : rate_(rate_per_s), burst_(burst) {}
  // True (and one token taken) if `key` may make a request now.
  bool Allow(const std::string& key, TimePoint now);
  size_t tracked() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint updated{};
  };
  void Forget(TimePoint now);

  double rate_;
  double burst_;
  std::map<std::string, Bucket> buckets_;
  TimePoint last_sweep_{};
};

class LoginThrottle {
 public:
  LoginThrottle(int max_failures, Duration window) : max_failures_(max_failures), window_(window) {}
  // nullopt if `key` may try now; otherwise how long until it may (rounded up to seconds).
  std::optional<std::chrono::seconds> RetryAfter(const std::string& key, TimePoint now);
  void Failed(const std::string& key, TimePoint now);
  void Succeeded(const std::string& key) { failures_.erase(key); }

 private:
  void Trim(std::deque<TimePoint>& times, TimePoint now) const;

  int max_failures_;
  Duration window_;
  std::map<std::string, std::deque<TimePoint>> failures_;
};

}  // namespace hotline::api
