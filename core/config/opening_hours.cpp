#include "sagsflow/config/opening_hours.hpp"

#include <date/iso_week.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "hours_reader.hpp"

namespace sagsflow {
namespace {

constexpr std::array<const char*, 7> kWeekdayNamesDa{"mandag", "tirsdag", "onsdag", "torsdag",
                                                     "fredag", "lørdag",  "søndag"};

int weekday_of(Date d) { return static_cast<int>(std::chrono::weekday{d}.iso_encoding()) - 1; }
Date monday_of(Date d) { return d - std::chrono::days(weekday_of(d)); }

// "HH:MM" with two digits each, 00:00 to 24:00; nullopt otherwise.
std::optional<int> parse_clock(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  for (int i : {0, 1, 3, 4}) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  std::from_chars(t.data(), t.data() + 2, h);
  std::from_chars(t.data() + 3, t.data() + 5, m);
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

bool OpeningRule::covers(Date day) const {
  if (std::find(weekdays.begin(), weekdays.end(), weekday_of(day)) == weekdays.end()) return false;
  if (week_parity) {
    const auto week = static_cast<unsigned>(iso_week::year_weeknum_weekday{day}.weeknum());
    if (static_cast<int>(week % 2) != *week_parity) return false;
  }
  if (every > 1 && from) {
    const auto weeks = (monday_of(day) - monday_of(*from)).count() / 7;
    if (weeks < 0 || weeks % every != 0) return false;
  }
  return true;
}

std::vector<OpeningInterval> open_on(const OpeningHours& hours, Date day, const DanishCalendar& calendar) {
  std::vector<OpeningInterval> out;
  if (hours.closed.contains(day) || calendar.holiday_or_closing_day(day)) return out;
  for (const auto& r : hours.rules) {
    if (r.covers(day)) out.push_back({r.opens, r.closes, r.appointment_only});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.opens, a.closes) < std::tie(b.opens, b.closes);
  });
  return out;
}

std::optional<std::string> closed_exceptionally(const OpeningHours& hours, Date day, const DanishCalendar& calendar) {
  const bool covered = std::any_of(hours.rules.begin(), hours.rules.end(), [&](const auto& r) { return r.covers(day); });
  if (!covered) return std::nullopt;
  if (auto why = calendar.holiday_or_closing_day(day)) return why;
  if (hours.closed.contains(day)) return std::string("lukket");
  return std::nullopt;
}

std::vector<int> slot_starts(const std::vector<OpeningInterval>& open, int minutes) {
  std::vector<int> out;
  if (minutes <= 0) return out;
  for (const auto& i : open) {
    for (int m = i.opens; m + minutes <= i.closes; m += minutes) out.push_back(m);
  }
  return out;
}

std::string format_clock(int minutes) { return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60); }
const char* weekday_name_da(int weekday) { return kWeekdayNamesDa.at(static_cast<std::size_t>(weekday)); }

