#include "store/callback_store.h"

#include <gtest/gtest.h>

#include <string>

#include "store_test_support.h"

namespace hotline::store {
namespace {

class CallbackStoreTest : public test_support::TempDirTest {};

WaitingCallback Callback(const std::string& id, int64_t queued_ms) {
  WaitingCallback c;
  c.acd_id = id;
  c.number = "5550" + id;
  c.trunk_uri_host = "127.0.0.2:5060";
  c.language = "zh";
  c.queue = "support";
  c.original_call = "call-" + id;
  c.queued_ms = queued_ms;
  return c;
}

TEST_F(CallbackStoreTest, SavedCallbacksComeBackOldestFirstUntilDeleted) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  CallbackStore store(*db);
  ASSERT_TRUE(store.Save(Callback("b", 2000)).ok());
  ASSERT_TRUE(store.Save(Callback("a", 1000)).ok());
  WaitingCallback user = Callback("c", 3000);
  user.sip_user = "1006";
  user.trunk_uri_host.clear();
  ASSERT_TRUE(store.Save(user).ok());

  auto all = store.All();
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].acd_id, "a");
  EXPECT_EQ((*all)[1].acd_id, "b");
  EXPECT_EQ((*all)[2].sip_user, "1006");
  EXPECT_EQ((*all)[0].number, "5550a");
  EXPECT_EQ((*all)[0].trunk_uri_host, "127.0.0.2:5060");
  EXPECT_EQ((*all)[0].language, "zh");
  EXPECT_EQ((*all)[0].queue, "support");
  EXPECT_EQ((*all)[0].original_call, "call-a");
  EXPECT_EQ((*all)[0].queued_ms, 1000);

  ASSERT_TRUE(store.Delete("a").ok());
  ASSERT_TRUE(store.Delete("nobody").ok());  // nothing to delete is not an error
  all = store.All();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].acd_id, "b");
}

TEST_F(CallbackStoreTest, SavingAgainReplacesAndIncompleteCallbacksAreRefused) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  CallbackStore store(*db);
  ASSERT_TRUE(store.Save(Callback("a", 1000)).ok());
  WaitingCallback moved = Callback("a", 1000);
  moved.queue = "vip";
  ASSERT_TRUE(store.Save(moved).ok());
  auto all = store.All();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].queue, "vip");

  EXPECT_FALSE(store.Save(Callback("", 1)).ok());
  WaitingCallback no_number = Callback("x", 1);
  no_number.number.clear();
  EXPECT_FALSE(store.Save(no_number).ok());
}

}  // namespace
}  // namespace hotline::store
