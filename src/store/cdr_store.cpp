#include "store/cdr_store.h"

#include <algorithm>
#include <ctime>

#include "common/log.h"

namespace hotline::store {

namespace {

const char* const kCallColumns =
    "id, sip_call_id, from_number, from_display, to_number, direction, source_ip, "
    "answered_by, start_time, answer_time, end_time, start_ms, answer_ms, end_ms, ring_ms, "
    "talk_ms, total_ms, disposition, hangup_cause, hangup_side, sip_status, state, "
    "recording_path, dtmf_digits, ivr_path, queue, queued_ms, wait_ms, agent, agent_answer_ms, "
    "ring_agent_ms, hold_ms, wrapup_ms, abandoned_ms, transfers, survey_score";

CdrRow ReadCall(const Statement& s) {
  CdrRow row;
  row.id = s.Text(0);
  row.sip_call_id = s.Text(1);
  row.from_number = s.Text(2);
  row.from_display = s.Text(3);
  row.to_number = s.Text(4);
  row.direction = s.Text(5);
  row.source_ip = s.Text(6);
  row.answered_by = s.Text(7);
  row.start_time = s.Text(8);
  row.answer_time = s.OptionalText(9);
  row.end_time = s.OptionalText(10);
  row.start_ms = s.Int(11);
  row.answer_ms = s.OptionalInt(12);
  row.end_ms = s.OptionalInt(13);
  row.ring_ms = s.OptionalInt(14);
  row.talk_ms = s.OptionalInt(15);
  row.total_ms = s.OptionalInt(16);
  row.disposition = s.Text(17);
  row.hangup_cause = s.Text(18);
  row.hangup_side = s.Text(19);
  row.sip_status = s.OptionalInt(20);
  row.state = s.Text(21);
  row.recording_path = s.Text(22);
  row.dtmf_digits = s.Text(23);
  row.ivr_path = s.Text(24);
  row.queue = s.Text(25);
  row.queued_ms = s.OptionalInt(26);
  row.wait_ms = s.OptionalInt(27);
  row.agent = s.Text(28);
  row.agent_answer_ms = s.OptionalInt(29);
  row.ring_agent_ms = s.OptionalInt(30);
  row.hold_ms = s.OptionalInt(31);
  row.wrapup_ms = s.OptionalInt(32);
  row.abandoned_ms = s.OptionalInt(33);
  row.transfers = s.Int(34);
  row.survey_score = s.OptionalInt(35);
  return row;
}

// Error unless the last statement changed a row; `what` says which row was expected.
Status ExpectChange(SqliteDb& db, const std::string& what) {
  if (db.Changes() > 0) return Status::Ok();
  return Error{"no " + what};
}

}  // namespace

std::string FormatIsoUtc(WallTime time) {
  int64_t ms = EpochMs(time);
  int64_t seconds = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {  // before 1970: floor, not truncate
    millis += 1000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[40];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis));
  return text;
}

