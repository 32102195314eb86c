// Opening hours and staffing calendars (docs/front-of-house.md#opening-hours):
// weekly rules on the Copenhagen wall clock, with the exceptions a citizen
// service meets: public holidays and the municipality's closing days (from
// its calendar), a unit's own closed days, a booth staffed every other week,
// and hours that are for appointments only.
//
// In the municipality file, per channel (`opening_hours.<channel>`, the
// published hours) and per unit (`units[].hours`, `units[].closed_on`):
//
//   - {days: [monday, tuesday], open: "10:00-15:00"}
//   - {days: [thursday], open: "10:00-17:30"}
//   - {days: [wednesday], open: "09:00-12:00", weeks: odd}           # odd ISO weeks
//   - {days: [friday], open: "10:00-13:00", every: 2, from: 2027-01-08}  # every other week from that week
//   - {days: [tuesday], open: "13:00-15:00", appointment_only: true}
//
// Plain values and pure functions: safe to share and call from any thread.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/complaint_deadline.hpp"

namespace sagsflow {

struct OpeningRule {
  std::vector<int> weekdays;  // 0 = Monday ... 6 = Sunday
  int opens = 0;              // minutes after midnight, Copenhagen wall clock
  int closes = 0;             // after opens, at most 24:00
  // Which weeks: every week (1), or every n-th week counted from the week of
  // `from` (every >= 2 needs `from`); or only odd / even ISO week numbers.
  int every = 1;
  std::optional<Date> from;
  std::optional<int> week_parity;  // 1: odd ISO weeks, 0: even
  bool appointment_only = false;   // no walk-in service in these hours
  // Whether the rule's weekday and week pattern cover `day` (closing days not considered).
  bool covers(Date day) const;
};

struct OpeningHours {
  std::vector<OpeningRule> rules;
  std::set<Date> closed;  // this unit's or channel's own closed days
  bool empty() const { return rules.empty(); }
};

// One stretch of opening on a day; [opens, closes) in minutes after midnight.
struct OpeningInterval {
  int opens = 0;
  int closes = 0;
  bool appointment_only = false;
  friend bool operator==(const OpeningInterval&, const OpeningInterval&) = default;
};

// The stretches `hours` are open on `day`, sorted by opening time: none on a
// public holiday or closing day of `calendar`
// (DanishCalendar::holiday_or_closing_day) or a day in `hours.closed`.
std::vector<OpeningInterval> open_on(const OpeningHours& hours, Date day, const DanishCalendar& calendar);

// Why `hours` are closed on `day` although a rule covers it ("2. juledag",
// "lukkedag"), or nullopt (open, or simply not a day of the rules).
std::optional<std::string> closed_exceptionally(const OpeningHours& hours, Date day, const DanishCalendar& calendar);

// The appointment slots of `minutes` (above 0) in `open`: each stretch is
// cut into slots from its opening; a slot that would run past its closing
// is left out. Starts in minutes after midnight, in the order of `open`.
std::vector<int> slot_starts(const std::vector<OpeningInterval>& open, int minutes);

// "10:00" for 600; "24:00" for 1440.
std::string format_clock(int minutes);
// Danish weekday names: "mandag" ... "søndag" (the file's keys, "monday" ...,
// are weekday_key and weekday_index_from_key of complaint_deadline.hpp).
const char* weekday_name_da(int weekday);

}  // namespace sagsflow
