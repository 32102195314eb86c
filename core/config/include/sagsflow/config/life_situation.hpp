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
//
// Thread-safety: parsing is pure; the built-in list is made once, on first use,
// and is immutable afterwards, so both may be used from any thread.
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
// Errors (each with file, line and column): YAML that does not parse, a
// missing required key (id, title; a task's workflow and title; an
// information item's area, kind and text), an unknown key, an information
// kind other than right or duty. `situation` is set only when there are none.
// Whether a task's workflow is deployed is found out when the situation is
// registered (life_situation_desk.hpp), not here.
LifeSituationParseResult parse_life_situation(std::string_view yaml, std::string_view file_name);

// The life situations built into Sagsflow (workflows/life_situations/), in
// file-name order; they live until the process ends. A built-in file that does
// not parse is a build mistake: the call throws std::logic_error.
const std::vector<LifeSituation>& builtin_life_situations();
// The built-in life situation with this id, or nullptr.
const LifeSituation* find_life_situation(std::string_view id);

}  // namespace sagsflow