int64_t EpochMs(WallTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

Result<std::unique_ptr<CdrStore>> CdrStore::Open(const std::string& path) {
  auto db = SqliteDb::Open(path);
  if (!db) return db.error();
  if (auto migrated = (*db)->Migrate(HotlineMigrations()); !migrated.ok()) {
    return Error{migrated.message()};
  }
  std::unique_ptr<CdrStore> store(new CdrStore(std::move(db).value()));
  if (auto prepared = store->Prepare(); !prepared.ok()) {
    return Error{path + ": " + prepared.message()};
  }
  return store;
}

CdrStore::~CdrStore() = default;

Status CdrStore::Prepare() {
  struct {
    Statement* statement;
    const char* sql;
  } const statements[] = {
      {&insert_call_,
       "INSERT INTO calls (id, sip_call_id, from_number, from_display, to_number, direction, "
       "source_ip, start_time, start_ms, state) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open')"},
      {&answer_call_,
       "UPDATE calls SET answer_time = ?2, answer_ms = ?3, answered_by = ?4 "
       "WHERE id = ?1 AND state = 'open' AND answer_ms IS NULL"},
      {&set_digits_, "UPDATE calls SET dtmf_digits = ?2 WHERE id = ?1"},
      {&insert_recording_,
       "INSERT INTO recordings (call_id, path, start_time, start_ms, state) "
       "VALUES (?1, ?2, ?3, ?4, 'recording')"},
      {&set_recording_path_, "UPDATE calls SET recording_path = ?2 WHERE id = ?1"},
      {&complete_recording_,
       "UPDATE recordings SET end_time = ?2, end_ms = ?3, duration_ms = ?4, size_bytes = ?5, "
       "state = 'complete' WHERE path = ?1 AND state = 'recording'"},
      // Durations from the stored start/answer times; never negative even if the wall clock
      // stepped back during the call.
      {&close_call_,
       "UPDATE calls SET end_time = ?2, end_ms = ?3, "
       "  total_ms = MAX(0, ?3 - start_ms), "
       "  ring_ms = MAX(0, COALESCE(answer_ms, ?3) - start_ms), "
       "  talk_ms = CASE WHEN answer_ms IS NULL THEN 0 ELSE MAX(0, ?3 - answer_ms) END, "
       "  disposition = ?4, hangup_cause = ?5, hangup_side = ?6, sip_status = ?7, "
       "  state = 'closed' "
       "WHERE id = ?1 AND state = 'open'"},
      {&set_ivr_path_, "UPDATE calls SET ivr_path = ?2 WHERE id = ?1"},
      {&set_queued_,
       "UPDATE calls SET queue = ?2, queued_ms = COALESCE(queued_ms, ?3) WHERE id = ?1"},
      {&set_agent_answer_,
       "UPDATE calls SET agent = ?2, agent_answer_ms = ?4, ring_agent_ms = MAX(0, ?4 - ?3), "
       "  wait_ms = CASE WHEN queued_ms IS NULL THEN NULL ELSE MAX(0, ?4 - queued_ms) END "
       "WHERE id = ?1 AND agent_answer_ms IS NULL AND abandoned_ms IS NULL"},
      {&set_abandoned_,
       "UPDATE calls SET abandoned_ms = MAX(0, ?2 - queued_ms) "
       "WHERE id = ?1 AND queued_ms IS NOT NULL AND agent_answer_ms IS NULL"},
      {&add_hold_, "UPDATE calls SET hold_ms = COALESCE(hold_ms, 0) + ?2 WHERE id = ?1"},
      {&add_transfer_, "UPDATE calls SET transfers = transfers + 1 WHERE id = ?1"},
      {&set_wrapup_, "UPDATE calls SET wrapup_ms = ?2 WHERE id = ?1"},
      {&set_survey_score_, "UPDATE calls SET survey_score = ?2 WHERE id = ?1"},
      {&heartbeat_,
       "INSERT INTO heartbeat (id, alive_ms) VALUES (1, ?1) "
       "ON CONFLICT (id) DO UPDATE SET alive_ms = excluded.alive_ms"},
  };
  for (const auto& entry : statements) {
    auto prepared = db_->Prepare(entry.sql);
    if (!prepared) return prepared.error();
    *entry.statement = std::move(prepared).value();
  }
  return Status::Ok();
}

Status CdrStore::OpenCall(const CallStart& start) {
  return insert_call_.Bind(1, start.call_id)
      .Bind(2, start.sip_call_id)
      .Bind(3, start.from_number)
      .Bind(4, start.from_display)
      .Bind(5, start.to_number)
      .Bind(6, start.direction)
      .Bind(7, start.source_ip)
      .Bind(8, FormatIsoUtc(start.start_time))
      .Bind(9, EpochMs(start.start_time))
      .Run();
}

Status CdrStore::MarkAnswered(const std::string& call_id, WallTime answer_time,
                              const std::string& answered_by) {
  Status run = answer_call_.Bind(1, call_id)
                   .Bind(2, FormatIsoUtc(answer_time))
                   .Bind(3, EpochMs(answer_time))
                   .Bind(4, answered_by)
                   .Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "open, unanswered call " + call_id);
}

