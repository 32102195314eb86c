#include "yaml_checker.hpp"

#include "sagsflow/config/yaml_bounds.hpp"

namespace sagsflow {

YAML::Node load_yaml(Checker& c, std::string_view text) {
  if (auto passed = yaml_bounds_error(text, "")) {
    c.error(passed->pos, passed->message);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    c.error(SourcePosition{e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg);
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace sagsflow
