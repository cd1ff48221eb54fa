#include "common/token_buckets.h"

#include <gtest/gtest.h>

namespace hotline {
namespace {

TimePoint At(int64_t ms) { return TimePoint(Duration(ms)); }

TEST(TokenBuckets, BurstThenRate) {
  TokenBuckets buckets(10, 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(buckets.Allow("a", At(0)));
  EXPECT_FALSE(buckets.Allow("a", At(0)));
  EXPECT_TRUE(buckets.Allow("b", At(0)));  // keys are independent
  EXPECT_FALSE(buckets.Allow("a", At(50)));
  EXPECT_TRUE(buckets.Allow("a", At(100)));  // 10/s: one token every 100 ms
  EXPECT_FALSE(buckets.Allow("a", At(150)));
}

TEST(TokenBuckets, ZeroRateAllowsEverything) {
  TokenBuckets buckets(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(buckets.Allow("a", At(0)));
}

TEST(TokenBuckets, IdleKeysAreForgottenAndTheTableIsBounded) {
  TokenBuckets buckets(10, 5, 50);
  for (int i = 0; i < 200; ++i) buckets.Allow("k" + std::to_string(i), At(0));
  EXPECT_LE(buckets.tracked(), 50u);
  EXPECT_TRUE(buckets.Allow("new", At(0)));  // a stranger is never locked out by others
  buckets.Allow("x", At(60000));
  EXPECT_LE(buckets.tracked(), 1u);
}

}  // namespace
}  // namespace hotline
