#include "sip/auth_throttle.h"

#include <gtest/gtest.h>

namespace hotline::sip {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
TimePoint At(int64_t s) { return TimePoint(seconds(s)); }

AuthThrottleOptions Options() {
  AuthThrottleOptions o;
  o.failures_before_block = 3;
  o.first_block = seconds(10);
  o.max_block = seconds(60);
  o.forget_after = minutes(10);
  return o;
}

TEST(AuthThrottle, BlocksASourceAfterRepeatedFailures) {
  AuthThrottle t(Options());
  EXPECT_FALSE(t.RecordFailure("10.0.0.9", "1001", At(0)));
  EXPECT_FALSE(t.RecordFailure("10.0.0.9", "1002", At(1)));
  auto started = t.RecordFailure("10.0.0.9", "1003", At(2));
  ASSERT_TRUE(started);
  EXPECT_EQ(started->scope, AuthThrottle::Block::Scope::kSource);
  auto blocked = t.Blocked("10.0.0.9", "", At(3));
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->remaining, seconds(9));
  EXPECT_FALSE(t.Blocked("10.0.0.9", "", At(12)));
  EXPECT_FALSE(t.Blocked("10.0.0.8", "", At(3)));
}

TEST(AuthThrottle, BlocksDoubleUpToTheMaximum) {
  AuthThrottle t(Options());
  int64_t now = 0;
  std::vector<int64_t> lengths;
  for (int block = 0; block < 5; ++block) {
    std::optional<AuthThrottle::Block> started;
    for (int i = 0; i < 3; ++i) started = t.RecordFailure("10.0.0.9", "", At(now));
    ASSERT_TRUE(started);
    int64_t length = std::chrono::duration_cast<seconds>(started->remaining).count();
    lengths.push_back(length);
    now += length;  // wait the block out, then guess again
  }
  EXPECT_EQ(lengths, (std::vector<int64_t>{10, 20, 40, 60, 60}));
}

TEST(AuthThrottle, OneUserFromManyAddressesIsBlockedButItsOwnPhoneIsNot) {
  AuthThrottle t(Options());
  t.RecordSuccess("192.168.1.20", "1001", At(0));  // the agent's phone
  for (int i = 0; i < 3; ++i) t.RecordFailure("10.0.0." + std::to_string(i), "1001", At(1));
  auto blocked = t.Blocked("10.0.0.77", "1001", At(2));
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->scope, AuthThrottle::Block::Scope::kUser);
  EXPECT_FALSE(t.Blocked("192.168.1.20", "1001", At(2)));
  EXPECT_FALSE(t.Blocked("10.0.0.77", "1002", At(2)));
}

TEST(AuthThrottle, FailuresAreForgottenAfterQuietTime) {
  AuthThrottle t(Options());
  t.RecordFailure("10.0.0.9", "", At(0));
  t.RecordFailure("10.0.0.9", "", At(1));
  EXPECT_FALSE(t.RecordFailure("10.0.0.9", "", At(1000)));  // the count started again
  EXPECT_FALSE(t.Blocked("10.0.0.9", "", At(1000)));
}

TEST(AuthThrottle, SuccessClearsTheSourcesFailures) {
  AuthThrottle t(Options());
  t.RecordFailure("10.0.0.9", "1001", At(0));
  t.RecordFailure("10.0.0.9", "1001", At(0));
  t.RecordSuccess("10.0.0.9", "1001", At(1));
  // The source starts counting again; the user's count does not (a phone re-registering must
  // not give a guesser elsewhere a fresh allowance), but the phone's address stays trusted.
  auto started = t.RecordFailure("10.0.0.9", "1001", At(2));
  ASSERT_TRUE(started);
  EXPECT_EQ(started->scope, AuthThrottle::Block::Scope::kUser);
  EXPECT_FALSE(t.Blocked("10.0.0.9", "", At(2)));
  EXPECT_FALSE(t.Blocked("10.0.0.9", "1001", At(2)));
  EXPECT_TRUE(t.Blocked("10.0.0.10", "1001", At(2)));
}

TEST(AuthThrottle, MemoryIsBounded) {
  AuthThrottleOptions o = Options();
  o.max_keys = 100;
  AuthThrottle t(o);
  for (int i = 0; i < 1000; ++i) t.RecordFailure("ip" + std::to_string(i), "", At(i));
  EXPECT_LE(t.tracked(), 100u);
}

}  // namespace
}  // namespace hotline::sip
