// /api/v1/me, /api/v1/areas, /api/v1/inquiries, /api/v1/life-situations:
// what the front desk registers and what the centre may do for whom.
#include <fmt/format.h>

#include <limits>

#include "api.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/frontdesk/life_situation_desk.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

const Organisation& org(Call& c) { return *c.installation().organisation; }

Result<json> me(Call& c) {
  if (c.principal->kind == PrincipalKind::kCitizen) {
    return json{{"kind", "citizen"},
                {"citizen", c.principal->citizen->masked()},
                {"municipality", c.municipality()},
                {"municipality_name", org(c).authority_name(c.municipality())},
                {"expires", format_timestamp(c.principal->expires)}};
  }
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto who = org(c).person(actor->id, c.municipality());
  if (!who.ok()) return who.status();
  const bool admin = org(c).may_administer(*actor, c.municipality()).ok();
  return json{{"kind", "staff"},
              {"person", actor->id},
              {"name", who->staff->name},
              {"unit", actor->unit},
              {"unit_name", who->unit ? who->unit->name : actor->unit},
              {"roles", actor->roles},
              {"layer", staff_layer_key(who->staff->layer)},
              {"municipality", c.municipality()},
              {"municipality_name", org(c).authority_name(c.municipality())},
              {"authority", actor->authority},
              {"authority_name", org(c).authority_name(actor->authority)},
              {"admin", admin},
              {"team_leader", actor->has_role(kTeamLeaderRole)},
              {"expires", format_timestamp(c.principal->expires)}};
}

// The municipality's service areas with who decides them and the workflows that open their cases.
Result<json> areas(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  const auto* m = org(c).find(c.municipality());
  if (m == nullptr) return NotFound("no municipality " + c.municipality() + " is configured");
  auto workflows = c.installation().store->list_workflows();
  if (!workflows.ok()) return workflows.status();
  std::map<std::string, std::set<std::string>> by_area;
  for (const auto& w : *workflows) {
    const std::string wf = org(c).workflow_for(c.municipality(), w.id);
    by_area[org(c).area_of_workflow(wf)].insert(wf);
  }
  json out = json::array();
  for (const auto& a : m->service_areas) {
    const std::string owner = org(c).owning_authority(c.municipality(), a.id);
    out.push_back({{"id", a.id},
                   {"plugin", a.plugin},
                   {"owning_authority", owner},
                   {"owning_authority_name", org(c).authority_name(owner)},
                   {"workflows", by_area[a.id]}});
  }
  json services = json::array();
  for (int i = 0; i <= static_cast<int>(Service::kDecide); ++i) services.push_back(service_key(static_cast<Service>(i)));
  json channels = json::array();
  for (int i = 0; i <= static_cast<int>(Channel::kAssistedSelfService); ++i) {
    const auto ch = static_cast<Channel>(i);
    channels.push_back({{"id", channel_key(ch)}, {"label_da", channel_label_da(ch)}});
  }
  return json{{"areas", out}, {"services", services}, {"channels", channels},
              {"uses_triage", org(c).uses_triage(c.municipality())}};
}

// What the centre may do for each service of an area, and for which authority.
Result<json> advice(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  const std::string area = c.params.at("area");
  const auto* m = org(c).find(c.municipality());
  if (m == nullptr) return NotFound("no municipality " + c.municipality() + " is configured");
  if (std::none_of(m->service_areas.begin(), m->service_areas.end(), [&](const auto& a) { return a.id == area; })) {
    c.field = "area";
    return NotFound(fmt::format("{} has no service area '{}'", m->name, area));
  }
  json services = json::object();
  for (int i = 0; i <= static_cast<int>(Service::kDecide); ++i) {
    const auto s = static_cast<Service>(i);
    services[service_key(s)] = app::advice_json(org(c).advise(*actor, c.municipality(), area, s));
  }
  json out = {{"area", area}, {"services", services}};
  if (org(c).uses_triage(c.municipality())) {
    out["triage"] = app::triage_json(org(c).triage(c.municipality(), area, c.installation().engine->today(),
                                                   std::nullopt, c.installation().engine->calendar()));
  }
  return out;
}

