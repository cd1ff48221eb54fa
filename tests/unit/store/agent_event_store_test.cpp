#include "store/agent_event_store.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "store/cdr_store.h"
#include "store/store_writer.h"
#include "store_test_support.h"

namespace hotline::store {
namespace {

using test_support::At;

class AgentEventStoreTest : public test_support::TempDirTest {};

AgentStateChange Change(const std::string& agent, const std::string& from, const std::string& to,
                        int64_t at_ms, const std::string& reason = "") {
  AgentStateChange change;
  change.agent = agent;
  change.from_state = from;
  change.to_state = to;
  change.reason = reason;
  change.at = At(at_ms);
  return change;
}

TEST_F(AgentEventStoreTest, AppendAndListSince) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto store = AgentEventStore::Create(*db);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->Append(Change("1003", "logged_out", "available", 0)).ok());
  ASSERT_TRUE((*store)->Append(Change("1004", "logged_out", "available", 500)).ok());
  ASSERT_TRUE((*store)->Append(Change("1003", "available", "ringing", 1000)).ok());
  ASSERT_TRUE((*store)->Append(Change("1003", "ringing", "on_call", 3000)).ok());
  ASSERT_TRUE((*store)->Append(Change("1003", "on_call", "wrap_up", 3000)).ok());  // same ms
  ASSERT_TRUE((*store)->Append(Change("1003", "wrap_up", "away", 9000, "lunch")).ok());

  auto all = (*store)->ListForAgent("1003", At(0));
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].to_state, "available");
  EXPECT_EQ((*all)[0].at_time, "2024-05-01T08:00:00.000Z");
  EXPECT_EQ((*all)[2].to_state, "on_call");  // append order breaks the tie
  EXPECT_EQ((*all)[3].to_state, "wrap_up");
  EXPECT_EQ((*all)[4].reason, "lunch");
  EXPECT_EQ((*all)[4].at_ms, EpochMs(At(9000)));

  auto since = (*store)->ListForAgent("1003", At(3000));
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 3u);  // "since" includes events at that instant
  EXPECT_EQ((*since)[0].from_state, "ringing");
  EXPECT_TRUE((*store)->ListForAgent("1003", At(9001))->empty());
  EXPECT_TRUE((*store)->ListForAgent("9999", At(0))->empty());
}

TEST_F(AgentEventStoreTest, EventsAreAppendOnly) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto store = AgentEventStore::Create(*db);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append(Change("1003", "away", "available", 0)).ok());
  EXPECT_FALSE(db->Exec("UPDATE agent_events SET to_state = 'x'").ok());
  EXPECT_FALSE(db->Exec("DELETE FROM agent_events").ok());
  EXPECT_EQ((*store)->ListForAgent("1003", At(0))->at(0).to_state, "available");
}

TEST_F(AgentEventStoreTest, BadEventsAreRefused) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto store = AgentEventStore::Create(*db);
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->Append(Change("", "away", "available", 0)).ok());
  EXPECT_FALSE((*store)->Append(Change("1003", "away", "", 0)).ok());
  EXPECT_TRUE((*store)->Append(Change("1003", "", "available", 0)).ok());  // first event
}

TEST_F(AgentEventStoreTest, CreateFailsOnAnUnmigratedDatabase) {
  auto db = SqliteDb::Open(DbPath());
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE(AgentEventStore::Create(**db).ok());
}

TEST_F(AgentEventStoreTest, StoreWriterAppendsFromSeveralThreads) {
  {
    auto cdr = CdrStore::Open(DbPath());
    ASSERT_TRUE(cdr.ok()) << cdr.error().message;
    StoreWriter writer(std::move(cdr).value());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < 50; ++i) {
          writer.AppendAgentEvent(
              Change("agent" + std::to_string(t), "available", "on_call", i * 10));
        }
      });
    }
    for (auto& thread : threads) thread.join();
    writer.AppendAgentEvent(Change("", "x", "y", 0));  // refused, counted
    writer.Flush();
    EXPECT_EQ(writer.written(), 200u);
    EXPECT_EQ(writer.failed(), 1u);
  }
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto store = AgentEventStore::Create(*db);
  ASSERT_TRUE(store.ok());
  for (int t = 0; t < 4; ++t) {
    auto events = (*store)->ListForAgent("agent" + std::to_string(t), At(0));
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), 50u);
  }
}

}  // namespace
}  // namespace hotline::store
