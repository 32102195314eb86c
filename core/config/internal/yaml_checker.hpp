// Private to core/: collects positioned errors while reading a YAML file.
// Each method reports what is wrong (with the node's line and column) and lets
// the caller go on, so one run lists every error of a file.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sagsflow/domain/deadline.hpp"
#include "sagsflow/config/workflow.hpp"

namespace sagsflow {

// No position (rather than yaml-cpp's InvalidNode) for a node that is missing: `abi: {}` asked for abi["major"].
inline SourcePosition position_of(const YAML::Node& n) {
  if (!n.IsDefined()) return {};
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

inline const char* yaml_type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "empty";
    default: return "undefined";
  }
}

// Collects every error of one file; each parse_* function reports and goes on.
class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  void error(SourcePosition pos, std::string message) {
    errors_.push_back({file_, pos, std::move(message)});
  }
  void error(const YAML::Node& n, std::string message) { error(position_of(n), std::move(message)); }
  std::vector<Diagnostic> take_errors() { return std::move(errors_); }
  bool has_errors() const { return !errors_.empty(); }

  bool expect_map(const YAML::Node& n, std::string_view what) {
    if (n.IsMap()) return true;
    error(n, fmt::format("{} must be a mapping, found {}", what, yaml_type_name(n)));
    return false;
  }

  // Reports keys not in `allowed` and keys that occur twice.
  void check_keys(const YAML::Node& map, std::string_view what, const std::set<std::string>& allowed) {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        error(kv.first, fmt::format("{} has a key that is not a plain name", what));
        continue;
      }
      const auto key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        error(kv.first, fmt::format("{} has the key '{}' twice", what, key));
      }
      if (!allowed.contains(key)) {
        error(kv.first, fmt::format("{} has an unknown key '{}' (allowed: {})", what, key,
                                    fmt::join(allowed, ", ")));
      }
    }
  }

  std::optional<std::string> scalar(const YAML::Node& n, std::string_view what) {
    if (n.IsScalar()) return n.Scalar();
    error(n, fmt::format("{} must be a single value, found {}", what, yaml_type_name(n)));
    return std::nullopt;
  }

  // The value of a required scalar key of `map`; reports a missing one.
  std::string required(const YAML::Node& map, const char* key, std::string_view what) {
    if (!map[key]) {
      error(map, fmt::format("{} has no '{}'", what, key));
      return {};
    }
    return scalar(map[key], fmt::format("{}.{}", what, key)).value_or("");
  }

  // Calls f(item) for each mapping in the list `list` (absent: nothing);
  // reports a list that is not one and items that are not mappings.
  template <typename F>
  void each_item(const YAML::Node& list, std::string_view what, F f) {
    if (!list) return;
    if (!list.IsSequence()) {
      error(list, fmt::format("{} must be a list", what));
      return;
    }
    for (const auto& item : list) {
      if (expect_map(item, what)) f(item);
    }
  }

  std::optional<bool> boolean(const YAML::Node& n, std::string_view what) {
    if (n.IsScalar()) {
      const auto& s = n.Scalar();
      if (s == "true" || s == "yes") return true;
      if (s == "false" || s == "no") return false;
    }
    error(n, fmt::format("{} must be true or false", what));
    return std::nullopt;
  }

  std::vector<std::string> string_list(const YAML::Node& n, std::string_view what) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      error(n, fmt::format("{} must be a list, found {}", what, yaml_type_name(n)));
      return out;
    }
    for (const auto& item : n) {
      if (auto s = scalar(item, what)) out.push_back(*s);
    }
    return out;
  }

  std::optional<DeadlineSpec> deadline(const YAML::Node& n, std::string_view what) {
    if (!expect_map(n, what)) return std::nullopt;
    check_keys(n, what, {"days", "weeks", "working_days", "roll_to_working_day", "from"});
    DeadlineSpec spec;
    int amounts = 0;
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) continue;
      const auto key = kv.first.Scalar();
      if (key == "roll_to_working_day") {
        if (auto b = boolean(kv.second, fmt::format("{}.roll_to_working_day", what))) {
          spec.roll_to_working_day = *b;
        }
        continue;
      }
      if (key == "from") {
        const auto v = scalar(kv.second, fmt::format("{}.from", what));
        if (v == "receipt") spec.from_receipt = true;
        else if (v && *v != "stage") error(kv.second, fmt::format("{}.from must be 'receipt' or 'stage', got '{}'", what, *v));
        continue;
      }
      const auto unit = deadline_unit_from_key(key);
      if (!unit) continue;  // reported by check_keys
      ++amounts;
      spec.unit = *unit;
      int amount = 0;
      try {
        amount = kv.second.as<int>();
      } catch (const YAML::Exception&) {
        error(kv.second, fmt::format("{}.{} must be a whole number", what, key));
        continue;
      }
      if (amount <= 0 || amount > 3650) {
        error(kv.second, fmt::format("{}.{} must be between 1 and 3650, got {}", what, key, amount));
      }
      spec.amount = amount;
    }
    if (amounts != 1) {
      error(n, fmt::format("{} needs exactly one of days, weeks or working_days", what));
      return std::nullopt;
    }
    return spec;
  }

 private:
  std::string file_;
  std::vector<Diagnostic> errors_;
};


// Maps whose keys are free names (stages, actions): only duplicates are errors.
inline void check_duplicate_names(Checker& c, const YAML::Node& map, std::string_view what) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && !seen.insert(kv.first.Scalar()).second) {
      c.error(kv.first, fmt::format("{} has '{}' twice", what, kv.first.Scalar()));
    }
  }
}

// An identifier in a configuration file: a lower-case letter (or, with
// `digit_first`, a digit) then up to 63 lower-case letters, digits, '_' or
// '-'. Checked by hand (no std::regex: its matcher recurses per character).
inline bool is_config_id(std::string_view s, bool digit_first = false) {
  if (s.empty() || s.size() > 64) return false;
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!(lower(s[0]) || (digit_first && digit(s[0])))) return false;
  for (char c : s) {
    if (!(lower(c) || digit(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

// Reads and parses a YAML file (within YamlLimits, yaml_bounds.hpp); on failure reports into `c` and returns a null node.
YAML::Node load_yaml(Checker& c, std::string_view text);

}  // namespace sagsflow
