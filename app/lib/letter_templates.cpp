#include "sagsflow/app/letter_templates.hpp"

namespace sagsflow::app {

// Placeholder until the municipality overrides land (branch h15-letterconf).
Result<std::vector<LetterTemplate>> letter_templates_for(db::SqlStore& store, const std::string& municipality) {
  (void)store;
  (void)municipality;
  return builtin_letter_templates();
}

}  // namespace sagsflow::app
