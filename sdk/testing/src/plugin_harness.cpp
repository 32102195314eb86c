#include "sagsflow/testing/plugin_harness.hpp"

#include <filesystem>
#include <set>

#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/plugins/plugin_host.hpp"

namespace sagsflow::testing {

namespace {

ErrorCode code_of(sagsflow::ErrorCode c) {
  switch (c) {
    case sagsflow::ErrorCode::kOk: return ErrorCode::kOk;
    case sagsflow::ErrorCode::kInvalidArgument: return ErrorCode::kInvalidArgument;
    case sagsflow::ErrorCode::kNotFound: return ErrorCode::kNotFound;
    case sagsflow::ErrorCode::kAlreadyExists: return ErrorCode::kAlreadyExists;
    case sagsflow::ErrorCode::kConflict: return ErrorCode::kConflict;
    case sagsflow::ErrorCode::kGuardFailed: return ErrorCode::kGuardFailed;
    case sagsflow::ErrorCode::kForbidden: return ErrorCode::kForbidden;
    case sagsflow::ErrorCode::kFailedPrecondition: return ErrorCode::kFailedPrecondition;
    case sagsflow::ErrorCode::kSchemaTooNew: return ErrorCode::kSchemaTooNew;
    case sagsflow::ErrorCode::kStorage: return ErrorCode::kStorage;
    case sagsflow::ErrorCode::kPluginFailed: return ErrorCode::kPluginFailed;
    case sagsflow::ErrorCode::kInternal: return ErrorCode::kInternal;
  }
  return ErrorCode::kInternal;
}

Status status_of(const sagsflow::Status& s) {
  if (s.ok()) return {};
  return {code_of(s.code()), error_code_name(s.code()), s.message()};
}

Case case_of(const CaseState& s) {
  Case c;
  c.id = s.id;
  c.case_number = s.case_number;
  c.workflow_id = s.workflow_id;
  c.stage = s.stage;
  c.status = case_status_key(s.status);
  c.owning_authority = s.owning_authority;
  c.outcome = s.outcome;
  if (s.decided_on) c.decided_on = format_date(*s.decided_on);
  if (s.complaint_due) c.complaint_due = format_date(*s.complaint_due);
  c.json = to_json(s, /*reveal_cpr=*/false);
  c.fields = c.json.at("fields");
  c.proposal = s.proposal;
  c.incident = s.incident;
  c.forwarded = s.forwarded;
  return c;
}

Result<Case> case_result(const sagsflow::Result<CaseState>& r) {
  if (!r.ok()) return status_of(r.status());
  return case_of(*r);
}

CaseEvent event_of(const sagsflow::CaseEvent& e) {
  CaseEvent out;
  out.seq = e.seq;
  out.at = e.at;
  out.actor = e.actor;
  out.authority = e.authority;
  out.action = e.action;
  out.from_stage = e.from_stage;
  out.to_stage = e.to_stage;
  // The masked form, as everything shown outside the store.
  out.data = to_json(e, /*reveal_cpr=*/false).at("data");
  return out;
}

Manifest manifest_of(const PluginManifest& m) {
  Manifest out;
  out.id = m.id;
  out.name = m.name;
  out.version = m.version;
  out.vendor = m.vendor;
  out.service_area = m.service_area;
  out.kle_subjects = m.kle_subjects;
  out.kle_facets = m.kle_facets;
  out.owning_authority = {m.owning_authority.kind, m.owning_authority.id, m.owning_authority.name};
  out.complaints.reconsideration = m.complaints.reconsideration;
  out.complaints.appeals_body = m.complaints.appeals_body;
  if (m.complaints.deadline) out.complaints.deadline = m.complaints.deadline->describe();
  out.life_situations = m.life_situations;
  out.json = m.to_json();
  return out;
}

sagsflow::Actor actor_of(const Actor& a) { return {a.id, a.unit, a.authority, a.roles}; }

}  // namespace

struct PluginHarness::Parts {
  std::map<std::string, std::string> config;
  std::shared_ptr<Timestamp> now = std::make_shared<Timestamp>(
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{9});
  std::unique_ptr<db::SqlStore> store;
  std::unique_ptr<PluginHost> host;
  std::unique_ptr<CaseEngine> engine;
  const LoadedPlugin* plugin = nullptr;
  Manifest manifest;
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
  if (!store.ok()) return status_of(store.status());
  parts->store = std::move(*store);
  if (auto m = parts->store->migrate(); !m.ok()) return status_of(m.status());
  if (auto st = parts->store->upsert_municipality("0999", "Testkommune"); !st.ok()) return status_of(st);

  PluginHostOptions options;
  Parts* raw = parts.get();
  options.config = [raw](const std::string&, const std::string&, const std::string& key) -> std::optional<std::string> {
    auto it = raw->config.find(key);
    if (it == raw->config.end()) return std::nullopt;
    return it->second;
  };
  parts->host = std::make_unique<PluginHost>(std::move(options));
  auto loaded = parts->host->load(library_path);
  if (!loaded.ok()) return status_of(loaded.status());
  parts->plugin = *loaded;
  if (parts->plugin->info.manifest.delivers_letters()) {
    return status_of(InvalidArgument(
        library_path + " is a delivery plugin (delivery: " + parts->plugin->info.manifest.delivery_channel +
        "): it has no workflow to run cases with; test its deliver_letter with MockHost and delivery_of() "
        "(sagsflow/testing/plugin_calls.hpp)"));
  }
  parts->manifest = manifest_of(parts->plugin->info.manifest);

