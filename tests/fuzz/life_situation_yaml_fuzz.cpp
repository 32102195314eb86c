// parse_life_situation (core/config, life_situation.hpp): a life situation
// file. See diagnostics_check.hpp for what is checked.
#include "diagnostics_check.hpp"
#include "sagsflow/config/life_situation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parsed = sagsflow::parse_life_situation(sagsflow::fuzz::text_of(data, size), sagsflow::fuzz::kFileName);
  sagsflow::fuzz::check_diagnostics(parsed.situation.has_value(), parsed.errors);
  return 0;
}
