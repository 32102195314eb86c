#include "sagsflow/domain/calendar.hpp"

#include <fmt/format.h>

#include "strict_parse.hpp"

namespace sagsflow {
using namespace std::chrono;

std::string format_date(Date d) {
  const year_month_day ymd{d};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

Result<Date> parse_date(std::string_view text) {
  const std::string s(text);
  if (!detail::has_shape(text, "9999-99-99")) {
    return InvalidArgument("date '" + s + "' is not of the form YYYY-MM-DD");
  }
  Date d;
  if (!detail::parse_exactly(text, "%Y-%m-%d", d)) return InvalidArgument("date '" + s + "' does not exist");
  return d;
}

Date easter_sunday(int y) {
  const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month_num = (h + l - 7 * m + 114) / 31;
  const int day_num = ((h + l - 7 * m + 114) % 31) + 1;
  return Date{year{y} / month{static_cast<unsigned>(month_num)} / day{static_cast<unsigned>(day_num)}};
}

std::optional<std::string> DanishCalendar::holiday_name(Date d) const {
  const year_month_day ymd{d};
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  const unsigned day_of_month = static_cast<unsigned>(ymd.day());
  if (m == 1 && day_of_month == 1) return "Nytårsdag";
  if (m == 12 && day_of_month == 25) return "Juledag";
  if (m == 12 && day_of_month == 26) return "2. juledag";

  const auto offset = (d - easter_sunday(y)).count();
  switch (offset) {
    case -3: return "Skærtorsdag";
    case -2: return "Langfredag";
    case 0: return "Påskedag";
    case 1: return "2. påskedag";
    case 26:
      if (y <= 2023) return "Store bededag";  // abolished from 2024
      break;
    case 39: return "Kristi himmelfartsdag";
    case 49: return "Pinsedag";
    case 50: return "2. pinsedag";
    default: break;
  }
  return std::nullopt;
}

bool set_closing_day(CalendarOptions& options, std::string_view key) {
  if (key == "constitution_day") options.constitution_day = true;
  else if (key == "christmas_eve") options.christmas_eve = true;
  else if (key == "new_years_eve") options.new_years_eve = true;
  else if (key == "ascension_friday") options.ascension_friday = true;
  else return false;
  return true;
}

std::optional<std::string> DanishCalendar::closed_because(Date d) const {
  const weekday wd{d};
  if (wd == Saturday) return "lørdag";
  if (wd == Sunday) return "søndag";
  return holiday_or_closing_day(d);
}

std::optional<std::string> DanishCalendar::holiday_or_closing_day(Date d) const {
  if (auto name = holiday_name(d)) return name;
  const year_month_day ymd{d};
  const unsigned m = static_cast<unsigned>(ymd.month());
  const unsigned dd = static_cast<unsigned>(ymd.day());
  const bool customary = options_.customary_closing_days;
  if (m == 6 && dd == 5 && (customary || options_.constitution_day)) return "Grundlovsdag";
  if (m == 12 && dd == 24 && (customary || options_.christmas_eve)) return "Juleaftensdag";
  if (m == 12 && dd == 31 && (customary || options_.new_years_eve)) return "Nytårsaftensdag";
  if (options_.ascension_friday && (d - easter_sunday(static_cast<int>(ymd.year()))).count() == 40) {
    return "Fredag efter Kristi himmelfartsdag";
  }
  if (options_.extra_closed_days.contains(d)) return "lukkedag";
  return std::nullopt;
}

bool DanishCalendar::is_working_day(Date d) const { return !closed_because(d).has_value(); }

Date DanishCalendar::add_working_days(Date start, int n) const {
  Date d = start;
  while (n > 0) {
    d += days{1};
    if (is_working_day(d)) --n;
  }
  return d;
}

int DanishCalendar::working_days_in(Date from, Date to) const {
  int n = 0;
  for (Date d = from; d < to; d += days{1}) {
    if (is_working_day(d)) ++n;
  }
  return n;
}

Date DanishCalendar::next_working_day_on_or_after(Date d) const {
  while (!is_working_day(d)) d += days{1};
  return d;
}

}  // namespace sagsflow
