#include "store/cdr_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite_db.h"
#include "store_test_support.h"

namespace hotline::store {
namespace {

using CdrStoreTest = test_support::CdrStoreDirTest;

using test_support::At;

CallStart Start(const std::string& id, int64_t at_ms) {
  CallStart start;
  start.call_id = id;
  start.sip_call_id = "sip-" + id + "@192.0.2.7";
  start.from_number = "1001";
  start.from_display = "张伟 Zhang Wei";
  start.to_number = "1002";
  start.direction = "internal";
  start.source_ip = "192.0.2.7";
  start.start_time = At(at_ms);
  return start;
}

CallEnd End(int64_t at_ms, const std::string& disposition, const std::string& cause,
            const std::string& side, int sip_status) {
  CallEnd end;
  end.end_time = At(at_ms);
  end.disposition = disposition;
  end.hangup_cause = cause;
  end.hangup_side = side;
  end.sip_status = sip_status;
  return end;
}

TEST(CdrTimeTest, FormatsIsoUtcWithMilliseconds) {
  EXPECT_EQ(FormatIsoUtc(At(0)), "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(FormatIsoUtc(At(3723045)), "2024-05-01T09:02:03.045Z");
  EXPECT_EQ(FormatIsoUtc(WallTime{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoUtc(WallTime{} - std::chrono::milliseconds(1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(EpochMs(At(5)), 1714550400005);
}

TEST_F(CdrStoreTest, AnsweredCallLifecycle) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("c1", 0)).ok());

  auto open = store->GetCall("c1");
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->state, "open");
  EXPECT_EQ(open->from_display, "张伟 Zhang Wei");
  EXPECT_EQ(open->start_time, "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(open->start_ms, 1714550400000);
  EXPECT_FALSE(open->answer_ms.has_value());
  EXPECT_FALSE(open->end_time.has_value());

  ASSERT_TRUE(store->MarkAnswered("c1", At(4250), "1002").ok());
  ASSERT_TRUE(store->SetDigits("c1", "1234").ok());
  ASSERT_TRUE(
      store->CloseCall("c1", End(64250, "answered", "normal_clearing", "caller", 200)).ok());

  auto row = store->GetCall("c1");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, "closed");
  EXPECT_EQ(row->id, "c1");
  EXPECT_EQ(row->sip_call_id, "sip-c1@192.0.2.7");
  EXPECT_EQ(row->from_number, "1001");
  EXPECT_EQ(row->to_number, "1002");
  EXPECT_EQ(row->direction, "internal");
  EXPECT_EQ(row->source_ip, "192.0.2.7");
  EXPECT_EQ(row->answered_by, "1002");
  EXPECT_EQ(row->answer_time, "2024-05-01T08:00:04.250Z");
  EXPECT_EQ(row->end_time, "2024-05-01T08:01:04.250Z");
  EXPECT_EQ(row->ring_ms, 4250);
  EXPECT_EQ(row->talk_ms, 60000);
  EXPECT_EQ(row->total_ms, 64250);
  EXPECT_EQ(row->disposition, "answered");
  EXPECT_EQ(row->hangup_cause, "normal_clearing");
  EXPECT_EQ(row->hangup_side, "caller");
  EXPECT_EQ(row->sip_status, 200);
  EXPECT_EQ(row->dtmf_digits, "1234");
}

TEST_F(CdrStoreTest, UnansweredCallRingsForItsWholeLength) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("c2", 1000)).ok());
  ASSERT_TRUE(store->CloseCall("c2", End(31500, "no_answer", "480", "system", 480)).ok());
  auto row = store->GetCall("c2");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, "closed");
  EXPECT_EQ(row->ring_ms, 30500);
  EXPECT_EQ(row->talk_ms, 0);
  EXPECT_EQ(row->total_ms, 30500);
  EXPECT_FALSE(row->answer_time.has_value());
  EXPECT_EQ(row->answered_by, "");
  EXPECT_EQ(row->disposition, "no_answer");
  EXPECT_EQ(row->hangup_cause, "480");
  EXPECT_EQ(row->sip_status, 480);

