#include "store/flow_store.h"

#include "store/cdr_store.h"

namespace hotline::store {

namespace {

const char* const kVersionColumns = "name, version, yaml, author, saved_time, saved_ms";

}  // namespace

Result<int> FlowStore::SaveVersion(const std::string& name, const std::string& yaml_text,
                                   const std::string& author, WallTime saved_at) {
  if (name.empty()) return Error{"a flow needs a name"};
  if (yaml_text.empty()) return Error{"flow " + name + ": empty document"};
  // One statement picks the next number and inserts it, so two savers cannot both take it;
  // the primary key would refuse a duplicate anyway.
  auto insert = db_.Prepare(
      "INSERT INTO flow_versions (name, version, yaml, author, saved_time, saved_ms) "
      "SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, ?5 FROM flow_versions "
      "WHERE name = ?1 RETURNING version");
  if (!insert) return insert.error();
  insert->Bind(1, name)
      .Bind(2, yaml_text)
      .Bind(3, author)
      .Bind(4, FormatIsoUtc(saved_at))
      .Bind(5, EpochMs(saved_at));
  auto row = insert->Step();
  if (!row) return Error{"flow " + name + ": " + row.error().message};
  if (!*row) return Error{"flow " + name + ": no version returned"};
  int version = static_cast<int>(insert->Int(0));
  if (auto done = insert->Run(); !done.ok()) return Error{"flow " + name + ": " + done.message()};
  return version;
}

Result<std::optional<FlowVersion>> FlowStore::ReadOne(Statement& query) {
  auto row = query.Step();
  if (!row) return row.error();
  if (!*row) return std::optional<FlowVersion>();
  FlowVersion flow;
  flow.name = query.Text(0);
  flow.version = static_cast<int>(query.Int(1));
  flow.yaml = query.Text(2);
  flow.author = query.Text(3);
  flow.saved_time = query.Text(4);
  flow.saved_ms = query.Int(5);
  return std::optional<FlowVersion>(std::move(flow));
}

Result<std::optional<FlowVersion>> FlowStore::Latest(const std::string& name) {
  auto query = db_.Prepare(std::string("SELECT ") + kVersionColumns +
                           " FROM flow_versions WHERE name = ?1 ORDER BY version DESC LIMIT 1");
  if (!query) return query.error();
  query->Bind(1, name);
  return ReadOne(*query);
}

Result<std::optional<FlowVersion>> FlowStore::Get(const std::string& name, int version) {
  auto query = db_.Prepare(std::string("SELECT ") + kVersionColumns +
                           " FROM flow_versions WHERE name = ?1 AND version = ?2");
  if (!query) return query.error();
  query->Bind(1, name).Bind(2, version);
  return ReadOne(*query);
}

Result<std::vector<FlowSummary>> FlowStore::List() {
  auto query = db_.Prepare(
      "SELECT f.name, f.version, f.author, f.saved_time, f.saved_ms FROM flow_versions f "
      "WHERE f.version = (SELECT MAX(version) FROM flow_versions WHERE name = f.name) "
      "ORDER BY f.name");
  if (!query) return query.error();
  std::vector<FlowSummary> flows;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    FlowSummary flow;
    flow.name = query->Text(0);
    flow.latest_version = static_cast<int>(query->Int(1));
    flow.author = query->Text(2);
    flow.saved_time = query->Text(3);
    flow.saved_ms = query->Int(4);
    flows.push_back(std::move(flow));
  }
  return flows;
}

}  // namespace hotline::store
