#include "store/queue_store.h"

#include <nlohmann/json.hpp>

#include "store/cdr_store.h"  // EpochMs

namespace hotline::store {

namespace {

using nlohmann::json;

const char* const kQueueColumns =
    "name, strategy, skills, ring_timeout_s, wrap_up_s, max_wait_s, max_wait_target, voicemail, "
    "max_length, announce_every_s, offer_callback, match_language, leave_when_empty, "
    "sticky_window_s, sticky_wait_s, overflow";

std::string SkillsText(const std::map<std::string, int>& skills) {
  json out = json::object();
  for (const auto& [skill, level] : skills) out[skill] = level;
  return out.dump();
}

std::string OverflowText(const std::vector<QueueOverflowRule>& rules) {
  json out = json::array();
  for (const auto& rule : rules) {
    json item = {{"after_s", rule.after_s}, {"action", rule.action}};
    if (rule.action == "relax") item["relax_by"] = rule.relax_by;
    if (!rule.target.empty()) item["target"] = rule.target;
    out.push_back(std::move(item));
  }
  return out.dump();
}

// The JSON columns were written by this store; a row edited by hand into something else is
// reported rather than half-read.
Result<QueueSettings> ReadQueue(const Statement& row) {
  QueueSettings queue;
  queue.name = row.Text(0);
  queue.strategy = row.Text(1);
  json skills = json::parse(row.Text(2), nullptr, false);
  json overflow = json::parse(row.Text(15), nullptr, false);
  if (!skills.is_object() || !overflow.is_array()) {
    return Error{"queue " + queue.name + ": skills or overflow column is not the expected JSON"};
  }
  for (const auto& [skill, level] : skills.items()) {
    if (!level.is_number_integer()) return Error{"queue " + queue.name + ": bad skill level"};
    queue.skills[skill] = level.get<int>();
  }
  queue.ring_timeout_s = static_cast<int>(row.Int(3));
  queue.wrap_up_s = static_cast<int>(row.Int(4));
  queue.max_wait_s = static_cast<int>(row.Int(5));
  queue.max_wait_target = row.Text(6);
  queue.voicemail = row.Text(7);
  queue.max_length = static_cast<int>(row.Int(8));
  queue.announce_every_s = static_cast<int>(row.Int(9));
  queue.offer_callback = row.Int(10) != 0;
  queue.match_language = row.Int(11) != 0;
  queue.leave_when_empty = row.Int(12) != 0;
  queue.sticky_window_s = static_cast<int>(row.Int(13));
  queue.sticky_wait_s = static_cast<int>(row.Int(14));
  for (const auto& item : overflow) {
    if (!item.is_object() || !item.contains("after_s") || !item["after_s"].is_number_integer() ||
        !item.contains("action") || !item["action"].is_string()) {
      return Error{"queue " + queue.name + ": bad overflow rule in the database"};
    }
    QueueOverflowRule rule;
    rule.after_s = item["after_s"].get<int>();
    rule.action = item["action"].get<std::string>();
    if (item.contains("relax_by") && item["relax_by"].is_number_integer()) {
      rule.relax_by = item["relax_by"].get<int>();
    }
    if (item.contains("target") && item["target"].is_string()) {
      rule.target = item["target"].get<std::string>();
    }
    queue.overflow.push_back(std::move(rule));
  }
  return queue;
}

}  // namespace

Result<bool> QueueStore::SeedOnce(const std::vector<QueueSettings>& queues,
                                  const std::vector<AgentSettings>& agents, WallTime now) {
  Transaction transaction(db_);
  if (auto begun = transaction.Begin(); !begun.ok()) return Error{begun.message()};
  auto seeded = db_.Prepare("SELECT 1 FROM config_seeds WHERE what = 'acd'");
  if (!seeded) return seeded.error();
  auto row = seeded->Step();
  if (!row) return row.error();
  if (*row) return false;
  seeded->Reset();
  for (const auto& queue : queues) {
    if (auto put = InsertOrReplace(queue, "seed", now); !put.ok()) return Error{put.message()};
  }
  for (const auto& agent : agents) {
    if (auto set = ReplaceSkills(agent.user, agent.skills); !set.ok()) return Error{set.message()};
  }
  auto mark = db_.Prepare("INSERT INTO config_seeds (what, seeded_ms) VALUES ('acd', ?1)");
  if (!mark) return mark.error();
  if (auto marked = mark->Bind(1, EpochMs(now)).Run(); !marked.ok()) return Error{marked.message()};
  if (auto committed = transaction.Commit(); !committed.ok()) return Error{committed.message()};
  return true;
}

Result<std::vector<QueueSettings>> QueueStore::Queues() {
  auto query =
      db_.Prepare(std::string("SELECT ") + kQueueColumns + " FROM queues ORDER BY position, name");
  if (!query) return query.error();
  std::vector<QueueSettings> out;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    auto queue = ReadQueue(*query);
    if (!queue) return queue.error();
    out.push_back(std::move(queue).value());
  }
  return out;
}

