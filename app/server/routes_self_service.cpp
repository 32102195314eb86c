// Citizen self-service (digital selvbetjening), assisted self-service
// (medbetjening) and the register of exemptions from mandatory digital
// self-service. Every rule is the core's (SelfService, CaseEngine's citizen
// operations); these handlers translate.
//
//  Citizen (Access::kCitizen):
//   GET    /api/v1/me/services                      the services and how they are applied for
//   GET    /api/v1/me/services/{id}/form?lang=da|en the form, with the citizen's draft
//   PUT    /api/v1/me/drafts/{id}                   save a draft {fields}
//   DELETE /api/v1/me/drafts/{id}
//   POST   /api/v1/me/cases                         submit {service, fields} (Idempotency-Key)
//   GET    /api/v1/me/cases/{id}                    the case as the citizen sees it
//   POST   /api/v1/me/cases/{id}/missing-answered   "that is all"
//   POST   /api/v1/me/cases/{id}/hearing-reply      {text}
//   POST   /api/v1/me/cases/{id}/complaint          {text}
//   POST   /api/v1/me/cases/{id}/withdraw           {reason}
//  Staff (Access::kStaff):
//   GET    /api/v1/services/{id}/form?lang=
//   POST   /api/v1/self-service/assisted            {service, cpr, fields, consent} (Idempotency-Key)
//   POST   /api/v1/self-service/exemptions          {cpr, reason}
//   POST   /api/v1/self-service/exemptions/lookup   {cpr}
//   POST   /api/v1/self-service/exemptions/remove   {cpr}
#include <fmt/format.h>

#include "api.hpp"
#include "sagsflow/app/documents.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

SelfService& self_service(Call& c) { return *c.installation().self_service; }
const Cpr& me(Call& c) { return *c.principal->citizen; }

// The service id in the path: a workflow id (letters, digits, '_' and '-').
Result<std::string> service_param(Call& c) {
  const std::string& id = c.params.at("id");
  if (id.empty() || id.size() > 100 || id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    c.field = "id";
    return InvalidArgument("id: the service in the path is not a service id (lower-case letters, digits, '_', '-')");
  }
  return id;
}

Result<std::string> language(Call& c) {
  const std::string lang = c.query_value("lang", "da");
  if (lang != "da" && lang != "en") return c.refuse_field("lang", "must be da or en");
  return lang;
}

json offer_json(const ServiceOffer& o) {
  return {{"id", o.id},
          {"title", o.title},
          {"area", o.area},
          {"mode", self_service_mode_key(o.mode)},
          {"why", o.why.empty() ? json() : json(o.why)},
          {"processing_deadline", o.processing_deadline.empty() ? json() : json(o.processing_deadline)},
          {"bookable", o.bookable}};
}

json form_json(const ServiceForm& f, const std::string& lang) {
  json fields = json::array();
  for (const auto& d : f.form.fields) {
    json j = {{"name", d.name},
              {"label", d.labels.in(lang).empty() ? d.name : d.labels.in(lang)},
              {"help", d.help.empty() ? json() : json(d.help.in(lang))},
              {"type", field_type_key(d.type)},
              {"required", d.required},
              {"min", d.min ? json(*d.min) : json()},
              {"max", d.max ? json(*d.max) : json()},
              {"max_length", d.max_length ? json(*d.max_length) : json()}};
    if (d.type == FieldType::kEnum) {
      json values = json::array();
      for (const auto& v : d.value_labels) {
        values.push_back({{"value", v.value}, {"label", v.label.empty() ? v.value : v.label.in(lang)}});
      }
      j["values"] = values;
    } else {
      j["values"] = nullptr;
    }
    fields.push_back(j);
  }
  json attachments = json::array();
  for (const auto& a : f.form.attachments) {
    attachments.push_back({{"name", a.name},
                           {"label", a.labels.in(lang).empty() ? a.name : a.labels.in(lang)},
                           {"help", a.help.empty() ? json() : json(a.help.in(lang))},
                           {"required", a.required},
                           {"media_types", a.allowed_media_types()},
                           {"max_bytes", a.max_bytes ? json(*a.max_bytes) : json()}});
  }
  return {{"service", f.offer.id}, {"title", f.offer.title}, {"mode", self_service_mode_key(f.offer.mode)},
          {"language", lang}, {"fields", fields}, {"attachments", attachments}};
}

