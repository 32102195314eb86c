#include "sagsflow/domain/deadline.hpp"

#include <fmt/format.h>

namespace sagsflow {
using std::chrono::days;

const char* deadline_unit_key(DeadlineUnit unit) {
  switch (unit) {
    case DeadlineUnit::kCalendarDays: return "days";
    case DeadlineUnit::kWeeks: return "weeks";
    case DeadlineUnit::kWorkingDays: return "working_days";
  }
  return "days";
}

std::optional<DeadlineUnit> deadline_unit_from_key(std::string_view key) {
  if (key == "days") return DeadlineUnit::kCalendarDays;
  if (key == "weeks") return DeadlineUnit::kWeeks;
  if (key == "working_days") return DeadlineUnit::kWorkingDays;
  return std::nullopt;
}

Date DeadlineSpec::due_from(Date start, const DanishCalendar& cal) const {
  Date due = start;
  switch (unit) {
    case DeadlineUnit::kCalendarDays: due = start + days{amount}; break;
    case DeadlineUnit::kWeeks: due = start + days{7 * amount}; break;  // same weekday
    case DeadlineUnit::kWorkingDays: due = cal.add_working_days(start, amount); break;
  }
  return roll_to_working_day ? cal.next_working_day_on_or_after(due) : due;
}

std::string DeadlineSpec::describe() const {
  std::string unit_text;
  switch (unit) {
    case DeadlineUnit::kCalendarDays: unit_text = amount == 1 ? "day" : "days"; break;
    case DeadlineUnit::kWeeks: unit_text = amount == 1 ? "week" : "weeks"; break;
    case DeadlineUnit::kWorkingDays: unit_text = amount == 1 ? "working day" : "working days"; break;
  }
  return fmt::format("{} {}{}", amount, unit_text,
                     roll_to_working_day ? " (rolled to a working day)" : "");
}

DeadlineClock DeadlineClock::start(const DeadlineSpec& spec, Date on, const DanishCalendar& cal) {
  DeadlineClock c;
  c.spec = spec;
  c.started = on;
  c.due = spec.due_from(on, cal);
  return c;
}

Status DeadlineClock::pause(Date on) {
  if (paused()) {
    return FailedPrecondition("the deadline clock is already paused since " +
                              format_date(*paused_since));
  }
  paused_since = on;
  return Status::Ok();
}

Status DeadlineClock::resume(Date on, const DanishCalendar& cal) {
  if (!paused()) return FailedPrecondition("the deadline clock is not paused");
  if (on < *paused_since) {
    return InvalidArgument("cannot resume on " + format_date(on) + ", before the pause on " +
                           format_date(*paused_since));
  }
  if (spec.unit == DeadlineUnit::kWorkingDays) {
    due = cal.add_working_days(due, cal.working_days_in(*paused_since, on));
  } else {
    due += (on - *paused_since);
    if (spec.roll_to_working_day) due = cal.next_working_day_on_or_after(due);
  }
  paused_since.reset();
  return Status::Ok();
}

}  // namespace sagsflow
