// sip/auth_throttle.cpp: see auth_throttle.h.
#include "sip/auth_throttle.h"

#include <algorithm>

namespace hotline::sip {

namespace {
std::string SourceKey(std::string_view ip) { return "ip:" + std::string(ip); }
std::string UserKey(std::string_view user) { return "user:" + std::string(user); }
}  // namespace

AuthThrottle::AuthThrottle(AuthThrottleOptions options) : options_(options) {}

std::optional<Duration> AuthThrottle::Remaining(const std::string& key, TimePoint now) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second.blocked_until <= now) return std::nullopt;
  return it->second.blocked_until - now;
}

std::optional<AuthThrottle::Block> AuthThrottle::Blocked(std::string_view source_ip,
                                                         std::string_view user,
                                                         TimePoint now) const {
  if (auto left = Remaining(SourceKey(source_ip), now)) return Block{Block::Scope::kSource, *left};
  if (user.empty()) return std::nullopt;
  auto left = Remaining(UserKey(user), now);
  if (!left) return std::nullopt;
  auto trusted = trusted_.find(std::string(user));
  if (trusted != trusted_.end()) {
    auto from = trusted->second.find(std::string(source_ip));
    if (from != trusted->second.end() && now - from->second < options_.forget_after) {
      return std::nullopt;
    }
  }
  return Block{Block::Scope::kUser, *left};
}

std::optional<Duration> AuthThrottle::Fail(const std::string& key, TimePoint now) {
  KeyState& state = keys_[key];
  if (state.last_failure != TimePoint{} && now - state.last_failure > options_.forget_after) {
    state = KeyState{};
  }
  state.last_failure = now;
  if (state.blocked_until > now) return std::nullopt;  // already blocked
  if (++state.failures < options_.failures_before_block) return std::nullopt;
  state.failures = 0;
  Duration block = options_.first_block;
  for (int i = 0; i < state.blocks && block < options_.max_block; ++i) block *= 2;
  block = std::min(block, options_.max_block);
  ++state.blocks;
  state.blocked_until = now + block;
  return block;
}

std::optional<AuthThrottle::Block> AuthThrottle::RecordFailure(std::string_view source_ip,
                                                               std::string_view user,
                                                               TimePoint now) {
  Trim(now);
  std::optional<Block> started;
  if (auto block = Fail(SourceKey(source_ip), now)) started = Block{Block::Scope::kSource, *block};
  if (!user.empty()) {
    if (auto block = Fail(UserKey(user), now); block && !started) {
      started = Block{Block::Scope::kUser, *block};
    }
  }
  return started;
}

void AuthThrottle::RecordSuccess(std::string_view source_ip, std::string_view user, TimePoint now) {
  auto it = keys_.find(SourceKey(source_ip));
  if (it != keys_.end() && it->second.blocked_until <= now) it->second.failures = 0;
  if (!user.empty()) {
    auto& sources = trusted_[std::string(user)];
    if (sources.size() < 64 || sources.count(std::string(source_ip)) != 0) {
      sources[std::string(source_ip)] = now;
    }
  }
}

// Forgets keys idle for forget_after (and, when over max_keys, the least recently failing).
void AuthThrottle::Trim(TimePoint now) {
  if (now - last_trim_ < std::chrono::seconds(10) && keys_.size() < options_.max_keys) return;
  last_trim_ = now;
  for (auto it = keys_.begin(); it != keys_.end();) {
    bool idle =
        now - it->second.last_failure > options_.forget_after && it->second.blocked_until <= now;
    it = idle ? keys_.erase(it) : std::next(it);
  }
  while (keys_.size() >= options_.max_keys) {
    auto oldest = std::min_element(keys_.begin(), keys_.end(), [](const auto& a, const auto& b) {
      return a.second.last_failure < b.second.last_failure;
    });
    keys_.erase(oldest);
  }
  for (auto user = trusted_.begin(); user != trusted_.end();) {
    for (auto it = user->second.begin(); it != user->second.end();) {
      it = now - it->second > options_.forget_after ? user->second.erase(it) : std::next(it);
    }
    user = user->second.empty() ? trusted_.erase(user) : std::next(user);
  }
}

}  // namespace hotline::sip