json services_json(const std::vector<ServiceOffer>& offers) {
  json out = json::array();
  for (const auto& o : offers) out.push_back(offer_json(o));
  return json{{"services", out}};
}

Result<json> my_services(Call& c) {
  auto offers = self_service(c).services(c.municipality(), me(c));
  if (!offers.ok()) return offers.status();
  return services_json(*offers);
}

Result<json> my_form(Call& c) {
  auto id = service_param(c);
  if (!id.ok()) return id.status();
  auto lang = language(c);
  if (!lang.ok()) return lang.status();
  auto form = self_service(c).form(c.municipality(), *id);
  if (!form.ok()) return form.status();
  auto draft = self_service(c).draft(c.municipality(), me(c), form->offer.id);
  if (!draft.ok()) return draft.status();
  json j = form_json(*form, *lang);
  j["draft"] = *draft ? json{{"fields", (*draft)->fields}, {"saved_at", (*draft)->saved_at}} : json();
  return j;
}

// GET /api/v1/services: what the citizen is offered, for the staff who help them.
Result<json> staff_services(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto offers = self_service(c).services(c.municipality(), std::nullopt);
  if (!offers.ok()) return offers.status();
  return services_json(*offers);
}

Result<json> staff_form(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = service_param(c);
  if (!id.ok()) return id.status();
  auto lang = language(c);
  if (!lang.ok()) return lang.status();
  auto form = self_service(c).form(c.municipality(), *id);
  if (!form.ok()) return form.status();
  return form_json(*form, *lang);
}

Result<json> save_draft(Call& c) {
  auto id = service_param(c);
  if (!id.ok()) return id.status();
  if (!c.body.is_object() || !c.body.contains("fields")) return c.refuse_field("fields", "is required (a JSON object)");
  auto saved = self_service(c).save_draft(c.municipality(), me(c), *id, c.body["fields"]);
  if (!saved.ok()) {
    if (saved.status().code() == ErrorCode::kInvalidArgument) c.field = "fields";
    return saved.status();
  }
  return json{{"service", saved->service}, {"saved_at", saved->saved_at}};
}

Result<json> delete_draft(Call& c) {
  auto id = service_param(c);
  if (!id.ok()) return id.status();
  auto removed = self_service(c).delete_draft(c.municipality(), me(c), *id);
  if (!removed.ok()) return removed.status();
  return json{{"service", *id}, {"deleted", *removed}};
}

// The outcome of a submission: 201 with the case and receipt, or 400 with every field error.
Result<json> submission(Call& c, const Result<SelfServiceOutcome>& outcome) {
  if (!outcome.ok()) {
    const std::string& m = outcome.status().message();
    if (outcome.status().code() == ErrorCode::kInvalidArgument || outcome.status().code() == ErrorCode::kForbidden ||
        outcome.status().code() == ErrorCode::kNotFound) {
      const auto colon = m.find(':');
      if (colon != std::string::npos && colon < 20 && m.find(' ') > colon) c.field = m.substr(0, colon);
    }
    return outcome.status();
  }
  if (!outcome->problems.empty()) {
    json errors = json::array();
    std::vector<std::string> names;
    for (const auto& p : outcome->problems) {
      errors.push_back({{"field", p.field}, {"message", p.message_da}, {"message_en", p.message}});
      names.push_back(p.field);
    }
    c.errors = errors;
    c.field = "fields";
    return InvalidArgument(fmt::format("fields: the form has {} error(s), in {}", outcome->problems.size(),
                                       fmt::join(names, ", ")));
  }
  const CaseState& s = *outcome->opened;
  const SelfServiceReceipt& r = *outcome->receipt;
  c.status = 201;
  return json{{"case", case_summary_json(s)},
              {"receipt",
               {{"case_number", r.case_number},
                {"received_on", format_date(r.received_on)},
                {"processing_deadline", r.processing_deadline.empty() ? json() : json(r.processing_deadline)},
                {"expected_by", r.expected_by ? json(format_date(*r.expected_by)) : json()},
                {"next_steps", r.next_steps}}}};
}

