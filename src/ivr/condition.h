// ivr/condition.h: the tests a branch node makes, written in YAML as one mapping:
//   {var: caller, equals: "13800000000"}     {var: dialled, not_equals: "100"}
//   {var: caller, prefix: ["138", "139"]}    {var: customer.level, in: [gold, platinum]}
//   {var: customer.balance, lt: 0}  (also le, gt, ge; false when the value is not a number)
//   {var: customer.vip, exists: true}        {calendar: business_hours}  ({open: false} too)
//   {time: "12:00-13:30"}                    {weekday: "sat,sun"}
//   {all: [...]}  {any: [...]}  {not: {...}}
// Times are the site's local time (Flow::utc_offset). Immutable once parsed.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "ivr/calendar.h"
#include "ivr/context.h"
#include "ivr/node_reader.h"

namespace hotline::ivr {

class Condition {
 public:
  // Reports problems through `reader` (unknown operators, bad ranges, unknown calendars) and
  // returns nullopt for a condition it could not read.
  static std::optional<Condition> Parse(NodeReader& reader, const YAML::Node& yaml, int line);

  bool Evaluate(const Context& ctx) const;

 private:
  enum class Kind { kCompare, kExists, kCalendar, kTime, kWeekday, kAll, kAny, kNot };
  enum class Op { kEquals, kNotEquals, kPrefix, kIn, kLt, kLe, kGt, kGe };

  bool Compare(const std::optional<std::string>& value) const;

  Kind kind_ = Kind::kCompare;
  Op op_ = Op::kEquals;
  std::string variable_;
  std::vector<std::string> values_;
  double number_ = 0;
  bool expected_ = true;  // exists / calendar open
  std::string calendar_;
  TimeRange range_;
  std::array<bool, 7> days_{};
  std::vector<Condition> children_;
};

}  // namespace hotline::ivr
