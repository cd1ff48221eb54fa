#include "api/sign_in_guard.h"

#include <algorithm>

namespace hotline::api {

namespace {

constexpr size_t kTrustedAddressesPerUser = 16;
constexpr size_t kTrustedUsers = 100000;

std::optional<std::chrono::seconds> Longest(std::optional<std::chrono::seconds> a,
                                            std::optional<std::chrono::seconds> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

SignInGuard::SignInGuard(const SignInLimits& limits)
    : limits_(limits),
      by_user_and_source_(limits.per_user_and_source, limits.window),
      by_source_(limits.per_source, limits.window),
      by_user_(limits.per_user, limits.window) {}

bool SignInGuard::Trusted(const std::string& username, const std::string& source, TimePoint now) {
  auto user = trusted_.find(username);
  if (user == trusted_.end()) return false;
  auto address = user->second.find(source);
  if (address == user->second.end()) return false;
  if (now - address->second > limits_.trusted_for) {
    user->second.erase(address);
    if (user->second.empty()) trusted_.erase(user);
    return false;
  }
  return true;
}

std::optional<std::chrono::seconds> SignInGuard::RetryAfter(const std::string& username,
                                                            const std::string& source,
                                                            TimePoint now) {
  auto wait = by_user_and_source_.RetryAfter(username + "|" + source, now);
  wait = Longest(wait, by_source_.RetryAfter(source, now));
  if (!Trusted(username, source, now)) wait = Longest(wait, by_user_.RetryAfter(username, now));
  return wait;
}

void SignInGuard::Failed(const std::string& username, const std::string& source, TimePoint now) {
  by_user_and_source_.Failed(username + "|" + source, now);
  by_source_.Failed(source, now);
  by_user_.Failed(username, now);
}

void SignInGuard::Succeeded(const std::string& username, const std::string& source, TimePoint now) {
  by_user_and_source_.Succeeded(username + "|" + source);
  if (trusted_.size() >= kTrustedUsers && !trusted_.count(username)) trusted_.clear();
  auto& addresses = trusted_[username];
  if (addresses.size() >= kTrustedAddressesPerUser && !addresses.count(source)) {
    auto oldest =
        std::min_element(addresses.begin(), addresses.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    addresses.erase(oldest);
  }
  addresses[source] = now;
}

}  // namespace hotline::api
