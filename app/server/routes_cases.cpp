// /api/v1/cases and /api/v1/worklists: open, read, act, history, attachments,
// claim, release, reassign. Every read of personal data goes through the
// engine's audited reads.
#include <fmt/format.h>

#include "api.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

const ReadPurpose kCasePage{"case page", "api"};

CaseEngine& engine(Call& c) { return *c.api.installation.engine; }

json action_json(const ActionDefinition& a) {
  return {{"name", a.name},
          {"title", a.title.empty() ? a.name : a.title},
          {"next", a.next},
          {"requires_fields", a.requires_.fields},
          {"requires_attachments", a.requires_.attachments},
          {"decision", a.decision},
          {"outcome", a.outcome},
          {"complex", a.complex}};
}

// The case as the caseworker's page shows it: the case, where it waits, and
// only the actions this person may take.
Result<json> case_page(Call& c, const CaseState& state, const Actor& actor) {
  json j = to_json(state, /*reveal_cpr=*/false);
  if (c.method != "GET") {
    // The answer to a change shows the case's personal data too: that is a read, and it is logged.
    auto logged = engine(c).get_case_for(state.id, actor, {"case page after " + c.path.substr(c.path.rfind('/') + 1), "api"});
    if (!logged.ok()) return logged.status();
    j = to_json(*logged, /*reveal_cpr=*/false);
  }
  auto queue = engine(c).queue_of(state);
  j["queue"] = queue.ok() ? json{{"kind", queue->kind}, {"id", queue->id}, {"name", queue->name}} : json();
  json actions = json::array();
  if (auto available = engine(c).available_actions(state.id, actor); available.ok()) {
    for (const auto& a : *available) actions.push_back(action_json(a));
  }
  j["actions"] = actions;
  const std::string holder = state.assignee.is_object() ? state.assignee.value("person", "") : "";
  j["may_claim"] = state.status == CaseStatus::kOpen && !actions.empty() && holder.empty();
  j["may_release"] = !holder.empty() && (holder == actor.id || actor.has_role(kTeamLeaderRole));
  return j;
}

// The staff member calling and the case id in the path.
struct StaffAndCase {
  Actor actor;
  long long id = 0;
};
Result<StaffAndCase> staff_and_case(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  return StaffAndCase{std::move(*actor), *id};
}

Result<json> list_cases(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  CaseFilter f;
  f.municipality = c.municipality();
  if (auto stage = c.query_value("stage"); !stage.empty()) f.stage = stage;
  const std::string status = c.query_value("status", "open");
  if (status == "open") {
    f.status = CaseStatus::kOpen;
  } else if (status == "closed") {
    f.status = CaseStatus::kClosed;
  } else if (status != "all") {
    c.field = "status";
    return InvalidArgument("status must be open, closed or all");
  }
  auto cases = engine(c).list_cases_for(f, *actor);
  if (!cases.ok()) return cases.status();
  json out = json::array();
  for (const auto& s : *cases) out.push_back(case_summary_json(s));
  return json{{"cases", out}};
}

Result<json> open_case(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto workflow = c.text("workflow");
  if (!workflow.ok()) return workflow.status();
  auto title = c.text("title", false);
  if (!title.ok()) return title.status();
  auto fields = c.object("fields");
  if (!fields.ok()) return fields.status();
  OpenCaseRequest req;
  req.municipality = c.municipality();
  req.workflow_id = *workflow;
  req.title = *title;
  req.fields = *fields;
  req.actor = *actor;
  if (c.body.contains("citizen_cpr") && !c.body["citizen_cpr"].is_null()) {
    auto cpr = c.cpr("citizen_cpr");
    if (!cpr.ok()) return cpr.status();
    req.citizen_cpr = cpr->reveal();
  }
  auto opened = engine(c).open_case(req);
  if (!opened.ok()) return opened.status();
  c.status = 201;
  return case_page(c, *opened, *actor);
}

Result<json> get_case(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto state = engine(c).get_case_for(id, actor, kCasePage);
  if (!state.ok()) return state.status();
  return case_page(c, *state, actor);  // logged above
}

