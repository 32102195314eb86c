#include "sagsflow/config/life_situation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sagsflow/config/builtin_workflows.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

LifeSituationParseResult parse_life_situation(std::string_view yaml, std::string_view file_name) {
  LifeSituationParseResult out;
  Checker c{std::string(file_name)};
  const YAML::Node root = load_yaml(c, yaml);
  LifeSituation s;
  if (root.IsDefined() && c.expect_map(root, "a life situation")) {
    c.check_keys(root, "the life situation", {"id", "title", "tasks", "information"});
    s.id = c.required(root, "id", "the life situation");
    s.title = c.required(root, "title", "the life situation");
    c.each_item(root["tasks"], "a task", [&](const YAML::Node& t) {
      c.check_keys(t, "a task", {"workflow", "title", "fields"});
      LifeSituationTask task;
      task.workflow = c.required(t, "workflow", "a task");
      task.title = c.required(t, "title", "a task");
      if (const auto f = t["fields"]; f && c.expect_map(f, "a task's fields")) {
        for (const auto& kv : f) {
          if (auto v = c.scalar(kv.second, "a task field")) task.fields[kv.first.Scalar()] = *v;
        }
      }
      s.tasks.push_back(std::move(task));
    });
    c.each_item(root["information"], "an information item", [&](const YAML::Node& i) {
      c.check_keys(i, "an information item", {"area", "kind", "text"});
      LifeSituationInfo info{c.required(i, "area", "an information item"), c.required(i, "kind", "an information item"),
                             c.required(i, "text", "an information item")};
      if (!info.kind.empty() && info.kind != "right" && info.kind != "duty") {
        c.error(i["kind"], fmt::format("an information item's kind must be 'right' or 'duty', got '{}'", info.kind));
      }
      s.information.push_back(std::move(info));
    });
  }
  out.errors = c.take_errors();
  if (out.errors.empty()) out.situation = std::move(s);
  return out;
}

const std::vector<LifeSituation>& builtin_life_situations() {
  static const std::vector<LifeSituation> all = [] {
    std::vector<LifeSituation> out;
    for (const auto& source : builtin_life_situation_sources()) {
      auto parsed = parse_life_situation(source.yaml, source.file_name);
      if (!parsed.ok()) throw std::logic_error("built-in life situation " + parsed.errors.front().to_string());
      out.push_back(std::move(*parsed.situation));
    }
    return out;
  }();
  return all;
}

const LifeSituation* find_life_situation(std::string_view id) {
  for (const auto& s : builtin_life_situations()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace sagsflow