OpeningHours read_opening_rules(Checker& c, const YAML::Node& list, std::string_view what) {
  OpeningHours hours;
  if (!list) return hours;
  if (!list.IsSequence()) {
    c.error(list, fmt::format("{} must be a list of weekly rules ({{days: [monday], open: \"10:00-15:00\"}})", what));
    return hours;
  }
  int index = 0;
  for (const auto& item : list) {
    const auto rwhat = fmt::format("{}[{}]", what, index++);
    if (!c.expect_map(item, rwhat)) continue;
    c.check_keys(item, rwhat, {"days", "open", "weeks", "every", "from", "appointment_only"});
    OpeningRule r;
    bool whole = true;
    if (const auto days = item["days"]; !days) {
      c.error(item, rwhat + " has no 'days' (a list of weekdays, monday to sunday)");
      whole = false;
    } else if (!days.IsSequence() || days.size() == 0) {
      c.error(days, rwhat + ".days must be a list of weekdays, monday to sunday");
      whole = false;
    } else {
      for (const auto& d : days) {
        const auto key = c.scalar(d, rwhat + ".days");
        if (!key) { whole = false; continue; }
        const auto wd = weekday_index_from_key(*key);
        if (!wd) {
          c.error(d, fmt::format("{}.days has '{}'; use monday, tuesday, wednesday, thursday, friday, saturday or "
                                 "sunday", rwhat, *key));
          whole = false;
        } else if (std::find(r.weekdays.begin(), r.weekdays.end(), *wd) != r.weekdays.end()) {
          c.error(d, fmt::format("{}.days has '{}' twice", rwhat, *key));
        } else {
          r.weekdays.push_back(*wd);
        }
      }
    }
    if (const auto open = item["open"]; !open) {
      c.error(item, rwhat + " has no 'open' (the hours, \"10:00-15:00\")");
      whole = false;
    } else if (auto text = c.scalar(open, rwhat + ".open")) {
      const auto dash = text->find('-');
      const auto a = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(*text).substr(0, dash));
      const auto b = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(*text).substr(dash + 1));
      if (!a || !b) {
        c.error(open, fmt::format("{}.open is '{}'; write the hours as HH:MM-HH:MM on the Copenhagen clock, "
                                  "e.g. \"10:00-15:00\"", rwhat, *text));
        whole = false;
      } else if (*a >= *b) {
        c.error(open, fmt::format("{}.open is '{}': it closes at or before it opens", rwhat, *text));
        whole = false;
      } else {
        r.opens = *a;
        r.closes = *b;
      }
    } else {
      whole = false;
    }
    if (const auto weeks = item["weeks"]) {
      const auto w = c.scalar(weeks, rwhat + ".weeks");
      if (w && *w == "odd") r.week_parity = 1;
      else if (w && *w == "even") r.week_parity = 0;
      else if (w) {
        c.error(weeks, fmt::format("{}.weeks is '{}'; use odd or even (ISO week numbers)", rwhat, *w));
        whole = false;
      }
    }
    if (const auto every = item["every"]) {
      if (item["weeks"]) c.error(every, rwhat + " has both 'weeks' and 'every'; give one");
      int n = 0;
      try {
        n = every.as<int>();
      } catch (const YAML::Exception&) {
        n = 0;
      }
      if (n < 1 || n > 52) {
        c.error(every, rwhat + ".every must be a whole number of weeks from 1 to 52");
        whole = false;
      } else {
        r.every = n;
      }
      if (!item["from"]) {
        c.error(every, rwhat + ".every needs 'from', a date in the first week the rule applies (YYYY-MM-DD)");
        whole = false;
      }
    }
    if (const auto from = item["from"]) {
      if (!item["every"]) c.error(from, rwhat + ".from is only used with 'every'");
      if (auto text = c.scalar(from, rwhat + ".from")) {
        if (auto d = parse_date(*text); d.ok()) r.from = *d;
        else {
          c.error(from, fmt::format("{}.from: {}", rwhat, d.status().message()));
          whole = false;
        }
      }
    }
    if (item["appointment_only"]) {
      r.appointment_only = c.boolean(item["appointment_only"], rwhat + ".appointment_only").value_or(false);
    }
    if (whole) hours.rules.push_back(std::move(r));
  }
  return hours;
}

void read_closed_days(Checker& c, const YAML::Node& list, std::string_view what, OpeningHours& hours) {
  if (!list) return;
  if (!list.IsSequence()) {
    c.error(list, fmt::format("{} must be a list of dates (YYYY-MM-DD)", what));
    return;
  }
  for (const auto& item : list) {
    const auto text = c.scalar(item, what);
    if (!text) continue;
    if (auto d = parse_date(*text); d.ok()) hours.closed.insert(*d);
    else c.error(item, fmt::format("{}: {}", what, d.status().message()));
  }
}

}  // namespace sagsflow
