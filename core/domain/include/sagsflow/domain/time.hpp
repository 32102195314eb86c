// Timestamps and the Danish local date.
//
// Sagsflow stores instants as ISO-8601 UTC text ("2026-11-23T09:30:00Z") so
// that SQLite and PostgreSQL hold the same bytes. Deadlines are counted in
// Danish local dates (Europe/Copenhagen: CET, CEST from the last Sunday of
// March to the last Sunday of October, switching at 01:00 UTC).
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
// The inverse of format_timestamp. kInvalidArgument, quoting the text, when it
// is not exactly YYYY-MM-DDTHH:MM:SSZ or names an instant that does not exist.
Result<Timestamp> parse_timestamp(std::string_view text);

// The calendar date in Copenhagen at instant `t`.
Date copenhagen_date(Timestamp t);

}  // namespace sagsflow