Result<std::optional<QueueSettings>> QueueStore::Queue(const std::string& name) {
  auto query = db_.Prepare(std::string("SELECT ") + kQueueColumns + " FROM queues WHERE name = ?1");
  if (!query) return query.error();
  query->Bind(1, name);
  auto row = query->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<QueueSettings>();
  auto queue = ReadQueue(*query);
  if (!queue) return queue.error();
  return std::optional<QueueSettings>(std::move(queue).value());
}

Status QueueStore::PutQueue(const QueueSettings& queue, const std::string& author, WallTime now) {
  return InsertOrReplace(queue, author, now);
}

Status QueueStore::InsertOrReplace(const QueueSettings& queue, const std::string& author,
                                   WallTime now) {
  if (queue.name.empty()) return Error{"a queue needs a name"};
  // A replaced queue keeps its position; a new one goes last.
  auto upsert = db_.Prepare(
      std::string("INSERT INTO queues (") + kQueueColumns +
      ", position, updated_by, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
      "?12, ?13, ?14, ?15, ?16, (SELECT COALESCE(MAX(position), 0) + 1 FROM queues), ?17, ?18) "
      "ON CONFLICT (name) DO UPDATE SET strategy = excluded.strategy, skills = excluded.skills, "
      "ring_timeout_s = excluded.ring_timeout_s, wrap_up_s = excluded.wrap_up_s, "
      "max_wait_s = excluded.max_wait_s, max_wait_target = excluded.max_wait_target, "
      "voicemail = excluded.voicemail, max_length = excluded.max_length, "
      "announce_every_s = excluded.announce_every_s, offer_callback = excluded.offer_callback, "
      "match_language = excluded.match_language, leave_when_empty = excluded.leave_when_empty, "
      "sticky_window_s = excluded.sticky_window_s, sticky_wait_s = excluded.sticky_wait_s, "
      "overflow = excluded.overflow, updated_by = excluded.updated_by, "
      "updated_ms = excluded.updated_ms");
  if (!upsert) return upsert.error();
  upsert->Bind(1, queue.name)
      .Bind(2, queue.strategy)
      .Bind(3, SkillsText(queue.skills))
      .Bind(4, queue.ring_timeout_s)
      .Bind(5, queue.wrap_up_s)
      .Bind(6, queue.max_wait_s)
      .Bind(7, queue.max_wait_target)
      .Bind(8, queue.voicemail)
      .Bind(9, queue.max_length)
      .Bind(10, queue.announce_every_s)
      .Bind(11, queue.offer_callback ? 1 : 0)
      .Bind(12, queue.match_language ? 1 : 0)
      .Bind(13, queue.leave_when_empty ? 1 : 0)
      .Bind(14, queue.sticky_window_s)
      .Bind(15, queue.sticky_wait_s)
      .Bind(16, OverflowText(queue.overflow))
      .Bind(17, author)
      .Bind(18, EpochMs(now));
  if (auto done = upsert->Run(); !done.ok()) {
    return Error{"queue " + queue.name + ": " + done.message()};
  }
  return Status::Ok();
}

Result<bool> QueueStore::DeleteQueue(const std::string& name) {
  auto remove = db_.Prepare("DELETE FROM queues WHERE name = ?1");
  if (!remove) return remove.error();
  if (auto done = remove->Bind(1, name).Run(); !done.ok()) return Error{done.message()};
  return db_.Changes() > 0;
}

Result<std::vector<AgentSettings>> QueueStore::AgentSkills() {
  auto query = db_.Prepare("SELECT agent, skill, level FROM agent_skills ORDER BY agent, skill");
  if (!query) return query.error();
  std::vector<AgentSettings> out;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    std::string agent = query->Text(0);
    if (out.empty() || out.back().user != agent) out.push_back({agent, {}});
    out.back().skills[query->Text(1)] = static_cast<int>(query->Int(2));
  }
  return out;
}

Status QueueStore::SetAgentSkills(const std::string& agent,
                                  const std::map<std::string, int>& skills) {
  Transaction transaction(db_);
  if (auto begun = transaction.Begin(); !begun.ok()) return begun;
  if (auto replaced = ReplaceSkills(agent, skills); !replaced.ok()) return replaced;
  return transaction.Commit();
}

Status QueueStore::ReplaceSkills(const std::string& agent,
                                 const std::map<std::string, int>& skills) {
  if (agent.empty()) return Error{"an agent needs an id"};
  auto clear = db_.Prepare("DELETE FROM agent_skills WHERE agent = ?1");
  if (!clear) return clear.error();
  if (auto done = clear->Bind(1, agent).Run(); !done.ok()) return done;
  auto insert = db_.Prepare("INSERT INTO agent_skills (agent, skill, level) VALUES (?1, ?2, ?3)");
  if (!insert) return insert.error();
  for (const auto& [skill, level] : skills) {
    if (auto done = insert->Bind(1, agent).Bind(2, skill).Bind(3, level).Run(); !done.ok()) {
      return Error{"agent " + agent + " skill " + skill + ": " + done.message()};
    }
  }
  return Status::Ok();
}

}  // namespace hotline::store
