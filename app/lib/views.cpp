#include "sagsflow/app/views.hpp"

#include <fmt/format.h>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow::app {

using nlohmann::json;

namespace {

// Every string and key of a view masked (free texts such as an inquiry's
// outcome or a message's body may hold a CPR number in any spelling).
json masked(json j) {
  mask_cpr_numbers_in(j);
  return j;
}

}  // namespace

json inquiry_json(const InquiryRecord& r) {
  return masked({{"id", r.id},
          {"municipality", r.municipality},
          {"channel", channel_key(r.channel)},
          {"type", inquiry_type_key(r.type)},
          {"area", r.area},
          {"service", r.service},
          {"citizen", r.citizen ? json(r.citizen->masked()) : json()},
          {"with_form", r.with_form},
          {"resolved_on_the_spot", r.resolved_on_the_spot},
          {"outcome", r.outcome},
          {"handled_by", r.handled_by},
          {"unit", r.unit},
          {"acting_authority", r.acting_authority},
          {"owning_authority", r.owning_authority},
          {"routed_to", r.routed_to},
          {"forwarded_to", r.forwarded_to},
          {"forwarded_on", r.forwarded_on},
          {"case_id", r.case_id ? json(*r.case_id) : json()},
          {"at", r.at}});
}

json triage_json(const TriageAdvice& t) {
  json j = {{"area", t.area},   {"unit", t.unit},       {"unit_name", t.unit_name}, {"staffed_today", t.staffed_today},
            {"offer", t.offer}, {"message", t.message}};
  j["on"] = t.on ? json(format_date(*t.on)) : json();
  j["contact"] = t.contact ? json{{"name", t.contact->name}, {"phone", t.contact->phone}, {"web", t.contact->web}}
                           : json();
  return masked(std::move(j));
}

json message_json(const LayerMessage& m) {
  return masked({{"id", m.id},         {"kind", m.kind},   {"area", m.area},
                 {"author", m.author}, {"author_layer", m.author_layer}, {"title", m.title},
                 {"body", m.body},     {"case_id", m.case_id ? json(*m.case_id) : json()}, {"at", m.at}});
}

json advice_json(const ServiceAdvice& a) {
  json contact;
  if (a.contact) {
    contact = {{"name", a.contact->name},
               {"address", a.contact->address},
               {"phone", a.contact->phone},
               {"opening_hours", a.contact->opening_hours},
               {"web", a.contact->web}};
  }
  return {{"allowed", a.allowed},
          {"acting_authority", a.acting_authority},
          {"acting_authority_name", a.acting_authority_name},
          {"owning_authority", a.owning_authority},
          {"owning_authority_name", a.owning_authority_name},
          {"message", a.message},
          {"offers", a.offers},
          {"contact", contact}};
}

json access_json(const AccessRecord& r) {
  return masked({{"id", r.id},
                 {"at", r.at},
                 {"municipality", r.municipality},
                 {"case_id", r.case_id != 0 ? json(r.case_id) : json()},
                 {"case_number", r.case_number},
                 {"inquiry_id", r.inquiry_id != 0 ? json(r.inquiry_id) : json()},
                 {"appointment_id", r.appointment_id != 0 ? json(r.appointment_id) : json()},
                 {"actor", r.actor},
                 {"unit", r.unit},
                 {"authority", r.authority},
                 {"purpose", r.purpose},
                 {"via", r.via}});
}

json life_situation_outcome_json(const LifeSituationOutcome& out) {
  json opened = json::array(), skipped = json::array(), info = json::array();
  for (const auto& c : out.opened) opened.push_back(to_json(c, /*reveal_cpr=*/false));
  for (const auto& [task, why] : out.skipped) skipped.push_back({{"workflow", task.workflow}, {"reason", why}});
  for (const auto& i : out.information) info.push_back({{"area", i.area}, {"kind", i.kind}, {"text", i.text}});
  return masked({{"situation", out.situation->id}, {"title", out.situation->title},
                 {"inquiry", inquiry_json(out.inquiry)}, {"opened", opened}, {"skipped", skipped},
                 {"information", info}});
}

Result<json> placements_json(const Organisation& org, const std::string& code) {
  const auto* m = org.find(code);
  if (m == nullptr) return NotFound(fmt::format("no municipality {} is configured", code));
  json rows = json::array();
  for (const auto& area : m->service_areas) {
    for (const char* task : {"receive", "check", "decide", "forward", "complaint"}) {
      auto p = org.place(code, area.id, task);
      if (!p.ok()) return p.status();
      rows.push_back({{"area", area.id},
                      {"task", task},
                      {"model", organisational_model_key(p->model)},
                      {"split", service_split_key(p->split)},
                      {"professional", p->professional.name},
                      {"administrative", p->administrative.name},
                      {"daily_operations", p->daily_operations.name},
                      {"centre_performs", p->centre_performs},
                      {"decided_by", p->owning_authority_name}});
    }
  }
  return json{{"municipality", code},
              {"name", m->name},
              {"model", organisational_model_key(m->model)},
              {"uses_triage", org.uses_triage(code)},
              {"tasks", rows}};
}

}  // namespace sagsflow::app
