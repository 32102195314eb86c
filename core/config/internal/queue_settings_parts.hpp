// Private to core/config: reading the `queue` section of a municipality file
// (core/config/queue_settings.cpp), called by parse_municipality().
#pragma once

#include "sagsflow/config/municipality.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

// queue: {desks: [{id, name}], groups: [{id, name, areas, staff?}]}. `m`
// holds the staff and service areas read before; every error is reported
// into `c` at its node: unknown keys, a desk or group id used twice, a group
// id that is not 1-2 capital letters, an area not under service_areas, a
// staff id not on the staff list, a group without areas, and a queue
// without desks or groups. Absent `n`: nothing to read.
void read_queue_settings(Checker& c, const YAML::Node& n, const MunicipalityConfig& m, QueueSettings& out);

}  // namespace sagsflow
