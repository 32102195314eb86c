// Tables that pair an enum with its configuration key ("supermarket",
// "phone"): one table per enum, read both ways. Header-only; safe to use from
// any thread (the tables are constant).
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sagsflow {

// The enum value whose key is `key`; empty when no entry has it.
template <typename E, size_t N>
inline std::optional<E> from_key(const std::array<std::pair<E, const char*>, N>& table, std::string_view key) {
  for (const auto& [value, name] : table) {
    if (key == name) return value;
  }
  return std::nullopt;
}
// The key of `value`; "" when the table lacks it.
template <typename E, size_t N>
inline const char* to_key(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "";
}
// Every key, comma-separated, for error messages ("one of: a, b, c").
template <typename E, size_t N>
inline std::string all_keys(const std::array<std::pair<E, const char*>, N>& table) {
  std::vector<std::string> names;
  for (const auto& p : table) names.push_back(p.second);
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace sagsflow
