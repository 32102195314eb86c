// What every handler shares: reading the request, and who the caller is.
#include <fmt/format.h>

#include "api.hpp"
#include "web_assets.hpp"

namespace sagsflow::server {

using nlohmann::json;

Result<Actor> Call::staff() const {
  if (!principal || principal->kind != PrincipalKind::kStaff) return Forbidden("this needs a staff token");
  const auto* org = installation().organisation.get();
  if (org == nullptr || org->empty()) {
    return FailedPrecondition("no municipality file is loaded: run `sagsflow init --municipality-file FILE`");
  }
  // The core builds the actor and checks it against the staff list, as for the CLI.
  return org->actor_for({principal->person, principal->unit, "", principal->roles}, principal->municipality);
}

Status Call::refuse_field(const std::string& name, const std::string& message) {
  field = name;
  return InvalidArgument(fmt::format("{}: {}", name, message));
}

Result<long long> Call::id_param(const std::string& name) {
  const std::string& text = params.at(name);
  try {
    size_t used = 0;
    const long long id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  field = name;
  return InvalidArgument(fmt::format("{} '{}' in the path is not a positive whole number", name, text));
}

Result<std::string> Call::text(const std::string& name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) return refuse_field(name, "is required");
    return std::string();
  }
  if (!body[name].is_string()) return refuse_field(name, "must be a string");
  std::string value = body[name].get<std::string>();
  if (required && value.empty()) return refuse_field(name, "must not be empty");
  if (value.size() > 20000) return refuse_field(name, "is longer than 20000 characters");
  return value;
}

Result<std::string> Call::text_unbounded(const std::string& name) {
  if (!body.contains(name) || !body[name].is_string() || body[name].get<std::string>().empty()) {
    return refuse_field(name, "is required, as a non-empty string");
  }
  return body[name].get<std::string>();
}

Result<bool> Call::flag(const std::string& name, bool fallback) {
  if (!body.contains(name) || body[name].is_null()) return fallback;
  if (!body[name].is_boolean()) return refuse_field(name, "must be true or false");
  return body[name].get<bool>();
}

Result<json> Call::object(const std::string& name) {
  if (!body.contains(name) || body[name].is_null()) return json::object();
  if (!body[name].is_object()) return refuse_field(name, "must be a JSON object");
  return body[name];
}

Result<Cpr> Call::cpr(const std::string& name) {
  auto t = text(name);
  if (!t.ok()) return t.status();
  auto c = Cpr::parse(*t);
  if (!c.ok()) return refuse_field(name, c.status().message());
  return *c;
}

std::string Call::query_value(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

json case_summary_json(const CaseState& s) {
  return {{"id", s.id},
          {"case_number", s.case_number},
          {"municipality", s.municipality},
          {"title", mask_cpr_numbers(s.title)},
          {"workflow", s.workflow_id},
          {"stage", s.stage},
          {"status", case_status_key(s.status)},
          {"citizen", s.citizen ? json(s.citizen->masked()) : json()},
          {"owning_authority", s.owning_authority},
          {"due", s.clock ? json(format_date(s.clock->due)) : json()},
          {"breached", s.clock ? s.clock->breached : false},
          {"assignee", s.assignee.is_object() ? s.assignee["person"] : json()},
          {"opened_at", s.opened_at},
          {"updated_at", s.updated_at}};
}

std::vector<Route> all_routes() {
  std::vector<Route> routes;
  routes.push_back({"GET", "/api/v1/openapi.json", Access::kPublic,
                    [](Call&) -> Result<json> { return json::parse(embedded_openapi()); }});
  add_front_desk_routes(routes);
  add_case_routes(routes);
  add_admin_routes(routes);
  add_citizen_routes(routes);
  add_report_routes(routes);
  return routes;
}

}  // namespace sagsflow::server
