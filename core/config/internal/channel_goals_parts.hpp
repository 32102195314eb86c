// Private to core/config: reading the service goals, the digital share's path
// and the per-area channel strategies of the municipality file's
// `channel_strategy:` section (channel_goals.hpp), for municipality.cpp.
#pragma once

#include <set>
#include <string>

#include "sagsflow/config/channel_strategy.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

// The keys read_channel_goals reads from `channel_strategy`.
inline const std::set<std::string>& channel_goal_keys() {
  static const std::set<std::string> keys{"goals", "digital_share_path", "areas"};
  return keys;
}

// Reads `goals`, `digital_share_path` and `areas` of the mapping `cs` into
// `strategy`, reporting every error into `c` with its position: unknown
// channels and keys, a goal with no measure or two, a measure the channel
// cannot have, shares outside 0..1, path dates that do not increase or
// shares that decrease, and areas (`area:` of a goal, keys of `areas`) not
// in `service_areas` (the ids declared there).
void read_channel_goals(Checker& c, const YAML::Node& cs, const std::set<std::string>& service_areas,
                        ChannelStrategy& strategy);

}  // namespace sagsflow
