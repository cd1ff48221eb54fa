// ivr/calendar.h: local civil time and business-hours calendars for IVR branches. A flow
// states its site's fixed UTC offset (no time-zone database: the result depends only on the
// clock and the flow). A calendar has weekly opening ranges and holidays; it is open when the
// local time falls in one of the day's ranges [start, end) and the date is not a holiday.
// Immutable after loading; shared by all sessions of a flow.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace hotline::ivr {

struct LocalTime {
  std::chrono::year_month_day date;
  std::chrono::weekday weekday;
  int second_of_day = 0;  // 0 .. 86399
};

LocalTime ToLocalTime(WallTime wall, std::chrono::minutes utc_offset);

// "HH:MM-HH:MM", start < end; "24:00" allowed as an end. Half-open in seconds of the day.
struct TimeRange {
  int start_minute = 0;
  int end_minute = 0;
  bool Contains(int second_of_day) const {
    return second_of_day >= start_minute * 60 && second_of_day < end_minute * 60;
  }
};
Result<TimeRange> ParseTimeRange(std::string_view text);

// "YYYY-MM-DD".
Result<std::chrono::sys_days> ParseDate(std::string_view text);

// "+08:00", "-05:30", "Z" or "+00:00".
Result<std::chrono::minutes> ParseUtcOffset(std::string_view text);

// "mon", "sat,sun", "mon-fri" -> a set of weekdays (index 0 = Sunday, as std::chrono).
Result<std::array<bool, 7>> ParseWeekdays(std::string_view text);

// Three-letter English name of a weekday ("mon").
std::string WeekdayName(std::chrono::weekday day);

class Calendar {
 public:
  // `weekly[d]`: opening ranges on weekday d (0 = Sunday).
  void AddRange(unsigned weekday, TimeRange range) { weekly_[weekday].push_back(range); }
  void AddHolidays(std::chrono::sys_days first, std::chrono::sys_days last) {
    holidays_.push_back({first, last});
  }
  bool IsOpen(const LocalTime& now) const;
  bool IsHoliday(std::chrono::sys_days day) const;

 private:
  struct Span {
    std::chrono::sys_days first;
    std::chrono::sys_days last;  // inclusive
  };
  std::array<std::vector<TimeRange>, 7> weekly_;
  std::vector<Span> holidays_;
};

}  // namespace hotline::ivr
