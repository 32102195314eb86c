// A C++ plugin that ignores the rules: its C functions let exceptions escape.
#include <sagsflow/plugin_abi.h>

#include <cstdlib>
#include <stdexcept>

extern "C" const char sagsflow_generated_plugin_id[];
extern "C" const char sagsflow_generated_plugin_version[];
extern "C" const char sagsflow_generated_plugin_manifest[];
extern "C" const int sagsflow_generated_plugin_abi_minor;

namespace {
int validate(void*, const char*, char**) { throw std::runtime_error("escaped exception"); }
sf_plugin_descriptor d{};
}  // namespace

extern "C" __attribute__((visibility("default"))) const sf_plugin_descriptor* sagsflow_plugin_entry(const sf_host_api*) {
  d.struct_size = sagsflow_generated_plugin_abi_minor >= 1 ? sizeof d : SAGSFLOW_DESCRIPTOR_SIZE_1_0;  // its manifest's ABI
  d.abi_major = SAGSFLOW_ABI_MAJOR;
  d.abi_minor = static_cast<uint16_t>(sagsflow_generated_plugin_abi_minor);
  d.id = sagsflow_generated_plugin_id;
  d.version = sagsflow_generated_plugin_version;
  d.manifest = sagsflow_generated_plugin_manifest;
  d.free_string = [](char* s) { std::free(s); };
  d.validate_form = &validate;
  return &d;
}
