#include "call/flow_catalog.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "ivr/flow_loader.h"

namespace hotline::call {

namespace {

// The `flow:` name of a document that does not validate (so that a broken seed file can still
// be matched with its stored versions); "" if even that cannot be read.
std::string NameInDocument(const std::string& text) {
  try {
    const YAML::Node doc = YAML::Load(text);
    if (doc.IsMap()) {
      const YAML::Node name = doc["flow"];
      if (name && name.IsScalar()) return name.as<std::string>();
    }
  } catch (const YAML::Exception&) {
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return "";
  std::stringstream all;
  all << file.rdbuf();
  return all.str();
}

std::string SourceName(const std::string& name, int version) {
  return name + " v" + std::to_string(version);
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The flow's own `numbers:` list is informative only (the dial plan decides); a disagreement
// is worth a warning because it usually means the wrong flow is attached.
void CheckNumbers(const ivr::Flow& flow, const std::string& number) {
  if (flow.numbers.empty()) return;
  if (std::find(flow.numbers.begin(), flow.numbers.end(), number) != flow.numbers.end()) return;
  HLOG_WARN("IVR flow {} lists numbers [{}], but the dial plan sends {} to it", flow.name,
            Join(flow.numbers), number);
}

}  // namespace

FlowCatalog::FlowCatalog(store::FlowStore& flows, const std::vector<DialPlanEntry>& dial_plan)
    : flows_(flows) {
  for (const auto& entry : dial_plan) {
    if (entry.action == "ivr") entries_.push_back(entry);
  }
}

Status FlowCatalog::Seed(WallTime now) {
  std::string errors;
  auto fail = [&errors](const std::string& message) {
    if (!errors.empty()) errors += "\n";
    errors += message;
  };
  for (const auto& entry : entries_) {
    const std::string& number = entry.number;
    std::string text = entry.flow_yaml.empty() ? ReadFile(entry.target) : entry.flow_yaml;
    if (text.empty()) {
      fail("IVR flow for " + number + ": cannot read " + entry.target);
      continue;
    }
    auto loaded = ivr::LoadFlow(text, entry.target);
    std::string name = loaded ? (*loaded)->name : NameInDocument(text);
    if (name.empty()) {
      fail("IVR flow for " + number + ": " + loaded.error().message);
      continue;
    }
    names_[number] = name;

    auto latest = flows_.Latest(name);
    if (!latest) {
      fail("IVR flow " + name + " for " + number + ": " + latest.error().message);
      continue;
    }
    if (latest->has_value()) {
      // The database wins over the seed: it holds what was published since.
      const store::FlowVersion& stored = **latest;
      if (!loaded) {
        HLOG_WARN(
            "IVR flow {} for {}: the seed {} does not validate and is ignored; the stored "
            "versions are used:\n{}",
            name, number, entry.target, loaded.error().message);
      } else if (stored.yaml == text) {
        HLOG_INFO("IVR flow {} for {}: stored version {} (same as the seed {})", name, number,
                  stored.version, entry.target);
      } else {
        HLOG_INFO(
            "IVR flow {} for {}: stored version {} (by {}, {}) wins over the seed {}, "
            "which differs (publish it with `hotline flow import`)",
            name, number, stored.version, stored.author, stored.saved_time, entry.target);
      }
      continue;
    }
    if (!loaded) {
      fail("IVR flow for " + number + ": " + loaded.error().message);
      continue;
    }
    auto saved = flows_.SaveVersion(name, text, "seed", now);
    if (!saved) {
      fail("IVR flow " + name + " for " + number + ": " + saved.error().message);
      continue;
    }
    HLOG_INFO("IVR flow {} for {}: the seed {} stored as version {}", name, number, entry.target,
              *saved);
  }
  if (!errors.empty()) return Error{errors};
  return Status::Ok();
}

Result<PublishedFlow> FlowCatalog::Publish(const std::string& yaml_text, const std::string& author,
                                           WallTime now, const std::string& source) {
  auto loaded = ivr::LoadFlow(yaml_text, source);
  if (!loaded) return loaded.error();
  PublishedFlow published;
  published.name = (*loaded)->name;
  published.warnings = (*loaded)->warnings;
  auto saved = flows_.SaveVersion(published.name, yaml_text, author, now);
  if (!saved) return saved.error();
  published.version = *saved;
  HLOG_INFO("IVR flow {} version {} stored (by {})", published.name, published.version, author);
  return published;
}

ivr::FlowPtr FlowCatalog::NewestValid(const std::string& name, int* version) {
  auto latest = flows_.Latest(name);
  if (!latest) {
    HLOG_ERROR("IVR flow {}: {}", name, latest.error().message);
    return nullptr;
  }
  if (!latest->has_value()) return nullptr;
  for (int v = (*latest)->version; v >= 1; --v) {
    std::string text;
    if (v == (*latest)->version) {
      text = (*latest)->yaml;
    } else {
      auto row = flows_.Get(name, v);
      if (!row) {
        HLOG_ERROR("IVR flow {} version {}: {}", name, v, row.error().message);
        return nullptr;
      }
      if (!row->has_value()) continue;
      text = (*row)->yaml;
    }
    auto loaded = ivr::LoadFlow(text, SourceName(name, v));
    if (loaded) {
      *version = v;
      return *loaded;
    }
    HLOG_ERROR("IVR flow {} version {} does not validate; trying the version before:\n{}", name, v,
               loaded.error().message);
  }
  return nullptr;
}

std::map<std::string, ivr::FlowPtr> FlowCatalog::LiveFlows() {
  std::map<std::string, ivr::FlowPtr> live;
  std::map<std::string, int> versions;
  std::map<std::string, std::pair<ivr::FlowPtr, int>> by_name;  // parsed once per flow
  for (const auto& entry : entries_) {
    const std::string& number = entry.number;
    auto name = names_.find(number);
    if (name == names_.end()) {
      HLOG_ERROR("IVR flow for {}: unknown (no valid seed document); calls to {} fail", number,
                 number);
      continue;
    }
    auto found = by_name.find(name->second);
    if (found == by_name.end()) {
      int version = 0;
      ivr::FlowPtr flow = NewestValid(name->second, &version);
      found = by_name.emplace(name->second, std::make_pair(flow, version)).first;
    }
    auto [flow, version] = found->second;
    if (!flow) {
      auto previous = live_.find(number);
      if (previous != live_.end()) {
        HLOG_ERROR("IVR flow {} for {}: no valid version found; version {} stays live",
                   name->second, number, live_versions_[number]);
        live[number] = previous->second;
        versions[number] = live_versions_[number];
      } else {
        HLOG_ERROR("IVR flow {} for {}: no valid version stored; calls to {} fail", name->second,
                   number, number);
      }
      continue;
    }
    HLOG_INFO("IVR flow {} version {} is live for {}", name->second, version, number);
    CheckNumbers(*flow, number);
    live[number] = flow;
    versions[number] = version;
  }
  live_ = live;
  live_versions_ = std::move(versions);
  return live;
}

std::string FlowCatalog::FlowNameFor(const std::string& number) const {
  auto it = names_.find(number);
  return it == names_.end() ? std::string() : it->second;
}

}  // namespace hotline::call
