// Danish calendar: public holidays (helligdage) and working-day arithmetic.
//
// Holidays: New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and
// Monday, General Prayer Day (Store Bededag; only until 2023, abolished from
// 2024), Ascension Day, Whit Sunday and Monday, Christmas Day and Boxing Day.
// The Easter-based ones are computed. Days that offices customarily close but
// that are not public holidays (Constitution Day 5 June, 24 and 31 December)
// are off by default and can be switched on, and a municipality can add its
// own closing days. Saturdays and Sundays are never working days.
// No function here fails except parse_date(). A DanishCalendar is immutable
// after construction and safe to share between threads; the free functions are
// pure and may be called from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "sagsflow/domain/result.hpp"

namespace sagsflow {

using Date = std::chrono::sys_days;

// "2026-11-23" <-> Date. parse_date takes exactly YYYY-MM-DD in ASCII digits
// and a date that exists; no spaces, signs, one-digit fields or trailing text.
// Otherwise kInvalidArgument, quoting the text.
std::string format_date(Date d);
Result<Date> parse_date(std::string_view text);

// Easter Sunday of the Gregorian year (anonymous Gregorian algorithm).
Date easter_sunday(int year);

// Closing days beyond the public holidays. `customary_closing_days` switches
// on all three customary ones (5 June, 24 and 31 December) at once; each can
// also be switched on alone. `ascension_friday` is the Friday after Ascension
// Day, which Udbetaling Danmark counts as closed (docs/legal.md#citizens-deadlines).
struct CalendarOptions {
  bool customary_closing_days = false;  // 5 June, 24 and 31 December
  std::set<Date> extra_closed_days;     // the municipality's own
  bool constitution_day = false;        // Grundlovsdag, 5 June
  bool christmas_eve = false;           // 24 December
  bool new_years_eve = false;           // 31 December
  bool ascension_friday = false;        // the day after Kristi himmelfartsdag
  friend bool operator==(const CalendarOptions&, const CalendarOptions&) = default;
};

// The keys of the municipality file's calendar.closing_days list:
// "constitution_day", "christmas_eve", "new_years_eve", "ascension_friday".
// Sets the flag and answers true for a known key; false (nothing set) otherwise.
bool set_closing_day(CalendarOptions& options, std::string_view key);
inline constexpr const char* kClosingDayKeys = "constitution_day, christmas_eve, new_years_eve, ascension_friday";

class DanishCalendar {
 public:
  DanishCalendar() = default;
  explicit DanishCalendar(CalendarOptions options) : options_(std::move(options)) {}

  // The Danish name of the public holiday on `d`, if it is one.
  std::optional<std::string> holiday_name(Date d) const;
  bool is_working_day(Date d) const;

  // The n-th working day after `start` (start itself never counts); n >= 0
  // (n <= 0 answers `start`, working day or not).
  Date add_working_days(Date start, int n) const;
  // Working days in the half-open range [from, to).
  int working_days_in(Date from, Date to) const;
  // `d` if it is a working day, else the next working day.
  Date next_working_day_on_or_after(Date d) const;
  // Why `d` is not a working day ("lørdag", "2. påskedag", "Grundlovsdag",
  // "closing day of the municipality"), or nullopt on a working day.
  std::optional<std::string> closed_because(Date d) const;
  // Why `d` is closed whatever its weekday: a public holiday, a customary
  // closing day switched on, or one of the municipality's own ("lukkedag");
  // nullopt on any other day, Saturdays and Sundays included (opening hours
  // on a Saturday are kept unless it is one of these).
  std::optional<std::string> holiday_or_closing_day(Date d) const;
  const CalendarOptions& options() const { return options_; }

 private:
  CalendarOptions options_;
};

}  // namespace sagsflow
