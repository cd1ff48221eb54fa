#include "store/call_queries.h"

#include <utility>

namespace hotline::store {

namespace {

const char* const kCallColumns =
    "id, from_number, from_display, to_number, direction, start_ms, answer_ms, end_ms, talk_ms, "
    "total_ms, disposition, hangup_cause, hangup_side, state, recording_path, ivr_path, queue, "
    "queued_ms, wait_ms, agent, agent_answer_ms, hold_ms, wrapup_ms, abandoned_ms, transfers, "
    "survey_score, wrapup_code, notes, customer_id";

CallRecord ReadCall(const Statement& s) {
  CallRecord c;
  c.id = s.Text(0);
  c.from_number = s.Text(1);
  c.from_display = s.Text(2);
  c.to_number = s.Text(3);
  c.direction = s.Text(4);
  c.start_ms = s.Int(5);
  c.answer_ms = s.OptionalInt(6);
  c.end_ms = s.OptionalInt(7);
  c.talk_ms = s.OptionalInt(8);
  c.total_ms = s.OptionalInt(9);
  c.disposition = s.Text(10);
  c.hangup_cause = s.Text(11);
  c.hangup_side = s.Text(12);
  c.state = s.Text(13);
  c.recording_path = s.Text(14);
  c.ivr_path = s.Text(15);
  c.queue = s.Text(16);
  c.queued_ms = s.OptionalInt(17);
  c.wait_ms = s.OptionalInt(18);
  c.agent = s.Text(19);
  c.agent_answer_ms = s.OptionalInt(20);
  c.hold_ms = s.OptionalInt(21);
  c.wrapup_ms = s.OptionalInt(22);
  c.abandoned_ms = s.OptionalInt(23);
  c.transfers = s.Int(24);
  c.survey_score = s.OptionalInt(25);
  c.wrapup_code = s.Text(26);
  c.notes = s.Text(27);
  c.customer_id = s.OptionalInt(28);
  return c;
}

Result<std::vector<CallRecord>> ReadCalls(Statement& query) {
  std::vector<CallRecord> out;
  while (true) {
    auto row = query.Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(ReadCall(query));
  }
  return out;
}

const char* const kRecordingColumns =
    "r.id, r.call_id, r.path, r.state, r.start_ms, r.duration_ms, r.size_bytes, "
    "COALESCE(c.agent, ''), COALESCE(c.from_number, ''), COALESCE(c.to_number, ''), "
    "COALESCE(c.queue, '')";

RecordingInfo ReadRecording(const Statement& s) {
  RecordingInfo r;
  r.id = s.Int(0);
  r.call_id = s.Text(1);
  r.path = s.Text(2);
  r.state = s.Text(3);
  r.start_ms = s.Int(4);
  r.duration_ms = s.OptionalInt(5);
  r.size_bytes = s.OptionalInt(6);
  r.agent = s.Text(7);
  r.from_number = s.Text(8);
  r.to_number = s.Text(9);
  r.queue = s.Text(10);
  return r;
}

}  // namespace

Result<std::vector<CallRecord>> CallQueries::ListCalls(const CallFilter& filter) {
  // Every filter is a bound parameter; a NULL parameter disables its condition.
  auto query = db_.Prepare(
      std::string("SELECT ") + kCallColumns +
      " FROM calls WHERE (?1 IS NULL OR start_ms >= ?1) AND (?2 IS NULL OR start_ms < ?2)"
      " AND (?3 IS NULL OR start_ms < ?3) AND (?4 IS NULL OR agent = ?4)"
      " AND (?5 IS NULL OR queue = ?5) AND (?6 IS NULL OR disposition = ?6)"
      " AND (?7 IS NULL OR from_number = ?7 OR to_number = ?7)"
      " ORDER BY start_ms DESC, rowid DESC LIMIT ?8");
  if (!query) return query.error();
  auto text = [](const std::string& s) {
    return s.empty() ? std::optional<std::string>() : std::optional<std::string>(s);
  };
  query->Bind(1, filter.from_ms)
      .Bind(2, filter.to_ms)
      .Bind(3, filter.before_ms)
      .Bind(4, text(filter.agent))
      .Bind(5, text(filter.queue))
      .Bind(6, text(filter.disposition))
      .Bind(7, text(filter.number))
      .Bind(8, filter.limit);
  return ReadCalls(*query);
}

Result<std::optional<CallRecord>> CallQueries::GetCall(const std::string& id) {
  auto query = db_.Prepare(std::string("SELECT ") + kCallColumns + " FROM calls WHERE id = ?1");
  if (!query) return query.error();
  query->Bind(1, id);
  auto calls = ReadCalls(*query);
  if (!calls) return calls.error();
  if (calls->empty()) return std::optional<CallRecord>();
  return std::optional<CallRecord>(std::move(calls->front()));
}

Result<std::vector<CallRecord>> CallQueries::CallsOfNumbers(const std::vector<std::string>& numbers,
                                                            int limit) {
  if (numbers.empty()) return std::vector<CallRecord>();
  std::string in;
  for (size_t i = 0; i < numbers.size(); ++i) {
    in += (i == 0 ? "?" : ", ?") + std::to_string(i + 2);
  }
  auto query = db_.Prepare(std::string("SELECT ") + kCallColumns +
                           " FROM calls WHERE from_number IN (" + in + ") OR to_number IN (" + in +
                           ") ORDER BY start_ms DESC, rowid DESC LIMIT ?1");
  if (!query) return query.error();
  query->Bind(1, limit);
  for (size_t i = 0; i < numbers.size(); ++i) query->Bind(static_cast<int>(i + 2), numbers[i]);
  return ReadCalls(*query);
}

Result<bool> CallQueries::SetWrapup(const std::string& id, const std::string& code,
                                    const std::string& notes) {
  auto query = db_.Prepare("UPDATE calls SET wrapup_code = ?2, notes = ?3 WHERE id = ?1");
  if (!query) return query.error();
  if (auto ran = query->Bind(1, id).Bind(2, code).Bind(3, notes).Run(); !ran.ok()) {
    return Error{ran.message()};
  }
  return db_.Changes() > 0;
}

Result<bool> CallQueries::SetCustomer(const std::string& id, std::optional<int64_t> customer_id) {
  auto query = db_.Prepare("UPDATE calls SET customer_id = ?2 WHERE id = ?1");
  if (!query) return query.error();
  if (auto ran = query->Bind(1, id).Bind(2, customer_id).Run(); !ran.ok()) {
    return Error{ran.message()};
  }
  return db_.Changes() > 0;
}

Result<std::vector<QueueDayStats>> CallQueries::QueueStats(int64_t since_ms, int64_t within_ms) {
  auto query = db_.Prepare(
      "SELECT queue, COUNT(*), COUNT(agent_answer_ms), COUNT(abandoned_ms),"
      " SUM(CASE WHEN agent_answer_ms IS NOT NULL AND wait_ms <= ?2 THEN 1 ELSE 0 END),"
      " COALESCE(CAST(AVG(CASE WHEN agent_answer_ms IS NOT NULL THEN wait_ms END) AS INTEGER), 0)"
      " FROM calls WHERE queued_ms IS NOT NULL AND queued_ms >= ?1 AND queue IS NOT NULL"
      " GROUP BY queue ORDER BY queue");
  if (!query) return query.error();
  query->Bind(1, since_ms).Bind(2, within_ms);
  std::vector<QueueDayStats> out;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    QueueDayStats stats;
    stats.queue = query->Text(0);
    stats.offered = query->Int(1);
    stats.answered = query->Int(2);
    stats.abandoned = query->Int(3);
    stats.answered_within = query->Int(4);
    stats.average_speed_of_answer_ms = query->Int(5);
    out.push_back(std::move(stats));
  }
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> CallQueries::DispositionCounts(
    int64_t since_ms) {
  auto query = db_.Prepare(
      "SELECT CASE WHEN state = 'open' THEN 'open' ELSE COALESCE(disposition, 'unknown') END AS d,"
      " COUNT(*) FROM calls WHERE start_ms >= ?1 GROUP BY d ORDER BY d");
  if (!query) return query.error();
  query->Bind(1, since_ms);
  std::vector<std::pair<std::string, int64_t>> out;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back(query->Text(0), query->Int(1));
  }
  return out;
}

