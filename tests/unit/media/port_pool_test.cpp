#include "media/port_pool.h"

#include <gtest/gtest.h>

#include <set>

namespace hotline::media {
namespace {

constexpr TimePoint kNow{std::chrono::hours(1)};

TEST(PortPoolTest, HandsOutEvenPortsInRange) {
  PortPool pool(41001, 41010);  // odd bounds: 41002..41010 even
  EXPECT_EQ(pool.capacity(), 5u);
  std::set<uint16_t> seen;
  while (auto port = pool.Acquire(kNow)) {
    EXPECT_EQ(*port % 2, 0);
    EXPECT_GE(*port, 41001);
    EXPECT_LE(*port, 41010);
    seen.insert(*port);
  }
  EXPECT_EQ(seen, (std::set<uint16_t>{41002, 41004, 41006, 41008, 41010}));
}

TEST(PortPoolTest, ExhaustionFailsAndReleaseMakesAPortAvailableAgain) {
  PortPool pool(41020, 41023);
  auto a = pool.Acquire(kNow);
  auto b = pool.Acquire(kNow);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(pool.Acquire(kNow).has_value());
  EXPECT_EQ(pool.available(), 0u);
  pool.Release(*b, kNow);
  EXPECT_EQ(pool.Acquire(kNow), b);
  EXPECT_FALSE(pool.Acquire(kNow).has_value());
}

TEST(PortPoolTest, ReleasedPortIsReusedLast) {
  PortPool pool(41030, 41035);  // 41030, 41032, 41034
  auto first = pool.Acquire(kNow);
  pool.Release(*first, kNow);
  EXPECT_EQ(pool.Acquire(kNow), 41032);
  EXPECT_EQ(pool.Acquire(kNow), 41034);
  EXPECT_EQ(pool.Acquire(kNow), first);
}

TEST(PortPoolTest, AReleasedPortWaitsOutItsQuarantineUnlessNothingElseIsFree) {
  PortPool pool(41050, 41055, std::chrono::seconds(10));  // 41050, 41052, 41054
  auto a = pool.Acquire(kNow);
  auto b = pool.Acquire(kNow);
  ASSERT_TRUE(a && b);
  pool.Release(*a, kNow);
  // 41054 was never used: it goes first, the released port waits.
  EXPECT_EQ(pool.Acquire(kNow + std::chrono::seconds(1)), 41054);
  EXPECT_EQ(pool.early_reuses(), 0u);
  // Nothing else is free: the quarantined port is handed out anyway, and counted.
  EXPECT_EQ(pool.Acquire(kNow + std::chrono::seconds(2)), a);
  EXPECT_EQ(pool.early_reuses(), 1u);
  // Once the quarantine is over, reuse is not early.
  pool.Release(*b, kNow + std::chrono::seconds(3));
  EXPECT_EQ(pool.Acquire(kNow + std::chrono::seconds(13)), b);
  EXPECT_EQ(pool.early_reuses(), 1u);
}

TEST(PortPoolTest, StartOffsetRotatesTheFirstPorts) {
  PortPool pool(41060, 41067, Duration::zero(), 6);  // 4 ports, offset 6 % 4 = 2
  EXPECT_EQ(pool.Acquire(kNow), 41064);
  EXPECT_EQ(pool.Acquire(kNow), 41066);
  EXPECT_EQ(pool.Acquire(kNow), 41060);
  EXPECT_EQ(pool.Acquire(kNow), 41062);
  EXPECT_FALSE(pool.Acquire(kNow).has_value());
}

TEST(PortPoolTest, EmptyRange) {
  PortPool pool(41041, 41041);
  EXPECT_EQ(pool.capacity(), 0u);
  EXPECT_FALSE(pool.Acquire(kNow).has_value());
}

}  // namespace
}  // namespace hotline::media
