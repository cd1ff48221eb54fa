// QueueStore against a real SQLite file: seeding once, queues with every field and their
// overflow rules, agents' skills, and what survives closing and reopening the database.
#include "store/queue_store.h"

#include <gtest/gtest.h>

#include "store_test_support.h"

namespace hotline::store {
namespace {

using test_support::At;

class QueueStoreTest : public test_support::TempDirTest {};

QueueSettings FullQueue() {
  QueueSettings queue;
  queue.name = "support";
  queue.skills = {{"support", 2}, {"lang:zh", 1}};
  queue.strategy = "best_skill";
  queue.ring_timeout_s = 15;
  queue.wrap_up_s = 25;
  queue.max_wait_s = 600;
  queue.max_wait_target = "operator";
  queue.voicemail = "support_box";
  queue.max_length = 50;
  queue.announce_every_s = 45;
  queue.offer_callback = false;
  queue.match_language = true;
  queue.leave_when_empty = false;
  queue.sticky_window_s = 3600;
  queue.sticky_wait_s = 20;
  queue.overflow = {{60, "relax", 2, ""},
                    {180, "add_queue", 1, "operator"},
                    {300, "move", 1, "night"},
                    {900, "voicemail", 1, ""}};
  return queue;
}

void ExpectSame(const QueueSettings& a, const QueueSettings& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.skills, b.skills);
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_EQ(a.ring_timeout_s, b.ring_timeout_s);
  EXPECT_EQ(a.wrap_up_s, b.wrap_up_s);
  EXPECT_EQ(a.max_wait_s, b.max_wait_s);
  EXPECT_EQ(a.max_wait_target, b.max_wait_target);
  EXPECT_EQ(a.voicemail, b.voicemail);
  EXPECT_EQ(a.max_length, b.max_length);
  EXPECT_EQ(a.announce_every_s, b.announce_every_s);
  EXPECT_EQ(a.offer_callback, b.offer_callback);
  EXPECT_EQ(a.match_language, b.match_language);
  EXPECT_EQ(a.leave_when_empty, b.leave_when_empty);
  EXPECT_EQ(a.sticky_window_s, b.sticky_window_s);
  EXPECT_EQ(a.sticky_wait_s, b.sticky_wait_s);
  ASSERT_EQ(a.overflow.size(), b.overflow.size());
  for (size_t i = 0; i < a.overflow.size(); ++i) {
    EXPECT_EQ(a.overflow[i].after_s, b.overflow[i].after_s) << i;
    EXPECT_EQ(a.overflow[i].action, b.overflow[i].action) << i;
    if (a.overflow[i].action == "relax") {
      EXPECT_EQ(a.overflow[i].relax_by, b.overflow[i].relax_by) << i;
    }
    EXPECT_EQ(a.overflow[i].target, b.overflow[i].target) << i;
  }
}

TEST_F(QueueStoreTest, EveryFieldRoundTripsThroughTheFile) {
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    QueueStore store(*db);
    ASSERT_TRUE(store.PutQueue(FullQueue(), "admin", At(0)).ok());
  }
  auto db = OpenDb();  // a new connection reads what the first one wrote
  ASSERT_NE(db, nullptr);
  QueueStore store(*db);
  auto queue = store.Queue("support");
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  ASSERT_TRUE(queue->has_value());
  ExpectSame(**queue, FullQueue());
  auto missing = store.Queue("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(QueueStoreTest, SeedsOnceAndNeverAgain) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  QueueStore store(*db);
  QueueSettings sales;
  sales.name = "sales";
  sales.skills = {{"sales", 1}};
  std::vector<AgentSettings> agents = {{"1001", {{"sales", 3}, {"lang:zh", 5}}}, {"1002", {}}};
  auto first = store.SeedOnce({FullQueue(), sales}, agents, At(0));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(*first);
  // The administrator deletes a queue; the next start must not bring it back.
  auto deleted = store.DeleteQueue("sales");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(*deleted);
  auto again = store.SeedOnce({FullQueue(), sales}, agents, At(1000));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto queues = store.Queues();
  ASSERT_TRUE(queues.ok());
  ASSERT_EQ(queues->size(), 1u);
  EXPECT_EQ((*queues)[0].name, "support");
  auto skills = store.AgentSkills();
  ASSERT_TRUE(skills.ok());
  ASSERT_EQ(skills->size(), 1u);  // 1002 has no skills: no rows
  EXPECT_EQ((*skills)[0].user, "1001");
  EXPECT_EQ((*skills)[0].skills, (std::map<std::string, int>{{"sales", 3}, {"lang:zh", 5}}));
}

TEST_F(QueueStoreTest, ReplacingKeepsThePositionAndNewQueuesGoLast) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  QueueStore store(*db);
  for (const char* name : {"b", "a", "c"}) {
    QueueSettings queue;
    queue.name = name;
    ASSERT_TRUE(store.PutQueue(queue, "seed", At(0)).ok());
  }
  QueueSettings a;
  a.name = "a";
  a.strategy = "ring_all";
  a.wrap_up_s = 99;
  ASSERT_TRUE(store.PutQueue(a, "admin", At(5)).ok());
  auto queues = store.Queues();
  ASSERT_TRUE(queues.ok());
  ASSERT_EQ(queues->size(), 3u);
  EXPECT_EQ((*queues)[0].name, "b");
  EXPECT_EQ((*queues)[1].name, "a");
  EXPECT_EQ((*queues)[1].strategy, "ring_all");
  EXPECT_EQ((*queues)[1].wrap_up_s, 99);
  EXPECT_EQ((*queues)[2].name, "c");
  auto row = db->Prepare("SELECT updated_by, updated_ms FROM queues WHERE name = 'a'");
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(*row->Step());
  EXPECT_EQ(row->Text(0), "admin");
  EXPECT_EQ(row->Int(1), EpochMs(At(5)));
  auto gone = store.DeleteQueue("zzz");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);
}

