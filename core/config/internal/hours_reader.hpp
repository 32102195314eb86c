// Private to core/config: reading opening hours (opening_hours.hpp) from the
// municipality file, with positioned errors.
#pragma once

#include <string_view>

#include "sagsflow/config/opening_hours.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

// A list of weekly rules ({days, open, weeks | every + from, appointment_only});
// reports every error into `c` and keeps the rules that were read whole.
OpeningHours read_opening_rules(Checker& c, const YAML::Node& list, std::string_view what);
// A list of dates (YYYY-MM-DD) a unit is closed, into `hours.closed`.
void read_closed_days(Checker& c, const YAML::Node& list, std::string_view what, OpeningHours& hours);

}  // namespace sagsflow
