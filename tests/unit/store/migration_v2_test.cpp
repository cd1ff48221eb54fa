// Migration 2 (call center): upgrading a version-1 database in place, and the new call
// record columns through CdrStore and StoreWriter.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/cdr_store.h"
#include "store/sqlite_db.h"
#include "store/store_writer.h"
#include "store_test_support.h"

namespace hotline::store {
namespace {

using test_support::At;

class MigrationV2Test : public test_support::TempDirTest {
 protected:
  std::unique_ptr<CdrStore> OpenStore() {
    auto store = CdrStore::Open(DbPath());
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }
};

CallStart Start(const std::string& id, int64_t at_ms) {
  CallStart start;
  start.call_id = id;
  start.sip_call_id = id + "@test";
  start.from_number = "13800138000";
  start.to_number = "95588";
  start.direction = "inbound";
  start.source_ip = "192.0.2.1";
  start.start_time = At(at_ms);
  return start;
}

int64_t Count(SqliteDb& db, const std::string& sql) {
  auto query = db.Prepare(sql);
  EXPECT_TRUE(query.ok()) << (query.ok() ? "" : query.error().message);
  if (!query.ok()) return -1;
  auto row = query->Step();
  EXPECT_TRUE(row.ok() && *row);
  return query->Int(0);
}

TEST_F(MigrationV2Test, VersionOneDatabaseUpgradesInPlace) {
  // A database as the previous release left it: migration 1 only, with a closed call, an
  // open one and a recording.
  {
    auto db = SqliteDb::Open(DbPath());
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->Migrate({HotlineMigrations().front()}).ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO calls (id, from_number, start_time, start_ms, state, "
                           "  end_ms, disposition) VALUES "
                           "('old-closed', '1001', '2024-05-01T08:00:00.000Z', 1714550400000, "
                           "  'closed', 1714550410000, 'answered'),"
                           "('old-open', '1002', '2024-05-01T08:00:01.000Z', 1714550401000, "
                           "  'open', NULL, NULL);"
                           "INSERT INTO recordings (call_id, path, start_time, start_ms) VALUES "
                           "('old-closed', '/rec/a.wav', '2024-05-01T08:00:00.000Z', "
                           "  1714550400000);")
                    .ok());
    auto version = (*db)->SchemaVersion();
    ASSERT_TRUE(version.ok());
    ASSERT_EQ(*version, 1);
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto version = store->db().SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, HotlineMigrations().back().version);

  // Old rows kept, new columns empty, transfers 0.
  auto old = store->GetCall("old-closed");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->from_number, "1001");
  EXPECT_EQ(old->disposition, "answered");
  EXPECT_EQ(old->ivr_path, "");
  EXPECT_EQ(old->queue, "");
  EXPECT_FALSE(old->wait_ms.has_value());
  EXPECT_FALSE(old->abandoned_ms.has_value());
  EXPECT_FALSE(old->survey_score.has_value());
  EXPECT_EQ(old->transfers, 0);
  EXPECT_EQ(store->ListRecordings("old-closed").size(), 1u);

  // Old rows take the new writes, and crash recovery still closes the open one.
  ASSERT_TRUE(store->SetSurveyScore("old-closed", 5).ok());
  EXPECT_EQ(store->GetCall("old-closed")->survey_score, 5);
  auto recovered = store->RecoverUnfinished(At(5000));
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(*recovered, 1);

  // The new tables exist and are empty.
  for (const char* table : {"customers", "customer_phones", "customer_tags", "voicemails",
                            "agent_events", "flow_versions"}) {
    EXPECT_EQ(Count(store->db(), std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(Count(store->db(), "SELECT COUNT(*) FROM schema_version"),
            static_cast<int64_t>(HotlineMigrations().size()));
}

TEST_F(MigrationV2Test, ReopeningAnUpgradedDatabaseChangesNothing) {
  { ASSERT_NE(OpenStore(), nullptr); }
  for (int i = 0; i < 2; ++i) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(Count(store->db(), "SELECT COUNT(*) FROM schema_version"),
              static_cast<int64_t>(HotlineMigrations().size()));
  }
  auto db = OpenHotlineDb(DbPath());
  ASSERT_TRUE(db.ok()) << db.error().message;
}

TEST_F(MigrationV2Test, QueuedCallAnsweredByAnAgent) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("c1", 0)).ok());
  ASSERT_TRUE(store->MarkAnswered("c1", At(500), "ivr").ok());
  ASSERT_TRUE(store->SetIvrPath("c1", "lang").ok());
  ASSERT_TRUE(store->SetIvrPath("c1", "lang:1>main:2").ok());
  ASSERT_TRUE(store->SetQueued("c1", "sales", At(10000)).ok());
  // Moved to another queue: the name changes, the wait still counts from the first queue.
  ASSERT_TRUE(store->SetQueued("c1", "vip", At(20000)).ok());
  ASSERT_TRUE(store->SetAgentAnswer("c1", "1003", At(40000), At(43000)).ok());
  ASSERT_TRUE(store->AddHold("c1", 15000).ok());
  ASSERT_TRUE(store->AddHold("c1", 5000).ok());
  ASSERT_TRUE(store->AddTransfer("c1").ok());
  ASSERT_TRUE(store->SetSurveyScore("c1", 4).ok());
  CallEnd end;
  end.end_time = At(100000);
  end.disposition = "answered";
  end.hangup_cause = "normal_clearing";
  end.hangup_side = "caller";
  end.sip_status = 200;
  ASSERT_TRUE(store->CloseCall("c1", end).ok());
  ASSERT_TRUE(store->SetWrapup("c1", 30000).ok());  // after the call closed

  auto row = store->GetCall("c1");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->ivr_path, "lang:1>main:2");
  EXPECT_EQ(row->queue, "vip");
  EXPECT_EQ(row->queued_ms, EpochMs(At(10000)));
  EXPECT_EQ(row->wait_ms, 33000);
  EXPECT_EQ(row->agent, "1003");
  EXPECT_EQ(row->agent_answer_ms, EpochMs(At(43000)));
  EXPECT_EQ(row->ring_agent_ms, 3000);
  EXPECT_EQ(row->hold_ms, 20000);
  EXPECT_EQ(row->wrapup_ms, 30000);
  EXPECT_FALSE(row->abandoned_ms.has_value());
  EXPECT_EQ(row->transfers, 1);
  EXPECT_EQ(row->survey_score, 4);
  EXPECT_EQ(row->answered_by, "ivr");  // the version-1 answer is untouched

  // The first agent answer wins; an answered call cannot be abandoned.
  EXPECT_FALSE(store->SetAgentAnswer("c1", "1004", At(50000), At(51000)).ok());
  EXPECT_FALSE(store->SetAbandoned("c1", At(60000)).ok());
  EXPECT_EQ(store->GetCall("c1")->agent, "1003");
}

