// ivr/node_reader.h: reads one YAML mapping of a flow (a node, or the top level) for the flow
// loader and the node factories. Every problem becomes a diagnostic "source:line: node 'id':
// problem" instead of an exception; keys nobody asked for are reported as unknown fields.
// Lives only while a flow loads.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ivr/flow.h"
#include "ivr/prompt.h"

namespace hotline::ivr {

// Errors and warnings of one load, rendered "source:line: node 'id': problem".
class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}
  void Error(int line, const std::string& node_id, const std::string& problem);
  void Warning(int line, const std::string& node_id, const std::string& problem);
  bool has_errors() const { return !errors_.empty(); }
  // All errors, sorted by line, one per line (capped at 20 with a count of the rest).
  std::string ErrorText() const;
  std::vector<std::string> Warnings() const;

 private:
  std::string Format(int line, const std::string& node_id, const std::string& problem) const;
  std::string source_;
  std::vector<std::pair<int, std::string>> errors_;
  std::vector<std::pair<int, std::string>> warnings_;
};

// 1-based line of a YAML node, or `fallback` when it has none.
int LineOf(const YAML::Node& node, int fallback);

class NodeReader {
 public:
  // `map` is the node's mapping; `flow` holds what is already loaded (languages, calendars).
  NodeReader(const YAML::Node& map, std::string node_id, int line, Diagnostics& diagnostics,
             const Flow& flow);

  const std::string& node_id() const { return node_id_; }
  int line() const { return line_; }
  const Flow& flow() const { return flow_; }

  bool Has(const char* key);
  // The raw value (undefined when absent); marks the key as known.
  YAML::Node Raw(const char* key);
  int LineOfKey(const char* key);

  std::string String(const char* key, bool required, const std::string& fallback = "");
  int Int(const char* key, int min, int max, int fallback);
  bool Bool(const char* key, bool fallback);
  // A duration in milliseconds (key usually ends in _ms), 1 ms to 1 hour.
  Duration Millis(const char* key, Duration fallback);
  // A prompt: "text", {file: path}, or per language {zh: text, en: text | {file: path}}.
  std::optional<PromptSpec> Prompt(const char* key, bool required);
  std::optional<PromptSpec> PromptFrom(const YAML::Node& value, int line, const std::string& what);
  // A transition to another node; recorded as an edge labelled `key`. "" when absent.
  std::string Target(const char* key, bool required);
  std::string TargetFrom(const YAML::Node& value, const std::string& label, int line);
  // A value must be a scalar; reports and returns nullopt otherwise.
  std::optional<std::string> Scalar(const YAML::Node& value, const std::string& what, int line);

  void Error(int line, const std::string& problem);
  void Error(const std::string& problem) { Error(line_, problem); }
  void Warning(int line, const std::string& problem);

  // Reports every key of the mapping that was never asked for. `what` names the mapping.
  void ReportUnknownKeys(const std::string& what);
  std::vector<Edge> TakeEdges() { return std::move(edges_); }

 private:
  YAML::Node map_;
  std::string node_id_;
  int line_;
  Diagnostics& diagnostics_;
  const Flow& flow_;
  std::set<std::string> known_;
  std::vector<Edge> edges_;
};

}  // namespace hotline::ivr
