#include "sagsflow/domain/bounded_json.hpp"

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace sagsflow {

namespace {

// The depth reached and, when it goes over `limit`, the byte where it did.
struct DepthScan {
  int deepest = 0;
  std::size_t over_at = std::string_view::npos;
};

DepthScan scan_depth(std::string_view text, int limit) {
  DepthScan scan;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
      if (depth > scan.deepest) scan.deepest = depth;
      if (depth > limit && scan.over_at == std::string_view::npos) {
        scan.over_at = i;
        return scan;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return scan;
}

}  // namespace

int json_text_depth(std::string_view text) { return scan_depth(text, 1 << 30).deepest; }

Result<nlohmann::json> parse_bounded_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return InvalidArgument(
        fmt::format("the JSON has {} bytes; the limit is {}", text.size(), limits.max_bytes));
  }
  const DepthScan scan = scan_depth(text, limits.max_depth);
  if (scan.over_at != std::string_view::npos) {
    return InvalidArgument(fmt::format("the JSON is nested deeper than {} levels (at byte {})", limits.max_depth,
                                       scan.over_at));
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() quotes the offending token; keep only the position.
    return InvalidArgument(fmt::format("the JSON is not valid (at byte {})", e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    return InvalidArgument("the JSON holds a number out of range (larger than a 64-bit number or a double)");
  } catch (const nlohmann::json::exception&) {
    return InvalidArgument("the JSON cannot be read");
  }
}

Status check_json_value(const nlohmann::json& value, std::string_view what, const JsonLimits& limits) {
  std::vector<std::pair<const nlohmann::json*, int>> pending{{&value, 0}};
  std::size_t bytes = 0;
  const auto over_size = [&] {
    return InvalidArgument(fmt::format("{} holds more than {} bytes; the limit is {}", what, limits.max_bytes,
                                       limits.max_bytes));
  };
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (node->is_string()) {
      bytes += node->get_ref<const std::string&>().size() + 2;
    } else if (node->is_object() || node->is_array()) {
      if (depth + 1 > limits.max_depth) {
        return InvalidArgument(fmt::format("{} is nested deeper than {} levels; the limit is {}", what,
                                           limits.max_depth, limits.max_depth));
      }
      bytes += 2;
      if (node->is_object()) {
        for (auto it = node->begin(); it != node->end(); ++it) {
          bytes += it.key().size() + 3;
          if (bytes > limits.max_bytes) return over_size();
          pending.emplace_back(&it.value(), depth + 1);
        }
      } else {
        for (const auto& item : *node) {
          if (++bytes > limits.max_bytes) return over_size();
          pending.emplace_back(&item, depth + 1);
        }
      }
    } else {
      bytes += 8;
    }
    if (bytes > limits.max_bytes) return over_size();
  }
  return Status::Ok();
}

}  // namespace sagsflow