Result<json> submit(Call& c) {
  auto service = c.text("service");
  if (!service.ok()) return service.status();
  if (c.body.contains("fields") && !c.body["fields"].is_null() && !c.body["fields"].is_object()) {
    return c.refuse_field("fields", "must be a JSON object of field values");
  }
  SelfServiceRequest req{.municipality = c.municipality(), .service = *service, .citizen = me(c), .fields = json::object(), .assisted_by = std::nullopt, .consent = false};
  req.fields = c.body.value("fields", json::object());
  if (req.fields.is_null()) req.fields = json::object();
  return submission(c, self_service(c).submit(req));
}

Result<json> assisted(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto service = c.text("service");
  if (!service.ok()) return service.status();
  auto cpr = c.cpr("cpr");
  if (!cpr.ok()) return cpr.status();
  auto consent = c.flag("consent", false);
  if (!consent.ok()) return consent.status();
  if (c.body.contains("fields") && !c.body["fields"].is_null() && !c.body["fields"].is_object()) {
    return c.refuse_field("fields", "must be a JSON object of field values");
  }
  SelfServiceRequest req{.municipality = c.municipality(), .service = *service, .citizen = *cpr, .fields = json::object(), .assisted_by = std::nullopt, .consent = false};
  req.fields = c.body.value("fields", json::object());
  if (req.fields.is_null()) req.fields = json::object();
  req.assisted_by = *actor;
  req.consent = *consent;
  return submission(c, self_service(c).submit(req));
}

Result<CaseState> own_case(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  return c.installation().engine->citizen_case(*id, me(c));
}

// What the citizen reads as the case's status.
std::string status_da(const CaseState& s) {
  if (!s.withdrawn.is_null()) return "Trukket tilbage";
  if (s.status == CaseStatus::kClosed) return s.decided_on ? "Afgjort og afsluttet" : "Afsluttet";
  if (!s.missing.is_null()) return "Vi venter på oplysninger eller dokumenter fra dig";
  if (!s.hearing.is_null()) return "Partshøring: vi venter på dine bemærkninger";
  if (!s.complaint.is_null()) {
    return s.complaint.value("late", false) ? "Din klage er modtaget efter fristen; myndigheden vurderer den"
                                            : "Din klage er modtaget og behandles";
  }
  if (s.decided_on) return "Afgjort";
  return "Under behandling";
}

json may_json(const CitizenMay& m) {
  return {{"upload", m.upload},
          {"hearing_reply", m.hearing_reply},
          {"complain", m.complain},
          {"complaint_late", m.complaint_late},
          {"withdraw", m.withdraw},
          {"missing_answered", m.missing_answered}};
}

