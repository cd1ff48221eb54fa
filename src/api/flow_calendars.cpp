#include "api/flow_calendars.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <sstream>

#include "ivr/calendar.h"

namespace hotline::api {

namespace {

using nlohmann::json;

// Monday first, as people read a week; index into ivr's Sunday-first arrays.
constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<unsigned, 7> kDayIndex = {1, 2, 3, 4, 5, 6, 0};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool BlankOrComment(const std::string& line) {
  size_t first = line.find_first_not_of(" \t\r");
  return first == std::string::npos || line[first] == '#';
}

json ReadOne(const YAML::Node& calendar) {
  json weekly = json::object();
  for (const char* day : kDays) weekly[day] = json::array();
  const YAML::Node week = calendar.IsMap() ? calendar["weekly"] : YAML::Node();
  if (week && week.IsMap()) {
    for (const auto& item : week) {
      auto days = ivr::ParseWeekdays(item.first.IsScalar() ? item.first.Scalar() : "");
      if (!days) continue;
      std::vector<std::string> ranges;
      if (item.second.IsSequence()) {
        for (const auto& r : item.second) {
          if (r.IsScalar()) ranges.push_back(r.Scalar());
        }
      } else if (item.second.IsScalar()) {
        ranges.push_back(item.second.Scalar());
      }
      for (size_t d = 0; d < kDays.size(); ++d) {
        if (!(*days)[kDayIndex[d]]) continue;
        for (const auto& range : ranges) weekly[kDays[d]].push_back(range);
      }
    }
  }
  json holidays = json::array();
  const YAML::Node list = calendar.IsMap() ? calendar["holidays"] : YAML::Node();
  if (list && list.IsSequence()) {
    for (const auto& h : list) {
      if (h.IsScalar()) holidays.push_back(h.Scalar());
    }
  }
  return {{"weekly", weekly}, {"holidays", holidays}};
}

bool ValidCalendarName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// Checks one calendar's JSON; fills `ranges` (per day, mon first) and `holidays`.
void CheckCalendar(const std::string& field, const json& calendar,
                   std::array<std::vector<std::string>, 7>& ranges,
                   std::vector<std::string>& holidays, std::vector<FieldProblem>* problems) {
  if (!calendar.is_object()) {
    problems->push_back({field, field + " must be an object {weekly, holidays}"});
    return;
  }
  for (const auto& [key, value] : calendar.items()) {
    if (key != "weekly" && key != "holidays") {
      problems->push_back({field + "." + key, field + "." + key + " is not a calendar setting"});
    }
  }
  auto weekly = calendar.find("weekly");
  if (weekly != calendar.end() && !weekly->is_null()) {
    if (!weekly->is_object()) {
      problems->push_back(
          {field + ".weekly", "weekly must map days (mon..sun) to lists of ranges"});
    } else {
      for (const auto& [day, list] : weekly->items()) {
        const std::string at = field + ".weekly." + day;
        auto index = std::find(kDays.begin(), kDays.end(), day);
        if (index == kDays.end()) {
          problems->push_back(
              {at, "unknown day \"" + day + "\" (mon, tue, wed, thu, fri, sat, sun)"});
          continue;
        }
        if (!list.is_array()) {
          problems->push_back({at, at + " must be a list of \"HH:MM-HH:MM\" ranges"});
          continue;
        }
        for (size_t i = 0; i < list.size(); ++i) {
          const std::string item = at + "[" + std::to_string(i) + "]";
          auto range = ivr::ParseTimeRange(list[i].is_string() ? list[i].get<std::string>() : "");
          if (!list[i].is_string() || !range) {
            problems->push_back(
                {item, item + ": " + (range ? "must be a string" : range.error().message)});
            continue;
          }
          ranges[static_cast<size_t>(index - kDays.begin())].push_back(list[i].get<std::string>());
        }
      }
    }
  }
  auto list = calendar.find("holidays");
  if (list == calendar.end() || list->is_null()) return;
  if (!list->is_array()) {
    problems->push_back({field + ".holidays", "holidays must be a list of dates"});
    return;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string at = field + ".holidays[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    std::string text = item.is_string() ? item.get<std::string>() : "";
    size_t dots = text.find("..");
    auto first = ivr::ParseDate(text.substr(0, dots));
    auto last = dots == std::string::npos ? first : ivr::ParseDate(text.substr(dots + 2));
    if (!first || !last) {
      problems->push_back(
          {at, "bad holiday \"" + text + "\" (want YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)"});
    } else if (*last < *first) {
      problems->push_back({at, "holiday range \"" + text + "\" ends before it starts"});
    } else {
      holidays.push_back(text);
    }
  }
}

// Days with the same hours, consecutive from Monday, become one key: "mon-fri", "sat,sun".
void EmitWeekly(YAML::Emitter& out, const std::array<std::vector<std::string>, 7>& ranges) {
  out << YAML::Key << "weekly" << YAML::Value << YAML::BeginMap;
  size_t d = 0;
  while (d < kDays.size()) {
    size_t end = d + 1;
    while (end < kDays.size() && ranges[end] == ranges[d]) ++end;
    if (!ranges[d].empty()) {
      std::string key = kDays[d];
      if (end - d == 2) key += std::string(",") + kDays[d + 1];
      if (end - d > 2) key += std::string("-") + kDays[end - 1];
      out << YAML::Key << key << YAML::Value;
      if (ranges[d].size() == 1) {
        out << YAML::DoubleQuoted << ranges[d][0];
      } else {
        out << YAML::Flow << YAML::BeginSeq;
        for (const auto& range : ranges[d]) out << YAML::DoubleQuoted << range;
        out << YAML::EndSeq;
      }
    }
    d = end;
  }
  out << YAML::EndMap;
}

}  // namespace

Result<json> ReadCalendars(const std::string& flow_yaml) {
  YAML::Node doc;
  try {
    doc = YAML::Load(flow_yaml);
  } catch (const YAML::Exception& e) {
    return Error{std::string("the flow is not valid YAML: ") + e.what()};
  }
  if (!doc.IsMap()) return Error{"the flow is not a YAML mapping"};
  json calendars = json::object();
  const YAML::Node all = doc["calendars"];
  if (all && all.IsMap()) {
    for (const auto& item : all) {
      if (item.first.IsScalar()) calendars[item.first.Scalar()] = ReadOne(item.second);
    }
  }
  const YAML::Node offset = doc["utc_offset"];
  return json{{"utc_offset", offset && offset.IsScalar() ? offset.Scalar() : "+00:00"},
              {"calendars", calendars}};
}

std::optional<std::string> ReplaceCalendars(const std::string& flow_yaml, const json& calendars,
                                            std::vector<FieldProblem>* problems) {
  if (!calendars.is_object()) {
    problems->push_back({"calendars", "calendars must map names to calendars"});
    return std::nullopt;
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "calendars" << YAML::Value << YAML::BeginMap;
  const size_t before = problems->size();
  for (const auto& [name, calendar] : calendars.items()) {
    const std::string field = "calendars." + name;
    if (!ValidCalendarName(name)) {
      problems->push_back({field, "a calendar name is letters, digits, '_' and '-'"});
      continue;
    }
    std::array<std::vector<std::string>, 7> ranges;
    std::vector<std::string> holidays;
    CheckCalendar(field, calendar, ranges, holidays, problems);
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    EmitWeekly(out, ranges);
    out << YAML::Key << "holidays" << YAML::Value << YAML::BeginSeq;
    for (const auto& holiday : holidays) out << holiday;
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  if (problems->size() != before) return std::nullopt;
  std::string block = calendars.empty() ? "" : std::string(out.c_str()) + "\n";

  YAML::Node doc;
  try {
    doc = YAML::Load(flow_yaml);
  } catch (const YAML::Exception& e) {
    problems->push_back({"yaml", std::string("the stored flow is not valid YAML: ") + e.what()});
    return std::nullopt;
  }
  if (!doc.IsMap()) {
    problems->push_back({"yaml", "the stored flow is not a YAML mapping"});
    return std::nullopt;
  }
  // Where the top-level keys start: the calendars block runs from its key to the next key
  // (comments and blank lines just before that key stay with it).
  std::vector<std::string> lines = Lines(flow_yaml);
  int calendars_line = -1;
  int next_line = -1;
  int start_line = -1;
  bool block_style = true;
  for (const auto& item : doc) {
    const YAML::Mark mark = item.first.Mark();
    if (mark.is_null() || mark.column != 0) block_style = false;
    if (calendars_line >= 0 && next_line < 0) next_line = mark.line;
    if (item.first.IsScalar() && item.first.Scalar() == "calendars") calendars_line = mark.line;
    if (item.first.IsScalar() && item.first.Scalar() == "start") start_line = mark.line;
  }
  if (!block_style) {  // a flow-style document: re-emit it whole (comments cannot be kept)
    doc.remove("calendars");
    if (!calendars.empty()) doc["calendars"] = YAML::Load(block)["calendars"];
    YAML::Emitter whole;
    whole << doc;
    return std::string(whole.c_str()) + "\n";
  }
  std::string text;
  auto append_lines = [&](int from, int to) {
    for (int i = from; i < to && i < static_cast<int>(lines.size()); ++i) text += lines[i] + "\n";
  };
  if (calendars_line < 0) {  // no calendars yet: before `start:` (or at the end)
    int at = start_line >= 0 ? start_line : static_cast<int>(lines.size());
    append_lines(0, at);
    text += block;
    if (!block.empty()) text += "\n";
    append_lines(at, static_cast<int>(lines.size()));
    return text;
  }
  int end = next_line >= 0 ? next_line : static_cast<int>(lines.size());
  while (end > calendars_line + 1 && BlankOrComment(lines[static_cast<size_t>(end - 1)])) --end;
  append_lines(0, calendars_line);
  text += block;
  append_lines(end, static_cast<int>(lines.size()));
  return text;
}

}  // namespace hotline::api