Result<json> register_inquiry(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto& inst = c.installation();
  auto channel_text = c.text("channel");
  if (!channel_text.ok()) return channel_text.status();
  const auto channel = channel_from_key(*channel_text);
  if (!channel) return c.refuse_field("channel", fmt::format("'{}' is not a channel", *channel_text));

  // A life situation opens its own cases and registers the inquiry itself.
  if (c.body.contains("life_situation") && !c.body["life_situation"].is_null()) {
    auto situation = c.text("life_situation");
    if (!situation.ok()) return situation.status();
    auto cpr = c.cpr("citizen_cpr");
    if (!cpr.ok()) return cpr.status();
    LifeSituationRequest req{c.municipality(), *situation, cpr->reveal(), *channel, *actor};
    auto out = register_life_situation(*inst.engine, *inst.front_desk, req);
    if (!out.ok()) {
      if (out.status().code() == ErrorCode::kNotFound) c.field = "life_situation";
      return out.status();
    }
    c.status = 201;
    return json{{"inquiry", app::inquiry_json(out->inquiry)}, {"life_situation", app::life_situation_outcome_json(*out)}};
  }

  InquiryRequest req;
  req.municipality = c.municipality();
  req.channel = *channel;
  req.actor = *actor;
  auto type_text = c.text("type");
  auto area = c.text("area");
  auto service_text = c.text("service", false);
  auto outcome = c.text("outcome", false);
  auto with_form = c.flag("with_form");
  auto resolved = c.flag("resolved_on_the_spot");
  auto deadline_text = c.text("deadline", false);
  for (const Status* st : {&type_text.status(), &area.status(), &service_text.status(), &outcome.status(),
                           &with_form.status(), &resolved.status(), &deadline_text.status()}) {
    if (!st->ok()) return *st;
  }
  const auto type = inquiry_type_from_key(*type_text);
  if (!type) {
    return c.refuse_field("type", fmt::format("'{}' is not general_information, case_information or transaction",
                                              *type_text));
  }
  const auto service = service_from_key(service_text->empty() ? "general_guidance" : *service_text);
  if (!service) return c.refuse_field("service", fmt::format("'{}' is not one of {}", *service_text, all_service_keys()));
  req.type = *type;
  req.area = *area;
  req.service = *service;
  req.with_form = *with_form;
  req.resolved_on_the_spot = *resolved;
  req.outcome = *outcome;
  if (!deadline_text->empty()) {
    auto d = parse_date(*deadline_text);
    if (!d.ok()) return c.refuse_field("deadline", d.status().message());
    req.deadline = *d;
  }
  if (c.body.contains("citizen_cpr") && !c.body["citizen_cpr"].is_null()) {
    auto cpr = c.cpr("citizen_cpr");
    if (!cpr.ok()) return cpr.status();
    req.citizen_cpr = cpr->reveal();
  }

  // A transaction may open the case at once; the core stores both or neither.
  Result<InquiryOutcome> out = Internal("not registered");
  if (c.body.contains("open_case") && !c.body["open_case"].is_null()) {
    auto spec = c.object("open_case");
    if (!spec.ok()) return spec.status();
    if (!spec->contains("workflow") || !(*spec)["workflow"].is_string()) {
      return c.refuse_field("open_case.workflow", "is required: the workflow of the case to open");
    }
    if (spec->contains("title") && !(*spec)["title"].is_string()) {
      return c.refuse_field("open_case.title", "must be a string");
    }
    if (spec->contains("fields") && !(*spec)["fields"].is_object()) {
      return c.refuse_field("open_case.fields", "must be a JSON object");
    }
    OpenCaseRequest open;
    open.workflow_id = (*spec)["workflow"].get<std::string>();
    open.title = spec->value("title", "");
    open.fields = spec->value("fields", json::object());
    out = inst.front_desk->register_inquiry_opening_case(req, *inst.engine, open);
  } else {
    out = inst.front_desk->register_inquiry(req);
  }
  if (!out.ok()) return out.status();
  c.status = 201;
  const json opened = out->opened ? case_summary_json(*out->opened) : json();
  json j = {{"inquiry", app::inquiry_json(out->record)}, {"advice", app::advice_json(out->advice)}, {"case", opened}};
  j["triage"] = out->triage ? app::triage_json(*out->triage) : json();
  return j;
}