// GET /api/v1/me/cases/{id} (writer: the form's labels come from the plugin).
Result<json> my_case(Call& c) {
  auto state = own_case(c);
  if (!state.ok()) return state.status();
  auto& engine = *c.installation().engine;
  const CaseState& s = *state;
  auto wf = engine.workflow(s.workflow_id, s.workflow_version);
  if (!wf.ok()) return wf.status();
  auto may = engine.citizen_may(s);
  if (!may.ok()) return may.status();
  std::optional<FormSpec> form;
  if (engine.options().plugins && !(*wf)->plugin.empty()) form = engine.options().plugins->form_of((*wf)->plugin);
  const auto label_of = [&](const std::string& name, bool attachment) -> std::string {
    if (form) {
      if (attachment) {
        if (const auto* a = form->attachment(name); a && !a->label.empty()) return a->label;
      } else if (const auto* f = form->field(name); f && !f->label.empty()) {
        return f->label;
      }
    }
    return name;
  };
  json missing;
  if (!s.missing.is_null()) {
    json items = json::array();
    for (const char* key : {"fields", "attachments"}) {
      for (const auto& n : s.missing.value(key, json::array())) {
        if (!n.is_string()) continue;
        const std::string name = n.get<std::string>();
        const bool attachment = std::string(key) == "attachments";
        items.push_back({{"name", name}, {"kind", attachment ? "attachment" : "field"},
                         {"label", label_of(name, attachment)},
                         {"received", attachment && s.has_attachment(name)}});
      }
    }
    missing = {{"items", items}, {"since", s.missing.value("since", json())}, {"reply_by", s.missing.value("reply_by", json())}};
  }
  json hearing;
  if (!s.hearing.is_null()) {
    hearing = {{"facts", s.hearing.value("facts", json())}, {"reply_by", s.hearing.value("reply_by", json())}};
  }
  json decision;
  if (s.decided_on) {
    auto history = engine.history(s.id);
    if (!history.ok()) return history.status();
    json latest;
    for (const auto& e : *history) {
      if (e.data.contains("decision")) latest = e.data.at("decision");
    }
    const auto reasons = s.fields.contains("reasons") ? s.fields.at("reasons") : json();
    auto appeals = engine.appeals_body_of(s);
    decision = {{"date", format_date(*s.decided_on)},
                {"outcome", s.outcome},
                {"reasons", reasons},
                {"complaint_due", s.complaint_due ? json(format_date(*s.complaint_due)) : json()},
                {"complaint_guidance", latest.value("complaint_guidance", json())},
                {"appeals_body", appeals.ok() && !appeals->empty() ? json(*appeals) : json()}};
  }
  auto docs = c.installation().store->list_documents(s.id);
  if (!docs.ok()) return docs.status();
  json documents = json::array();
  for (const auto& d : *docs) {
    json j = app::document_json(d);
    j.erase("added_by");
    j["download"] = fmt::format("/api/v1/me/cases/{}/documents/{}", s.id, d.id);
    documents.push_back(j);
  }
  const StageDefinition* stage = (*wf)->find_stage(s.stage);
  if (auto st = engine.record_citizen_read(s, kReadCase, "api"); !st.ok()) return st;
  const auto& org = *c.installation().organisation;
  return json{{"id", s.id},
              {"case_number", s.case_number},
              {"title", mask_cpr_numbers(s.title)},
              {"service", s.workflow_id},
              {"stage", s.stage},
              {"stage_title", stage ? json(stage->title) : json(s.status == CaseStatus::kClosed ? "Afsluttet" : s.stage)},
              {"status", case_status_key(s.status)},
              {"status_text", status_da(s)},
              {"received_on", s.received_on ? json(format_date(*s.received_on)) : json()},
              {"deadline", s.clock && s.status == CaseStatus::kOpen
                               ? json{{"due", format_date(s.clock->due)}, {"paused", s.clock->paused()}}
                               : json()},
              {"decided_by", org.authority_name(s.owning_authority)},
              {"missing", missing},
              {"hearing", hearing},
              {"decision", decision},
              {"complaint", s.complaint.is_null() ? json()
                                                  : json{{"on", s.complaint.value("on", json())},
                                                         {"late", s.complaint.value("late", false)}}},
              {"withdrawn", s.withdrawn.is_null() ? json() : json{{"on", s.withdrawn.value("on", json())}}},
              {"may", may_json(*may)},
              {"documents", documents},
              {"letters", fmt::format("/api/v1/me/cases/{}/letters", s.id)},
              {"access", fmt::format("/api/v1/me/cases/{}/access", s.id)}};
}

json short_case(const CaseState& s) {
  return {{"id", s.id}, {"case_number", s.case_number}, {"stage", s.stage}, {"status", case_status_key(s.status)},
          {"status_text", status_da(s)},
          {"due", s.clock && s.status == CaseStatus::kOpen ? json(format_date(s.clock->due)) : json()},
          {"clock_paused", s.clock ? s.clock->paused() : false}};
}

Result<json> missing_answered(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto s = c.installation().engine->citizen_missing_answered(*id, me(c));
  if (!s.ok()) return s.status();
  return json{{"case", short_case(*s)}};
}

Result<json> hearing_reply(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto text = c.text("text");
  if (!text.ok()) return text.status();
  auto s = c.installation().engine->citizen_hearing_reply(*id, me(c), *text);
  if (!s.ok()) {
    if (s.status().code() == ErrorCode::kInvalidArgument) c.field = "text";
    return s.status();
  }
  return json{{"case", short_case(*s)}};
}

Result<json> complaint(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto text = c.text("text");
  if (!text.ok()) return text.status();
  auto filed = c.installation().engine->citizen_complaint(*id, me(c), *text);
  if (!filed.ok()) {
    if (filed.status().code() == ErrorCode::kInvalidArgument) c.field = "text";
    return filed.status();
  }
  c.status = 201;
  return json{{"case", short_case(filed->state)},
              {"late", filed->late},
              {"deadline", filed->deadline ? json(format_date(*filed->deadline)) : json()},
              {"message", filed->late
                              ? "Din klage er modtaget efter klagefristen. Den er sendt til myndigheden, som "
                                "vurderer, om den alligevel kan behandles."
                              : "Din klage er modtaget. Myndigheden genvurderer afgørelsen."}};
}