TEST_F(QueueStoreTest, AgentSkillsAreReplacedWhole) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  QueueStore store(*db);
  ASSERT_TRUE(store.SetAgentSkills("1003", {{"support", 3}, {"lang:en", 4}}).ok());
  ASSERT_TRUE(store.SetAgentSkills("1003", {{"sales", 1}}).ok());
  ASSERT_TRUE(store.SetAgentSkills("1004", {{"support", 2}}).ok());
  auto skills = store.AgentSkills();
  ASSERT_TRUE(skills.ok());
  ASSERT_EQ(skills->size(), 2u);
  EXPECT_EQ((*skills)[0].skills, (std::map<std::string, int>{{"sales", 1}}));
  ASSERT_TRUE(store.SetAgentSkills("1003", {}).ok());
  skills = store.AgentSkills();
  ASSERT_TRUE(skills.ok());
  ASSERT_EQ(skills->size(), 1u);
  EXPECT_EQ((*skills)[0].user, "1004");
}

TEST_F(QueueStoreTest, SchemaRefusesOutOfRangeLevelsAndKeepsTheOldSkills) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  QueueStore store(*db);
  ASSERT_TRUE(store.SetAgentSkills("1001", {{"sales", 2}}).ok());
  EXPECT_FALSE(store.SetAgentSkills("1001", {{"sales", 5}, {"vip", 101}}).ok());
  auto skills = store.AgentSkills();
  ASSERT_TRUE(skills.ok());
  ASSERT_EQ(skills->size(), 1u);
  EXPECT_EQ((*skills)[0].skills, (std::map<std::string, int>{{"sales", 2}}));  // rolled back
}

TEST_F(QueueStoreTest, HandEditedJsonIsReportedNotHalfRead) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  QueueStore store(*db);
  ASSERT_TRUE(store.PutQueue(FullQueue(), "admin", At(0)).ok());
  ASSERT_TRUE(db->Exec("UPDATE queues SET overflow = 'not json' WHERE name = 'support'").ok());
  auto queues = store.Queues();
  ASSERT_FALSE(queues.ok());
  EXPECT_NE(queues.error().message.find("support"), std::string::npos);
}

}  // namespace
}  // namespace hotline::store