  // A call refused at once, with no final status of its own.
  ASSERT_TRUE(store->OpenCall(Start("c3", 0)).ok());
  ASSERT_TRUE(store->CloseCall("c3", End(0, "cancelled", "487", "caller", 0)).ok());
  auto cancelled = store->GetCall("c3");
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->total_ms, 0);
  EXPECT_FALSE(cancelled->sip_status.has_value());
}

TEST_F(CdrStoreTest, DurationsNeverNegativeWhenTheClockStepsBack) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("c", 10000)).ok());
  ASSERT_TRUE(store->MarkAnswered("c", At(12000), "1002").ok());
  ASSERT_TRUE(store->CloseCall("c", End(5000, "answered", "normal_clearing", "callee", 200)).ok());
  auto row = store->GetCall("c");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->ring_ms, 2000);
  EXPECT_EQ(row->talk_ms, 0);
  EXPECT_EQ(row->total_ms, 0);
}

TEST_F(CdrStoreTest, WrongOrderAndUnknownIdsAreErrors) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("c", 0)).ok());
  EXPECT_FALSE(store->OpenCall(Start("c", 5)).ok());  // duplicate id
  EXPECT_FALSE(store->MarkAnswered("nope", At(1), "1002").ok());
  EXPECT_FALSE(store->CloseCall("nope", End(1, "failed", "x", "system", 500)).ok());
  EXPECT_FALSE(store->SetDigits("nope", "1").ok());
  EXPECT_FALSE(store->AddRecording("nope", "/r/nope.wav", At(1)).ok());  // foreign key
  EXPECT_FALSE(store->CompleteRecording("/r/nope.wav", At(2), 1, 44).ok());
  ASSERT_TRUE(store->MarkAnswered("c", At(100), "1002").ok());
  EXPECT_FALSE(store->MarkAnswered("c", At(200), "1003").ok());  // first answer wins
  ASSERT_TRUE(store->CloseCall("c", End(1000, "answered", "normal_clearing", "caller", 200)).ok());
  EXPECT_FALSE(store->CloseCall("c", End(2000, "failed", "again", "system", 500)).ok());
  auto row = store->GetCall("c");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->answered_by, "1002");
  EXPECT_EQ(row->total_ms, 1000);
  EXPECT_EQ(row->disposition, "answered");
  EXPECT_FALSE(store->GetCall("nope").has_value());
}

TEST_F(CdrStoreTest, RecordingsRows) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->OpenCall(Start("c", 0)).ok());
  ASSERT_TRUE(store->MarkAnswered("c", At(2000), "1002").ok());
  std::string path = (dir_ / "recordings/2024/05/01/c.wav").string();
  ASSERT_TRUE(store->AddRecording("c", path, At(2000)).ok());

  auto recordings = store->ListRecordings("c");
  ASSERT_EQ(recordings.size(), 1u);
  EXPECT_EQ(recordings[0].state, "recording");
  EXPECT_EQ(recordings[0].path, path);
  EXPECT_EQ(recordings[0].start_time, "2024-05-01T08:00:02.000Z");
  EXPECT_FALSE(recordings[0].end_time.has_value());
  EXPECT_EQ(store->GetCall("c")->recording_path, path);

  ASSERT_TRUE(store->CompleteRecording(path, At(12000), 10000, 320044).ok());
  EXPECT_FALSE(store->CompleteRecording(path, At(13000), 1, 1).ok());  // already complete
  recordings = store->ListRecordings("c");
  ASSERT_EQ(recordings.size(), 1u);
  EXPECT_EQ(recordings[0].state, "complete");
  EXPECT_EQ(recordings[0].call_id, "c");
  EXPECT_EQ(recordings[0].end_time, "2024-05-01T08:00:12.000Z");
  EXPECT_EQ(recordings[0].end_ms, EpochMs(At(12000)));
  EXPECT_EQ(recordings[0].duration_ms, 10000);
  EXPECT_EQ(recordings[0].size_bytes, 320044);
  EXPECT_TRUE(store->ListRecordings("other").empty());
}

