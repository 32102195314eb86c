#include <gtest/gtest.h>

#include "sagsflow/domain/deadline.hpp"

using namespace sagsflow;
using namespace std::chrono;

namespace {
Date d(int y, unsigned m, unsigned day) { return Date{year{y} / month{m} / std::chrono::day{day}}; }
const DanishCalendar kCal;
}  // namespace

TEST(DeadlineSpec, WeeksEndOnTheSameWeekday) {
  const DeadlineSpec four_weeks{4, DeadlineUnit::kWeeks};
  EXPECT_EQ(four_weeks.due_from(d(2026, 11, 23), kCal), d(2026, 12, 21));
  EXPECT_EQ(weekday{four_weeks.due_from(d(2026, 11, 23), kCal)}, Monday);
}

TEST(DeadlineSpec, CalendarDaysAndRollToWorkingDay) {
  const DeadlineSpec days5{5, DeadlineUnit::kCalendarDays};
  EXPECT_EQ(days5.due_from(d(2026, 11, 23), kCal), d(2026, 11, 28));  // a Saturday
  const DeadlineSpec rolled{5, DeadlineUnit::kCalendarDays, true};
  EXPECT_EQ(rolled.due_from(d(2026, 11, 23), kCal), d(2026, 11, 30));
  const DeadlineSpec weeks_rolled{4, DeadlineUnit::kWeeks, true};
  EXPECT_EQ(weeks_rolled.due_from(d(2026, 11, 28), kCal), d(2026, 12, 28));  // Sat 26 Dec -> Mon
}

TEST(DeadlineSpec, WorkingDays) {
  const DeadlineSpec seven{7, DeadlineUnit::kWorkingDays};
  EXPECT_EQ(seven.due_from(d(2026, 12, 18), kCal), d(2026, 12, 30));
  EXPECT_EQ(seven.describe(), "7 working days");
}

TEST(DeadlineClock, PausedClockMovesTheDueDateByTheWorkingDaysItStoodStill) {
  // 5 working days from Monday 30 March 2026, across Easter: due 9 April.
  auto clock = DeadlineClock::start({5, DeadlineUnit::kWorkingDays}, d(2026, 3, 30), kCal);
  EXPECT_EQ(clock.due, d(2026, 4, 9));
  // Waits for the citizen from Wednesday 1 April to Wednesday 8 April:
  // 1 and 7 April are the working days lost, so the due date moves by two.
  ASSERT_TRUE(clock.pause(d(2026, 4, 1)).ok());
  EXPECT_TRUE(clock.paused());
  EXPECT_FALSE(clock.overdue_on(d(2026, 5, 1))) << "a paused clock is never overdue";
  ASSERT_TRUE(clock.resume(d(2026, 4, 8), kCal).ok());
  EXPECT_EQ(clock.due, d(2026, 4, 13));
  EXPECT_FALSE(clock.paused());
}

TEST(DeadlineClock, PausedCalendarClockMovesByCalendarDays) {
  auto clock = DeadlineClock::start({4, DeadlineUnit::kWeeks}, d(2026, 11, 23), kCal);
  ASSERT_TRUE(clock.pause(d(2026, 11, 25)).ok());
  ASSERT_TRUE(clock.resume(d(2026, 12, 2), kCal).ok());
  EXPECT_EQ(clock.due, d(2026, 12, 28));
}

TEST(DeadlineClock, PauseAndResumeTheSameDayChangesNothing) {
  auto clock = DeadlineClock::start({5, DeadlineUnit::kWorkingDays}, d(2026, 11, 23), kCal);
  const Date before = clock.due;
  ASSERT_TRUE(clock.pause(d(2026, 11, 24)).ok());
  ASSERT_TRUE(clock.resume(d(2026, 11, 24), kCal).ok());
  EXPECT_EQ(clock.due, before);
}

TEST(DeadlineClock, RefusesDoublePauseAndResumeWithoutPause) {
  auto clock = DeadlineClock::start({5, DeadlineUnit::kWorkingDays}, d(2026, 11, 23), kCal);
  EXPECT_EQ(clock.resume(d(2026, 11, 24), kCal).code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(clock.pause(d(2026, 11, 24)).ok());
  EXPECT_EQ(clock.pause(d(2026, 11, 25)).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(clock.resume(d(2026, 11, 20), kCal).code(), ErrorCode::kInvalidArgument);
}

TEST(DeadlineClock, OverdueOnlyAfterTheDueDate) {
  auto clock = DeadlineClock::start({1, DeadlineUnit::kWorkingDays}, d(2026, 11, 23), kCal);
  EXPECT_FALSE(clock.overdue_on(d(2026, 11, 24)));
  EXPECT_TRUE(clock.overdue_on(d(2026, 11, 25)));
}