Status CdrStore::SetDigits(const std::string& call_id, const std::string& digits) {
  Status run = set_digits_.Bind(1, call_id).Bind(2, digits).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id);
}

Status CdrStore::AddRecording(const std::string& call_id, const std::string& path,
                              WallTime start_time) {
  Status run = insert_recording_.Bind(1, call_id)
                   .Bind(2, path)
                   .Bind(3, FormatIsoUtc(start_time))
                   .Bind(4, EpochMs(start_time))
                   .Run();
  if (!run.ok()) return run;
  return set_recording_path_.Bind(1, call_id).Bind(2, path).Run();
}

Status CdrStore::CompleteRecording(const std::string& path, WallTime end_time, int64_t duration_ms,
                                   int64_t size_bytes) {
  Status run = complete_recording_.Bind(1, path)
                   .Bind(2, FormatIsoUtc(end_time))
                   .Bind(3, EpochMs(end_time))
                   .Bind(4, duration_ms)
                   .Bind(5, size_bytes)
                   .Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "recording in progress at " + path);
}

Status CdrStore::CloseCall(const std::string& call_id, const CallEnd& end) {
  Status run = close_call_.Bind(1, call_id)
                   .Bind(2, FormatIsoUtc(end.end_time))
                   .Bind(3, EpochMs(end.end_time))
                   .Bind(4, end.disposition)
                   .Bind(5, end.hangup_cause)
                   .Bind(6, end.hangup_side)
                   .Bind(7, end.sip_status > 0 ? std::optional<int64_t>(end.sip_status)
                                               : std::optional<int64_t>())
                   .Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "open call " + call_id);
}

Status CdrStore::SetIvrPath(const std::string& call_id, const std::string& ivr_path) {
  Status run = set_ivr_path_.Bind(1, call_id).Bind(2, ivr_path).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id);
}

Status CdrStore::SetQueued(const std::string& call_id, const std::string& queue,
                           WallTime queued_time) {
  Status run = set_queued_.Bind(1, call_id).Bind(2, queue).Bind(3, EpochMs(queued_time)).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id);
}

Status CdrStore::SetAgentAnswer(const std::string& call_id, const std::string& agent,
                                WallTime offered_time, WallTime answer_time) {
  Status run = set_agent_answer_.Bind(1, call_id)
                   .Bind(2, agent)
                   .Bind(3, EpochMs(offered_time))
                   .Bind(4, EpochMs(answer_time))
                   .Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id + " without an agent answer or abandonment");
}

Status CdrStore::SetAbandoned(const std::string& call_id, WallTime hangup_time) {
  Status run = set_abandoned_.Bind(1, call_id).Bind(2, EpochMs(hangup_time)).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "queued, unanswered call " + call_id);
}

Status CdrStore::AddHold(const std::string& call_id, int64_t hold_ms) {
  if (hold_ms < 0) return Error{"negative hold time for call " + call_id};
  Status run = add_hold_.Bind(1, call_id).Bind(2, hold_ms).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id);
}

Status CdrStore::AddTransfer(const std::string& call_id) {
  Status run = add_transfer_.Bind(1, call_id).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id);
}

Status CdrStore::SetWrapup(const std::string& call_id, int64_t wrapup_ms) {
  if (wrapup_ms < 0) return Error{"negative wrap-up time for call " + call_id};
  Status run = set_wrapup_.Bind(1, call_id).Bind(2, wrapup_ms).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id);
}