Result<json> withdraw(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto reason = c.text("reason", false);
  if (!reason.ok()) return reason.status();
  auto s = c.installation().engine->citizen_withdraw(*id, me(c), *reason);
  if (!s.ok()) {
    if (s.status().code() == ErrorCode::kInvalidArgument) c.field = "reason";
    return s.status();
  }
  return json{{"case", short_case(*s)}};
}

json exemption_json(const SelfServiceExemption& e) {
  return {{"cpr", e.cpr.masked()}, {"exempt", true}, {"reason", e.reason}, {"registered_by", e.registered_by},
          {"registered_at", e.registered_at}};
}

Result<json> exempt(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto cpr = c.cpr("cpr");
  if (!cpr.ok()) return cpr.status();
  auto reason = c.text("reason");
  if (!reason.ok()) return reason.status();
  auto e = self_service(c).exempt(*actor, c.municipality(), *cpr, *reason);
  if (!e.ok()) {
    if (e.status().code() == ErrorCode::kInvalidArgument) c.field = "reason";
    return e.status();
  }
  c.status = 201;
  return exemption_json(*e);
}

Result<json> lookup(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto cpr = c.cpr("cpr");
  if (!cpr.ok()) return cpr.status();
  auto found = self_service(c).exemption(*actor, c.municipality(), *cpr);
  if (!found.ok()) return found.status();
  if (!*found) return json{{"cpr", cpr->masked()}, {"exempt", false}};
  return exemption_json(**found);
}

Result<json> unexempt(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto cpr = c.cpr("cpr");
  if (!cpr.ok()) return cpr.status();
  auto removed = self_service(c).unexempt(*actor, c.municipality(), *cpr);
  if (!removed.ok()) return removed.status();
  return json{{"cpr", cpr->masked()}, {"exempt", false}, {"removed", *removed}};
}

}  // namespace

void add_self_service_routes(std::vector<Route>& r) {
  // The services and forms come from the plugins' manifests: writers have the plugin host.
  Route services{"GET", "/api/v1/me/services", Access::kCitizen, my_services};
  services.needs_plugins = true;
  r.push_back(services);
  Route form{"GET", "/api/v1/me/services/{id}/form", Access::kCitizen, my_form};
  form.needs_plugins = true;
  r.push_back(form);
  Route offered{"GET", "/api/v1/services", Access::kStaff, staff_services};
  offered.needs_plugins = true;
  r.push_back(offered);
  Route staff{"GET", "/api/v1/services/{id}/form", Access::kStaff, staff_form};
  staff.needs_plugins = true;
  r.push_back(staff);
  Route one{"GET", "/api/v1/me/cases/{id}", Access::kCitizen, my_case};
  one.needs_plugins = true;
  r.push_back(one);
  r.push_back({"PUT", "/api/v1/me/drafts/{id}", Access::kCitizen, save_draft});
  r.push_back({"DELETE", "/api/v1/me/drafts/{id}", Access::kCitizen, delete_draft});
  Route mine{"POST", "/api/v1/me/cases", Access::kCitizen, submit};
  mine.takes_idempotency_key = true;
  r.push_back(mine);
  r.push_back({"POST", "/api/v1/me/cases/{id}/missing-answered", Access::kCitizen, missing_answered});
  r.push_back({"POST", "/api/v1/me/cases/{id}/hearing-reply", Access::kCitizen, hearing_reply});
  r.push_back({"POST", "/api/v1/me/cases/{id}/complaint", Access::kCitizen, complaint});
  r.push_back({"POST", "/api/v1/me/cases/{id}/withdraw", Access::kCitizen, withdraw});
  Route help{"POST", "/api/v1/self-service/assisted", Access::kStaff, assisted};
  help.takes_idempotency_key = true;
  r.push_back(help);
  r.push_back({"POST", "/api/v1/self-service/exemptions", Access::kStaff, exempt});
  r.push_back({"POST", "/api/v1/self-service/exemptions/lookup", Access::kStaff, lookup});
  r.push_back({"POST", "/api/v1/self-service/exemptions/remove", Access::kStaff, unexempt});
}

}  // namespace sagsflow::server
