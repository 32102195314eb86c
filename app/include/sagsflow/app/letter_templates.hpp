// The letter templates a municipality's letters are chosen from.
#pragma once

#include <string>
#include <vector>

#include "sagsflow/config/letter_template.hpp"
#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::app {

// builtin_letter_templates(), then the municipality's own (so
// choose_letter_template prefers them).
Result<std::vector<LetterTemplate>> letter_templates_for(db::SqlStore& store, const std::string& municipality);

}  // namespace sagsflow::app
