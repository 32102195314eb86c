// /api/v1/me/cases: the citizen's own cases (status, next deadline, place in
// the waiting list) and which authority looked at them and when.
#include <fmt/format.h>

#include "api.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

// 1 + the open cases of the same workflow waiting in the same stage that were opened before it.
Result<json> place_in_queue(Call& c, const CaseState& s) {
  if (s.status != CaseStatus::kOpen) return json();
  CaseFilter f;
  f.municipality = s.municipality;
  f.stage = s.stage;
  f.status = CaseStatus::kOpen;
  f.limit = 1000000;
  auto waiting = c.installation().store->list_cases(f);
  if (!waiting.ok()) return waiting.status();
  long long ahead = 0, total = 0;
  for (const auto& w : *waiting) {
    if (w.workflow_id != s.workflow_id) continue;
    ++total;
    if (w.id < s.id) ++ahead;
  }
  return json{{"position", ahead + 1}, {"of", total}};
}

Result<CaseState> own_case(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  return c.installation().engine->citizen_case(*id, *c.principal->citizen);
}

Result<json> my_cases(Call& c) {
  auto cases = c.installation().engine->cases_of_citizen(*c.principal->citizen);
  if (!cases.ok()) return cases.status();
  const auto& org = *c.installation().organisation;
  json out = json::array();
  for (const auto& s : *cases) {
    auto place = place_in_queue(c, s);
    if (!place.ok()) return place.status();
    json j = {{"id", s.id},
              {"case_number", s.case_number},
              {"title", mask_cpr_numbers(s.title)},
              {"workflow", s.workflow_id},
              {"stage", s.stage},
              {"status", case_status_key(s.status)},
              {"decided_by", org.authority_name(s.owning_authority)},
              {"municipality_name", org.authority_name(s.municipality)},
              {"next_deadline", s.clock && s.status == CaseStatus::kOpen ? json(format_date(s.clock->due)) : json()},
              {"waiting_for_you", s.missing},
              {"outcome", s.outcome},
              {"decided_on", s.decided_on ? json(format_date(*s.decided_on)) : json()},
              {"complaint_due", s.complaint_due ? json(format_date(*s.complaint_due)) : json()},
              {"place_in_queue", *place},
              {"opened_at", s.opened_at},
              {"updated_at", s.updated_at}};
    out.push_back(j);
  }
  return json{{"citizen", c.principal->citizen->masked()}, {"cases", out}};
}

Result<json> my_case_access(Call& c) {
  auto state = own_case(c);
  if (!state.ok()) return state.status();
  AccessFilter f;
  f.case_id = state->id;
  f.limit = 1000;
  auto records = c.installation().engine->access_log(f);
  if (!records.ok()) return records.status();
  const auto& org = *c.installation().organisation;
  json out = json::array();
  for (const auto& r : *records) {
    std::string unit_name = r.unit;
    if (const auto* m = org.find(r.municipality)) {
      if (const auto* u = m->unit(r.unit)) unit_name = u->name;
    }
    out.push_back({{"at", r.at}, {"authority", org.authority_name(r.authority)}, {"unit", unit_name},
                   {"purpose", r.purpose}});
  }
  return json{{"case_number", state->case_number}, {"reads", out}};
}

}  // namespace

void add_citizen_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/me/cases", Access::kCitizen, my_cases});
  r.push_back({"GET", "/api/v1/me/cases/{id}/access", Access::kCitizen, my_case_access});
}

}  // namespace sagsflow::server
