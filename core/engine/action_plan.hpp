// Private to the engine: one action planned on one case (CaseEngine::plan_action).
#pragma once

#include <memory>
#include <string>

#include "sagsflow/engine/engine.hpp"

namespace sagsflow {

struct CaseEngine::ActionPlan {
  std::shared_ptr<const WorkflowDefinition> wf;
  const StageDefinition* stage = nullptr;
  const ActionDefinition* action = nullptr;
  std::string task;
};

}  // namespace sagsflow