TEST_F(CdrStoreTest, ListCallsNewestFirstWithLimit) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->OpenCall(Start("c" + std::to_string(i), i * 1000)).ok());
  }
  auto calls = store->ListCalls(3);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].id, "c4");
  EXPECT_EQ(calls[1].id, "c3");
  EXPECT_EQ(calls[2].id, "c2");
  EXPECT_EQ(store->ListCalls(100).size(), 5u);
}

TEST_F(CdrStoreTest, CrashRecoveryClosesOpenCallsAndInterruptsRecordings) {
  // A child process writes, then dies without closing anything: no destructors run.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = CdrStore::Open(DbPath());
    if (!store) _exit(2);
    bool ok = (*store)->OpenCall(Start("ringing", 0)).ok() &&
              (*store)->OpenCall(Start("talking", 1000)).ok() &&
              (*store)->MarkAnswered("talking", At(3000), "1002").ok() &&
              (*store)->AddRecording("talking", "/rec/talking.wav", At(3000)).ok() &&
              (*store)->OpenCall(Start("done", 0)).ok() &&
              (*store)->CloseCall("done", End(500, "busy", "486", "callee", 486)).ok() &&
              (*store)->Heartbeat(At(6000)).ok();  // the last sign of life before the crash
    _exit(ok ? 0 : 3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto recovered = store->RecoverUnfinished(At(10000));
  ASSERT_TRUE(recovered.ok()) << recovered.error().message;
  EXPECT_EQ(*recovered, 2);

  auto ringing = store->GetCall("ringing");
  ASSERT_TRUE(ringing.has_value());
  EXPECT_EQ(ringing->state, "closed");
  EXPECT_EQ(ringing->disposition, "failed");
  EXPECT_EQ(ringing->hangup_cause, "crash_recovery");
  EXPECT_EQ(ringing->hangup_side, "system");
  // Ended at the last heartbeat (6 s), not at the restart (10 s): the downtime is not counted.
  EXPECT_EQ(ringing->end_time, "2024-05-01T08:00:06.000Z");
  EXPECT_EQ(ringing->ring_ms, 6000);
  EXPECT_EQ(ringing->talk_ms, 0);
  EXPECT_EQ(ringing->total_ms, 6000);

  auto talking = store->GetCall("talking");
  ASSERT_TRUE(talking.has_value());
  EXPECT_EQ(talking->state, "closed");
  EXPECT_EQ(talking->hangup_cause, "crash_recovery");
  EXPECT_EQ(talking->disposition, "answered");  // it had been answered before the crash
  EXPECT_EQ(talking->ring_ms, 2000);
  EXPECT_EQ(talking->talk_ms, 3000);  // answered at 3 s, last alive at 6 s
  auto recordings = store->ListRecordings("talking");
  ASSERT_EQ(recordings.size(), 1u);
  EXPECT_EQ(recordings[0].state, "interrupted");
  EXPECT_EQ(recordings[0].recovery, "");  // no repairer given: the file was not looked at

  auto done = store->GetCall("done");  // closed before the crash: untouched
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->disposition, "busy");
  EXPECT_EQ(done->hangup_cause, "486");

  auto again = store->RecoverUnfinished(At(20000));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

// The size of a 16-bit stereo 8 kHz WAV body gives its duration; a real file on disk stands
// for the recording (media/wav_repair.h does the header repair; its tests use libsndfile).
RecoveredFile InspectRecording(const std::string& path) {
  RecoveredFile file;
  std::error_code ec;
  file.exists = std::filesystem::exists(path, ec);
  if (!file.exists) return file;
  auto size = std::filesystem::file_size(path, ec);
  file.readable = !ec && size >= 44;
  if (!file.readable) return file;
  file.size_bytes = static_cast<int64_t>(size);
  file.duration_ms = static_cast<int64_t>(size - 44) / 4 * 1000 / 8000;
  return file;
}

TEST_F(CdrStoreTest, RecoveryEndsCallsAtTheirLastActivityAndMarksRecordings) {
  const std::string kept = (dir_ / "kept.wav").string();
  const std::string gone = (dir_ / "gone.wav").string();
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->OpenCall(Start("recorded", 0)).ok());
    ASSERT_TRUE(store->MarkAnswered("recorded", At(1000), "1002").ok());
    ASSERT_TRUE(store->AddRecording("recorded", kept, At(1000)).ok());
    ASSERT_TRUE(store->OpenCall(Start("lost-file", 0)).ok());
    ASSERT_TRUE(store->MarkAnswered("lost-file", At(2000), "1003").ok());
    ASSERT_TRUE(store->AddRecording("lost-file", gone, At(2000)).ok());
    ASSERT_TRUE(store->OpenCall(Start("late", 7500)).ok());  // after the last heartbeat
    ASSERT_TRUE(store->Heartbeat(At(5000)).ok());
    ASSERT_TRUE(store->Heartbeat(At(7000)).ok());  // the newest heartbeat wins
  }
  // 9 s of stereo audio reached the disk for "recorded": 2 s past the last heartbeat.
  std::vector<char> body(44 + 9 * 8000 * 4, 0);
  {
    std::FILE* out = std::fopen(kept.c_str(), "wb");
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(std::fwrite(body.data(), 1, body.size(), out), body.size());
    std::fclose(out);
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto recovered = store->RecoverUnfinished(At(60000), InspectRecording);  // restart after 60 s
  ASSERT_TRUE(recovered.ok()) << recovered.error().message;
  EXPECT_EQ(*recovered, 3);

  auto recorded = store->GetCall("recorded");
  ASSERT_TRUE(recorded.has_value());
  EXPECT_EQ(recorded->hangup_cause, "crash_recovery");
  EXPECT_EQ(recorded->disposition, "answered");
  EXPECT_EQ(recorded->end_ms, EpochMs(At(10000)));  // recording start 1 s + 9 s of audio
  EXPECT_EQ(recorded->talk_ms, 9000);
  auto recordings = store->ListRecordings("recorded");
  ASSERT_EQ(recordings.size(), 1u);
  EXPECT_EQ(recordings[0].state, "interrupted");
  EXPECT_EQ(recordings[0].recovery, "repaired");
  EXPECT_EQ(recordings[0].duration_ms, 9000);
  EXPECT_EQ(recordings[0].size_bytes, static_cast<int64_t>(body.size()));
  EXPECT_EQ(recordings[0].end_ms, EpochMs(At(10000)));

  auto lost = store->GetCall("lost-file");
  ASSERT_TRUE(lost.has_value());
  EXPECT_EQ(lost->talk_ms, 5000);  // answered at 2 s, last heartbeat at 7 s
  auto lost_recordings = store->ListRecordings("lost-file");
  ASSERT_EQ(lost_recordings.size(), 1u);
  EXPECT_EQ(lost_recordings[0].recovery, "missing");
  EXPECT_FALSE(lost_recordings[0].duration_ms.has_value());

  auto late = store->GetCall("late");  // began after the last heartbeat: no time is invented
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->disposition, "failed");
  EXPECT_EQ(late->total_ms, 0);
  EXPECT_EQ(late->end_ms, EpochMs(At(7500)));
}

