#include "store/store_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store_test_support.h"

namespace hotline::store {
namespace {

using StoreWriterTest = test_support::CdrStoreDirTest;

using test_support::At;

CallStart Start(const std::string& id, int64_t at_ms) {
  CallStart start;
  start.call_id = id;
  start.sip_call_id = id + "@test";
  start.from_number = "1001";
  start.to_number = "600";
  start.direction = "inbound";
  start.source_ip = "127.0.0.1";
  start.start_time = At(at_ms);
  return start;
}

CallEnd End(int64_t at_ms, const std::string& disposition) {
  CallEnd end;
  end.end_time = At(at_ms);
  end.disposition = disposition;
  end.hangup_cause = "normal_clearing";
  end.hangup_side = "caller";
  end.sip_status = 200;
  return end;
}

TEST_F(StoreWriterTest, WritesAFullCallThenFlush) {
  StoreWriter writer(OpenStore());
  writer.OpenCall(Start("a", 0));
  writer.MarkAnswered("a", At(1500), "600");
  writer.SetDigits("a", "1234");
  writer.AddRecording("a", "/rec/a.wav", At(1500));
  writer.CompleteRecording("/rec/a.wav", At(9500), 8000, 128044);
  writer.CloseCall("a", End(9500, "answered"));
  writer.Flush();
  EXPECT_EQ(writer.written(), 6u);
  EXPECT_EQ(writer.failed(), 0u);
  writer.Stop();

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto row = store->GetCall("a");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, "closed");
  EXPECT_EQ(row->ring_ms, 1500);
  EXPECT_EQ(row->talk_ms, 8000);
  EXPECT_EQ(row->total_ms, 9500);
  EXPECT_EQ(row->dtmf_digits, "1234");
  EXPECT_EQ(row->recording_path, "/rec/a.wav");
  auto recordings = store->ListRecordings("a");
  ASSERT_EQ(recordings.size(), 1u);
  EXPECT_EQ(recordings[0].state, "complete");
  EXPECT_EQ(recordings[0].duration_ms, 8000);
}

TEST_F(StoreWriterTest, SeveralThreadsThenFlushAllRowsPresent) {
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 250;
  StoreWriter writer(OpenStore());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&writer, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        writer.OpenCall(Start(id, i));
        if (i % 2 == 0) writer.MarkAnswered(id, At(i + 100), "1002");
        writer.CloseCall(id, End(i + 1000, i % 2 == 0 ? "answered" : "no_answer"));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  writer.Flush();
  EXPECT_EQ(writer.failed(), 0u);
  EXPECT_EQ(writer.written(), static_cast<uint64_t>(kThreads * kCallsPerThread * 5 / 2));

  // Read through a second connection while the writer still owns its own.
  auto reader = OpenStore();
  ASSERT_NE(reader, nullptr);
  auto calls = reader->ListCalls(100000);
  ASSERT_EQ(calls.size(), static_cast<size_t>(kThreads * kCallsPerThread));
  std::set<std::string> ids;
  for (const auto& call : calls) {
    ids.insert(call.id);
    EXPECT_EQ(call.state, "closed") << call.id;
    bool answered = call.disposition == "answered";
    EXPECT_EQ(call.answer_ms.has_value(), answered) << call.id;
    EXPECT_EQ(call.total_ms, 1000) << call.id;
    EXPECT_EQ(call.talk_ms, answered ? 900 : 0) << call.id;
  }
  EXPECT_EQ(ids.size(), calls.size());
}

TEST_F(StoreWriterTest, FailedWritesAreCountedAndDoNotStopOthers) {
  StoreWriter writer(OpenStore());
  writer.OpenCall(Start("x", 0));
  writer.OpenCall(Start("x", 0));               // duplicate id: fails
  writer.CloseCall("ghost", End(5, "failed"));  // unknown call: fails
  writer.CloseCall("x", End(10, "busy"));
  writer.Flush();
  EXPECT_EQ(writer.failed(), 2u);
  EXPECT_EQ(writer.written(), 2u);
  writer.Stop();
  auto store = OpenStore();
  auto row = store->GetCall("x");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->disposition, "busy");
}

TEST_F(StoreWriterTest, StopFlushesAndLateWritesStillLand) {
  {
    StoreWriter writer(OpenStore());
    for (int i = 0; i < 100; ++i) writer.OpenCall(Start("s" + std::to_string(i), i));
    writer.Stop();                                 // no Flush: Stop must write what is queued
    writer.Stop();                                 // idempotent
    writer.CloseCall("s0", End(50, "cancelled"));  // after Stop: applied on this thread
    writer.Flush();                                // returns at once
    EXPECT_EQ(writer.written(), 101u);
  }  // destructor after Stop: fine
  auto store = OpenStore();
  EXPECT_EQ(store->ListCalls(1000).size(), 100u);
  EXPECT_EQ(store->GetCall("s0")->disposition, "cancelled");
}

TEST_F(StoreWriterTest, DestructorWritesEverythingQueued) {
  {
    StoreWriter writer(OpenStore());
    for (int i = 0; i < 50; ++i) writer.OpenCall(Start("d" + std::to_string(i), i));
  }
  auto store = OpenStore();
  EXPECT_EQ(store->ListCalls(1000).size(), 50u);
}

TEST_F(StoreWriterTest, GarbageStringsThroughTheWriter) {
  std::string big(10 * 1024, '\'');
  for (size_t i = 1; i < big.size(); i += 3) big[i] = '"';
  const std::vector<std::string> nasty = {"'); DROP TABLE calls; --", "\"\"\"", "表情 🎧 ünïcödé",
                                          "\\x00 not a nul", big};
  StoreWriter writer(OpenStore());
  for (size_t i = 0; i < nasty.size(); ++i) {
    CallStart start = Start("g" + std::to_string(i) + nasty[i], 0);
    start.from_display = nasty[i];
    writer.OpenCall(start);
    writer.CloseCall(start.call_id, End(1, nasty[i]));
  }
  writer.Flush();
  EXPECT_EQ(writer.failed(), 0u);
  auto store = OpenStore();
  for (size_t i = 0; i < nasty.size(); ++i) {
    auto row = store->GetCall("g" + std::to_string(i) + nasty[i]);
    ASSERT_TRUE(row.has_value()) << i;
    EXPECT_EQ(row->from_display, nasty[i]);
    EXPECT_EQ(row->disposition, nasty[i]);
  }
}

}  // namespace
}  // namespace hotline::store
