#include "api/connection_limits.h"

#include <algorithm>

namespace hotline::api {

namespace {

constexpr Duration kFirstWait = std::chrono::milliseconds(100);
constexpr Duration kLongestWait = std::chrono::seconds(1);
// Another accept error (a connection reset before it was accepted...): retry soon, but never
// spin.
constexpr Duration kOtherWait = std::chrono::milliseconds(10);

}  // namespace

bool ConnectionLimiter::TryAdd(const std::string& source) {
  if (open_ >= total_cap_) return false;
  size_t& from = by_source_[source];
  if (from >= source_cap_) {
    if (from == 0) by_source_.erase(source);
    return false;
  }
  ++from;
  ++open_;
  return true;
}

void ConnectionLimiter::Remove(const std::string& source) {
  auto it = by_source_.find(source);
  if (it == by_source_.end()) return;
  if (--it->second == 0) by_source_.erase(it);
  if (open_ > 0) --open_;
}

size_t ConnectionLimiter::open_from(const std::string& source) const {
  auto it = by_source_.find(source);
  return it == by_source_.end() ? 0 : it->second;
}

size_t DefaultConnectionCap(uint64_t descriptor_limit) {
  return static_cast<size_t>(std::clamp<uint64_t>(descriptor_limit / 4, 16, 4096));
}

AcceptBackoff::Step AcceptBackoff::Failed(Failure kind) {
  Step step;
  step.log = failures_ == 0;
  ++failures_;
  if (kind == Failure::kOther) {
    step.wait = kOtherWait;
    return step;
  }
  wait_ = wait_ == Duration{0} ? kFirstWait : std::min(kLongestWait, wait_ * 2);
  step.wait = wait_;
  return step;
}

std::optional<uint64_t> AcceptBackoff::Succeeded() {
  if (failures_ == 0) return std::nullopt;
  uint64_t failures = failures_;
  failures_ = 0;
  wait_ = Duration{0};
  return failures;
}

}  // namespace hotline::api
