#include "media/port_pool.h"

#include <gtest/gtest.h>

#include <set>

namespace hotline::media {
namespace {

TEST(PortPoolTest, HandsOutEvenPortsInRange) {
  PortPool pool(41001, 41010);  // odd bounds: 41002..41010 even
  EXPECT_EQ(pool.capacity(), 5u);
  std::set<uint16_t> seen;
  while (auto port = pool.Acquire()) {
    EXPECT_EQ(*port % 2, 0);
    EXPECT_GE(*port, 41001);
    EXPECT_LE(*port, 41010);
    seen.insert(*port);
  }
  EXPECT_EQ(seen, (std::set<uint16_t>{41002, 41004, 41006, 41008, 41010}));
}

TEST(PortPoolTest, ExhaustionFailsAndReleaseMakesAPortAvailableAgain) {
  PortPool pool(41020, 41023);
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(pool.Acquire().has_value());
  EXPECT_EQ(pool.available(), 0u);
  pool.Release(*b);
  EXPECT_EQ(pool.Acquire(), b);
  EXPECT_FALSE(pool.Acquire().has_value());
}

TEST(PortPoolTest, ReleasedPortIsReusedLast) {
  PortPool pool(41030, 41035);  // 41030, 41032, 41034
  auto first = pool.Acquire();
  pool.Release(*first);
  EXPECT_EQ(pool.Acquire(), 41032);
  EXPECT_EQ(pool.Acquire(), 41034);
  EXPECT_EQ(pool.Acquire(), first);
}

TEST(PortPoolTest, EmptyRange) {
  PortPool pool(41041, 41041);
  EXPECT_EQ(pool.capacity(), 0u);
  EXPECT_FALSE(pool.Acquire().has_value());
}

}  // namespace
}  // namespace hotline::media
