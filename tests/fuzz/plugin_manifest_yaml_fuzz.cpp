// parse_plugin_manifest (core/config, plugin_manifest.hpp): the manifest a
// third-party plugin ships. See diagnostics_check.hpp for what is checked.
#include "diagnostics_check.hpp"
#include "sagsflow/config/plugin_manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parsed = sagsflow::parse_plugin_manifest(sagsflow::fuzz::text_of(data, size), sagsflow::fuzz::kFileName);
  sagsflow::fuzz::check_diagnostics(parsed.manifest.has_value(), parsed.errors);
  return 0;
}
