// Helpers for plugin code: header-only, C++17, nlohmann-json and the standard
// library only. Everything is in namespace sagsflow::sdk, keeps no state (safe
// from any thread), and answers bad input with std::nullopt or a fallback,
// never an exception (only std::bad_alloc can escape, as from any string).
//
// Dates. A day is a `Days` (std::chrono::sys_days under C++20; the same kind
// of time_point, days since 1970-01-01, under C++17), so `*to - *from` is a
// duration in days and `day - Days::duration{28}` goes back four weeks.
//   parse_date(text)         "YYYY-MM-DD" with exactly that many ASCII digits
//                            and a real calendar date (2026-02-30 is not);
//                            std::nullopt for anything else ("2026- 1- 1",
//                            "+026-01-01", "2026-1-1", trailing text).
//   format_date(day)         the same "YYYY-MM-DD" back (years 0000-9999).
//   make_date(y, m, d)       the day, or std::nullopt when it does not exist.
//   civil_date(day)          {year, month, day} of a Days.
//   parse_utc_timestamp(ts)  the instant of "YYYY-MM-DDTHH:MM:SSZ" (the form
//                            the host writes: UTC, no fraction, no offset);
//                            hours 00-23, minutes and seconds 00-59; else
//                            std::nullopt.
//   copenhagen_offset(t)     the offset of Danish time at instant t: +1 h
//                            (CET), +2 h (CEST) from the last Sunday of March
//                            01:00 UTC up to the last Sunday of October
//                            01:00 UTC (the EU rule, computed for every year).
//   copenhagen_date(ts)      the calendar date in Copenhagen at the UTC
//                            timestamp `ts` (as parse_utc_timestamp reads it);
//                            std::nullopt when `ts` is not such a timestamp.
//   date_at(c, key)          copenhagen_date() of the string c[key];
//                            std::nullopt when absent, not a string or not a
//                            timestamp (e.g. date_at(case, "opened_at")).
//   age_on(birth, on)        whole years from `birth` to `on` (a birthday
//                            counts on the day itself; 29 February birthdays
//                            count on 1 March in other years).
//   all_digits(s, from, n)   s[from, from+n) exists and is n ASCII digits.
//
// JSON (the case as the host hands it: {"fields": {...}, "attachments": [...], ...}):
//   fields_of(c)             c["fields"] when it is an object, else a shared
//                            empty object (never throws, never null).
//   text_of(f, key, fb)      f[key] when it is a string, else `fb` ("").
//   bool_of(f, key)          f[key] when it is a boolean, else std::nullopt;
//   is_true / is_false       ... and it is true / false.
//   integer_of(f, key)       f[key] when it is a JSON integer that fits a long
//                            long (182, not 182.0, 182.5 or "182"), else
//                            std::nullopt; integer_of(f, key, fb) with a fallback.
//   number_of(f, key)        f[key] when it is any JSON number, else
//                            std::nullopt; number_of(f, key, fb) with a fallback.
//   present(f, key)          f[key] exists, is not null and not "".
//   data_of(event)           event["data"] when it is an object, else an empty object.
//   has_attachment(c, name)  c["attachments"] has an entry whose "name" is `name`.
//
// Settings (the municipality's configuration values are text):
//   whole_number(text)       a non-negative whole number written only with
//                            ASCII digits ("703"); std::nullopt for "", "-1",
//                            "7 03", "280,-", "1e3" or a value beyond long long.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>

namespace sagsflow::sdk {

// A calendar day. Under C++20 this is std::chrono::sys_days; under C++17 a
// time_point with the same meaning (days since 1970-01-01), so arithmetic
// and comparison work alike: `*to - *from` is a duration in days.
#if __cplusplus >= 202002L
using Days = std::chrono::sys_days;
#else
using Days = std::chrono::time_point<std::chrono::system_clock, std::chrono::duration<int, std::ratio<86400>>>;
#endif
// An instant to the second (std::chrono::sys_seconds).
using Instant = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// A date in the proleptic Gregorian calendar.
struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
};

inline bool all_digits(const std::string& s, size_t from, size_t n) {
  if (s.size() < from || s.size() - from < n) return false;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

namespace detail {
// The value of s[from, from+n), which all_digits() has checked.
inline unsigned digits_value(const std::string& s, size_t from, size_t n) {
  unsigned v = 0;
  for (size_t i = from; i < from + n; ++i) v = v * 10 + static_cast<unsigned>(s[i] - '0');
  return v;
}
inline bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
inline unsigned days_in_month(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}
// Days since 1970-01-01 of a Gregorian date, and back (H. Hinnant's
// public-domain algorithms, valid for every int year).
inline long long days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}
inline CivilDate civil_from_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(static_cast<long long>(yoe) + era * 400 + (m <= 2)), m, d};
}
inline long long day_number(Days d) { return static_cast<long long>(d.time_since_epoch().count()); }
inline Days from_day_number(long long n) { return Days{typename Days::duration{n}}; }
// The last Sunday of month m in year y (1970-01-01 was a Thursday).
inline long long last_sunday(int y, unsigned m) {
  const long long last = days_from_civil(y, m, days_in_month(y, m));
  const long long weekday = ((last % 7) + 7 + 4) % 7;  // 0 = Sunday
  return last - weekday;
}
}  // namespace detail

// A valid Gregorian date as a Days, or std::nullopt (month 13, 30 February ...).
inline std::optional<Days> make_date(int year, unsigned month, unsigned day) {
  if (month < 1 || month > 12 || day < 1 || day > detail::days_in_month(year, month)) return std::nullopt;
  return detail::from_day_number(detail::days_from_civil(year, month, day));
}

