#include "store/flow_store.h"

#include <gtest/gtest.h>

#include <string>

#include "store/cdr_store.h"  // EpochMs
#include "store_test_support.h"

namespace hotline::store {
namespace {

using test_support::At;

class FlowStoreTest : public test_support::TempDirTest {};

const char kMainV1[] = "name: main\nstart: welcome\nnodes:\n  welcome: {type: play}\n";
const char kMainV2[] = "name: main\nstart: menu\nnodes:\n  menu: {type: menu}\n";

TEST_F(FlowStoreTest, VersionsCountUpPerFlow) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  FlowStore store(*db);
  auto v1 = store.SaveVersion("main", kMainV1, "alice", At(0));
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  EXPECT_EQ(*v1, 1);
  auto other = store.SaveVersion("after-hours", "name: after-hours\n", "bob", At(500));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, 1);
  auto v2 = store.SaveVersion("main", kMainV2, "李娜", At(1000));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*v2, 2);

  auto latest = store.Latest("main");
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->version, 2);
  EXPECT_EQ((*latest)->yaml, kMainV2);
  EXPECT_EQ((*latest)->author, "李娜");
  EXPECT_EQ((*latest)->saved_time, "2024-05-01T08:00:01.000Z");
  EXPECT_EQ((*latest)->saved_ms, EpochMs(At(1000)));

  auto old = store.Get("main", 1);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->yaml, kMainV1);
  EXPECT_FALSE(store.Get("main", 3)->has_value());
  EXPECT_FALSE(store.Latest("missing")->has_value());

  auto list = store.List();
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "after-hours");
  EXPECT_EQ((*list)[0].latest_version, 1);
  EXPECT_EQ((*list)[1].name, "main");
  EXPECT_EQ((*list)[1].latest_version, 2);
  EXPECT_EQ((*list)[1].author, "李娜");
}

TEST_F(FlowStoreTest, RestoringAnOldVersionSavesANewOne) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  FlowStore store(*db);
  ASSERT_TRUE(store.SaveVersion("main", kMainV1, "a", At(0)).ok());
  ASSERT_TRUE(store.SaveVersion("main", kMainV2, "a", At(1)).ok());
  auto old = store.Get("main", 1);
  ASSERT_TRUE(old.ok() && old->has_value());
  auto restored = store.SaveVersion("main", (*old)->yaml, "b", At(2));
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(*restored, 3);
  EXPECT_EQ((*store.Latest("main"))->yaml, kMainV1);
}

TEST_F(FlowStoreTest, TextIsStoredVerbatimAndEmptyIsRefused) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  FlowStore store(*db);
  EXPECT_FALSE(store.SaveVersion("", kMainV1, "a", At(0)).ok());
  EXPECT_FALSE(store.SaveVersion("main", "", "a", At(0)).ok());
  // Not YAML at all: the store does not parse, it keeps what it was given.
  std::string odd = "'; DROP TABLE flow_versions; --\n\t中文 🎧 {{{";
  odd += std::string(100 * 1024, 'y');
  auto saved = store.SaveVersion("odd name ' \"", odd, "", At(0));
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  auto latest = store.Latest("odd name ' \"");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->yaml, odd);
}

TEST_F(FlowStoreTest, TwoConnectionsNeverShareAVersionNumber) {
  auto first_db = OpenDb();
  auto second_db = OpenDb();
  ASSERT_NE(first_db, nullptr);
  ASSERT_NE(second_db, nullptr);
  FlowStore first(*first_db);
  FlowStore second(*second_db);
  for (int i = 0; i < 10; ++i) {
    auto a = first.SaveVersion("main", kMainV1, "a", At(i));
    auto b = second.SaveVersion("main", kMainV2, "b", At(i));
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, 2 * i + 1);
    EXPECT_EQ(*b, 2 * i + 2);
  }
}

}  // namespace
}  // namespace hotline::store