Status CdrStore::SetSurveyScore(const std::string& call_id, int score) {
  if (score < kMinSurveyScore || score > kMaxSurveyScore) {
    return Error{"survey score " + std::to_string(score) + " out of range for call " + call_id};
  }
  Status run = set_survey_score_.Bind(1, call_id).Bind(2, score).Run();
  if (!run.ok()) return run;
  return ExpectChange(*db_, "call " + call_id);
}

Status CdrStore::Heartbeat(WallTime now) { return heartbeat_.Bind(1, EpochMs(now)).Run(); }

Result<int> CdrStore::RecoverUnfinished(WallTime now, const RecordingRepairer& repair) {
  Transaction transaction(*db_);
  if (auto begun = transaction.Begin(); !begun.ok()) return Error{begun.message()};
  if (auto recordings = RecoverRecordings(now, repair); !recordings.ok()) {
    return Error{recordings.message()};
  }
  int closed = 0;
  if (auto calls = CloseOpenCalls(now, closed); !calls.ok()) return Error{calls.message()};
  if (auto committed = transaction.Commit(); !committed.ok()) {
    return Error{committed.message()};
  }
  return closed;
}

// Recordings first: the audio they hold is evidence of how long their calls lasted.
Status CdrStore::RecoverRecordings(WallTime now, const RecordingRepairer& repair) {
  struct Interrupted {
    int64_t id;
    std::string path;
    int64_t start_ms;
  };
  std::vector<Interrupted> interrupted;
  auto query = db_->Prepare("SELECT id, path, start_ms FROM recordings WHERE state = 'recording'");
  if (!query) return query.error();
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    interrupted.push_back({query->Int(0), query->Text(1), query->Int(2)});
  }
  auto mark = db_->Prepare(
      "UPDATE recordings SET state = 'interrupted', recovery = ?2, duration_ms = ?3, "
      "  size_bytes = ?4, end_ms = ?5, end_time = ?6 WHERE id = ?1");
  if (!mark) return mark.error();
  const int64_t now_ms = EpochMs(now);
  for (const Interrupted& recording : interrupted) {
    std::optional<RecoveredFile> file;
    if (repair) file = repair(recording.path);
    std::optional<int64_t> duration, size, end_ms;
    std::optional<std::string> end_time, recovery;
    if (file) {
      recovery = !file->exists ? "missing" : file->readable ? "repaired" : "unreadable";
      if (file->readable) {
        duration = file->duration_ms;
        size = file->size_bytes;
        end_ms = std::min(now_ms, recording.start_ms + file->duration_ms);
        end_time = FormatIsoUtc(WallTime(std::chrono::milliseconds(*end_ms)));
      }
    }
    Status run = mark->Bind(1, recording.id)
                     .Bind(2, recovery)
                     .Bind(3, duration)
                     .Bind(4, size)
                     .Bind(5, end_ms)
                     .Bind(6, end_time)
                     .Run();
    if (!run.ok()) return run;
  }
  return Status::Ok();
}

