// api/sign_in_guard.h: which sign-in attempts are refused before any password is checked.
// Failed sign-ins are counted three ways within a sliding window:
//   - per username and source address (a guesser at one account from one address),
//   - per source address, whatever the username (one address trying many accounts),
//   - per username, whatever the address (many addresses trying one account).
// Past a limit, attempts of that kind get "retry after N s" (429). The per-username limit
// does not apply to an address that signed in as that user successfully before (remembered
// for `trusted_for`): a distributed guesser cannot lock the real user out of their usual
// desk. A success clears that username+address's failures only, so a guesser cannot wash its
// address's record with one good account. Memory stays bounded (idle keys are forgotten).
// Pure (time passed in); not thread-safe (the API thread owns it).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "api/rate_limiter.h"
#include "common/clock.h"

namespace hotline::api {

struct SignInLimits {
  int per_user_and_source = 5;
  int per_source = 30;
  int per_user = 50;
  Duration window = std::chrono::minutes(5);
  Duration trusted_for = std::chrono::hours(24 * 30);
};

class SignInGuard {
 public:
  explicit SignInGuard(const SignInLimits& limits);

  // nullopt if `username` may try from `source` now; else how long until it may (>= 1 s).
  std::optional<std::chrono::seconds> RetryAfter(const std::string& username,
                                                 const std::string& source, TimePoint now);
  void Failed(const std::string& username, const std::string& source, TimePoint now);
  void Succeeded(const std::string& username, const std::string& source, TimePoint now);

 private:
  bool Trusted(const std::string& username, const std::string& source, TimePoint now);

  SignInLimits limits_;
  LoginThrottle by_user_and_source_;
  LoginThrottle by_source_;
  LoginThrottle by_user_;
  // username -> (address -> last successful sign-in)
  std::map<std::string, std::map<std::string, TimePoint>> trusted_;
};

}  // namespace hotline::api
