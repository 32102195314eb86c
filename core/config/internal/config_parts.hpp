// Private to core/config: the config parts that both the plugin manifest and
// the municipality file read.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sagsflow/config/plugin_manifest.hpp"
#include "sagsflow/domain/key_table.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

// An organisational model key ("cooperation"); reports an unknown one.
std::optional<OrganisationalModel> read_model(Checker& c, const YAML::Node& n, std::string_view what);
// {professional, administrative, daily_operations}, each a placement key.
Responsibilities read_responsibilities(Checker& c, const YAML::Node& n, std::string_view what,
                                       Responsibilities defaults);

}  // namespace sagsflow
