#include "ivr/node_reader.h"

#include <algorithm>
#include <charconv>

#include "common/yaml_describe.h"

namespace hotline::ivr {

namespace {

constexpr size_t kMaxReportedErrors = 20;

std::string Describe(const YAML::Node& node) { return DescribeYamlNode(node); }

std::string Join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::string Diagnostics::Format(int line, const std::string& node_id,
                                const std::string& problem) const {
  std::string where = line > 0 ? source_ + ":" + std::to_string(line) : source_;
  std::string node = node_id.empty() ? "" : "node '" + node_id + "': ";
  return where + ": " + node + problem;
}

void Diagnostics::Error(int line, const std::string& node_id, const std::string& problem) {
  errors_.emplace_back(line, Format(line, node_id, problem));
}

void Diagnostics::Warning(int line, const std::string& node_id, const std::string& problem) {
  warnings_.emplace_back(line, Format(line, node_id, "warning: " + problem));
}

std::string Diagnostics::ErrorText() const {
  auto sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string text;
  for (size_t i = 0; i < sorted.size() && i < kMaxReportedErrors; ++i) {
    text += (i > 0 ? "\n" : "") + sorted[i].second;
  }
  if (sorted.size() > kMaxReportedErrors) {
    text += "\n(" + std::to_string(sorted.size() - kMaxReportedErrors) + " more problems)";
  }
  return text;
}

std::vector<std::string> Diagnostics::Warnings() const {
  auto sorted = warnings_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [line, text] : sorted) out.push_back(text);
  return out;
}

int LineOf(const YAML::Node& node, int fallback) {
  if (!node.IsDefined()) return fallback;
  YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return fallback;
  return mark.line + 1;
}

NodeReader::NodeReader(const YAML::Node& map, std::string node_id, int line,
                       Diagnostics& diagnostics, const Flow& flow)
    : map_(map),
      node_id_(std::move(node_id)),
      line_(line),
      diagnostics_(diagnostics),
      flow_(flow) {}

bool NodeReader::Has(const char* key) {
  known_.insert(key);
  const YAML::Node& map = map_;  // const access never inserts
  return map.IsMap() && map[key].IsDefined();
}

YAML::Node NodeReader::Raw(const char* key) {
  known_.insert(key);
  const YAML::Node& map = map_;
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return map[key];
}

int NodeReader::LineOfKey(const char* key) {
  if (!map_.IsMap()) return line_;
  for (const auto& item : map_) {
    if (item.first.IsScalar() && item.first.Scalar() == key) return LineOf(item.first, line_);
  }
  return line_;
}

void NodeReader::Error(int line, const std::string& problem) {
  diagnostics_.Error(line, node_id_, problem);
}

void NodeReader::Warning(int line, const std::string& problem) {
  diagnostics_.Warning(line, node_id_, problem);
}

std::optional<std::string> NodeReader::Scalar(const YAML::Node& value, const std::string& what,
                                              int line) {
  if (!value.IsScalar()) {
    Error(line, what + " must be a single value, not " + Describe(value));
    return std::nullopt;
  }
  return value.Scalar();
}

std::string NodeReader::String(const char* key, bool required, const std::string& fallback) {
  YAML::Node value = Raw(key);
  if (!value.IsDefined() || value.IsNull()) {
    if (required) Error("missing field '" + std::string(key) + "'");
    return fallback;
  }
  auto text = Scalar(value, std::string("'") + key + "'", LineOf(value, line_));
  if (!text) return fallback;
  if (text->empty() && required) Error(LineOf(value, line_), "'" + std::string(key) + "' is empty");
  return *text;
}

int NodeReader::Int(const char* key, int min, int max, int fallback) {
  YAML::Node value = Raw(key);
  if (!value.IsDefined() || value.IsNull()) return fallback;
  int line = LineOf(value, line_);
  int parsed = 0;
  std::string text = value.IsScalar() ? value.Scalar() : "";
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || parsed < min ||
      parsed > max) {
    Error(line, "'" + std::string(key) + "' must be an integer from " + std::to_string(min) +
                    " to " + std::to_string(max) + ", not " + Describe(value));
    return fallback;
  }
  return parsed;
}

