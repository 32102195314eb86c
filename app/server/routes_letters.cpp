// Letters to citizens and the register of exemptions from Digital Post:
//  - GET /api/v1/cases/{id}/letters: a case's letters and their delivery
//    state, for staff who may see the case;
//  - GET /api/v1/me/cases/{id}/letters: the letters delivered to the
//    citizen (the PDF: /api/v1/me/cases/{id}/documents/{document_id});
//  - GET /api/v1/admin/letters, POST /api/v1/admin/letters/{id}/retry: the
//    municipality's letters by state and their incidents, for admins;
//  - POST /api/v1/digital-post/exemptions[/lookup|/remove]: the register
//    (the CPR number travels in the body, never in the URL).
// The rules are app::letter_delivery's and the engine's; this file translates.
#include <fmt/format.h>

#include "api.hpp"
#include "sagsflow/app/letter_delivery.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

constexpr const char* kReadLetters = "letters";

// GET /api/v1/cases/{id}/letters (read lane).
Result<json> case_letters(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.case_param("id");
  if (!id.ok()) return id.status();
  auto state = c.installation().engine->get_case_for(*id, *actor, {kReadLetters, "api"});
  if (!state.ok()) return state.status();
  db::LetterFilter filter;
  filter.case_id = *id;
  auto rows = c.installation().store->list_letters(filter);
  if (!rows.ok()) return rows.status();
  json out = json::array();
  for (const auto& r : *rows) out.push_back(app::letter_json(r));
  return json{{"case_number", state->case_number}, {"letters", out}};
}

// GET /api/v1/me/cases/{id}/letters (read lane): what reached the citizen.
Result<json> my_letters(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto state = c.installation().engine->citizen_case(*id, *c.principal->citizen);
  if (!state.ok()) return state.status();
  db::LetterFilter filter;
  filter.case_id = state->id;
  filter.state = db::LetterState::kDelivered;
  auto rows = c.installation().store->list_letters(filter);
  if (!rows.ok()) return rows.status();
  json out = json::array();
  for (const auto& r : *rows) {
    json j = {{"id", r.id}, {"kind", r.kind}, {"channel", r.channel}, {"delivered_at", r.delivered_at}};
    if (r.document_id) {
      j["document_id"] = *r.document_id;
      j["download"] = fmt::format("/api/v1/me/cases/{}/documents/{}", state->id, *r.document_id);
    }
    out.push_back(std::move(j));
  }
  return json{{"case_number", state->case_number}, {"letters", out}};
}

// GET /api/v1/admin/letters?state=queued|delivered|failed&incidents=true (read lane).
Result<json> admin_letters(Call& c) {
  if (auto a = c.admin(); !a.ok()) return a.status();
  db::LetterFilter filter;
  filter.municipality = c.municipality();
  if (auto it = c.query.find("state"); it != c.query.end() && !it->second.empty()) {
    filter.state = db::letter_state_from_key(it->second);
    if (!filter.state) {
      c.field = "state";
      return InvalidArgument("state must be queued, delivered, failed or withdrawn");
    }
  }
  if (auto it = c.query.find("incidents"); it != c.query.end()) {
    if (it->second != "true" && it->second != "false") {
      c.field = "incidents";
      return InvalidArgument("incidents must be true or false");
    }
    filter.incidents_only = it->second == "true";
  }
  auto rows = c.installation().store->list_letters(filter);
  if (!rows.ok()) return rows.status();
  json out = json::array();
  for (const auto& r : *rows) out.push_back(app::letter_json(r));
  return json{{"letters", out}};
}

// POST /api/v1/admin/letters/{id}/retry: due again now.
Result<json> retry(Call& c) {
  if (auto a = c.admin(); !a.ok()) return a.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto row = c.installation().store->load_letter(*id);
  if (!row.ok()) return row.status();
  if (!*row || (*row)->municipality != c.municipality()) return NotFound(fmt::format("no letter {}", *id));
  if (auto st = c.installation().store->retry_letter(*id, format_timestamp(system_clock()())); !st.ok()) return st;
  auto again = c.installation().store->load_letter(*id);
  if (!again.ok()) return again.status();
  return app::letter_json(**again);
}

Result<Cpr> cpr_of(Call& c) {
  auto text = c.text("cpr");
  if (!text.ok()) return text.status();
  auto cpr = Cpr::parse(*text);
  if (!cpr.ok()) {
    c.field = "cpr";
    return cpr.status();
  }
  return cpr;
}

json exemption_json(const db::DigitalPostExemption& e) {
  return {{"cpr", e.cpr.masked()},
          {"exempt", true},
          {"reason", e.reason},
          {"registered_by", e.registered_by},
          {"registered_at", e.registered_at}};
}

// POST /api/v1/digital-post/exemptions {cpr, reason}: registers (or updates) an exemption.
Result<json> exempt(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto cpr = cpr_of(c);
  if (!cpr.ok()) return cpr.status();
  auto reason = c.text("reason");
  if (!reason.ok()) return reason.status();
  auto registered = app::register_digital_post_exemption(c.installation(), *actor, *cpr, *reason);
  if (!registered.ok()) return registered.status();
  c.status = 201;
  return exemption_json(*registered);
}

// POST /api/v1/digital-post/exemptions/lookup {cpr}.
Result<json> lookup(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto cpr = cpr_of(c);
  if (!cpr.ok()) return cpr.status();
  auto found = app::digital_post_exemption_of(c.installation(), *actor, *cpr);
  if (!found.ok()) return found.status();
  if (!*found) return json{{"cpr", cpr->masked()}, {"exempt", false}};
  return exemption_json(**found);
}

// POST /api/v1/digital-post/exemptions/remove {cpr}.
Result<json> unexempt(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto cpr = cpr_of(c);
  if (!cpr.ok()) return cpr.status();
  auto removed = app::remove_digital_post_exemption(c.installation(), *actor, *cpr);
  if (!removed.ok()) return removed.status();
  return json{{"cpr", cpr->masked()}, {"exempt", false}, {"removed", *removed}};
}

}  // namespace

void add_letter_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/cases/{id}/letters", Access::kStaff, case_letters});
  r.push_back({"GET", "/api/v1/me/cases/{id}/letters", Access::kCitizen, my_letters});
  r.push_back({"GET", "/api/v1/admin/letters", Access::kStaff, admin_letters});
  r.push_back({"POST", "/api/v1/admin/letters/{id}/retry", Access::kStaff, retry});
  r.push_back({"POST", "/api/v1/digital-post/exemptions", Access::kStaff, exempt});
  r.push_back({"POST", "/api/v1/digital-post/exemptions/lookup", Access::kStaff, lookup});
  r.push_back({"POST", "/api/v1/digital-post/exemptions/remove", Access::kStaff, unexempt});
}

}  // namespace sagsflow::server
