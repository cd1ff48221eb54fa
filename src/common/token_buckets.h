// common/token_buckets.h: one token bucket per key (a client address): `rate` tokens a
// second, at most `burst`; each request takes one. Keys idle long enough to be full again are
// forgotten, and at most max_keys are tracked (beyond that, requests of new keys are allowed
// untracked: the limit never locks out a stranger because of others). Pure: time is a
// parameter; used by one thread (the SIP control thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace hotline {

class TokenBuckets {
 public:
  TokenBuckets(double rate_per_s, double burst, size_t max_keys = 100000);
  // True (and one token taken) if `key` may make a request now. A rate <= 0 allows all.
  bool Allow(std::string_view key, TimePoint now);
  size_t tracked() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint updated{};
  };
  void Sweep(TimePoint now);

  double rate_;
  double burst_;
  size_t max_keys_;
  std::unordered_map<std::string, Bucket> buckets_;
  TimePoint last_sweep_{};
};

}  // namespace hotline
