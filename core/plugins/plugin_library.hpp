// Private to the plugin host: one plugin library loaded into this process
// behind the C ABI, and the host services its sf_host_api reaches. Used by the
// in-process PluginHost and by the supervised child (`sagsflow-plugin-host`),
// so both apply the same ABI checks and call the plugin the same way.
//
// Thread-safety: not thread-safe; a library is called from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sagsflow/domain/result.hpp"
#include "sagsflow/plugins/plugin_host.hpp"

struct sf_plugin_descriptor;

namespace sagsflow::detail {

// What a plugin's host calls reach. Errors map to SF codes: kNotFound ->
// SF_NOT_FOUND, kForbidden -> SF_FORBIDDEN, anything else -> SF_ERROR.
class PluginServices {
 public:
  virtual ~PluginServices() = default;
  virtual void log(int level, const std::string& message) = 0;
  virtual Result<std::string> config_get(const std::string& key) = 0;
  virtual Result<std::string> case_read(int64_t case_id) = 0;
  virtual Status case_add_note(int64_t case_id, const std::string& text) = 0;
  virtual Status case_add_event(int64_t case_id, const std::string& kind, const std::string& data_json) = 0;
};

int sf_code(const Status& s);

// One call's outcome as the plugin gave it: its return code, its output (or
// error text), and what it threw (empty when it did not).
struct RawAnswer {
  int rc = 1;
  std::string out;
  std::string thrown;
};

// The input of the "scan_document" operation (in this process and over the
// child protocol): the metadata JSON text and the bytes, as one JSON text
// ({"metadata": text, "content_hex": hex}); PluginLibrary::call decodes it.
std::string scan_input(const std::string& metadata_json, std::string_view content);
// The input of the "deliver_letter" operation (ABI 1.2), the same way: the
// letter JSON text and the PDF's bytes as one JSON text.
std::string deliver_input(const std::string& letter_json, std::string_view pdf);

class PluginLibrary {
 public:
  // Maps the library and runs its entry point with a host table reaching
  // `services` (which must outlive the library object), then checks the
  // descriptor against the ABI and the manifest. A refusal is kInvalidArgument
  // whose message is only the reason ("it has no entry point ..."), for the
  // caller to prefix with the file. The library is never unmapped.
  static Result<std::unique_ptr<PluginLibrary>> load(const InspectedPlugin& info, PluginServices& services);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const sf_plugin_descriptor* descriptor() const { return descriptor_; }
  // Whether the plugin offers the operation (validate_form, propose_decision, on_case_event, scan_document: ABI
  // 1.1, deliver_letter: ABI 1.2).
  bool offers(const std::string& operation) const;
  // Calls it with `input`, catching anything thrown; the output is freed with
  // the plugin's free_string. Unknown operations answer rc SF_ERROR.
  RawAnswer call(const std::string& operation, const std::string& input) const;
  // Calls the plugin's shutdown once (guarded).
  void shutdown();

  struct HostTable;

 private:
  PluginLibrary() = default;
  std::unique_ptr<HostTable> table_;
  const sf_plugin_descriptor* descriptor_ = nullptr;
  std::string id_;
  bool shut_down_ = false;
};

}  // namespace sagsflow::detail
