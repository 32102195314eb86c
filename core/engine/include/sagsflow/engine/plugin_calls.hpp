// PluginCalls: how the engine reaches service-area plugin code.
//
// The engine knows nothing of libraries or the C ABI; the plugin host
// (sagsflow/plugins/plugin_host.hpp) implements this. Every call returns a
// value: kNotFound when no enabled plugin has the id, kPluginFailed when the
// plugin threw, reported an error or returned something that is not the
// promised JSON. The engine turns kPluginFailed and kNotFound into a visible
// incident on the case, never into lost data.
// Thread-safety: implementations need not be thread-safe; the engine calls
// them from the thread it runs on.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/cases/case_state.hpp"
#include "sagsflow/config/plugin_manifest.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow {

class PluginCalls {
 public:
  virtual ~PluginCalls() = default;
  // Problems with the form (the declarative rules of the manifest, then the
  // plugin's own code); empty when the form is fine. `pending_fields` are the
  // fields the action brings, merged over the case's.
  virtual Result<std::vector<std::string>> validate_form(const std::string& plugin, const CaseState& c,
                                                         const nlohmann::json& pending_fields) = 0;
  // {outcome, reasons, details}, or null when the criteria do not settle it.
  virtual Result<nlohmann::json> propose_decision(const std::string& plugin, const CaseState& c) = 0;
  // The labels of the plugin's form fields and attachments (name -> label,
  // from its manifest), for letters that name them; empty when unknown.
  virtual std::map<std::string, std::string> form_labels(const std::string& plugin) const {
    (void)plugin;
    return {};
  }
  // The form the plugin's manifest declares (fields, attachments, labels and
  // help per language); nullopt when no enabled plugin has the id.
  virtual std::optional<FormSpec> form_of(const std::string& plugin) const {
    (void)plugin;
    return std::nullopt;
  }
};

}  // namespace sagsflow
