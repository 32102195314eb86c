// PluginHost: loads service-area plugins and calls them safely.
//
// Loading checks, in this order, and refuses with the file and the reason:
// file missing; no manifest beside it (<name>.plugin.yaml); manifest invalid;
// checksum not in the allow-list; the same file or the same plugin id already
// loaded; manifest built for another ABI; not a shared library; missing entry
// point; entry point returned nothing; descriptor too small or of another
// ABI; manifest and library disagree (id, version or manifest text).
//
// Plugin code runs only behind the C ABI: every call is guarded, its output
// checked; an exception, an error code or garbage becomes kPluginFailed.
// Libraries are never unloaded while the process runs (objects a plugin made
// must keep it loaded); event connections made for plugins are dropped by
// detach() and the destructor, which also calls each plugin's shutdown.
//
// Thread-safety: a PluginHost is not thread-safe: use a host from one thread,
// like the engine's store (plugin code then runs on that thread only).
// The process-wide record of loaded files and ids that load() checks is
// internally synchronised, so hosts on different threads may load at once.
#pragma once

#include <boost/signals2/connection.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sagsflow/engine/plugin_calls.hpp"
#include "sagsflow/config/plugin_manifest.hpp"

struct sf_plugin_descriptor;

namespace sagsflow {

class CaseEngine;

inline constexpr int kHostAbiMajor = 1;
inline constexpr int kHostAbiMinor = 0;

// What can be known of a plugin without running its code.
struct InspectedPlugin {
  PluginManifest manifest;
  std::string library_path;
  std::string manifest_path;
  std::string manifest_text;
  std::string sha256;  // of the library file
};

// "<dir>/<name>.plugin.yaml" for "<dir>/<name>.so".
std::string manifest_path_for(const std::string& library_path);
// 64 lower-case hex digits; kNotFound when the file cannot be opened.
Result<std::string> sha256_of_file(const std::string& path);
// Reads and checks the manifest beside the library; runs no plugin code.
// kInvalidArgument ("plugin <path> refused: ...") when the file is missing, has
// no manifest beside it or the manifest has errors (each listed).
Result<InspectedPlugin> inspect_plugin(const std::string& library_path);

struct LoadedPlugin {
  InspectedPlugin info;
  const sf_plugin_descriptor* descriptor = nullptr;  // owned by the plugin
  const std::string& id() const { return info.manifest.id; }
};

struct PluginHostOptions {
  // When set, only libraries with one of these SHA-256 checksums load.
  std::optional<std::set<std::string>> allowed_sha256;
  // The configuration a plugin reads: (plugin id, municipality code, key) ->
  // value. The municipality is the one whose case the plugin is working on
  // (empty outside a call about a case), so each municipality can set its own
  // amounts and thresholds for a shared plugin.
  std::function<std::optional<std::string>(const std::string&, const std::string&, const std::string&)> config;
};

class PluginHost final : public PluginCalls {
 public:
  explicit PluginHost(PluginHostOptions options = {});
  ~PluginHost() override;
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Loads the library after the checks above; every refusal is
  // kInvalidArgument naming the file and the reason. A refused
  // library that was already mapped stays mapped (never unloaded), but is not
  // registered: its file and id may be loaded again. The pointer lives as long
  // as the host.
  Result<const LoadedPlugin*> load(const std::string& library_path);
  // The loaded plugin with this id, or nullptr.
  const LoadedPlugin* find(std::string_view id) const;
  // Every loaded plugin, in load order.
  std::vector<const LoadedPlugin*> loaded() const;

  // Gives plugins access to cases through `engine` and delivers the engine's
  // events to the plugin that owns each case's workflow (not its own writes nor
  // incidents); replaces an earlier attach. A plugin's failure in on_case_event
  // is recorded as an incident on the case. `engine` must outlive the
  // attachment (detach() or the host's destructor).
  void attach(CaseEngine& engine);
  // Drops every event connection made for plugins.
  void detach();
  // Event connections currently live.
  size_t connections() const;

  // PluginCalls (plugin_calls.hpp): kNotFound when no loaded plugin has the id;
  // kPluginFailed when the plugin throws, reports an error or answers with
  // anything but {"errors": [{field?, message}]} / null or {outcome, reasons
  // (at least one), details}. The plugin sees the case with masked CPR numbers
  // and may not write to cases during these calls. validate_form returns the
  // manifest's declarative problems without calling the plugin when there are any.
  Result<std::vector<std::string>> validate_form(const std::string& plugin, const CaseState& c,
                                                 const nlohmann::json& pending_fields) override;
  Result<nlohmann::json> propose_decision(const std::string& plugin, const CaseState& c) override;

  struct Context;  // per plugin: what the host functions need
  const PluginHostOptions& options() const { return options_; }
  CaseEngine* engine() const { return engine_; }

 private:
  Result<const LoadedPlugin*> enabled(const std::string& plugin) const;
  Context& context_for(const LoadedPlugin* p);
  // The case as a plugin sees it: masked CPR numbers, plus "today" (YYYY-MM-DD).
  nlohmann::json plugin_view(const CaseState& c) const;
  void deliver(const CaseState& state, const nlohmann::json& event);

  PluginHostOptions options_;
  std::vector<std::unique_ptr<Context>> contexts_;
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::vector<boost::signals2::scoped_connection> connections_;
  CaseEngine* engine_ = nullptr;
};

}  // namespace sagsflow