inline CivilDate civil_date(Days d) { return detail::civil_from_days(detail::day_number(d)); }

inline std::optional<Days> parse_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 0, 4) || !all_digits(s, 5, 2) ||
      !all_digits(s, 8, 2)) {
    return std::nullopt;
  }
  return make_date(static_cast<int>(detail::digits_value(s, 0, 4)), detail::digits_value(s, 5, 2),
                   detail::digits_value(s, 8, 2));
}

inline std::string format_date(Days d) {
  const CivilDate c = civil_date(d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

inline std::optional<Instant> parse_utc_timestamp(const std::string& ts) {
  if (ts.size() != 20 || ts[10] != 'T' || ts[13] != ':' || ts[16] != ':' || ts[19] != 'Z' ||
      !all_digits(ts, 11, 2) || !all_digits(ts, 14, 2) || !all_digits(ts, 17, 2)) {
    return std::nullopt;
  }
  const auto day = parse_date(ts.substr(0, 10));
  const unsigned h = detail::digits_value(ts, 11, 2), m = detail::digits_value(ts, 14, 2),
                 sec = detail::digits_value(ts, 17, 2);
  if (!day || h > 23 || m > 59 || sec > 59) return std::nullopt;
  return Instant{std::chrono::seconds{detail::day_number(*day) * 86400 + h * 3600 + m * 60 + sec}};
}

inline std::chrono::hours copenhagen_offset(Instant t) {
  const long long s = t.time_since_epoch().count();
  const long long day = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  const int y = detail::civil_from_days(day).year;
  const long long summer_from = detail::last_sunday(y, 3) * 86400 + 3600;
  const long long summer_to = detail::last_sunday(y, 10) * 86400 + 3600;
  return std::chrono::hours{s >= summer_from && s < summer_to ? 2 : 1};
}

inline std::optional<Days> copenhagen_date(const std::string& ts) {
  const auto t = parse_utc_timestamp(ts);
  if (!t) return std::nullopt;
  const long long local = (*t + copenhagen_offset(*t)).time_since_epoch().count();
  return detail::from_day_number(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}

inline std::optional<Days> date_at(const nlohmann::json& c, const char* key) {
  if (!c.is_object() || !c.contains(key) || !c.at(key).is_string()) return std::nullopt;
  return copenhagen_date(c.at(key).get<std::string>());
}

inline int age_on(Days birth, Days on) {
  const CivilDate b = civil_date(birth), o = civil_date(on);
  int years = o.year - b.year;
  if (o.month < b.month || (o.month == b.month && o.day < b.day)) --years;
  return years;
}

// ---- JSON ----------------------------------------------------------------------

namespace detail {
inline const nlohmann::json& object_at(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  return j.is_object() && j.contains(key) && j.at(key).is_object() ? j.at(key) : empty;
}
inline const nlohmann::json* member(const nlohmann::json& f, const char* key) {
  if (!f.is_object()) return nullptr;
  const auto it = f.find(key);
  return it == f.end() ? nullptr : &*it;
}
}  // namespace detail

inline const nlohmann::json& fields_of(const nlohmann::json& c) { return detail::object_at(c, "fields"); }
inline const nlohmann::json& data_of(const nlohmann::json& event) { return detail::object_at(event, "data"); }

inline std::string text_of(const nlohmann::json& f, const char* key, const std::string& fallback = std::string()) {
  const auto* v = detail::member(f, key);
  return v && v->is_string() ? v->get<std::string>() : fallback;
}

inline std::optional<bool> bool_of(const nlohmann::json& f, const char* key) {
  const auto* v = detail::member(f, key);
  if (!v || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}
inline bool is_true(const nlohmann::json& f, const char* key) { return bool_of(f, key) == std::optional<bool>(true); }
inline bool is_false(const nlohmann::json& f, const char* key) { return bool_of(f, key) == std::optional<bool>(false); }

inline std::optional<long long> integer_of(const nlohmann::json& f, const char* key) {
  const auto* v = detail::member(f, key);
  if (!v || !v->is_number_integer()) return std::nullopt;
  if (v->is_number_unsigned() && v->get<unsigned long long>() >
                                     static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
    return std::nullopt;
  }
  return v->get<long long>();
}
inline long long integer_of(const nlohmann::json& f, const char* key, long long fallback) {
  return integer_of(f, key).value_or(fallback);
}

inline std::optional<double> number_of(const nlohmann::json& f, const char* key) {
  const auto* v = detail::member(f, key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}
inline double number_of(const nlohmann::json& f, const char* key, double fallback) {
  return number_of(f, key).value_or(fallback);
}

inline bool present(const nlohmann::json& f, const char* key) {
  const auto* v = detail::member(f, key);
  return v && !v->is_null() && !(v->is_string() && v->get<std::string>().empty());
}

inline bool has_attachment(const nlohmann::json& c, const std::string& name) {
  const auto* list = detail::member(c, "attachments");
  if (!list || !list->is_array()) return false;
  for (const auto& a : *list) {
    if (a.is_object() && a.contains("name") && a.at("name").is_string() && a.at("name").get<std::string>() == name) {
      return true;
    }
  }
  return false;
}

// ---- settings --------------------------------------------------------------------

inline std::optional<long long> whole_number(const std::string& text) {
  if (text.empty() || !all_digits(text, 0, text.size())) return std::nullopt;
  long long value = 0;
  for (char ch : text) {
    const int digit = ch - '0';
    if (value > (std::numeric_limits<long long>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace sagsflow::sdk
