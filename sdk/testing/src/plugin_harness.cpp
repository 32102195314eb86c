#include "sagsflow/testing/plugin_harness.hpp"

#include <filesystem>
#include <set>

#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::testing {

struct PluginHarness::Parts {
  std::map<std::string, std::string> config;
  std::shared_ptr<Timestamp> now = std::make_shared<Timestamp>(
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{9});
  std::unique_ptr<db::SqlStore> store;
  std::unique_ptr<PluginHost> host;
  std::unique_ptr<CaseEngine> engine;
  const LoadedPlugin* plugin = nullptr;
  std::string workflow_id;
  std::vector<std::string> roles;
};

PluginHarness::PluginHarness(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
PluginHarness::~PluginHarness() {
  if (parts_ && parts_->host) parts_->host->detach();
}

Result<std::unique_ptr<PluginHarness>> PluginHarness::create(const std::string& library_path,
                                                             std::map<std::string, std::string> config) {
  auto parts = std::make_unique<Parts>();
  parts->config = std::move(config);
  auto store = db::SqlStore::open("sqlite::memory:");
  if (!store.ok()) return store.status();
  parts->store = std::move(*store);
  if (auto m = parts->store->migrate(); !m.ok()) return m.status();
  if (auto st = parts->store->upsert_municipality("0999", "Testkommune"); !st.ok()) return st;

  PluginHostOptions options;
  Parts* raw = parts.get();
  options.config = [raw](const std::string&, const std::string&, const std::string& key) -> std::optional<std::string> {
    auto it = raw->config.find(key);
    if (it == raw->config.end()) return std::nullopt;
    return it->second;
  };
  parts->host = std::make_unique<PluginHost>(std::move(options));
  auto loaded = parts->host->load(library_path);
  if (!loaded.ok()) return loaded.status();
  parts->plugin = *loaded;

  auto now = parts->now;
  parts->engine = std::make_unique<CaseEngine>(
      *parts->store, EngineOptions{DanishCalendar{}, [now] { return *now; }, parts->host.get()});
  parts->host->attach(*parts->engine);

  const auto& info = parts->plugin->info;
  const std::string wf_path =
      (std::filesystem::path(info.manifest_path).parent_path() / info.manifest.workflow_file).string();
  auto text = read_text_file(wf_path);
  if (!text.ok()) return text.status();
  auto deployed = parts->engine->deploy_workflow(*text, wf_path);
  if (!deployed.ok()) return deployed.status();
  parts->workflow_id = deployed->record.id;
  auto wf = parts->engine->workflow(parts->workflow_id, std::nullopt);
  if (!wf.ok()) return wf.status();
  if ((*wf)->plugin != info.manifest.id) {
    return InvalidArgument(wf_path + ": the workflow's 'plugin' must be '" + info.manifest.id + "'");
  }
  std::set<std::string> roles;
  for (const auto& s : (*wf)->stages) {
    for (const auto& a : s.actions) roles.insert(a.roles.begin(), a.roles.end());
  }
  parts->roles.assign(roles.begin(), roles.end());
  return std::unique_ptr<PluginHarness>(new PluginHarness(std::move(parts)));
}

const PluginManifest& PluginHarness::manifest() const { return parts_->plugin->info.manifest; }
CaseEngine& PluginHarness::engine() { return *parts_->engine; }
PluginHost& PluginHarness::host() { return *parts_->host; }
Actor PluginHarness::actor() const { return {"tester", "bsc", "0999", parts_->roles}; }
void PluginHarness::set_today(Date day) { *parts_->now = day + std::chrono::hours{9}; }

Result<CaseState> PluginHarness::open_case(nlohmann::json fields, std::optional<std::string> cpr) {
  OpenCaseRequest req;
  req.municipality = "0999";
  req.workflow_id = parts_->workflow_id;
  req.fields = std::move(fields);
  req.citizen_cpr = std::move(cpr);
  req.actor = actor();
  return parts_->engine->open_case(req);
}

Result<CaseState> PluginHarness::act(long long case_id, const std::string& action, nlohmann::json fields,
                                     std::vector<std::string> attachments) {
  ActionRequest req;
  req.case_id = case_id;
  req.action = action;
  req.actor = actor();
  req.fields = std::move(fields);
  for (auto& a : attachments) req.attachments.push_back({std::move(a), "", ""});
  return parts_->engine->act(req);
}

Result<std::vector<std::string>> PluginHarness::validate_form(nlohmann::json fields) {
  CaseState draft;
  draft.municipality = "0999";
  draft.workflow_id = parts_->workflow_id;
  draft.fields = nlohmann::json::object();
  return parts_->host->validate_form(manifest().id, draft, fields);
}

Result<CaseState> PluginHarness::propose_decision(long long case_id) {
  return parts_->engine->propose_decision(case_id, actor());
}

Result<std::vector<CaseEvent>> PluginHarness::history(long long case_id) {
  return parts_->engine->history(case_id);
}

}  // namespace sagsflow::testing
