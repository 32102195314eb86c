// Private to core/: enum <-> key tables, and config parts that both the
// plugin manifest and the municipality file read.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sagsflow/core/plugin_manifest.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

template <typename E, size_t N>
inline std::optional<E> from_key(const std::array<std::pair<E, const char*>, N>& table, std::string_view key) {
  for (const auto& [value, name] : table) {
    if (key == name) return value;
  }
  return std::nullopt;
}
template <typename E, size_t N>
inline const char* to_key(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "";
}
template <typename E, size_t N>
inline std::string all_keys(const std::array<std::pair<E, const char*>, N>& table) {
  std::vector<std::string> names;
  for (const auto& p : table) names.push_back(p.second);
  return fmt::format("{}", fmt::join(names, ", "));
}


// An organisational model key ("cooperation"); reports an unknown one.
std::optional<OrganisationalModel> read_model(Checker& c, const YAML::Node& n, std::string_view what);
// {professional, administrative, daily_operations}, each a placement key.
Responsibilities read_responsibilities(Checker& c, const YAML::Node& n, std::string_view what,
                                       Responsibilities defaults);

}  // namespace sagsflow
