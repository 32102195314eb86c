// What every handler shares: reading the request, and who the caller is.
#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "api.hpp"
#include "sagsflow/domain/case_number.hpp"
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

Result<Actor> Call::admin() const {
  auto actor = staff();
  if (!actor.ok()) return actor.status();
  if (auto st = installation().organisation->may_administer(*actor, municipality()); !st.ok()) return st;
  return actor;
}

Status Call::refuse_field(const std::string& name, const std::string& message) {
  field = name;
  // Messages may quote what the client sent: never a CPR number in clear.
  return InvalidArgument(mask_cpr_numbers(fmt::format("{}: {}", name, message)));
}

namespace {

// Decimal digits only, the whole text, within [min, max].
std::optional<long long> decimal_in_range(const std::string& text, long long min, long long max) {
  if (text.empty() || text.size() > 19 || (text[0] == '0' && text.size() > 1)) return std::nullopt;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace

Result<long long> Call::id_param(const std::string& name) {
  if (auto id = decimal_in_range(params.at(name), 1, std::numeric_limits<long long>::max())) return *id;
  field = name;
  // Not echoed: a mistyped id may be a CPR number.
  return InvalidArgument(fmt::format("{}: the {} in the path is not a positive whole number", name, name));
}

std::optional<Result<long long>> Call::case_by_number(const std::string& text) {
  auto number = CaseNumber::parse(text);
  if (!number.ok()) return std::nullopt;
  return installation().engine->case_id_by_number(municipality(), number->to_string());
}

Result<long long> Call::case_param(const std::string& name) {
  if (auto id = case_by_number(params.at(name))) {
    if (!id->ok()) field = name;
    return *id;
  }
  return id_param(name);
}

Result<std::optional<long long>> Call::whole_number(const std::string& name, long long min, long long max) {
  if (!body.is_object() || !body.contains(name) || body[name].is_null()) return std::optional<long long>();
  const json& v = body[name];
  const std::string range = fmt::format("must be a whole number from {} to {}", min, max);
  if (v.is_number_unsigned()) {
    const auto u = v.get<unsigned long long>();
    if (u > static_cast<unsigned long long>(std::numeric_limits<long long>::max()) ||
        static_cast<long long>(u) < min || static_cast<long long>(u) > max) {
      return refuse_field(name, range);
    }
    return std::optional<long long>(static_cast<long long>(u));
  }
  if (v.is_number_integer()) {
    const auto n = v.get<long long>();
    if (n < min || n > max) return refuse_field(name, range);
    return std::optional<long long>(n);
  }
  if (v.is_number_float()) return refuse_field(name, range + ", without a fraction or exponent");
  return refuse_field(name, range + ", not " + std::string(v.type_name()));
}

Result<std::optional<long long>> Call::query_number(const std::string& name, long long min, long long max) {
  const std::string text = query_value(name);
  if (text.empty()) return std::optional<long long>();
  if (auto n = decimal_in_range(text, min, max)) return std::optional<long long>(*n);
  return refuse_field(name, fmt::format("must be a whole number from {} to {}", min, max));
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
                    [](Call&) -> Result<json> {
                      static const json document = json::parse(embedded_openapi());  // parsed once, not per request
                      return document;
                    }});
  add_front_desk_routes(routes);
  add_case_routes(routes);
  add_admin_routes(routes);
  add_citizen_routes(routes);
  add_report_routes(routes);
  add_document_routes(routes);
  add_letter_routes(routes);
  add_public_routes(routes);
  add_session_routes(routes);
  add_self_service_routes(routes);
  add_appointment_routes(routes);
  add_queue_routes(routes);
  add_notification_routes(routes);
  for (Route& r : routes) {
    // The plugin list asks the plugin host, which only writers have.
    if (r.pattern == "/api/v1/admin/plugins") r.needs_plugins = true;
    if (r.method == "GET" && !r.needs_plugins && r.lane == Lane::kWrite) r.lane = Lane::kRead;
    if (r.method == "POST" && (r.pattern == "/api/v1/cases" || r.pattern == "/api/v1/inquiries")) {
      r.takes_idempotency_key = true;
    }
  }
  return routes;
}

}  // namespace sagsflow::server