TEST_F(MigrationV2Test, AbandonedInQueue) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("gone", 0)).ok());
  EXPECT_FALSE(store->SetAbandoned("gone", At(5000)).ok());  // never queued
  ASSERT_TRUE(store->SetQueued("gone", "support", At(2000)).ok());
  ASSERT_TRUE(store->SetAbandoned("gone", At(47000)).ok());
  EXPECT_FALSE(store->SetAgentAnswer("gone", "1005", At(48000), At(49000)).ok());
  auto row = store->GetCall("gone");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->abandoned_ms, 45000);
  EXPECT_FALSE(row->wait_ms.has_value());
  EXPECT_EQ(row->agent, "");
}

TEST_F(MigrationV2Test, AgentAnswerWithoutQueueAndClockSteppingBack) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("direct", 0)).ok());
  ASSERT_TRUE(store->SetAgentAnswer("direct", "1002", At(9000), At(8000)).ok());
  auto row = store->GetCall("direct");
  ASSERT_TRUE(row.has_value());
  EXPECT_FALSE(row->wait_ms.has_value());
  EXPECT_EQ(row->ring_agent_ms, 0);  // clamped, never negative
}

TEST_F(MigrationV2Test, BadInputAndUnknownCallsAreErrors) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("c", 0)).ok());
  EXPECT_FALSE(store->SetSurveyScore("c", kMaxSurveyScore + 1).ok());
  EXPECT_FALSE(store->SetSurveyScore("c", kMinSurveyScore - 1).ok());
  EXPECT_TRUE(store->SetSurveyScore("c", kMaxSurveyScore).ok());
  EXPECT_FALSE(store->AddHold("c", -1).ok());
  EXPECT_FALSE(store->SetWrapup("c", -1).ok());
  EXPECT_FALSE(store->SetIvrPath("nope", "a:1").ok());
  EXPECT_FALSE(store->SetQueued("nope", "q", At(0)).ok());
  EXPECT_FALSE(store->SetAgentAnswer("nope", "a", At(0), At(1)).ok());
  EXPECT_FALSE(store->AddHold("nope", 1).ok());
  EXPECT_FALSE(store->AddTransfer("nope").ok());
  EXPECT_FALSE(store->SetWrapup("nope", 1).ok());
  EXPECT_FALSE(store->SetSurveyScore("nope", 1).ok());
  std::string nasty = "'; DROP TABLE calls; -- 中文 🎧";
  ASSERT_TRUE(store->SetIvrPath("c", nasty).ok());
  ASSERT_TRUE(store->SetQueued("c", nasty, At(1)).ok());
  auto row = store->GetCall("c");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->ivr_path, nasty);
  EXPECT_EQ(row->queue, nasty);
}

TEST_F(MigrationV2Test, StoreWriterQueuesTheCallCenterWrites) {
  auto opened = CdrStore::Open(DbPath());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  StoreWriter writer(std::move(opened).value());
  writer.OpenCall(Start("w1", 0));
  writer.SetIvrPath("w1", "lang:2>main:1");
  writer.SetQueued("w1", "support", At(5000));
  writer.SetAgentAnswer("w1", "1007", At(7000), At(9000));
  writer.AddHold("w1", 1200);
  writer.AddTransfer("w1");
  writer.AddTransfer("w1");
  writer.SetSurveyScore("w1", 3);
  writer.SetWrapup("w1", 4000);
  writer.OpenCall(Start("w2", 100));
  writer.SetQueued("w2", "support", At(6000));
  writer.SetAbandoned("w2", At(16000));
  writer.SetSurveyScore("w2", 99);  // refused, counted as failed
  writer.Stop();
  EXPECT_EQ(writer.failed(), 1u);
  EXPECT_EQ(writer.written(), 12u);

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto w1 = store->GetCall("w1");
  ASSERT_TRUE(w1.has_value());
  EXPECT_EQ(w1->ivr_path, "lang:2>main:1");
  EXPECT_EQ(w1->wait_ms, 4000);
  EXPECT_EQ(w1->ring_agent_ms, 2000);
  EXPECT_EQ(w1->hold_ms, 1200);
  EXPECT_EQ(w1->transfers, 2);
  EXPECT_EQ(w1->survey_score, 3);
  EXPECT_EQ(w1->wrapup_ms, 4000);
  auto w2 = store->GetCall("w2");
  ASSERT_TRUE(w2.has_value());
  EXPECT_EQ(w2->abandoned_ms, 10000);
  EXPECT_FALSE(w2->survey_score.has_value());
}

}  // namespace
}  // namespace hotline::store
