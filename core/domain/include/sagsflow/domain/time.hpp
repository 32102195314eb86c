// Timestamps and the Danish local date.
//
// Sagsflow stores instants as ISO-8601 UTC text ("2026-11-23T09:30:00Z") so
// that SQLite and PostgreSQL hold the same bytes. Deadlines are counted in
// Danish local dates (Europe/Copenhagen: CET, CEST from the last Sunday of
// March to the last Sunday of October, switching at 01:00 UTC), read from the
// system's time-zone database (Debian's tzdata, /usr/share/zoneinfo) through
// the date library; the zone is looked up once, on first use.
// A Clock is injected wherever "now" matters, so tests can fix the time.
// The functions are pure, and the clocks made here keep no state: all are safe
// to call from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow {

using Timestamp = std::chrono::sys_seconds;
using Clock = std::function<Timestamp()>;

Clock system_clock();
// A clock that always answers `t` (tests, simulations).
Clock fixed_clock(Timestamp t);

std::string format_timestamp(Timestamp t);
// The inverse of format_timestamp: exactly "YYYY-MM-DDTHH:MM:SSZ" (ASCII digits, UTC); refuses anything else,
// such as spaces, signs, a missing or extra character, fields out of range
// (hour 24, second 60) and dates that do not exist (2026-02-29).
// Otherwise kInvalidArgument, quoting the text.
Result<Timestamp> parse_timestamp(std::string_view text);

// Ok when the Europe/Copenhagen zone can be read; otherwise a
// FailedPrecondition naming the missing time-zone database (tzdata). For a
// program's startup, so that a machine without tzdata fails clearly there
// rather than at the first Copenhagen date.
Status check_copenhagen_time_zone();

// The calendar date in Copenhagen at instant `t`.
// Throws std::runtime_error with the message of check_copenhagen_time_zone()
// when the zone cannot be read.
Date copenhagen_date(Timestamp t);

// The wall-clock time in Copenhagen at instant `t` with its UTC offset,
// "2026-03-29T03:00:00+02:00". Throws like copenhagen_date.
std::string format_copenhagen_time(Timestamp t);

// Minutes after midnight on the Copenhagen wall clock at instant `t` (0..1439).
// Throws like copenhagen_date.
int copenhagen_minute_of_day(Timestamp t);

// The instant at which the Copenhagen wall clock shows `minute_of_day`
// (0..1439) on `day`. A wall-clock time that occurs twice (the last Sunday of
// October, 02:00-03:00) is its first occurrence; one that does not exist (the
// last Sunday of March, 02:00-03:00) is the instant the clock jumps to 03:00.
// Throws like copenhagen_date.
Timestamp copenhagen_instant(Date day, int minute_of_day);

}  // namespace sagsflow
