#include "yaml_checker.hpp"

namespace sagsflow {

YAML::Node load_yaml(Checker& c, std::string_view text) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    c.error(SourcePosition{e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg);
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace sagsflow
