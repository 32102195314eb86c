#include "sagsflow/core/municipality.hpp"

#include <filesystem>
#include <regex>

#include "sagsflow/core/text_file.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

MunicipalityParseResult parse_municipality(std::string_view yaml_text, std::string_view file_name) {
  Checker c{std::string(file_name)};
  MunicipalityParseResult out;
  const YAML::Node root = load_yaml(c, yaml_text);
  if (!c.has_errors() && !root.IsMap()) {
    c.error(SourcePosition{1, 1}, "a municipality file must be a mapping with 'municipality'");
  }
  if (c.has_errors()) {
    out.errors = c.take_errors();
    return out;
  }
  c.check_keys(root, "the municipality file", {"municipality", "workflows"});
  MunicipalityConfig m;
  if (const auto node = root["municipality"]; !node) {
    c.error(SourcePosition{1, 1}, "the file has no 'municipality' (code and name)");
  } else if (c.expect_map(node, "municipality")) {
    c.check_keys(node, "municipality", {"code", "name"});
    if (!node["code"]) {
      c.error(node, "municipality has no 'code' (the four-digit kommunekode, quoted: \"0101\")");
    } else if (auto code = c.scalar(node["code"], "municipality.code")) {
      static const std::regex four_digits("[0-9]{4}");
      if (!std::regex_match(*code, four_digits)) {
        c.error(node["code"], "municipality.code '" + *code +
                                  "' must be four digits; quote it so a leading 0 is kept (\"0101\")");
      }
      m.code = *code;
    }
    if (!node["name"]) c.error(node, "municipality has no 'name'");
    else m.name = c.scalar(node["name"], "municipality.name").value_or("");
  }
  if (const auto list = root["workflows"]) {
    const auto base = std::filesystem::path(std::string(file_name)).parent_path();
    for (const auto& f : c.string_list(list, "workflows")) {
      m.workflow_files.push_back((base / f).lexically_normal().string());
    }
  }
  out.errors = c.take_errors();
  if (out.errors.empty()) out.config = std::move(m);
  return out;
}

MunicipalityParseResult load_municipality_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.ok()) {
    MunicipalityParseResult r;
    r.errors.push_back({path, {}, text.status().message()});
    return r;
  }
  return parse_municipality(*text, path);
}

}  // namespace sagsflow
