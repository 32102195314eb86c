#include "sagsflow/domain/time.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <stdexcept>

#include "strict_parse.hpp"

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
  if (!detail::has_shape(text, "9999-99-99T99:99:99Z")) {
    return InvalidArgument("timestamp '" + s + "' is not of the form YYYY-MM-DDTHH:MM:SSZ");
  }
  Timestamp t;
  if (!detail::parse_exactly(text, "%Y-%m-%dT%H:%M:%SZ", t)) {
    return InvalidArgument("timestamp '" + s + "' does not exist");
  }
  return t;
}

namespace {
// Europe/Copenhagen from the system's time-zone database, looked up once.
struct CopenhagenZone {
  const date::time_zone* zone = nullptr;
  std::string error;  // why there is no zone
};

const CopenhagenZone& copenhagen_zone() {
  static const CopenhagenZone found = [] {
    try {
      return CopenhagenZone{date::locate_zone("Europe/Copenhagen"), {}};
    } catch (const std::exception& e) {
      return CopenhagenZone{nullptr, fmt::format("the time zone Europe/Copenhagen is not in the system's time-zone "
                                                 "database (/usr/share/zoneinfo; install the Debian package tzdata): {}",
                                                 e.what())};
    }
  }();
  return found;
}

const date::time_zone& copenhagen_zone_or_throw() {
  const auto& found = copenhagen_zone();
  if (found.zone == nullptr) throw std::runtime_error(found.error);
  return *found.zone;
}
}  // namespace

Status check_copenhagen_time_zone() {
  const auto& found = copenhagen_zone();
  return found.zone ? Status::Ok() : FailedPrecondition(found.error);
}

Date copenhagen_date(Timestamp t) {
  const auto local = copenhagen_zone_or_throw().to_local(t);
  return Date{floor<days>(local.time_since_epoch())};
}

int copenhagen_minute_of_day(Timestamp t) {
  const auto local = copenhagen_zone_or_throw().to_local(t);
  const auto since_midnight = local - floor<days>(local);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count());
}

Timestamp copenhagen_instant(Date day, int minute_of_day) {
  const auto& zone = copenhagen_zone_or_throw();
  const date::local_seconds local{std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()) +
                                  std::chrono::minutes(minute_of_day)};
  const auto info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::unique: return Timestamp{local.time_since_epoch() - info.first.offset};
    case date::local_info::ambiguous: return Timestamp{local.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent: default: return info.second.begin;
  }
}

std::string format_copenhagen_time(Timestamp t) {
  return date::format("%Y-%m-%dT%H:%M:%S%Ez", date::zoned_seconds{&copenhagen_zone_or_throw(), t});
}

}  // namespace sagsflow
