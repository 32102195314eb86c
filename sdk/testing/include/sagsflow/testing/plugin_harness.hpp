// PluginHarness: runs a built plugin against a real engine on an in-memory
// SQLite database, so a vendor can test form validation, decision proposals
// and the whole workflow without a server.
//
//   auto h = sagsflow::testing::PluginHarness::create(PLUGIN_PATH);
//   ASSERT_TRUE(h.ok()) << h.status().to_string();
//   auto c = (*h)->open_case({{"name", "Jens"}}, "070761-4285");
//   auto r = (*h)->act(c->id, "complete", {{"income", 250000}});
//
// PLUGIN_PATH is the NAME.so that sagsflow_add_plugin() built; its manifest
// and workflow are beside it. The harness loads the plugin exactly as the
// host does (every refusal applies), deploys its workflow, and acts as a
// person holding every role the workflow names. A plugin can be loaded once
// per process at a time, so keep one harness per plugin alive at a time
// (one per test is the usual way).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/engine/engine.hpp"
#include "sagsflow/plugins/plugin_host.hpp"

namespace sagsflow::testing {

class PluginHarness {
 public:
  static Result<std::unique_ptr<PluginHarness>> create(const std::string& library_path,
                                                       std::map<std::string, std::string> config = {});
  ~PluginHarness();

  const PluginManifest& manifest() const;
  CaseEngine& engine();
  PluginHost& host();
  // Someone in the citizen-service centre holding every role of the workflow.
  Actor actor() const;
  // Moves the engine's clock (deadlines count from Copenhagen dates).
  void set_today(Date day);

  Result<CaseState> open_case(nlohmann::json fields = nlohmann::json::object(),
                              std::optional<std::string> cpr = std::nullopt);
  // Attachments are given by name ("photo").
  Result<CaseState> act(long long case_id, const std::string& action,
                        nlohmann::json fields = nlohmann::json::object(),
                        std::vector<std::string> attachments = {});
  // The form's problems for these fields (declarative rules, then the plugin's code).
  Result<std::vector<std::string>> validate_form(nlohmann::json fields);
  Result<CaseState> propose_decision(long long case_id);
  Result<std::vector<CaseEvent>> history(long long case_id);

  struct Parts;

 private:
  explicit PluginHarness(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace sagsflow::testing
