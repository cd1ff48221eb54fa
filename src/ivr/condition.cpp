#include "ivr/condition.h"

#include <cstdlib>
#include <map>

namespace hotline::ivr {

namespace {

bool ParseNumber(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

std::optional<Condition> Condition::Parse(NodeReader& reader, const YAML::Node& yaml, int line) {
  line = LineOf(yaml, line);
  if (!yaml.IsMap() || yaml.size() == 0) {
    reader.Error(line, "a condition must be a mapping such as {var: caller, equals: \"100\"}");
    return std::nullopt;
  }
  Condition c;
  auto value_of = [&](const char* key) { return yaml[key]; };
  auto only = [&](std::initializer_list<const char*> keys) {
    for (const auto& item : yaml) {
      std::string key = item.first.IsScalar() ? item.first.Scalar() : "?";
      bool allowed = false;
      for (const char* k : keys) allowed = allowed || key == k;
      if (!allowed) {
        reader.Error(LineOf(item.first, line), "unexpected '" + key + "' in this condition");
        return false;
      }
    }
    return true;
  };
  auto children = [&](const YAML::Node& list) {
    if (!list.IsSequence() || list.size() == 0) {
      reader.Error(LineOf(list, line), "'all'/'any' needs a non-empty list of conditions");
      return false;
    }
    for (const auto& item : list) {
      auto child = Parse(reader, item, line);
      if (!child) return false;
      c.children_.push_back(std::move(*child));
    }
    return true;
  };

  if (value_of("all").IsDefined() || value_of("any").IsDefined()) {
    bool all = value_of("all").IsDefined();
    c.kind_ = all ? Kind::kAll : Kind::kAny;
    if (!only({all ? "all" : "any"}) || !children(value_of(all ? "all" : "any"))) {
      return std::nullopt;
    }
    return c;
  }
  if (value_of("not").IsDefined()) {
    c.kind_ = Kind::kNot;
    if (!only({"not"})) return std::nullopt;
    auto child = Parse(reader, value_of("not"), line);
    if (!child) return std::nullopt;
    c.children_.push_back(std::move(*child));
    return c;
  }
  if (value_of("calendar").IsDefined()) {
    c.kind_ = Kind::kCalendar;
    if (!only({"calendar", "open"})) return std::nullopt;
    auto name = reader.Scalar(value_of("calendar"), "'calendar'", line);
    if (!name) return std::nullopt;
    if (!reader.flow().FindCalendar(*name)) {
      reader.Error(LineOf(value_of("calendar"), line), "no calendar named '" + *name + "'");
      return std::nullopt;
    }
    c.calendar_ = *name;
    if (value_of("open").IsDefined()) {
      std::string open = value_of("open").IsScalar() ? value_of("open").Scalar() : "";
      if (open != "true" && open != "false") {
        reader.Error(LineOf(value_of("open"), line), "'open' must be true or false");
        return std::nullopt;
      }
      c.expected_ = open == "true";
    }
    return c;
  }
  if (value_of("time").IsDefined()) {
    c.kind_ = Kind::kTime;
    if (!only({"time"})) return std::nullopt;
    auto text = reader.Scalar(value_of("time"), "'time'", line);
    if (!text) return std::nullopt;
    auto range = ParseTimeRange(*text);
    if (!range) {
      reader.Error(LineOf(value_of("time"), line), range.error().message);
      return std::nullopt;
    }
    c.range_ = *range;
    return c;
  }
  if (value_of("weekday").IsDefined()) {
    c.kind_ = Kind::kWeekday;
    if (!only({"weekday"})) return std::nullopt;
    auto text = reader.Scalar(value_of("weekday"), "'weekday'", line);
    if (!text) return std::nullopt;
    auto days = ParseWeekdays(*text);
    if (!days) {
      reader.Error(LineOf(value_of("weekday"), line), days.error().message);
      return std::nullopt;
    }
    c.days_ = *days;
    return c;
  }
  if (!value_of("var").IsDefined()) {
    reader.Error(line,
                 "a condition needs 'var' (with equals, not_equals, prefix, in, lt, le, gt, ge "
                 "or exists), or one of calendar, time, weekday, all, any, not");
    return std::nullopt;
  }
  auto variable = reader.Scalar(value_of("var"), "'var'", line);
  if (!variable) return std::nullopt;
  c.variable_ = *variable;
  static const std::map<std::string, Op> kOps = {
      {"equals", Op::kEquals}, {"not_equals", Op::kNotEquals},
      {"prefix", Op::kPrefix}, {"in", Op::kIn},
      {"lt", Op::kLt},         {"le", Op::kLe},
      {"gt", Op::kGt},         {"ge", Op::kGe}};
  if (yaml.size() != 2) {
    reader.Error(line,
                 "a 'var' condition needs exactly one operator (equals, not_equals, "
                 "prefix, in, lt, le, gt, ge, exists)");
    return std::nullopt;
  }
  for (const auto& item : yaml) {
    std::string key = item.first.IsScalar() ? item.first.Scalar() : "?";
    if (key == "var") continue;
    int at = LineOf(item.second, line);
    if (key == "exists") {
      c.kind_ = Kind::kExists;
      std::string flag = item.second.IsScalar() ? item.second.Scalar() : "";
      if (flag != "true" && flag != "false") {
        reader.Error(at, "'exists' must be true or false");
        return std::nullopt;
      }
      c.expected_ = flag == "true";
      return c;
    }
    auto op = kOps.find(key);
    if (op == kOps.end()) {
      reader.Error(LineOf(item.first, line), "unknown condition operator '" + key + "'");
      return std::nullopt;
    }
    c.op_ = op->second;
    bool list_ok = c.op_ == Op::kIn || c.op_ == Op::kPrefix;
    if (item.second.IsSequence() && list_ok) {
      for (const auto& v : item.second) {
        auto text = reader.Scalar(v, "'" + key + "' item", at);
        if (!text) return std::nullopt;
        c.values_.push_back(*text);
      }
      if (c.values_.empty()) {
        reader.Error(at, "'" + key + "' needs at least one value");
        return std::nullopt;
      }
    } else {
      auto text = reader.Scalar(item.second, "'" + key + "'", at);
      if (!text) return std::nullopt;
      c.values_.push_back(*text);
    }
    bool numeric = c.op_ == Op::kLt || c.op_ == Op::kLe || c.op_ == Op::kGt || c.op_ == Op::kGe;
    if (numeric && !ParseNumber(c.values_[0], c.number_)) {
      reader.Error(at, "'" + key + "' compares numbers; \"" + c.values_[0] + "\" is not one");
      return std::nullopt;
    }
  }
  return c;
}

bool Condition::Compare(const std::optional<std::string>& value) const {
  if (!value) return op_ == Op::kNotEquals;
  double number = 0;
  switch (op_) {
    case Op::kEquals:
      return *value == values_[0];
    case Op::kNotEquals:
      return *value != values_[0];
    case Op::kPrefix:
      for (const auto& prefix : values_) {
        if (value->rfind(prefix, 0) == 0) return true;
      }
      return false;
    case Op::kIn:
      for (const auto& candidate : values_) {
        if (*value == candidate) return true;
      }
      return false;
    case Op::kLt:
      return ParseNumber(*value, number) && number < number_;
    case Op::kLe:
      return ParseNumber(*value, number) && number <= number_;
    case Op::kGt:
      return ParseNumber(*value, number) && number > number_;
    case Op::kGe:
      return ParseNumber(*value, number) && number >= number_;
  }
  return false;
}

bool Condition::Evaluate(const Context& ctx) const {
  switch (kind_) {
    case Kind::kCompare:
      return Compare(ctx.Get(variable_));
    case Kind::kExists:
      return ctx.Get(variable_).has_value() == expected_;
    case Kind::kCalendar: {
      const Calendar* calendar = ctx.flow().FindCalendar(calendar_);
      return calendar != nullptr && calendar->IsOpen(ctx.LocalNow()) == expected_;
    }
    case Kind::kTime:
      return range_.Contains(ctx.LocalNow().second_of_day);
    case Kind::kWeekday:
      return days_[ctx.LocalNow().weekday.c_encoding()];
    case Kind::kAll:
      for (const auto& child : children_) {
        if (!child.Evaluate(ctx)) return false;
      }
      return true;
    case Kind::kAny:
      for (const auto& child : children_) {
        if (child.Evaluate(ctx)) return true;
      }
      return false;
    case Kind::kNot:
      return !children_[0].Evaluate(ctx);
  }
  return false;
}

}  // namespace hotline::ivr
