#include "sagsflow/domain/time.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace sagsflow {
using namespace std::chrono;

Clock system_clock() {
  return [] { return time_point_cast<seconds>(std::chrono::system_clock::now()); };
}

Clock fixed_clock(Timestamp t) {
  return [t] { return t; };
}

std::string format_timestamp(Timestamp t) {
  const auto day_point = floor<days>(t);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{t - day_point};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  const std::string s(text);
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 ||
      z != 'Z' || s.size() != 20) {
    return InvalidArgument("timestamp '" + s + "' is not of the form YYYY-MM-DDTHH:MM:SSZ");
  }
  const year_month_day ymd{year{y}, month{mo}, day{d}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) {
    return InvalidArgument("timestamp '" + s + "' does not exist");
  }
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{se};
}

namespace {
// The last Sunday of `m` in year `y`, at 01:00 UTC (EU summer-time rule).
Timestamp last_sunday_0100_utc(int y, unsigned m) {
  const sys_days month_end{year{y} / month{m} / std::chrono::last};
  const sys_days sunday = month_end - (weekday{month_end} - Sunday);
  return sunday + hours{1};
}
}  // namespace

Date copenhagen_date(Timestamp t) {
  const int y = static_cast<int>(year_month_day{floor<days>(t)}.year());
  const bool summer = t >= last_sunday_0100_utc(y, 3) && t < last_sunday_0100_utc(y, 10);
  return floor<days>(t + hours{summer ? 2 : 1});
}

}  // namespace sagsflow