bool NodeReader::Bool(const char* key, bool fallback) {
  YAML::Node value = Raw(key);
  if (!value.IsDefined() || value.IsNull()) return fallback;
  std::string text = value.IsScalar() ? value.Scalar() : "";
  if (text == "true" || text == "yes") return true;
  if (text == "false" || text == "no") return false;
  Error(LineOf(value, line_),
        "'" + std::string(key) + "' must be true or false, not " + Describe(value));
  return fallback;
}

Duration NodeReader::Millis(const char* key, Duration fallback) {
  return Duration{Int(key, 1, 3'600'000, static_cast<int>(fallback.count()))};
}

std::optional<PromptSpec> NodeReader::Prompt(const char* key, bool required) {
  YAML::Node value = Raw(key);
  if (!value.IsDefined() || value.IsNull()) {
    if (required) Error("missing field '" + std::string(key) + "'");
    return std::nullopt;
  }
  return PromptFrom(value, LineOf(value, line_), "'" + std::string(key) + "'");
}

std::optional<PromptSpec> NodeReader::PromptFrom(const YAML::Node& value, int line,
                                                 const std::string& what) {
  auto variant_from = [&](const YAML::Node& node, bool allow_file_map,
                          int at) -> std::optional<PromptVariant> {
    PromptVariant variant;
    YAML::Node content = node;
    if (allow_file_map && node.IsMap()) {
      if (node.size() != 1 || !node["file"].IsDefined()) {
        Error(at, what + ": a prompt version is text or {file: path}");
        return std::nullopt;
      }
      variant.kind = ResolvedPrompt::Kind::kFile;
      content = node["file"];
    }
    auto text = Scalar(content, what, LineOf(content, at));
    if (!text) return std::nullopt;
    if (text->empty()) {
      Error(LineOf(content, at), what + " is empty");
      return std::nullopt;
    }
    auto parsed = Template::Parse(*text);
    if (!parsed) {
      Error(LineOf(content, at), what + ": " + parsed.error().message);
      return std::nullopt;
    }
    variant.content = std::move(*parsed);
    return variant;
  };
  PromptSpec spec;
  if (value.IsScalar()) {
    auto variant = variant_from(value, false, line);
    if (!variant) return std::nullopt;
    spec.SetNeutral(std::move(*variant));
    return spec;
  }
  if (!value.IsMap()) {
    Error(line, what + " must be text or a mapping of languages, not " + Describe(value));
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& item : value) {
    int at = LineOf(item.first, line);
    std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
    if (key == "file") {
      auto variant = variant_from(item.second, false, at);
      if (variant) variant->kind = ResolvedPrompt::Kind::kFile;
      if (variant) spec.SetNeutral(std::move(*variant));
      ok = ok && variant.has_value();
    } else if (flow_.languages.count(key)) {
      auto variant = variant_from(item.second, true, at);
      if (variant) spec.Set(key, std::move(*variant));
      ok = ok && variant.has_value();
    } else {
      Error(at, what + ": unknown language \"" + key +
                    "\" (the flow's languages: " + Join(flow_.languages) + "; or file)");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (spec.empty()) {
    Error(line, what + " is empty");
    return std::nullopt;
  }
  for (const auto& language : flow_.languages) {
    if (!spec.Has(language)) Warning(line, what + " has no " + language + " version");
  }
  return spec;
}

std::string NodeReader::Target(const char* key, bool required) {
  YAML::Node value = Raw(key);
  if (!value.IsDefined() || value.IsNull()) {
    if (required) Error("missing field '" + std::string(key) + "'");
    return "";
  }
  return TargetFrom(value, key, LineOf(value, line_));
}

std::string NodeReader::TargetFrom(const YAML::Node& value, const std::string& label, int line) {
  auto target = Scalar(value, "'" + label + "'", line);
  if (!target) return "";
  if (target->empty()) {
    Error(line, "'" + label + "' names no node");
    return "";
  }
  edges_.push_back({label, *target, line});
  return *target;
}

void NodeReader::ReportUnknownKeys(const std::string& what) {
  if (!map_.IsMap()) return;
  for (const auto& item : map_) {
    std::string key = item.first.IsScalar() ? item.first.Scalar() : "?";
    if (!known_.count(key)) {
      Error(LineOf(item.first, line_),
            "unknown field '" + key + "' in " + what + " (known: " + Join(known_) + ")");
    }
  }
}

}  // namespace hotline::ivr
