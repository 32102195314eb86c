// parse_workflow (core/config, workflow.hpp): a workflow file as an admin or a
// plugin vendor writes it. See diagnostics_check.hpp for what is checked.
#include "diagnostics_check.hpp"
#include "sagsflow/config/workflow.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parsed = sagsflow::parse_workflow(sagsflow::fuzz::text_of(data, size), sagsflow::fuzz::kFileName);
  sagsflow::fuzz::check_diagnostics(parsed.definition.has_value(), parsed.errors);
  if (parsed.ok()) {
    for (const auto& stage : parsed.definition->stages) {
      SAGSFLOW_FUZZ_CHECK(parsed.definition->find_stage(stage.name) != nullptr, "every stage can be found by name");
      if (stage.deadline) (void)stage.deadline->describe();
      for (const auto& action : stage.actions) {
        SAGSFLOW_FUZZ_CHECK(stage.find_action(action.name) != nullptr, "every action can be found by name");
        (void)parsed.definition->task_of(stage, action);
      }
    }
  }
  return 0;
}
