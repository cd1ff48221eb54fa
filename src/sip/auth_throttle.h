// sip/auth_throttle.h: slows password guessing at the SIP level. Failed authentications are
// counted per source address and per user; after `failures_before_block` failures a key is
// blocked for `first_block`, doubling with each new block up to `max_block` (exponential
// back-off), and forgotten after `forget_after` without failures. A user's block does not
// apply to addresses that user authenticated from successfully (its own phones keep working
// while someone guesses its password from elsewhere). Pure: time is a parameter; owned by the
// SIP control thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/clock.h"

namespace hotline::sip {

struct AuthThrottleOptions {
  int failures_before_block = 5;
  Duration first_block = std::chrono::seconds(30);
  Duration max_block = std::chrono::minutes(30);
  Duration forget_after = std::chrono::minutes(30);
  size_t max_keys = 100000;  // memory bound; the oldest keys go first
};

class AuthThrottle {
 public:
  explicit AuthThrottle(AuthThrottleOptions options = {});

  struct Block {
    enum class Scope { kSource, kUser } scope;
    Duration remaining;
  };
  // Whether a request from source_ip for user must be refused now (user may be "").
  std::optional<Block> Blocked(std::string_view source_ip, std::string_view user,
                               TimePoint now) const;

  // What a failure did: the block that started with it, if one did (for the log line).
  std::optional<Block> RecordFailure(std::string_view source_ip, std::string_view user,
                                     TimePoint now);
  // A correct password: clears the source's failures and trusts it for user.
  void RecordSuccess(std::string_view source_ip, std::string_view user, TimePoint now);

  size_t tracked() const { return keys_.size(); }

 private:
  struct KeyState {
    int failures = 0;
    int blocks = 0;  // blocks so far (the next one lasts first_block * 2^blocks)
    TimePoint last_failure{};
    TimePoint blocked_until{};
  };
  std::optional<Duration> Remaining(const std::string& key, TimePoint now) const;
  std::optional<Duration> Fail(const std::string& key, TimePoint now);
  void Trim(TimePoint now);

  AuthThrottleOptions options_;
  std::unordered_map<std::string, KeyState> keys_;
  // user -> addresses it authenticated from, with the time (trusted for forget_after).
  std::unordered_map<std::string, std::unordered_map<std::string, TimePoint>> trusted_;
  TimePoint last_trim_{};
};

}  // namespace hotline::sip
