// Reading YAML that comes from outside (workflow, municipality and manifest
// files, simulation profiles): bounded in size, nesting depth and the number
// of nodes after aliases are expanded (an "aliases bomb" is a few lines that
// expand to billions of nodes), checked over yaml-cpp's event stream before
// any tree is built.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sagsflow/config/workflow.hpp"

namespace sagsflow {

struct YamlLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;  // the text's length
  int max_depth = 64;                       // nested mappings and lists; the top level is depth 1
  std::size_t max_nodes = 500000;           // every scalar, list and mapping, each alias counted as what it stands for
};

// nullopt when `text` is within `limits`; otherwise the first limit passed,
// with the line and column where it was passed (line 0 for the size): "the
// file has 5000000 bytes; the limit is 4194304", "mappings and lists are
// nested deeper than 64 levels", "aliases expand the file to more than 500000
// nodes". YAML syntax errors are not reported here (yaml-cpp's parser reports
// them when the tree is built), except that yaml-cpp's own recursion guard
// (2000 levels) is reported as too deep. Linear in the text.
std::optional<Diagnostic> yaml_bounds_error(std::string_view text, std::string_view file_name,
                                            const YamlLimits& limits = {});

}  // namespace sagsflow