Result<json> list_inquiries(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  InquiryFilter f;
  f.municipality = c.municipality();
  if (auto area = c.query_value("area"); !area.empty()) f.area = area;
  auto list = c.installation().front_desk->inquiries(*actor, f, *c.installation().engine, {kReadInquiries, "api"});
  if (!list.ok()) return list.status();
  json out = json::array();
  for (const auto& r : *list) out.push_back(app::inquiry_json(r));
  return json{{"inquiries", out}};
}

Result<json> forward(Call& c) {
  auto actor = c.staff();
  auto id = c.id_param("id");
  if (!actor.ok()) return actor.status();
  if (!id.ok()) return id.status();
  auto to = c.text("to");
  if (!to.ok()) return to.status();
  auto done = c.installation().front_desk->forward(*id, *actor, *to);
  if (!done.ok()) return done.status();
  return app::inquiry_json(*done);
}

Result<json> life_situations(Call&) {
  json out = json::array();
  for (const auto& s : builtin_life_situations()) {
    json tasks = json::array();
    for (const auto& t : s.tasks) tasks.push_back({{"workflow", t.workflow}, {"title", t.title}});
    json info = json::array();
    for (const auto& i : s.information) info.push_back({{"area", i.area}, {"kind", i.kind}, {"text", i.text}});
    out.push_back({{"id", s.id}, {"title", s.title}, {"tasks", tasks}, {"information", info}});
  }
  return json{{"life_situations", out}};
}

// GET /api/v1/messages: the notices of the expert groups and the problem
// reports addressed to the caller (`sagsflow notice list`).
Result<json> messages(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto list = c.installation().front_desk->messages_for(*actor, c.municipality());
  if (!list.ok()) return list.status();
  json out = json::array();
  for (const auto& m : *list) out.push_back(app::message_json(m));
  return json{{"messages", out}};
}

// POST /api/v1/notices {area, title, text}: an expert group's notice to the
// customer line (`sagsflow notice issue`).
Result<json> issue_notice(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto area = c.text("area");
  if (!area.ok()) return area.status();
  auto title = c.text("title");
  if (!title.ok()) return title.status();
  auto text = c.text("text");
  if (!text.ok()) return text.status();
  auto m = c.installation().front_desk->issue_notice(*actor, c.municipality(), *area, *title, *text);
  if (!m.ok()) return m.status();
  c.status = 201;
  return app::message_json(*m);
}

// POST /api/v1/problem-reports {area, text, case_id?}: the customer line
// reports a problem to the area's expert and specialist groups (`sagsflow
// problem report`).
Result<json> report_problem(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto area = c.text("area");
  if (!area.ok()) return area.status();
  auto text = c.text("text");
  if (!text.ok()) return text.status();
  auto case_id = c.whole_number("case_id", 1, std::numeric_limits<long long>::max());
  if (!case_id.ok()) return case_id.status();
  auto m = c.installation().front_desk->report_problem(*actor, c.municipality(), *area, *text, *case_id);
  if (!m.ok()) return m.status();
  c.status = 201;
  return app::message_json(*m);
}

}  // namespace

void add_front_desk_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/me", Access::kAnyone, me});
  r.push_back({"GET", "/api/v1/areas", Access::kStaff, areas});
  r.push_back({"GET", "/api/v1/areas/{area}/advice", Access::kStaff, advice});
  r.push_back({"POST", "/api/v1/inquiries", Access::kStaff, register_inquiry});
  r.push_back({"GET", "/api/v1/inquiries", Access::kStaff, list_inquiries});
  r.push_back({"POST", "/api/v1/inquiries/{id}/forward", Access::kStaff, forward});
  r.push_back({"GET", "/api/v1/life-situations", Access::kStaff, life_situations});
  r.push_back({"GET", "/api/v1/messages", Access::kStaff, messages});
  r.push_back({"POST", "/api/v1/notices", Access::kStaff, issue_notice});
  r.push_back({"POST", "/api/v1/problem-reports", Access::kStaff, report_problem});
}

}  // namespace sagsflow::server
