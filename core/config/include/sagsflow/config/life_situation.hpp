// Life situations (livssituationer, docs/legal.md#life-situations): declared bundles
// across service areas. Registering one for a citizen opens the cases it
// implies (a move opens the CPR move and the new health card) and tells the
// citizen their rights and duties (housing support, school, day care) without
// ever granting a benefit: benefits need the citizen's own application, so a
// bundle may only inform about them.
//
// Format (workflows/life_situations/*.yaml, built into the binary):
//   id: moving
//   title: Flytning
//   tasks:
//     - {workflow: health_card, title: Nyt sundhedskort, fields: {reason: move}}
//   information:
//     - {area: housing_support, kind: right, text: "..."}   # kind: right or duty
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/config/workflow.hpp"

namespace sagsflow {

struct LifeSituationTask {
  std::string workflow;
  std::string title;
  nlohmann::json fields = nlohmann::json::object();
};

struct LifeSituationInfo {
  std::string area;
  std::string kind;  // "right" or "duty"
  std::string text;
};

struct LifeSituation {
  std::string id;
  std::string title;
  std::vector<LifeSituationTask> tasks;
  std::vector<LifeSituationInfo> information;
};

struct LifeSituationParseResult {
  std::optional<LifeSituation> situation;
  std::vector<Diagnostic> errors;
  bool ok() const { return situation.has_value(); }
};
LifeSituationParseResult parse_life_situation(std::string_view yaml, std::string_view file_name);

// The life situations built into Sagsflow (workflows/life_situations/).
const std::vector<LifeSituation>& builtin_life_situations();
const LifeSituation* find_life_situation(std::string_view id);

}  // namespace sagsflow
