#include "ivr/calendar.h"

#include <gtest/gtest.h>

namespace hotline::ivr {
namespace {

using namespace std::chrono;

LocalTime At(int y, unsigned m, unsigned d, int hour, int minute, int second = 0) {
  sys_days day{year{y} / month{m} / std::chrono::day{d}};
  return ToLocalTime(WallTime(day + hours{hour} + minutes{minute} + seconds{second}), minutes{0});
}

Calendar Office() {
  Calendar calendar;
  for (unsigned d = 1; d <= 5; ++d) calendar.AddRange(d, *ParseTimeRange("09:00-18:00"));
  calendar.AddRange(6, *ParseTimeRange("09:00-12:00"));
  calendar.AddHolidays(*ParseDate("2025-10-01"), *ParseDate("2025-10-07"));
  calendar.AddHolidays(*ParseDate("2025-01-01"), *ParseDate("2025-01-01"));
  return calendar;
}

TEST(CalendarTest, ParsesTimeRanges) {
  auto range = ParseTimeRange("09:00-18:30");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->start_minute, 540);
  EXPECT_EQ(range->end_minute, 1110);
  EXPECT_TRUE(ParseTimeRange("00:00-24:00").ok());
  EXPECT_FALSE(ParseTimeRange("18:00-09:00").ok());
  EXPECT_FALSE(ParseTimeRange("09:00-09:00").ok());
  EXPECT_FALSE(ParseTimeRange("25:00-26:00").ok());
  EXPECT_FALSE(ParseTimeRange("09:60-10:00").ok());
  EXPECT_FALSE(ParseTimeRange("24:00-24:00").ok());
  EXPECT_FALSE(ParseTimeRange("9:00-18:00").ok());
  EXPECT_FALSE(ParseTimeRange("09:00").ok());
}

TEST(CalendarTest, ParsesWeekdays) {
  auto days = ParseWeekdays("mon-fri");
  ASSERT_TRUE(days.ok());
  EXPECT_FALSE((*days)[0]);
  EXPECT_TRUE((*days)[1]);
  EXPECT_TRUE((*days)[5]);
  EXPECT_FALSE((*days)[6]);
  auto weekend = ParseWeekdays("sat, sun");
  ASSERT_TRUE(weekend.ok());
  EXPECT_TRUE((*weekend)[0] && (*weekend)[6] && !(*weekend)[3]);
  auto wrap = ParseWeekdays("fri-mon");
  ASSERT_TRUE(wrap.ok());
  EXPECT_TRUE((*wrap)[5] && (*wrap)[6] && (*wrap)[0] && (*wrap)[1] && !(*wrap)[2]);
  EXPECT_FALSE(ParseWeekdays("monday").ok());
  EXPECT_FALSE(ParseWeekdays("").ok());
}

TEST(CalendarTest, ParsesDatesAndOffsets) {
  EXPECT_TRUE(ParseDate("2024-02-29").ok());
  EXPECT_FALSE(ParseDate("2025-02-29").ok());
  EXPECT_FALSE(ParseDate("2025-13-01").ok());
  EXPECT_FALSE(ParseDate("20250101").ok());
  EXPECT_EQ(*ParseUtcOffset("+08:00"), minutes{480});
  EXPECT_EQ(*ParseUtcOffset("-05:30"), minutes{-330});
  EXPECT_EQ(*ParseUtcOffset("Z"), minutes{0});
  EXPECT_FALSE(ParseUtcOffset("08:00").ok());
  EXPECT_FALSE(ParseUtcOffset("+15:00").ok());
}

TEST(CalendarTest, LocalTimeAppliesTheOffset) {
  // 2025-03-07 (Friday) 20:30 UTC is Saturday 04:30 in Beijing.
  sys_days day{year{2025} / March / 7};
  LocalTime local = ToLocalTime(WallTime(day + hours{20} + minutes{30}), minutes{480});
  EXPECT_EQ(local.date, year{2025} / March / 8);
  EXPECT_EQ(local.weekday, Saturday);
  EXPECT_EQ(local.second_of_day, 4 * 3600 + 30 * 60);
  EXPECT_EQ(WeekdayName(local.weekday), "sat");
}

TEST(CalendarTest, WeekdayBoundaries) {
  Calendar office = Office();
  // 2025-03-10 is a Monday.
  EXPECT_FALSE(office.IsOpen(At(2025, 3, 10, 8, 59, 59)));
  EXPECT_TRUE(office.IsOpen(At(2025, 3, 10, 9, 0)));
  EXPECT_TRUE(office.IsOpen(At(2025, 3, 10, 17, 59, 59)));
  EXPECT_FALSE(office.IsOpen(At(2025, 3, 10, 18, 0)));
  EXPECT_TRUE(office.IsOpen(At(2025, 3, 14, 12, 0)));  // Friday
}

TEST(CalendarTest, SaturdayMorningOnlyAndSundayClosed) {
  Calendar office = Office();
  EXPECT_TRUE(office.IsOpen(At(2025, 3, 15, 9, 0)));
  EXPECT_TRUE(office.IsOpen(At(2025, 3, 15, 11, 59)));
  EXPECT_FALSE(office.IsOpen(At(2025, 3, 15, 12, 0)));
  EXPECT_FALSE(office.IsOpen(At(2025, 3, 16, 10, 0)));
}

TEST(CalendarTest, HolidaysCloseWholeDaysInclusive) {
  Calendar office = Office();
  EXPECT_FALSE(office.IsOpen(At(2025, 1, 1, 10, 0)));  // Wednesday, New Year
  EXPECT_TRUE(office.IsOpen(At(2025, 1, 2, 10, 0)));
  EXPECT_TRUE(office.IsOpen(At(2025, 9, 30, 17, 0)));
  EXPECT_FALSE(office.IsOpen(At(2025, 10, 1, 10, 0)));
  EXPECT_FALSE(office.IsOpen(At(2025, 10, 7, 10, 0)));
  EXPECT_TRUE(office.IsOpen(At(2025, 10, 8, 10, 0)));
}

}  // namespace
}  // namespace hotline::ivr
