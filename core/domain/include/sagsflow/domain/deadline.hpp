// Deadlines (frister) and the deadline clock of a case stage.
//
// A DeadlineSpec is an amount in calendar days, weeks or Danish working days,
// optionally rolled forward to a working day when it ends on a closed day.
// A DeadlineClock starts on a date, can be paused while the case waits for the
// citizen (missing documents, consultation of the party) and resumed: on
// resume the due date moves by the time the clock stood still, counted in the
// spec's own unit (the pause day does not count, the resume day does).
// Both are plain values: concurrent reads are safe, a change needs exclusive
// access (a clock belongs to its case's state).
#pragma once

#include <optional>
#include <string>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow {

enum class DeadlineUnit { kCalendarDays, kWeeks, kWorkingDays };

struct DeadlineSpec {
  int amount = 0;
  DeadlineUnit unit = DeadlineUnit::kCalendarDays;
  bool roll_to_working_day = false;
  // The law counts it from the day the inquiry was received, not from the
  // day the case reached the stage (workflow key `from: receipt`): the clock
  // starts on the case's received_on (docs/legal.md#deadlines-counted-from-receipt).
  bool from_receipt = false;

  // The due date of a deadline that starts running on `start`.
  Date due_from(Date start, const DanishCalendar& cal) const;
  // "10 working days", "4 weeks", "30 days (rolled to a working day)".
  std::string describe() const;
  friend bool operator==(const DeadlineSpec&, const DeadlineSpec&) = default;
};

const char* deadline_unit_key(DeadlineUnit unit);  // "days", "weeks", "working_days"
std::optional<DeadlineUnit> deadline_unit_from_key(std::string_view key);

struct DeadlineClock {
  DeadlineSpec spec;
  Date started{};
  Date due{};
  std::optional<Date> paused_since;
  bool breached = false;
  bool warned = false;  // a "deadline near" warning was recorded

  static DeadlineClock start(const DeadlineSpec& spec, Date on, const DanishCalendar& cal);
  bool paused() const { return paused_since.has_value(); }
  // pause: kFailedPrecondition when already paused (the clock is unchanged).
  // resume: kFailedPrecondition when not paused; kInvalidArgument when `on` is
  // before the pause day. On success the due date has moved by the pause and
  // the clock runs again; on failure nothing changed.
  Status pause(Date on);
  Status resume(Date on, const DanishCalendar& cal);
  // Due and not paused and `today` is past the due date.
  bool overdue_on(Date today) const { return !paused() && today > due; }

  friend bool operator==(const DeadlineClock&, const DeadlineClock&) = default;
};

}  // namespace sagsflow
