// The municipality file an admin writes (YAML).
//
// This is the first part of the format: the municipality itself and the
// workflows it runs. parse_municipality() never throws and reports every error
// with file, line and column, like parse_workflow().
//
//   municipality:
//     code: "0999"           # the four-digit municipality code (kommunekode)
//     name: Eksempel Kommune
//   workflows:               # paths relative to this file
//     - ../../workflows/general-application.yaml
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/core/workflow.hpp"

namespace sagsflow {

struct MunicipalityConfig {
  std::string code;
  std::string name;
  std::vector<std::string> workflow_files;  // resolved against the file's folder
};

struct MunicipalityParseResult {
  std::optional<MunicipalityConfig> config;  // set only when errors is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return config.has_value(); }
};

MunicipalityParseResult parse_municipality(std::string_view yaml_text, std::string_view file_name);
MunicipalityParseResult load_municipality_file(const std::string& path);

}  // namespace sagsflow
