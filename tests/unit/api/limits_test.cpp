// Rate limiter and sign-in throttle with a fake clock; session token generation and hashing.
#include <gtest/gtest.h>

#include <set>

#include "api/rate_limiter.h"
#include "api/token.h"

namespace hotline::api {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RateLimiterTest, BurstThenRefillAtRate) {
  RateLimiter limiter(50, 100);
  TimePoint t{};
  int allowed = 0;
  for (int i = 0; i < 150; ++i) allowed += limiter.Allow("10.0.0.1", t) ? 1 : 0;
  EXPECT_EQ(allowed, 100);
  EXPECT_TRUE(limiter.Allow("10.0.0.2", t)) << "buckets are per key";
  t += milliseconds(100);  // 5 tokens
  allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter.Allow("10.0.0.1", t) ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  t += seconds(60);
  allowed = 0;
  for (int i = 0; i < 150; ++i) allowed += limiter.Allow("10.0.0.1", t) ? 1 : 0;
  EXPECT_EQ(allowed, 100) << "never more than the burst";
}

TEST(RateLimiterTest, IdleKeysAreForgotten) {
  RateLimiter limiter(50, 100);
  TimePoint t{};
  for (int i = 0; i < 100; ++i) limiter.Allow("ip" + std::to_string(i), t);
  EXPECT_EQ(limiter.tracked(), 100u);
  limiter.Allow("late", t + seconds(30));
  EXPECT_EQ(limiter.tracked(), 1u);
}

TEST(LoginThrottleTest, FiveFailuresInFiveMinutesBlockUntilTheOldestExpires) {
  LoginThrottle throttle(5, std::chrono::minutes(5));
  TimePoint t{};
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(throttle.RetryAfter("1001|ip", t).has_value());
    throttle.Failed("1001|ip", t + seconds(i));
  }
  EXPECT_FALSE(throttle.RetryAfter("1001|ip", t + seconds(10)).has_value());
  throttle.Failed("1001|ip", t + seconds(10));
  auto wait = throttle.RetryAfter("1001|ip", t + seconds(10));
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(wait->count(), 290);
  EXPECT_FALSE(throttle.RetryAfter("1001|other-ip", t + seconds(10)).has_value());
  EXPECT_FALSE(throttle.RetryAfter("1001|ip", t + seconds(301)).has_value());
}

TEST(LoginThrottleTest, SuccessClears) {
  LoginThrottle throttle(2, std::chrono::minutes(5));
  TimePoint t{};
  throttle.Failed("k", t);
  throttle.Succeeded("k");
  throttle.Failed("k", t);
  EXPECT_FALSE(throttle.RetryAfter("k", t).has_value());
}

TEST(TokenTest, RandomHexAndStableHash) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string token = NewToken();
    EXPECT_EQ(token.size(), 64u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashToken("abc"), HashToken("abd"));
}

}  // namespace
}  // namespace hotline::api
