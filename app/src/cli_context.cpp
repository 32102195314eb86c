#include "cli_context.hpp"

#include <fmt/format.h>

#include <iostream>

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

Actor Context::actor(const std::string& municipality_code) const {
  Actor a;
  a.id = actor_id;
  a.unit = actor_unit;
  a.authority = actor_authority.empty() ? municipality_code : actor_authority;
  a.roles = actor_roles;
  return a;
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

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace sagsflow::cli