// Each open call ends at its last sign of life (see RecoverUnfinished in the header). The last
// heartbeat lags the crash by at most about a second (more if the writer was behind), so the
// estimate errs short, never long; a recording that outlived the last heartbeat moves it on.
Status CdrStore::CloseOpenCalls(WallTime now, int& closed) {
  std::optional<int64_t> heartbeat_ms;
  {
    auto query = db_->Prepare("SELECT alive_ms FROM heartbeat WHERE id = 1");
    if (!query) return query.error();
    auto row = query->Step();
    if (!row) return row.error();
    if (*row) heartbeat_ms = query->Int(0);
  }
  auto query = db_->Prepare(
      "SELECT c.id, c.start_ms, c.answer_ms, "
      "  (SELECT MAX(r.end_ms) FROM recordings r WHERE r.call_id = c.id) "
      "FROM calls c WHERE c.state = 'open'");
  if (!query) return query.error();
  std::vector<std::pair<std::string, int64_t>> ends;
  const int64_t now_ms = EpochMs(now);
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    int64_t last = query->Int(1);
    for (std::optional<int64_t> sign :
         {query->OptionalInt(2), heartbeat_ms, query->OptionalInt(3)}) {
      if (sign) last = std::max(last, *sign);
    }
    ends.emplace_back(query->Text(0), std::min(last, now_ms));
  }
  auto close = db_->Prepare(
      "UPDATE calls SET end_time = ?2, end_ms = ?3, "
      "  total_ms = MAX(0, ?3 - start_ms), "
      "  ring_ms = MAX(0, COALESCE(MIN(answer_ms, ?3), ?3) - start_ms), "
      "  talk_ms = CASE WHEN answer_ms IS NULL THEN 0 ELSE MAX(0, ?3 - answer_ms) END, "
      "  disposition = CASE WHEN answer_ms IS NULL THEN 'failed' ELSE 'answered' END, "
      "  hangup_cause = 'crash_recovery', hangup_side = 'system', "
      "  state = 'closed' "
      "WHERE id = ?1 AND state = 'open'");
  if (!close) return close.error();
  for (const auto& [id, end_ms] : ends) {
    Status run = close->Bind(1, id)
                     .Bind(2, FormatIsoUtc(WallTime(std::chrono::milliseconds(end_ms))))
                     .Bind(3, end_ms)
                     .Run();
    if (!run.ok()) return run;
    closed += static_cast<int>(db_->Changes());
  }
  return Status::Ok();
}

std::optional<CdrRow> CdrStore::GetCall(const std::string& call_id) {
  auto query = db_->Prepare(std::string("SELECT ") + kCallColumns + " FROM calls WHERE id = ?1");
  if (!query) {
    HLOG_ERROR("GetCall: {}", query.error().message);
    return std::nullopt;
  }
  auto row = query->Bind(1, call_id).Step();
  if (!row) {
    HLOG_ERROR("GetCall {}: {}", call_id, row.error().message);
    return std::nullopt;
  }
  if (!*row) return std::nullopt;
  return ReadCall(*query);
}

std::vector<CdrRow> CdrStore::ListCalls(int limit) {
  std::vector<CdrRow> rows;
  auto query = db_->Prepare(std::string("SELECT ") + kCallColumns +
                            " FROM calls ORDER BY start_ms DESC, rowid DESC LIMIT ?1");
  if (!query) {
    HLOG_ERROR("ListCalls: {}", query.error().message);
    return rows;
  }
  query->Bind(1, limit);
  while (true) {
    auto row = query->Step();
    if (!row) {
      HLOG_ERROR("ListCalls: {}", row.error().message);
      break;
    }
    if (!*row) break;
    rows.push_back(ReadCall(*query));
  }
  return rows;
}

std::vector<RecordingRow> CdrStore::ListRecordings(const std::string& call_id) {
  std::vector<RecordingRow> rows;
  auto query = db_->Prepare(
      "SELECT id, call_id, path, start_time, end_time, start_ms, end_ms, duration_ms, "
      "size_bytes, state, COALESCE(recovery, '') FROM recordings WHERE call_id = ?1 "
      "ORDER BY id");
  if (!query) {
    HLOG_ERROR("ListRecordings: {}", query.error().message);
    return rows;
  }
  query->Bind(1, call_id);
  while (true) {
    auto row = query->Step();
    if (!row) {
      HLOG_ERROR("ListRecordings {}: {}", call_id, row.error().message);
      break;
    }
    if (!*row) break;
    RecordingRow r;
    r.id = query->Int(0);
    r.call_id = query->Text(1);
    r.path = query->Text(2);
    r.start_time = query->Text(3);
    r.end_time = query->OptionalText(4);
    r.start_ms = query->Int(5);
    r.end_ms = query->OptionalInt(6);
    r.duration_ms = query->OptionalInt(7);
    r.size_bytes = query->OptionalInt(8);
    r.state = query->Text(9);
    r.recovery = query->Text(10);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace hotline::store