TEST_F(CdrStoreTest, MigrationsAreIdempotentOnReopen) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->OpenCall(Start("kept", 0)).ok());
  }
  for (int i = 0; i < 3; ++i) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(store->GetCall("kept").has_value());
    auto version = store->db().SchemaVersion();
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, HotlineMigrations().back().version);
    auto count = store->db().Prepare("SELECT COUNT(*) FROM schema_version");
    ASSERT_TRUE(count.ok());
    ASSERT_TRUE(count->Step().ok());
    EXPECT_EQ(count->Int(0), static_cast<int64_t>(HotlineMigrations().size()));
  }
}

TEST_F(CdrStoreTest, OpensInWalModeWithTheIndex) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto mode = store->db().Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(mode->Step().ok());
  EXPECT_EQ(mode->Text(0), "wal");
  auto index = store->db().Prepare(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' "
      "AND name = 'calls_start_ms' AND sql LIKE '%start_ms%'");
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE(index->Step().ok());
  EXPECT_EQ(index->Int(0), 1);
}

TEST_F(CdrStoreTest, NewerSchemaIsRefused) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->db().Exec("INSERT INTO schema_version (version) VALUES (999)").ok());
  }
  auto store = CdrStore::Open(DbPath());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("999"), std::string::npos) << store.error().message;
}