  auto now = parts->now;
  parts->engine = std::make_unique<CaseEngine>(
      *parts->store, EngineOptions{DanishCalendar{}, [now] { return *now; }, parts->host.get()});
  parts->host->attach(*parts->engine);

  const auto& info = parts->plugin->info;
  const std::string wf_path =
      (std::filesystem::path(info.manifest_path).parent_path() / info.manifest.workflow_file).string();
  auto text = read_text_file(wf_path);
  if (!text.ok()) return status_of(text.status());
  auto deployed = parts->engine->deploy_workflow(*text, wf_path);
  if (!deployed.ok()) return status_of(deployed.status());
  parts->workflow_id = deployed->record.id;
  auto wf = parts->engine->workflow(parts->workflow_id, std::nullopt);
  if (!wf.ok()) return status_of(wf.status());
  if ((*wf)->plugin != info.manifest.id) {
    return status_of(InvalidArgument(wf_path + ": the workflow's 'plugin' must be '" + info.manifest.id + "'"));
  }
  std::set<std::string> roles;
  for (const auto& s : (*wf)->stages) {
    for (const auto& a : s.actions) roles.insert(a.roles.begin(), a.roles.end());
  }
  parts->roles.assign(roles.begin(), roles.end());
  return std::unique_ptr<PluginHarness>(new PluginHarness(std::move(parts)));
}

const Manifest& PluginHarness::manifest() const { return parts_->manifest; }
Actor PluginHarness::actor() const { return {"tester", "bsc", "0999", parts_->roles}; }

Status PluginHarness::set_today(const std::string& yyyy_mm_dd) {
  auto day = parse_date(yyyy_mm_dd);
  if (!day.ok()) return status_of(day.status());
  *parts_->now = *day + std::chrono::hours{9};
  return {};
}

Result<Case> PluginHarness::open_case(nlohmann::json fields, std::optional<std::string> cpr) {
  OpenCaseRequest req;
  req.municipality = "0999";
  req.workflow_id = parts_->workflow_id;
  req.fields = std::move(fields);
  req.citizen_cpr = std::move(cpr);
  req.actor = actor_of(actor());
  return case_result(parts_->engine->open_case(req));
}

Result<Case> PluginHarness::act(long long case_id, const std::string& action, nlohmann::json fields,
                                std::vector<std::string> attachments) {
  return act_as(actor(), case_id, action, std::move(fields), std::move(attachments));
}

Result<Case> PluginHarness::act_as(const Actor& actor, long long case_id, const std::string& action,
                                   nlohmann::json fields, std::vector<std::string> attachments) {
  ActionRequest req;
  req.case_id = case_id;
  req.action = action;
  req.actor = actor_of(actor);
  req.fields = std::move(fields);
  for (auto& a : attachments) req.attachments.push_back({std::move(a), "", ""});
  return case_result(parts_->engine->act(req));
}

Result<Case> PluginHarness::hold_hearing(const Actor& actor, long long case_id, const std::string& facts) {
  return case_result(parts_->engine->start_hearing(case_id, actor_of(actor), facts, std::nullopt));
}

Result<Case> PluginHarness::hearing_reply(const Actor& actor, long long case_id, const std::string& reply) {
  return case_result(parts_->engine->record_hearing_reply(case_id, actor_of(actor), reply));
}

Result<std::vector<std::string>> PluginHarness::validate_form(nlohmann::json fields) {
  CaseState draft;
  draft.municipality = "0999";
  draft.workflow_id = parts_->workflow_id;
  draft.fields = nlohmann::json::object();
  auto problems = parts_->host->validate_form(parts_->manifest.id, draft, fields);
  if (!problems.ok()) return status_of(problems.status());
  return *problems;
}

Result<Case> PluginHarness::propose_decision(long long case_id) {
  return case_result(parts_->engine->propose_decision(case_id, actor_of(actor())));
}

Result<Case> PluginHarness::get_case(long long case_id) { return case_result(parts_->engine->get_case(case_id)); }

Result<std::vector<CaseEvent>> PluginHarness::history(long long case_id) {
  auto h = parts_->engine->history(case_id);
  if (!h.ok()) return status_of(h.status());
  std::vector<CaseEvent> out;
  out.reserve(h->size());
  for (const auto& e : *h) out.push_back(event_of(e));
  return out;
}

Status PluginHarness::replay_matches_state(long long case_id) {
  auto h = parts_->engine->history(case_id);
  if (!h.ok()) return status_of(h.status());
  auto stored = parts_->engine->get_case(case_id);
  if (!stored.ok()) return status_of(stored.status());
  auto replayed = replay(*h);
  if (!replayed.ok()) return status_of(replayed.status());
  if (*replayed == *stored) return {};
  return status_of(Internal("case " + std::to_string(case_id) + ": the replay of its history " +
                            to_json(*replayed, false).dump() + " differs from the stored case " +
                            to_json(*stored, false).dump()));
}

Status PluginHarness::deploy_workflow(const std::string& yaml, const std::string& file_name) {
  auto deployed = parts_->engine->deploy_workflow(yaml, file_name);
  if (!deployed.ok()) return status_of(deployed.status());
  return {};
}

}  // namespace sagsflow::testing
