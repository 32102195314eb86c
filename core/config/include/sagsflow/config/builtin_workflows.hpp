// Workflows every installation has, built into the binary: the access
// request (aktindsigt, facet A53) that any case can get. `sagsflow init`
// deploys them; the source is workflows/access_request.yaml.
// Nothing here fails. Both functions return fresh copies of constant text and
// may be called from any thread.
#pragma once

#include <string>
#include <vector>

namespace sagsflow {

struct BuiltinWorkflow {
  std::string file_name;
  std::string yaml;
};
std::vector<BuiltinWorkflow> builtin_workflows();
// The built-in life situations' YAML (workflows/life_situations/*.yaml).
std::vector<BuiltinWorkflow> builtin_life_situation_sources();

}  // namespace sagsflow
