// Console users and sessions on a real SQLite file (migration 3).
#include "store/user_store.h"

#include <gtest/gtest.h>

#include "store/call_queries.h"
#include "store/password_hash.h"
#include "store_test_support.h"

namespace hotline::store {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using test_support::At;

class UserStoreTest : public test_support::TempDirTest {};

TEST_F(UserStoreTest, CreateAuthenticateAndRefuseDuplicates) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  UserStore users(*db);
  auto created = users.Create({"1001", "demo1001", "agent", "1001", "Zhang"}, At(0));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(*created);
  auto again = users.Create({"1001", "other", "agent", "", ""}, At(1));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_FALSE(users.Create({"x", "pw", "boss", "", ""}, At(0)).ok());

  auto ok = users.Authenticate("1001", "demo1001");
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok->has_value());
  EXPECT_EQ((*ok)->agent_id, "1001");
  EXPECT_EQ((*ok)->role, "agent");
  EXPECT_FALSE(users.Authenticate("1001", "wrong")->has_value());
  EXPECT_FALSE(users.Authenticate("nobody", "demo1001")->has_value());

  // The hash is argon2id, never the password.
  auto query = db->Prepare("SELECT password_hash FROM users WHERE username = '1001'");
  ASSERT_TRUE(query.ok());
  ASSERT_TRUE(*query->Step());
  EXPECT_EQ(query->Text(0).rfind("$argon2id$", 0), 0u);
}

TEST_F(UserStoreTest, SeedAddsOnlyMissingUsers) {
  auto db = OpenDb();
  UserStore users(*db);
  std::vector<NewUser> seeds = {{"admin", "demo-admin", "admin", "", ""},
                                {"1001", "demo1001", "agent", "1001", ""}};
  EXPECT_EQ(*users.SeedMissing(seeds, At(0)), 2);
  EXPECT_EQ(*users.SeedMissing(seeds, At(0)), 0);
  EXPECT_EQ(users.List()->size(), 2u);
}

TEST_F(UserStoreTest, SessionsSlideExpireAndRevoke) {
  auto db = OpenDb();
  UserStore users(*db);
  ASSERT_TRUE(*users.Create({"sup", "password1", "supervisor", "", ""}, At(0)));
  ASSERT_TRUE(users.AddSession("hash-a", "sup", At(0), hours(12)).ok());
  EXPECT_TRUE(users.UseSession("hash-a", At(0) + hours(11), hours(12))->has_value());
  // Used at 11 h: now valid until 23 h.
  EXPECT_TRUE(users.UseSession("hash-a", At(0) + hours(22), hours(12))->has_value());
  EXPECT_FALSE(users.UseSession("hash-a", At(0) + hours(40), hours(12))->has_value());
  EXPECT_FALSE(users.UseSession("unknown", At(0), hours(12))->has_value());

  ASSERT_TRUE(users.AddSession("hash-b", "sup", At(0), hours(12)).ok());
  EXPECT_TRUE(*users.RevokeSession("hash-b"));
  EXPECT_FALSE(users.UseSession("hash-b", At(1), hours(12))->has_value());
  EXPECT_EQ(*users.PurgeExpired(At(0) + hours(100)), 1);

  ASSERT_TRUE(users.AddSession("hash-c", "sup", At(0), hours(12)).ok());
  EXPECT_TRUE(*users.Delete("sup"));
  EXPECT_FALSE(users.UseSession("hash-c", At(1), hours(12))->has_value());
}

TEST_F(UserStoreTest, WrapupColumnsAndCallQueries) {
  auto db = OpenDb();
  ASSERT_TRUE(db->Exec("INSERT INTO calls (id, from_number, to_number, start_time, start_ms, "
                       "state, agent, queue, queued_ms, agent_answer_ms, wait_ms, disposition) "
                       "VALUES ('c1', '13800138000', '100', 't', 1000, 'closed', '1001', 'sales', "
                       "1000, 6000, 5000, 'answered'),"
                       "('c2', '1005', '100', 't', 2000, 'closed', NULL, 'sales', 2000, NULL, "
                       "NULL, 'abandoned')")
                  .ok());
  ASSERT_TRUE(db->Exec("UPDATE calls SET abandoned_ms = 3000 WHERE id = 'c2'").ok());
  CallQueries calls(*db);
  EXPECT_TRUE(*calls.SetWrapup("c1", "sale", "wants a callback"));
  EXPECT_FALSE(*calls.SetWrapup("nope", "x", ""));
  auto c1 = calls.GetCall("c1");
  ASSERT_TRUE(c1.ok() && c1->has_value());
  EXPECT_EQ((*c1)->wrapup_code, "sale");
  EXPECT_EQ((*c1)->notes, "wants a callback");

  auto all = calls.ListCalls({});
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "c2") << "newest first";
  CallFilter by_agent;
  by_agent.agent = "1001";
  EXPECT_EQ(calls.ListCalls(by_agent)->size(), 1u);
  CallFilter by_number;
  by_number.number = "13800138000";
  EXPECT_EQ(calls.ListCalls(by_number)->size(), 1u);
  CallFilter before;
  before.before_ms = 2000;
  EXPECT_EQ((*calls.ListCalls(before))[0].id, "c1");

  auto stats = calls.QueueStats(0, 20000);
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_EQ((*stats)[0].offered, 2);
  EXPECT_EQ((*stats)[0].answered, 1);
  EXPECT_EQ((*stats)[0].abandoned, 1);
  EXPECT_EQ((*stats)[0].answered_within, 1);
  EXPECT_EQ((*stats)[0].average_speed_of_answer_ms, 5000);
  EXPECT_EQ(calls.CallsOfNumbers({"1005"}, 10)->size(), 1u);
}

TEST(PasswordHashTest, VerifiesOnlyTheRightPassword) {
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(PasswordMatches("correct horse", *hash));
  EXPECT_FALSE(PasswordMatches("correct horsE", *hash));
  EXPECT_FALSE(PasswordMatches("x", ""));
  EXPECT_FALSE(PasswordMatches("x", "garbage"));
}

}  // namespace
}  // namespace hotline::store
