// The JSON forms the CLI (--json) and the HTTP API share, so both show the
// same fields under the same names. CPR numbers are always masked here.
// Pure functions: safe to call from any thread on values no one is changing.
#pragma once

#include <nlohmann/json.hpp>

#include "sagsflow/cases/case_store.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/frontdesk/life_situation_desk.hpp"
#include "sagsflow/organisation/organisation.hpp"

namespace sagsflow::app {

nlohmann::json inquiry_json(const InquiryRecord& r);
nlohmann::json triage_json(const TriageAdvice& t);
nlohmann::json message_json(const LayerMessage& m);
nlohmann::json advice_json(const ServiceAdvice& a);
nlohmann::json access_json(const AccessRecord& r);
nlohmann::json life_situation_outcome_json(const LifeSituationOutcome& out);
// Where every task of every service area of `municipality` lies (model,
// split, whose rules, whose queue, who decides); kNotFound for an unknown code.
Result<nlohmann::json> placements_json(const Organisation& org, const std::string& municipality);

}  // namespace sagsflow::app
