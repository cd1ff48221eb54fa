#include "store/agent_event_store.h"

#include <utility>

#include "store/cdr_store.h"

namespace hotline::store {

Result<std::unique_ptr<AgentEventStore>> AgentEventStore::Create(SqliteDb& db) {
  auto insert = db.Prepare(
      "INSERT INTO agent_events (agent, from_state, to_state, reason, at_time, at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return insert.error();
  return std::unique_ptr<AgentEventStore>(new AgentEventStore(db, std::move(insert).value()));
}

Status AgentEventStore::Append(const AgentStateChange& change) {
  if (change.agent.empty()) return Error{"agent event without an agent"};
  if (change.to_state.empty()) return Error{"agent event for " + change.agent + " without a state"};
  return insert_.Bind(1, change.agent)
      .Bind(2, change.from_state)
      .Bind(3, change.to_state)
      .Bind(4, change.reason)
      .Bind(5, FormatIsoUtc(change.at))
      .Bind(6, EpochMs(change.at))
      .Run();
}

Result<std::vector<AgentEvent>> AgentEventStore::ListForAgent(const std::string& agent,
                                                              WallTime since) {
  auto query = db_.Prepare(
      "SELECT id, agent, from_state, to_state, reason, at_time, at_ms FROM agent_events "
      "WHERE agent = ?1 AND at_ms >= ?2 ORDER BY at_ms, id");
  if (!query) return query.error();
  query->Bind(1, agent).Bind(2, EpochMs(since));
  std::vector<AgentEvent> events;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    AgentEvent event;
    event.id = query->Int(0);
    event.agent = query->Text(1);
    event.from_state = query->Text(2);
    event.to_state = query->Text(3);
    event.reason = query->Text(4);
    event.at_time = query->Text(5);
    event.at_ms = query->Int(6);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace hotline::store
