#include "ivr/calendar.h"

#include <cstdio>

namespace hotline::ivr {

namespace {

const std::array<const char*, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// "HH:MM" -> minutes; 24:00 only if allow_24.
bool ParseClock(std::string_view text, bool allow_24, int& minutes) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  int hours = (text[0] - '0') * 10 + (text[1] - '0');
  int mins = (text[3] - '0') * 10 + (text[4] - '0');
  if (mins > 59) return false;
  if (hours > 23 && !(allow_24 && hours == 24 && mins == 0)) return false;
  minutes = hours * 60 + mins;
  return true;
}

int DayIndex(std::string_view name) {
  for (size_t i = 0; i < kDayNames.size(); ++i) {
    if (name == kDayNames[i]) return static_cast<int>(i);
  }
  return -1;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

LocalTime ToLocalTime(WallTime wall, std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  auto local = floor<seconds>(wall) + utc_offset;
  auto day = floor<days>(local);
  LocalTime out;
  out.date = year_month_day{day};
  out.weekday = weekday{day};
  out.second_of_day = static_cast<int>((local - day).count());
  return out;
}

Result<TimeRange> ParseTimeRange(std::string_view text) {
  std::string_view trimmed = Trim(text);
  size_t dash = trimmed.find('-');
  TimeRange range;
  if (dash == std::string_view::npos ||
      !ParseClock(Trim(trimmed.substr(0, dash)), false, range.start_minute) ||
      !ParseClock(Trim(trimmed.substr(dash + 1)), true, range.end_minute)) {
    return Error{"bad time range \"" + std::string(text) +
                 "\" (want HH:MM-HH:MM, hours 00-23, end may be 24:00)"};
  }
  if (range.start_minute >= range.end_minute) {
    return Error{"bad time range \"" + std::string(text) + "\": the start is not before the end"};
  }
  return range;
}

Result<std::chrono::sys_days> ParseDate(std::string_view text) {
  std::string copy(Trim(text));
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  char tail = 0;
  if (copy.size() != 10 || copy[4] != '-' || copy[7] != '-' ||
      std::sscanf(copy.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &tail) != 3) {
    return Error{"bad date \"" + copy + "\" (want YYYY-MM-DD)"};
  }
  std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                  std::chrono::day{day}};
  if (!ymd.ok()) return Error{"no such date \"" + copy + "\""};
  return std::chrono::sys_days{ymd};
}

Result<std::chrono::minutes> ParseUtcOffset(std::string_view text) {
  std::string_view trimmed = Trim(text);
  if (trimmed == "Z") return std::chrono::minutes{0};
  int minutes = 0;
  if (trimmed.size() != 6 || (trimmed[0] != '+' && trimmed[0] != '-') ||
      !ParseClock(trimmed.substr(1), false, minutes) || minutes > 14 * 60) {
    return Error{"bad UTC offset \"" + std::string(text) + "\" (want +HH:MM or -HH:MM)"};
  }
  return std::chrono::minutes{trimmed[0] == '-' ? -minutes : minutes};
}

Result<std::array<bool, 7>> ParseWeekdays(std::string_view text) {
  std::array<bool, 7> days{};
  std::string_view rest = text;
  bool any = false;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t dash = part.find('-');
    int first = DayIndex(Trim(part.substr(0, dash)));
    int last = dash == std::string_view::npos ? first : DayIndex(Trim(part.substr(dash + 1)));
    if (first < 0 || last < 0) {
      return Error{"bad weekday \"" + std::string(part) + "\" (sun, mon, tue, wed, thu, fri, sat)"};
    }
    // mon-fri; a range through the weekend ("fri-mon") wraps past Saturday.
    for (int d = first;; d = (d + 1) % 7) {
      days[d] = true;
      if (d == last) break;
    }
    any = true;
  }
  if (!any) return Error{"empty weekday list"};
  return days;
}

std::string WeekdayName(std::chrono::weekday day) { return kDayNames[day.c_encoding()]; }

bool Calendar::IsHoliday(std::chrono::sys_days day) const {
  for (const Span& span : holidays_) {
    if (day >= span.first && day <= span.last) return true;
  }
  return false;
}

bool Calendar::IsOpen(const LocalTime& now) const {
  if (IsHoliday(std::chrono::sys_days{now.date})) return false;
  for (const TimeRange& range : weekly_[now.weekday.c_encoding()]) {
    if (range.Contains(now.second_of_day)) return true;
  }
  return false;
}

}  // namespace hotline::ivr