Result<std::vector<RecordingInfo>> CallQueries::ListRecordings(const std::string& agent, int limit,
                                                               std::optional<int64_t> before_ms) {
  auto query = db_.Prepare(std::string("SELECT ") + kRecordingColumns +
                           " FROM recordings r LEFT JOIN calls c ON c.id = r.call_id"
                           " WHERE (?1 IS NULL OR c.agent = ?1) AND (?3 IS NULL OR r.start_ms < ?3)"
                           " ORDER BY r.start_ms DESC, r.id DESC LIMIT ?2");
  if (!query) return query.error();
  query->Bind(1, agent.empty() ? std::optional<std::string>() : agent)
      .Bind(2, limit)
      .Bind(3, before_ms);
  std::vector<RecordingInfo> out;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(ReadRecording(*query));
  }
  return out;
}

Result<std::optional<RecordingInfo>> CallQueries::GetRecording(int64_t id) {
  auto query =
      db_.Prepare(std::string("SELECT ") + kRecordingColumns +
                  " FROM recordings r LEFT JOIN calls c ON c.id = r.call_id WHERE r.id = ?1");
  if (!query) return query.error();
  query->Bind(1, id);
  auto row = query->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<RecordingInfo>();
  RecordingInfo info = ReadRecording(*query);
  query->Reset();
  return std::optional<RecordingInfo>(std::move(info));
}

}  // namespace hotline::store
