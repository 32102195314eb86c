// Reading JSON that comes from outside (HTTP bodies, plugin answers, files):
// bounded in size and nesting depth before any tree is built, so a client
// cannot choose how deep any later recursion (copy, dump, masking) goes.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

#include "sagsflow/domain/result.hpp"

namespace sagsflow {

struct JsonLimits {
  std::size_t max_bytes = 1024 * 1024;  // the text's length
  int max_depth = 32;                   // nested arrays and objects; the top level is depth 1
};

// The parsed document, or kInvalidArgument naming what is wrong and where:
// "the JSON is nested deeper than 32 levels (at byte 1234)", "the JSON is not
// valid (at byte 17: ...)", "the number at byte 9 is out of range", "the JSON
// has 2000000 bytes; the limit is 1048576". The depth check runs over the raw
// text first (linear, no recursion), so over-deep input never becomes a tree.
Result<nlohmann::json> parse_bounded_json(std::string_view text, const JsonLimits& limits = {});

// The nesting depth of a JSON text (0 for a scalar), counted without parsing
// it: brackets inside strings do not count. Linear in the text.
int json_text_depth(std::string_view text);

// For a document already built (a value in a request, a plugin's answer):
// kInvalidArgument when `value` is nested deeper than limits.max_depth (a
// scalar is depth 0, `{}` or `[]` depth 1) or its content (strings, keys,
// and 8 bytes per other value) exceeds limits.max_bytes. The message starts
// with `what` ("field 'x' is nested deeper than 8 levels; the limit is 8").
// Iterative, and it stops at the first limit passed, so it is safe on a tree
// of any depth; call it before copying a client's tree (nlohmann's copy
// recurses). `what` is used as given: mask what might be personal.
Status check_json_value(const nlohmann::json& value, std::string_view what, const JsonLimits& limits);

}  // namespace sagsflow
