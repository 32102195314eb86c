// Shared by the YAML targets: the promises every parse_* of core/config makes
// about its result (workflow.hpp, municipality.hpp, plugin_manifest.hpp ...):
// it never throws, the value is set exactly when there are no errors, and
// every error names the file and renders as "file:line:column: error: ...".
#pragma once

#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "sagsflow/config/workflow.hpp"

namespace sagsflow::fuzz {

inline constexpr std::string_view kFileName = "fuzz-input.yaml";

inline void check_diagnostics(bool has_value, const std::vector<Diagnostic>& errors) {
  SAGSFLOW_FUZZ_CHECK(has_value == errors.empty(), "the value is set exactly when there are no errors");
  for (const Diagnostic& e : errors) {
    SAGSFLOW_FUZZ_CHECK(e.file == kFileName, "every error names the file");
    SAGSFLOW_FUZZ_CHECK(!e.message.empty(), "every error says what is wrong");
    SAGSFLOW_FUZZ_CHECK(e.to_string().rfind(kFileName, 0) == 0, "an error renders starting with the file");
  }
}

}  // namespace sagsflow::fuzz
