// parse_municipality (core/config, municipality.hpp): the municipality file an
// admin writes. See diagnostics_check.hpp for what is checked.
#include "diagnostics_check.hpp"
#include "sagsflow/config/municipality.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parsed = sagsflow::parse_municipality(sagsflow::fuzz::text_of(data, size), sagsflow::fuzz::kFileName);
  sagsflow::fuzz::check_diagnostics(parsed.config.has_value(), parsed.errors);
  return 0;
}
