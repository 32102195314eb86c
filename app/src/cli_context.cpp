#include "cli_context.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "sagsflow/core/log.hpp"
#include "sagsflow/core/municipality.hpp"
#include "sagsflow/core/text_file.hpp"

namespace sagsflow::cli {

Result<std::unique_ptr<db::SqlStore>> Context::open_store(bool require_current_schema) const {
  auto store = db::SqlStore::open(db_url);
  if (!store.ok()) return store.status();
  if (require_current_schema) {
    if (auto st = (*store)->check_schema(); !st.ok()) return st;
  }
  return store;
}

Result<std::string> Context::resolve_municipality(CaseStore& store) const {
  if (!municipality.empty()) {
    auto name = store.municipality_name(municipality);
    if (!name.ok()) return name.status();
    return municipality;
  }
  auto all = store.list_municipalities();
  if (!all.ok()) return all.status();
  if (all->size() == 1) return all->front().first;
  if (all->empty()) return NotFound("the database has no municipality yet: run `sagsflow init`");
  std::vector<std::string> codes;
  for (const auto& [code, name] : *all) codes.push_back(code + " " + name);
  return InvalidArgument(fmt::format("the database serves several municipalities ({}); choose one "
                                     "with --municipality", fmt::join(codes, ", ")));
}

Actor Context::actor(const std::string& municipality_code, const Organisation* organisation) const {
  Actor a;
  a.id = actor_id;
  a.unit = actor_unit;
  a.authority = actor_authority;
  a.roles = actor_roles;
  if (organisation != nullptr) {
    if (auto who = organisation->person(actor_id, municipality_code); who.ok()) {
      if (a.unit.empty()) a.unit = who->staff->unit;
      if (a.roles.empty()) a.roles = who->staff->roles;
      if (a.authority.empty() && a.unit == who->staff->unit) a.authority = who->authority;
    }
  }
  if (a.authority.empty()) a.authority = municipality_code;
  return a;
}

Organisation organisation_of_file(const MunicipalityConfig& config) {
  Organisation org;
  for (const auto& f : config.workflow_files) {
    if (auto wf = load_workflow_file(f); wf.ok()) org.add_workflow(*wf.definition);
  }
  org.add(config);
  return org;
}

Result<std::unique_ptr<Organisation>> load_organisation(db::SqlStore& store) {
  auto org = std::make_unique<Organisation>();
  auto configs = store.municipality_configs();
  if (!configs.ok()) return configs.status();
  for (const auto& record : *configs) {
    auto parsed = parse_municipality(record.source, record.file_name);
    if (!parsed.ok()) {
      return FailedPrecondition(fmt::format("the stored configuration of municipality {} ({}) no longer parses: {}; "
                                            "load a corrected file with `sagsflow init`",
                                            record.code, record.file_name, parsed.errors.front().to_string()));
    }
    org->add(std::move(*parsed.config));
  }
  auto workflows = store.list_workflows();
  if (!workflows.ok()) return workflows.status();
  std::set<std::string> seen;
  for (auto it = workflows->rbegin(); it != workflows->rend(); ++it) {  // latest version first
    if (!seen.insert(it->id).second) continue;
    auto record = store.load_workflow(it->id, it->version);
    if (!record.ok()) return record.status();
    auto parsed = parse_workflow(record->source, record->file_name);
    if (parsed.ok()) org->add_workflow(*parsed.definition);
  }
  return org;
}

std::string Context::plugin_directory() const {
  if (!plugin_dir.empty()) return plugin_dir;
  if (const char* env = std::getenv("SAGSFLOW_PLUGIN_DIR"); env && *env) return env;
  auto url = db::DatabaseUrl::parse(db_url);
  if (url.ok() && url->dialect == db::Dialect::kSqlite && url->connect != ":memory:") {
    return (std::filesystem::path(url->connect).parent_path() / "plugins").string();
  }
  return "plugins";
}

Result<std::optional<std::set<std::string>>> Context::allow_list() const {
  const auto path = std::filesystem::path(plugin_directory()) / "allowed-sha256.txt";
  if (!std::filesystem::exists(path)) return std::optional<std::set<std::string>>{};
  auto text = read_text_file(path.string());
  if (!text.ok()) return text.status();
  std::set<std::string> allowed;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    line = line.substr(0, line.find('#'));
    line.erase(0, line.find_first_not_of(" \t\r"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (!line.empty()) allowed.insert(line);
  }
  return std::optional<std::set<std::string>>{std::move(allowed)};
}

Session::~Session() {
  if (plugins) plugins->detach();  // drop the plugins' connections before anything goes
}

Result<Session> open_session(const Context& ctx, bool need_municipality) {
  auto store = ctx.open_store();
  if (!store.ok()) return store.status();
  Session s;
  s.store = std::move(*store);
  if (need_municipality) {
    auto m = ctx.resolve_municipality(*s.store);
    if (!m.ok()) return m.status();
    s.municipality = *m;
  }
  auto allowed = ctx.allow_list();
  if (!allowed.ok()) return allowed.status();
  auto org = load_organisation(*s.store);
  if (!org.ok()) return org.status();
  s.organisation = std::move(*org);
  PluginHostOptions options;
  options.allowed_sha256 = *allowed;
  // A plugin reads the settings the municipality whose case it works on gives its service area.
  options.config = [org = s.organisation.get()](const std::string& plugin, const std::string& municipality,
                                                 const std::string& key) {
    return org->plugin_setting(plugin, municipality, key);
  };
  s.plugins = std::make_unique<PluginHost>(options);
  auto installed = s.store->installed_plugins();
  if (!installed.ok()) return installed.status();
  for (const auto& p : *installed) {
    if (!p.enabled) continue;
    const auto path = (std::filesystem::path(ctx.plugin_directory()) / p.file_name).string();
    if (auto loaded = s.plugins->load(path); !loaded.ok()) {
      // Cases that need it will show an incident; everything else works on.
      std::cerr << "warning: " << loaded.status().message() << "\n";
    }
  }
  EngineOptions engine_options{DanishCalendar{}, system_clock(), s.plugins.get()};
  if (!s.organisation->empty()) engine_options.organisation = s.organisation.get();
  s.engine = std::make_unique<CaseEngine>(*s.store, engine_options);
  s.front_desk = std::make_unique<FrontDesk>(*s.store, *s.organisation, DanishCalendar{});
  s.plugins->attach(*s.engine);
  return s;
}

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk: return kExitOk;
    case ErrorCode::kConflict: return kExitConflict;
    case ErrorCode::kGuardFailed:
    case ErrorCode::kForbidden:
    case ErrorCode::kFailedPrecondition: return kExitRefused;
    case ErrorCode::kNotFound: return kExitNotFound;
    case ErrorCode::kSchemaTooNew: return kExitSchema;
    case ErrorCode::kPluginFailed: return kExitPluginFailed;
    default: return kExitError;
  }
}

int fail(const Context& ctx, const Status& status) {
  int code = exit_code_for(status);
  // A database that only needs migrating is a schema problem too.
  if (status.code() == ErrorCode::kFailedPrecondition &&
      status.message().find("sagsflow db migrate") != std::string::npos) {
    code = kExitSchema;
  }
  if (ctx.json) {
    std::cerr << nlohmann::json{{"error", {{"code", error_code_name(status.code())},
                                           {"message", status.message()}}}}.dump(2)
              << "\n";
  } else {
    std::cerr << "error: " << status.message() << "\n";
  }
  return code;
}

nlohmann::json report_diagnostics(const Context& ctx, const std::vector<Diagnostic>& errors) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : errors) {
    list.push_back({{"file", d.file}, {"line", d.pos.line}, {"column", d.pos.column}, {"message", d.message}});
    if (!ctx.json) std::cerr << d.to_string() << "\n";
  }
  return list;
}

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace sagsflow::cli