Result<json> act(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  ActionRequest req;
  req.case_id = id;
  req.action = c.params.at("action");
  req.actor = actor;
  auto fields = c.object("fields");
  if (!fields.ok()) return fields.status();
  req.fields = *fields;
  auto note = c.text("note", false);
  if (!note.ok()) return note.status();
  req.note = *note;
  auto late = c.flag("accept_late_complaint");
  if (!late.ok()) return late.status();
  req.accept_late_complaint = *late;
  if (c.body.contains("expected_version") && !c.body["expected_version"].is_null()) {
    if (!c.body["expected_version"].is_number_integer()) {
      return c.refuse_field("expected_version", "must be a whole number (the version the action was based on)");
    }
    req.expected_version = c.body["expected_version"].get<long long>();
  }
  if (c.body.contains("attachments") && !c.body["attachments"].is_null()) {
    const auto& list = c.body["attachments"];
    if (!list.is_array()) return c.refuse_field("attachments", "must be a list of {name, kind}");
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& a = list[i];
      const std::string where = fmt::format("attachments[{}]", i);
      if (!a.is_object() || !a.contains("name") || !a["name"].is_string() || a["name"].get<std::string>().empty()) {
        return c.refuse_field(where, "must be an object with a non-empty string 'name'");
      }
      if (a.contains("kind") && !a["kind"].is_string()) return c.refuse_field(where + ".kind", "must be a string");
      req.attachments.push_back({a["name"].get<std::string>(), a.value("kind", ""), ""});
    }
  }
  auto done = engine(c).act(req);
  if (!done.ok()) return done.status();
  return case_page(c, *done, actor);
}

Result<json> history(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto events = engine(c).history_for(id, actor, {"history", "api"});
  if (!events.ok()) return events.status();
  json out = json::array();
  for (const auto& e : *events) out.push_back(to_json(e, /*reveal_cpr=*/false));
  return json{{"events", out}};
}

Result<json> attachments(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto state = engine(c).get_case_for(id, actor, {"attachments", "api"});
  if (!state.ok()) return state.status();
  json out = json::array();
  for (const auto& a : state->attachments) out.push_back({{"name", a.name}, {"kind", a.kind}, {"added_at", a.added_at}});
  return json{{"case_number", state->case_number}, {"attachments", out}};
}

Result<json> claim(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto done = engine(c).claim(id, actor);
  if (!done.ok()) return done.status();
  return case_page(c, *done, actor);
}

Result<json> release(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto done = engine(c).release(id, actor);
  if (!done.ok()) return done.status();
  return case_page(c, *done, actor);
}

Result<json> reassign(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto to = c.text("to");
  if (!to.ok()) return to.status();
  const auto* org = c.api.installation.organisation.get();
  auto person = org->person(*to, c.municipality());
  if (!person.ok()) return c.refuse_field("to", fmt::format("{} is not on the staff list of {}", *to, c.municipality()));
  Actor target{*to, person->staff->unit, person->authority, person->staff->roles};
  auto done = engine(c).reassign(id, actor, target);
  if (!done.ok()) return done.status();
  return case_page(c, *done, actor);
}

Result<json> worklist(Call& c, WorklistQuery query) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  query.municipality = c.municipality();
  auto items = engine(c).worklist(query, *actor);
  if (!items.ok()) return items.status();
  json out = json::array();
  for (const auto& item : *items) {
    json j = case_summary_json(item.state);
    j["queue"] = {{"kind", item.queue.kind}, {"id", item.queue.id}, {"name", item.queue.name}};
    out.push_back(j);
  }
  return json{{"cases", out}};
}

}  // namespace

void add_case_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/cases", Access::kStaff, list_cases});
  r.push_back({"POST", "/api/v1/cases", Access::kStaff, open_case});
  r.push_back({"GET", "/api/v1/cases/{id}", Access::kStaff, get_case});
  r.push_back({"POST", "/api/v1/cases/{id}/actions/{action}", Access::kStaff, act});
  r.push_back({"GET", "/api/v1/cases/{id}/history", Access::kStaff, history});
  r.push_back({"GET", "/api/v1/cases/{id}/attachments", Access::kStaff, attachments});
  r.push_back({"POST", "/api/v1/cases/{id}/claim", Access::kStaff, claim});
  r.push_back({"POST", "/api/v1/cases/{id}/release", Access::kStaff, release});
  r.push_back({"POST", "/api/v1/cases/{id}/reassign", Access::kStaff, reassign});
  r.push_back({"GET", "/api/v1/worklists/units/{unit}", Access::kStaff, [](Call& c) {
                 WorklistQuery q;
                 q.unit = c.params.at("unit");
                 return worklist(c, q);
               }});
  r.push_back({"GET", "/api/v1/worklists/people/{person}", Access::kStaff, [](Call& c) {
                 WorklistQuery q;
                 q.person = c.params.at("person");
                 return worklist(c, q);
               }});
}

}  // namespace sagsflow::server
