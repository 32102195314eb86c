#include <gtest/gtest.h>

#include "sagsflow/domain/calendar.hpp"

using namespace sagsflow;
using namespace std::chrono;

namespace {
Date d(int y, unsigned m, unsigned day) { return Date{year{y} / month{m} / std::chrono::day{day}}; }
}  // namespace

TEST(Easter, KnownDates) {
  EXPECT_EQ(easter_sunday(2019), d(2019, 4, 21));
  EXPECT_EQ(easter_sunday(2024), d(2024, 3, 31));
  EXPECT_EQ(easter_sunday(2025), d(2025, 4, 20));
  EXPECT_EQ(easter_sunday(2026), d(2026, 4, 5));
  EXPECT_EQ(easter_sunday(2027), d(2027, 3, 28));
  EXPECT_EQ(easter_sunday(2038), d(2038, 4, 25));
}

TEST(DanishHolidays, EasterBasedHolidaysAreComputed) {
  const DanishCalendar cal;
  EXPECT_EQ(cal.holiday_name(d(2026, 4, 2)), "Skærtorsdag");
  EXPECT_EQ(cal.holiday_name(d(2026, 4, 3)), "Langfredag");
  EXPECT_EQ(cal.holiday_name(d(2026, 4, 5)), "Påskedag");
  EXPECT_EQ(cal.holiday_name(d(2026, 4, 6)), "2. påskedag");
  EXPECT_EQ(cal.holiday_name(d(2026, 5, 14)), "Kristi himmelfartsdag");
  EXPECT_EQ(cal.holiday_name(d(2026, 5, 24)), "Pinsedag");
  EXPECT_EQ(cal.holiday_name(d(2026, 5, 25)), "2. pinsedag");
  EXPECT_EQ(cal.holiday_name(d(2026, 1, 1)), "Nytårsdag");
  EXPECT_EQ(cal.holiday_name(d(2026, 12, 25)), "Juledag");
  EXPECT_EQ(cal.holiday_name(d(2026, 12, 26)), "2. juledag");
  EXPECT_FALSE(cal.holiday_name(d(2026, 4, 7)));
}

TEST(DanishHolidays, StoreBededagIsNoHolidayFrom2024) {
  const DanishCalendar cal;
  EXPECT_EQ(cal.holiday_name(d(2023, 5, 5)), "Store bededag");
  EXPECT_FALSE(cal.is_working_day(d(2023, 5, 5)));
  // The fourth Friday after Easter 2024 (26 April) is an ordinary working day.
  EXPECT_FALSE(cal.holiday_name(d(2024, 4, 26)));
  EXPECT_TRUE(cal.is_working_day(d(2024, 4, 26)));
}

TEST(DanishHolidays, CustomaryClosingDaysAreOptional) {
  const DanishCalendar plain;
  EXPECT_TRUE(plain.is_working_day(d(2026, 12, 24)));
  EXPECT_TRUE(plain.is_working_day(d(2026, 6, 5)));
  const DanishCalendar customary(CalendarOptions{true, {}});
  EXPECT_FALSE(customary.is_working_day(d(2026, 12, 24)));
  EXPECT_FALSE(customary.is_working_day(d(2026, 12, 31)));
  EXPECT_FALSE(customary.is_working_day(d(2026, 6, 5)));
  const DanishCalendar own(CalendarOptions{false, {d(2026, 11, 24)}});
  EXPECT_FALSE(own.is_working_day(d(2026, 11, 24)));
}

TEST(WorkingDays, WeekendsDoNotCount) {
  const DanishCalendar cal;
  EXPECT_EQ(cal.add_working_days(d(2026, 11, 20), 1), d(2026, 11, 23));  // Fri -> Mon
  EXPECT_EQ(cal.add_working_days(d(2026, 11, 23), 5), d(2026, 11, 30));
  EXPECT_EQ(cal.add_working_days(d(2026, 11, 23), 0), d(2026, 11, 23));
}

TEST(WorkingDays, AcrossEaster) {
  const DanishCalendar cal;
  // Wednesday before Easter 2026: Thursday to Monday are closed.
  EXPECT_EQ(cal.add_working_days(d(2026, 4, 1), 1), d(2026, 4, 7));
  EXPECT_EQ(cal.add_working_days(d(2026, 4, 1), 3), d(2026, 4, 9));
  EXPECT_EQ(cal.working_days_in(d(2026, 3, 30), d(2026, 4, 13)), 7);  // 30, 31 Mar; 1, 7, 8, 9, 10 Apr
}

TEST(WorkingDays, AcrossChristmasAndNewYear) {
  const DanishCalendar cal;
  // Access to files: 7 working days from Friday 18 December 2026.
  EXPECT_EQ(cal.add_working_days(d(2026, 12, 18), 7), d(2026, 12, 30));
  EXPECT_EQ(cal.add_working_days(d(2026, 12, 30), 2), d(2027, 1, 4));  // 31 Dec, then 1 Jan is closed
  const DanishCalendar customary(CalendarOptions{true, {}});
  EXPECT_EQ(customary.add_working_days(d(2026, 12, 18), 7), d(2027, 1, 4));
}

TEST(Dates, FormatAndParseRoundTrip) {
  EXPECT_EQ(format_date(d(2026, 3, 5)), "2026-03-05");
  EXPECT_EQ(*parse_date("2026-03-05"), d(2026, 3, 5));
  EXPECT_FALSE(parse_date("2026-02-30").ok());
  EXPECT_FALSE(parse_date("5/3/2026").ok());
  EXPECT_FALSE(parse_date("2026-03-05x").ok());
}
