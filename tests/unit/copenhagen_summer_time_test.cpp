// Copenhagen time comes from the Europe/Copenhagen zone of the system's tzdata:
// the clock jumps at the EU switch instants (last Sunday of March and of
// October, 01:00 UTC), checked one second before and at each instant, and the
// Copenhagen date turns at local midnight on either side of a switch.
#include <gtest/gtest.h>

#include "sagsflow/domain/time.hpp"

using namespace sagsflow;
using namespace std::chrono;

namespace {
Timestamp utc(int y, unsigned m, unsigned d, int h, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}
Date date(int y, unsigned m, unsigned d) { return Date{year{y} / month{m} / day{d}}; }

struct SwitchYear {
  int year;
  unsigned march_day;    // the last Sunday of March
  unsigned october_day;  // the last Sunday of October
};
// 2024: the last Sunday of March is the 31st; 2027: the last Sunday of October is the 31st.
constexpr SwitchYear kYears[] = {{2024, 31, 27}, {2025, 30, 26}, {2026, 29, 25}, {2027, 28, 31}};
}  // namespace

TEST(CopenhagenSummerTime, TheZoneIsReadFromTheSystemTimeZoneDatabase) {
  const Status s = check_copenhagen_time_zone();
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(CopenhagenSummerTime, TheSwitchYearsAreOnSundays) {
  for (const auto& y : kYears) {
    EXPECT_EQ(weekday{date(y.year, 3, y.march_day)}, Sunday) << y.year;
    EXPECT_EQ(weekday{date(y.year, 10, y.october_day)}, Sunday) << y.year;
    EXPECT_GT(y.march_day + 7, 31u) << y.year;    // the last one of the month
    EXPECT_GT(y.october_day + 7, 31u) << y.year;
  }
}

TEST(CopenhagenSummerTime, TheClockJumpsFrom0200To0300AtTheMarchSwitch) {
  for (const auto& y : kYears) {
    SCOPED_TRACE(y.year);
    const Timestamp at = utc(y.year, 3, y.march_day, 1);
    const std::string day = format_date(date(y.year, 3, y.march_day));
    EXPECT_EQ(format_copenhagen_time(at - seconds{1}), day + "T01:59:59+01:00");
    EXPECT_EQ(format_copenhagen_time(at), day + "T03:00:00+02:00");
  }
}

TEST(CopenhagenSummerTime, TheClockFallsBackFrom0300To0200AtTheOctoberSwitch) {
  for (const auto& y : kYears) {
    SCOPED_TRACE(y.year);
    const Timestamp at = utc(y.year, 10, y.october_day, 1);
    const std::string day = format_date(date(y.year, 10, y.october_day));
    EXPECT_EQ(format_copenhagen_time(at - seconds{1}), day + "T02:59:59+02:00");
    EXPECT_EQ(format_copenhagen_time(at), day + "T02:00:00+01:00");
  }
}

TEST(CopenhagenSummerTime, NoSwitchAWeekBeforeTheLastSunday) {
  // The Sunday a week earlier is not a switch: 01:00 UTC is 02:00 in March, 03:00 in October.
  EXPECT_EQ(format_copenhagen_time(utc(2026, 3, 22, 1)), "2026-03-22T02:00:00+01:00");
  EXPECT_EQ(format_copenhagen_time(utc(2026, 10, 18, 1)), "2026-10-18T03:00:00+02:00");
}

TEST(CopenhagenSummerTime, TheDateTurnsAtLocalMidnightOnBothSidesOfTheMarchSwitch) {
  for (const auto& y : kYears) {
    SCOPED_TRACE(y.year);
    const Date sunday = date(y.year, 3, y.march_day);
    // Saturday night is still winter time: midnight is 23:00 UTC.
    const Timestamp saturday_midnight = sys_days{sunday} - hours{1};
    EXPECT_EQ(copenhagen_date(saturday_midnight - seconds{1}), sunday - days{1});
    EXPECT_EQ(copenhagen_date(saturday_midnight), sunday);
    // Around the switch itself the date stays Sunday.
    EXPECT_EQ(copenhagen_date(utc(y.year, 3, y.march_day, 1) - seconds{1}), sunday);
    EXPECT_EQ(copenhagen_date(utc(y.year, 3, y.march_day, 1)), sunday);
    // Sunday night is summer time: midnight is 22:00 UTC.
    const Timestamp sunday_midnight = sys_days{sunday} + hours{22};
    EXPECT_EQ(copenhagen_date(sunday_midnight - seconds{1}), sunday);
    EXPECT_EQ(copenhagen_date(sunday_midnight), sunday + days{1});
  }
}

TEST(CopenhagenSummerTime, TheDateTurnsAtLocalMidnightOnBothSidesOfTheOctoberSwitch) {
  for (const auto& y : kYears) {
    SCOPED_TRACE(y.year);
    const Date sunday = date(y.year, 10, y.october_day);
    // Saturday night is still summer time: midnight is 22:00 UTC.
    const Timestamp saturday_midnight = sys_days{sunday} - hours{2};
    EXPECT_EQ(copenhagen_date(saturday_midnight - seconds{1}), sunday - days{1});
    EXPECT_EQ(copenhagen_date(saturday_midnight), sunday);
    EXPECT_EQ(copenhagen_date(utc(y.year, 10, y.october_day, 1) - seconds{1}), sunday);
    EXPECT_EQ(copenhagen_date(utc(y.year, 10, y.october_day, 1)), sunday);
    // Sunday night is winter time: midnight is 23:00 UTC.
    const Timestamp sunday_midnight = sys_days{sunday} + hours{23};
    EXPECT_EQ(copenhagen_date(sunday_midnight - seconds{1}), sunday);
    EXPECT_EQ(copenhagen_date(sunday_midnight), sunday + days{1});
  }
}

TEST(CopenhagenSummerTime, MidsummerAndMidwinterOffsets) {
  EXPECT_EQ(format_copenhagen_time(utc(2026, 6, 30, 22, 30)), "2026-07-01T00:30:00+02:00");
  EXPECT_EQ(format_copenhagen_time(utc(2026, 12, 31, 23, 0)), "2027-01-01T00:00:00+01:00");
  EXPECT_EQ(copenhagen_date(utc(2026, 12, 31, 23, 0)), date(2027, 1, 1));
}