TEST_F(CdrStoreTest, UnopenablePathIsAnError) {
  auto store = CdrStore::Open((dir_ / "missing-dir" / "x.db").string());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("missing-dir"), std::string::npos);
}

TEST_F(CdrStoreTest, GarbageStringsAreStoredVerbatim) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::string big(10 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = "'\";-\\%_"[i % 7];
  const std::string nasty[] = {
      "'; DROP TABLE calls; --",
      "\"quoted\" and 'single' and `back`",
      "Robert'); DELETE FROM recordings WHERE ('1'='1",
      "中文 émoji 🎧 \xe2\x80\xae rtl \t tab \n newline",
      "%s %d %n {} {0}",
      "",
      big,
  };
  int i = 0;
  for (const auto& text : nasty) {
    CallStart start = Start("id " + text + std::to_string(i), i);
    start.from_display = text;
    start.sip_call_id = text;
    start.from_number = text;
    ASSERT_TRUE(store->OpenCall(start).ok()) << i;
    ASSERT_TRUE(store->SetDigits(start.call_id, text).ok());
    ASSERT_TRUE(store->AddRecording(start.call_id, "/rec/" + text, At(i)).ok());
    ASSERT_TRUE(store->CloseCall(start.call_id, End(i + 10, text, text, text, 500)).ok());
    auto row = store->GetCall(start.call_id);
    ASSERT_TRUE(row.has_value()) << i;
    EXPECT_EQ(row->id, start.call_id);
    EXPECT_EQ(row->from_display, text);
    EXPECT_EQ(row->sip_call_id, text);
    EXPECT_EQ(row->from_number, text);
    EXPECT_EQ(row->dtmf_digits, text);
    EXPECT_EQ(row->disposition, text);
    EXPECT_EQ(row->hangup_cause, text);
    EXPECT_EQ(row->hangup_side, text);
    auto recordings = store->ListRecordings(start.call_id);
    ASSERT_EQ(recordings.size(), 1u);
    EXPECT_EQ(recordings[0].path, "/rec/" + text);
    ++i;
  }
  EXPECT_EQ(store->ListCalls(100).size(), std::size(nasty));
}

TEST_F(CdrStoreTest, SqliteDbTransactionsRollBackUnlessCommitted) {
  auto db = SqliteDb::Open(DbPath());
  ASSERT_TRUE(db.ok()) << db.error().message;
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v TEXT)").ok());
  {
    Transaction transaction(**db);
    ASSERT_TRUE(transaction.Begin().ok());
    EXPECT_TRUE((*db)->InTransaction());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES ('dropped')").ok());
  }  // no commit: rolled back
  EXPECT_FALSE((*db)->InTransaction());
  {
    Transaction transaction(**db);
    ASSERT_TRUE(transaction.Begin().ok());
    auto insert = (*db)->Prepare("INSERT INTO t VALUES (?1)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert->Bind(1, std::string("kept")).Run().ok());
    ASSERT_TRUE(transaction.Commit().ok());
  }
  auto query = (*db)->Prepare("SELECT v FROM t");
  ASSERT_TRUE(query.ok());
  auto row = query->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(query->Text(0), "kept");
  row = query->Step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);

  EXPECT_FALSE((*db)->Exec("THIS IS NOT SQL").ok());
  EXPECT_FALSE((*db)->Prepare("SELECT * FROM no_such_table").ok());
  auto bad_bind = (*db)->Prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(bad_bind.ok());
  EXPECT_FALSE(bad_bind->Bind(5, std::string("out of range")).Run().ok());
}

}  // namespace
}  // namespace hotline::store
