// Opening hours for the simulation (`sagsflow simulate`): a channel's weekly
// hours as rules "these weekdays, from HH:MM to HH:MM", Copenhagen
// wall-clock time, and the what-if edits of them (close earlier, shorten).
//
// Self-contained on purpose: only the standard library, so that it can later
// be joined with the municipality's own opening hours in the core (then the
// profile's `opening_hours` would default to the municipality file's
// published hours, and WeeklyHours would be built from them in one function).
// Holidays are not here: the simulation asks the Danish calendar whether a
// date is closed all day.
//
// Thread-safety: plain values; every function is pure and safe from any thread.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sagsflow::app {

inline constexpr int kMinutesPerDay = 24 * 60;

// One rule: open on `days` (0 = Monday ... 6 = Sunday) from `open` to `close`,
// minutes after midnight, 0 <= open < close <= 1440 (close "24:00" is midnight).
struct OpeningRule {
  std::array<bool, 7> days{};
  int open = 0;
  int close = 0;
  friend bool operator==(const OpeningRule&, const OpeningRule&) = default;
};
using WeeklyHours = std::vector<OpeningRule>;

// A half-open stretch [from, to) of minutes after midnight on one day.
struct OpenInterval {
  int from = 0;
  int to = 0;
  friend bool operator==(const OpenInterval&, const OpenInterval&) = default;
};

// "HH:MM" (00:00 .. 24:00, two digits each) -> minutes after midnight; nullopt otherwise.
inline std::optional<int> parse_clock_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (const int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

// "HH:MM-HH:MM" with open before close -> {open, close}; nullopt otherwise.
inline std::optional<std::pair<int, int>> parse_clock_range(std::string_view text) {
  if (text.size() != 11 || text[5] != '-') return std::nullopt;
  const auto open = parse_clock_time(text.substr(0, 5));
  const auto close = parse_clock_time(text.substr(6));
  if (!open || !close || *open >= *close) return std::nullopt;
  return std::pair{*open, *close};
}

// Minutes after midnight -> "HH:MM".
inline std::string format_clock_time(int minutes) {
  const int h = minutes / 60, m = minutes % 60;
  return std::string{char('0' + h / 10), char('0' + h % 10), ':', char('0' + m / 10), char('0' + m % 10)};
}

// The open stretches of `weekday` (0 = Monday), sorted, overlapping ones merged.
inline std::vector<OpenInterval> open_intervals(const WeeklyHours& hours, int weekday) {
  std::vector<OpenInterval> out;
  if (weekday < 0 || weekday > 6) return out;
  for (const auto& r : hours) {
    if (r.days[static_cast<std::size_t>(weekday)] && r.open < r.close) out.push_back({r.open, r.close});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.from < b.from; });
  std::vector<OpenInterval> merged;
  for (const auto& i : out) {
    if (!merged.empty() && i.from <= merged.back().to) merged.back().to = std::max(merged.back().to, i.to);
    else merged.push_back(i);
  }
  return merged;
}

// Whether any rule opens on `weekday`.
inline bool opens_on(const WeeklyHours& hours, int weekday) { return !open_intervals(hours, weekday).empty(); }

// What-if "closes at `minute`": every rule ends by then; a rule that would
// open at or after it is dropped.
inline WeeklyHours closing_by(const WeeklyHours& hours, int minute) {
  WeeklyHours out;
  for (auto r : hours) {
    r.close = std::min(r.close, minute);
    if (r.open < r.close) out.push_back(r);
  }
  return out;
}

// What-if "hours cut to `factor`" (0 < factor <= 1): every rule keeps its
// opening time and closes after `factor` of its length (whole minutes, at
// least one).
inline WeeklyHours shortened(const WeeklyHours& hours, double factor) {
  WeeklyHours out;
  for (auto r : hours) {
    const int length = r.close - r.open;
    r.close = r.open + std::max(1, static_cast<int>(std::lround(length * std::clamp(factor, 0.0, 1.0))));
    out.push_back(r);
  }
  return out;
}

}  // namespace sagsflow::app
