// What anyone may read without signing in, beside the published processing
// deadlines (routes_cases.cpp):
//  - GET /api/v1/accessibility-statement: who answers for the accessibility
//    of the pages (each municipality of the installation, with the contact of
//    its letterhead for feedback) and the standard they are built to; the page
//    /tilgaengelighed.html shows it (webtilgængelighedsloven, docs/legal.md#accessibility).
#include "api.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

Result<json> accessibility_statement(Call& c) {
  json municipalities = json::array();
  if (const auto* org = c.installation().organisation.get()) {
    for (const auto* m : org->all()) {
      const auto& head = m->letters.letterhead;
      municipalities.push_back({{"code", m->code},
                                {"name", m->name},
                                {"contact", {{"address", head.address}, {"phone", head.phone},
                                             {"email", head.email}, {"web", head.web}}}});
    }
  }
  return json{{"municipalities", municipalities},
              {"standard", "WCAG 2.1 AA (EN 301 549)"},
              {"law", "lov om tilgængelighed af offentlige organers websteder og mobilapplikationer"},
              {"supervisory_authority", {{"name", "Digitaliseringsstyrelsen"}, {"web", "https://digst.dk"}}}};
}

}  // namespace

void add_public_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/accessibility-statement", Access::kPublic, accessibility_statement});
}

}  // namespace sagsflow::server
