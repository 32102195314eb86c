#include "cli_context.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "sagsflow/domain/log.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/text_file.hpp"

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

Result<Actor> Context::actor(const std::string& municipality_code, const Organisation* organisation) const {
  const ActorClaim claim{actor_id, actor_unit, actor_authority, actor_roles};
  if (organisation != nullptr) return organisation->actor_for(claim, municipality_code);
  return Organisation().actor_for(claim, municipality_code);  // no configuration: the claim as it is
}

Organisation organisation_of_file(const MunicipalityConfig& config) {
  Organisation org;
  for (const auto& f : config.workflow_files) {
    if (auto wf = load_workflow_file(f); wf.ok()) org.add_workflow(*wf.definition);
  }
  org.add(config);
  return org;
}

std::string Context::plugin_directory() const { return app::plugin_directory_for(db_url, plugin_dir); }

Result<std::optional<std::set<std::string>>> Context::allow_list() const {
  return app::allow_list_in(plugin_directory());
}

Result<std::unique_ptr<Organisation>> load_organisation(db::SqlStore& store) { return app::load_organisation(store); }

Result<Actor> require_admin(const Context& ctx, const Organisation& organisation, const std::string& municipality,
                            std::string_view doing) {
  auto me = ctx.actor(municipality, &organisation);
  const Status st = me.ok() ? organisation.may_administer(*me, municipality) : me.status();
  if (st.ok()) return me;
  // Refused, or not on the staff list (kNotFound from building the person):
  // say how to act as an admin. Any other error (no such municipality) as it is.
  const bool refused = st.code() == ErrorCode::kForbidden || (!me.ok() && st.code() == ErrorCode::kNotFound);
  if (!refused || organisation.find(municipality) == nullptr) return st;
  std::string name = municipality;
  std::vector<std::string> admins;
  if (const auto* m = organisation.find(municipality)) {
    name = m->name;
    for (const auto& person : m->staff) {
      if (std::find(person.roles.begin(), person.roles.end(), kAdminRole) != person.roles.end()) {
        admins.push_back(person.id);
      }
    }
  }
  const std::string how =
      admins.empty()
          ? fmt::format("no one on the staff list of {} holds it: give a person `roles: [{}]` in the municipality "
                        "file and load it with `sagsflow init` as an admin",
                        name, kAdminRole)
          : fmt::format("act as one of its admins ({}) with --actor {} (or SAGSFLOW_ACTOR={})", fmt::join(admins, ", "),
                        admins.front(), admins.front());
  return Forbidden(fmt::format("{} may not {}: that needs the role '{}' on the staff list of {} ({}); {}", ctx.actor_id,
                               doing, kAdminRole, name, st.message(), how));
}

Result<Actor> require_admin(const Context& ctx, db::SqlStore& store, std::string_view doing) {
  auto municipality = ctx.resolve_municipality(store);
  if (!municipality.ok()) return municipality.status();
  auto organisation = load_organisation(store);
  if (!organisation.ok()) return organisation.status();
  return require_admin(ctx, **organisation, *municipality, doing);
}

Result<Session> open_session(const Context& ctx, bool need_municipality) {
  std::string municipality;
  if (need_municipality) {
    auto store = ctx.open_store();
    if (!store.ok()) return store.status();
    auto m = ctx.resolve_municipality(**store);
    if (!m.ok()) return m.status();
    municipality = *m;
  }
  auto opened = app::open_installation({ctx.db_url, ctx.plugin_dir});
  if (!opened.ok()) return opened.status();
  // Cases that need a plugin that did not load will show an incident; everything else works on.
  for (const auto& w : opened->plugin_warnings) std::cerr << "warning: " << w << "\n";
  Session s;
  static_cast<app::Installation&>(s) = std::move(*opened);
  s.municipality = municipality;
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

Result<Cpr> read_cpr_from_stdin(const std::string& example) {
  if (isatty(STDIN_FILENO)) std::cerr << "CPR number of the citizen: " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) {
    return InvalidArgument(fmt::format("cpr: give the citizen's CPR number on standard input (e.g. `echo DDMMYY-SSSS "
                                       "| sagsflow {}`), not on the command line", example));
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  auto cpr = Cpr::parse(line);
  if (!cpr.ok()) return InvalidArgument("cpr: " + cpr.status().message());
  return cpr;
}

}  // namespace sagsflow::cli
