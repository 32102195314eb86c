// /api/v1/cases and /api/v1/worklists: open, read, act, history, attachments,
// claim, release, reassign. Every read of personal data goes through the
// engine's audited reads.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "api.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

CaseEngine& engine(Call& c) { return *c.installation().engine; }

// Pages of GET /api/v1/cases and the worklists (docs/api.md#lists-and-pages).
constexpr int kMaxListPage = 1000;
constexpr int kDefaultCasePage = 100;
constexpr int kDefaultWorklistPage = 500;

json action_json(const ActionDefinition& a, bool asks_citizen) {
  return {{"name", a.name},
          {"asks_citizen", asks_citizen},
          {"title", a.title.empty() ? a.name : a.title},
          {"next", a.next},
          {"requires_fields", a.requires_.fields},
          {"requires_attachments", a.requires_.attachments},
          {"decision", a.decision},
          {"outcome", a.outcome},
          {"complex", a.complex}};
}

// The case as the caseworker's page shows it: the case, where it waits, and
// only the actions this person may take (the core's view).
json case_page(const CaseView& v) {
  json j = to_json(v.state, /*reveal_cpr=*/false);
  j["queue"] = v.queue.kind.empty() ? json() : json{{"kind", v.queue.kind}, {"id", v.queue.id}, {"name", v.queue.name}};
  json actions = json::array();
  for (const auto& a : v.actions) {
    const bool asks = std::find(v.asking_actions.begin(), v.asking_actions.end(), a.name) != v.asking_actions.end();
    actions.push_back(action_json(a, asks));
  }
  j["actions"] = actions;
  j["may_claim"] = v.may_claim;
  j["may_release"] = v.may_release;
  return j;
}

// Runs one change and answers with the case page; the core records the answer's read.
Result<json> change(Call& c, const Actor& actor, const std::string& operation,
                    const std::function<Result<CaseState>()>& run) {
  auto view = engine(c).change_and_view(actor, ReadPurpose::answer_to(operation, "api"), run);
  if (!view.ok()) return view.status();
  return case_page(*view);
}

// The staff member calling and the case id in the path.
struct StaffAndCase {
  Actor actor;
  long long id = 0;
};
// The case in the path is its id or its case number (23.09.02-G01-2-26).
Result<StaffAndCase> staff_and_case(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.case_param("id");
  if (!id.ok()) return id.status();
  return StaffAndCase{std::move(*actor), *id};
}

// A list's page from the query: after (the previous page's next_after),
// limit, and count=true for the total.
struct PageParams {
  long long after = 0;
  int limit = 0;
  bool count = false;
};
Result<PageParams> page_params(Call& c, int default_limit) {
  PageParams p;
  p.limit = default_limit;
  auto after = c.query_number("after", 0, std::numeric_limits<long long>::max());
  if (!after.ok()) return after.status();
  if (*after) p.after = **after;
  auto limit = c.query_number("limit", 1, kMaxListPage);
  if (!limit.ok()) return limit.status();
  if (*limit) p.limit = static_cast<int>(**limit);
  const std::string count = c.query_value("count", "false");
  if (count != "true" && count != "false") return c.refuse_field("count", "must be true or false");
  p.count = count == "true";
  return p;
}

// What every list answers besides its cases: whether it was cut, where the
// next page starts, and the total when asked for.
void add_page(json& out, bool cut, const std::optional<long long>& next_after, const std::optional<long long>& total,
              bool total_capped) {
  out["cut"] = cut;
  out["next_after"] = next_after ? json(*next_after) : json();
  if (total) {
    out["total"] = *total;
    out["total_capped"] = total_capped;
  }
}

// The filters a list or a worklist takes from the query: stage, area (a
// service area), due_before (YYYY-MM-DD) and sort (oldest, newest).
Result<CaseListFilters> list_filters(Call& c) {
  CaseListFilters f;
  if (auto stage = c.query_value("stage"); !stage.empty()) f.stage = stage;
  if (auto area = c.query_value("area"); !area.empty()) f.service_area = area;
  if (auto due = c.query_value("due_before"); !due.empty()) {
    auto d = parse_date(due.substr(0, 40));
    if (!d.ok()) return c.refuse_field("due_before", d.status().message());
    f.due_before = *d;
  }
  const std::string sort = c.query_value("sort", "oldest");
  if (sort != "oldest" && sort != "newest") return c.refuse_field("sort", "must be oldest or newest");
  f.newest_first = sort == "newest";
  return f;
}

json summaries(const std::vector<CaseState>& cases) {
  json out = json::array();
  for (const auto& s : cases) out.push_back(case_summary_json(s));
  return out;
}

// GET /api/v1/search?q=...&purpose=...: the staff search box.
Result<json> search(Call& c, const std::string& text) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto page = page_params(c, 50);
  if (!page.ok()) return page.status();
  auto filters = list_filters(c);
  if (!filters.ok()) return filters.status();
  CaseSearch s;
  s.municipality = c.municipality();
  s.text = text;
  s.purpose = c.query_value("purpose");
  s.limit = page->limit;
  s.after = page->after;
  s.count = page->count;
  s.filters = *filters;
  auto found = engine(c).search_cases(s, *actor, "api");
  if (!found.ok()) {
    // Which parameter is wrong: the purpose a CPR search needs, or the text.
    c.field = found.status().message().find("purpose") != std::string::npos ? "purpose" : "q";
    return found.status();
  }
  json answer{{"kind", search_kind_key(found->kind)}, {"cases", summaries(found->page.cases)}};
  add_page(answer, found->page.cut, found->page.next_after, found->page.total, found->page.total_capped);
  return answer;
}

Result<json> list_cases(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto page = page_params(c, kDefaultCasePage);
  if (!page.ok()) return page.status();
  // A citizen's cases by CPR number are a search: they need a purpose.
  if (auto cpr = c.query_value("cpr"); !cpr.empty()) {
    if (!Cpr::parse(cpr).ok()) return c.refuse_field("cpr", "is not a CPR number (ten digits, DDMMYY-SSSS)");
    return search(c, cpr);
  }
  auto filters = list_filters(c);
  if (!filters.ok()) return filters.status();
  CaseFilter f;
  f.after = page->after;
  f.limit = page->limit;
  f.municipality = c.municipality();
  if (auto st = engine(c).apply_filters(*filters, f); !st.ok()) {
    c.field = "area";
    return st;
  }
  const std::string status = c.query_value("status", "open");
  if (status == "open") {
    f.status = CaseStatus::kOpen;
  } else if (status == "closed") {
    f.status = CaseStatus::kClosed;
  } else if (status != "all") {
    c.field = "status";
    return InvalidArgument("status must be open, closed or all");
  }
  auto listed = engine(c).list_cases_page(f, *actor, {kReadCaseList, "api"}, page->count);
  if (!listed.ok()) return listed.status();
  json answer{{"cases", summaries(listed->cases)}};
  add_page(answer, listed->cut, listed->next_after, listed->total, listed->total_capped);
  return answer;
}

// An optional date in the body (YYYY-MM-DD): none when absent or null.
Result<std::optional<Date>> body_date(Call& c, const std::string& name) {
  if (!c.body.contains(name) || c.body[name].is_null()) return std::optional<Date>{};
  if (!c.body[name].is_string()) return c.refuse_field(name, "must be a date YYYY-MM-DD");
  auto d = parse_date(c.body[name].get<std::string>().substr(0, 40));
  if (!d.ok()) return c.refuse_field(name, d.status().message());
  return std::optional<Date>{*d};
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
  auto received = body_date(c, "received_on");
  if (!received.ok()) return received.status();
  req.received_on = *received;
  auto page = change(c, *actor, "open", [&] { return engine(c).open_case(req); });
  if (page.ok()) c.status = 201;
  return page;
}

Result<json> get_case(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto view = engine(c).view_case(id, actor, {kReadCase, "api"});
  if (!view.ok()) return view.status();
  return case_page(*view);
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
  auto late_reason = c.text("late_reason", false);
  if (!late_reason.ok()) return late_reason.status();
  req.late_reason = *late_reason;
  auto channel = c.text("delivery_channel", false);
  if (!channel.ok()) return channel.status();
  if (!channel->empty()) {
    auto known = delivery_channel_from_key(*channel);
    if (!known) return c.refuse_field("delivery_channel", "must be digital_post or physical_post");
    req.delivery_channel = *known;
  }
  auto expected = c.whole_number("expected_version", 0, std::numeric_limits<long long>::max());
  if (!expected.ok()) return expected.status();
  if (*expected) req.expected_version = **expected;
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
      if (a.contains("kind") && !a["kind"].is_null() && !a["kind"].is_string()) {
        return c.refuse_field(where + ".kind", "must be a string");
      }
      const std::string kind = a.contains("kind") && a["kind"].is_string() ? a["kind"].get<std::string>() : "";
      if (a["name"].get<std::string>().size() > 1000 || kind.size() > 1000) {
        return c.refuse_field(where, "name and kind must be at most 1000 characters");
      }
      req.attachments.push_back({a["name"].get<std::string>(), kind, ""});
    }
  }
  // A request for missing items may ask for form fields and attachments besides the stage's requirements.
  for (const char* key : {"ask_fields", "ask_attachments"}) {
    if (!c.body.contains(key) || c.body[key].is_null()) continue;
    const auto& list = c.body[key];
    if (!list.is_array() || list.size() > 50) return c.refuse_field(key, "must be a list of at most 50 names");
    for (const auto& n : list) {
      if (!n.is_string() || n.get<std::string>().empty() || n.get<std::string>().size() > 100) {
        return c.refuse_field(key, "must hold names (non-empty strings of at most 100 characters)");
      }
      (std::string(key) == "ask_fields" ? req.ask_fields : req.ask_attachments).push_back(n.get<std::string>());
    }
  }
  return change(c, actor, "act " + req.action, [&] { return engine(c).act(req); });
}

Result<json> history(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto events = engine(c).history_for(id, actor, {kReadHistory, "api"});
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
  auto state = engine(c).get_case_for(id, actor, {kReadAttachments, "api"});
  if (!state.ok()) return state.status();
  json out = json::array();
  for (const auto& a : state->attachments) out.push_back({{"name", a.name}, {"kind", a.kind}, {"added_at", a.added_at}});
  json answer{{"case_number", state->case_number}, {"attachments", out}};
  mask_cpr_numbers_in(answer);  // kinds are free text
  return answer;
}

Result<json> claim(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "claim", [&] { return engine(c).claim(id, actor); });
}

Result<json> release(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "release", [&] { return engine(c).release(id, actor); });
}

Result<json> reassign(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor& actor = who->actor;
  const long long id = who->id;
  auto to = c.text("to");
  if (!to.ok()) return to.status();
  auto target = c.installation().organisation->actor_for({*to}, c.municipality());
  if (!target.ok()) return c.refuse_field("to", target.status().message());
  return change(c, actor, "reassign", [&] { return engine(c).reassign(id, actor, *target); });
}

// POST /api/v1/cases/claim {cases: [id or case number, ...]} and
// POST /api/v1/cases/reassign {cases: [...], to}: each case on its own (one
// unit of work each, as one claim or reassignment), answered case by case.
Result<json> bulk(Call& c, bool reassigning) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  if (!c.body.contains("cases") || !c.body["cases"].is_array() || c.body["cases"].empty() ||
      c.body["cases"].size() > 200) {
    return c.refuse_field("cases", "must be a list of 1 to 200 case ids or case numbers");
  }
  std::optional<Actor> target;
  if (reassigning) {
    auto to = c.text("to");
    if (!to.ok()) return to.status();
    auto who = c.installation().organisation->actor_for({*to}, c.municipality());
    if (!who.ok()) return c.refuse_field("to", who.status().message());
    target = *who;
  }
  json results = json::array();
  int done = 0;
  for (std::size_t i = 0; i < c.body["cases"].size(); ++i) {
    const json& item = c.body["cases"][i];
    Result<long long> id = InvalidArgument("must be a case id or a case number");
    if (item.is_number_integer() && item.get<long long>() > 0) {
      id = item.get<long long>();
    } else if (item.is_string()) {
      if (auto found = c.case_by_number(item.get<std::string>())) id = *found;
    }
    if (!id.ok()) {
      results.push_back({{"index", i}, {"ok", false}, {"error", id.status().message()}});
      continue;
    }
    auto changed = reassigning ? engine(c).reassign(*id, *actor, *target) : engine(c).claim(*id, *actor);
    if (!changed.ok()) {
      results.push_back({{"index", i}, {"id", *id}, {"ok", false}, {"code", error_code_name(changed.status().code())},
                         {"error", mask_cpr_numbers(changed.status().message())}});
      continue;
    }
    ++done;
    results.push_back({{"index", i}, {"id", *id}, {"case_number", changed->case_number}, {"ok", true},
                       {"assignee", changed->assignee.is_object() ? changed->assignee["person"] : json()}});
  }
  return json{{"done", done}, {"failed", static_cast<int>(results.size()) - done}, {"results", results}};
}

// The case tasks the CLI has besides actions (`sagsflow case note|escalate|
// draft-decision|access-request|letter|propose`): one engine call each,
// answered with the case page like an action.
Result<json> note(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  auto text = c.text("text");
  if (!text.ok()) return text.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "note", [&] { return engine(c).add_note(id, actor, *text); });
}

Result<json> escalate(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  auto reason = c.text("reason");
  if (!reason.ok()) return reason.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "escalate", [&] { return engine(c).escalate(id, actor, *reason); });
}

Result<json> draft_decision(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  auto outcome = c.text("outcome");
  if (!outcome.ok()) return outcome.status();
  auto reasons = c.text("reasons");
  if (!reasons.ok()) return reasons.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "draft-decision", [&] { return engine(c).draft_decision(id, actor, *outcome, *reasons); });
}

// POST /api/v1/cases/{id}/access-requests {requester, note?, received_on?}: a
// request for access to the case's file opens its own case (facet A53); the
// answer is that new case's page.
Result<json> access_request(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  auto requester = c.text("requester");
  if (!requester.ok()) return requester.status();
  auto note_text = c.text("note", false);
  if (!note_text.ok()) return note_text.status();
  auto received = body_date(c, "received_on");
  if (!received.ok()) return received.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  auto page = change(c, actor, "access-request",
                     [&] { return engine(c).open_access_request(id, actor, *requester, *note_text, *received); });
  if (page.ok()) c.status = 201;
  return page;
}

Result<json> letter(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  auto subject = c.text("subject");
  if (!subject.ok()) return subject.status();
  auto body = c.text("body");
  if (!body.ok()) return body.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "letter", [&] { return engine(c).send_letter(id, actor, *subject, *body); });
}

Result<json> propose(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "propose", [&] { return engine(c).propose_decision(id, actor); });
}

// POST /api/v1/cases/{id}/hearing {facts, reply_by?}: a party hearing (FVL §19).
Result<json> start_hearing(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  auto facts = c.text("facts");
  if (!facts.ok()) return facts.status();
  auto reply_by = body_date(c, "reply_by");
  if (!reply_by.ok()) return reply_by.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "hearing", [&] { return engine(c).start_hearing(id, actor, *facts, *reply_by); });
}

// POST /api/v1/cases/{id}/hearing/reply {reply?}: the citizen replied; the clock runs again.
Result<json> hearing_reply(Call& c) {
  auto who = staff_and_case(c);
  if (!who.ok()) return who.status();
  auto reply = c.text("reply", false);
  if (!reply.ok()) return reply.status();
  const Actor actor = who->actor;
  const long long id = who->id;
  return change(c, actor, "hearing reply", [&] { return engine(c).record_hearing_reply(id, actor, *reply); });
}

// GET /api/v1/processing-deadlines[?municipality=]: published without sign-in (retssikkerhedsloven §3).
Result<json> processing_deadlines(Call& c) {
  const std::string municipality = c.query_value("municipality");
  if (!municipality.empty() && (municipality.size() != 4 ||
                                municipality.find_first_not_of("0123456789") != std::string::npos)) {
    return c.refuse_field("municipality", "must be a municipality code of four digits");
  }
  auto list = engine(c).processing_deadlines(municipality);
  if (!list.ok()) return list.status();
  if (!municipality.empty()) {
    auto known = engine(c).store().municipality_name(municipality);
    if (!known.ok()) return known.status();
  }
  json out = json::array();
  for (const auto& d : *list) {
    out.push_back({{"municipality", d.municipality},
                   {"municipality_name", d.municipality_name},
                   {"service_area", d.service_area},
                   {"workflow", d.workflow_id},
                   {"workflow_title", d.workflow_title},
                   {"stage", d.stage},
                   {"stage_title", d.stage_title.empty() ? d.stage : d.stage_title},
                   {"deadline",
                    {{"amount", d.deadline.amount},
                     {"unit", deadline_unit_key(d.deadline.unit)},
                     {"roll_to_working_day", d.deadline.roll_to_working_day},
                     {"from_receipt", d.deadline.from_receipt},
                     {"text", d.deadline.describe() + (d.deadline.from_receipt ? ", counted from receipt" : "")}}}});
  }
  return json{{"processing_deadlines", out}, {"law", "retssikkerhedsloven §3"}};
}

Result<json> worklist(Call& c, WorklistQuery query) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  query.municipality = c.municipality();
  auto page = page_params(c, kDefaultWorklistPage);
  if (!page.ok()) return page.status();
  query.after = page->after;
  query.limit = page->limit;
  query.count = page->count;
  auto filters = list_filters(c);
  if (!filters.ok()) return filters.status();
  query.filters = *filters;
  auto listed = engine(c).worklist_page(query, *actor, {kReadWorklist, "api"});
  if (!listed.ok()) return listed.status();
  json out = json::array();
  for (const auto& item : listed->items) {
    json j = case_summary_json(item.state);
    j["queue"] = {{"kind", item.queue.kind}, {"id", item.queue.id}, {"name", item.queue.name}};
    out.push_back(j);
  }
  json answer{{"cases", out}};
  add_page(answer, listed->cut, listed->next_after, listed->total, listed->total_capped);
  return answer;
}

}  // namespace

void add_case_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/cases", Access::kStaff, list_cases});
  r.push_back({"POST", "/api/v1/cases", Access::kStaff, open_case});
  r.push_back({"GET", "/api/v1/search", Access::kStaff, [](Call& c) { return search(c, c.query_value("q")); }});
  r.push_back({"POST", "/api/v1/cases/claim", Access::kStaff, [](Call& c) { return bulk(c, false); }});
  r.push_back({"POST", "/api/v1/cases/reassign", Access::kStaff, [](Call& c) { return bulk(c, true); }});
  r.push_back({"GET", "/api/v1/cases/{id}", Access::kStaff, get_case});
  r.push_back({"POST", "/api/v1/cases/{id}/actions/{action}", Access::kStaff, act});
  r.push_back({"GET", "/api/v1/cases/{id}/history", Access::kStaff, history});
  r.push_back({"GET", "/api/v1/cases/{id}/attachments", Access::kStaff, attachments});
  r.push_back({"POST", "/api/v1/cases/{id}/claim", Access::kStaff, claim});
  r.push_back({"POST", "/api/v1/cases/{id}/release", Access::kStaff, release});
  r.push_back({"POST", "/api/v1/cases/{id}/reassign", Access::kStaff, reassign});
  r.push_back({"POST", "/api/v1/cases/{id}/hearing", Access::kStaff, start_hearing});
  r.push_back({"POST", "/api/v1/cases/{id}/notes", Access::kStaff, note});
  r.push_back({"POST", "/api/v1/cases/{id}/escalate", Access::kStaff, escalate});
  r.push_back({"POST", "/api/v1/cases/{id}/draft-decision", Access::kStaff, draft_decision});
  r.push_back({"POST", "/api/v1/cases/{id}/access-requests", Access::kStaff, access_request});
  r.push_back({"POST", "/api/v1/cases/{id}/letters", Access::kStaff, letter});
  r.push_back({"POST", "/api/v1/cases/{id}/propose", Access::kStaff, propose});
  r.push_back({"POST", "/api/v1/cases/{id}/hearing/reply", Access::kStaff, hearing_reply});
  r.push_back({"GET", "/api/v1/processing-deadlines", Access::kPublic, processing_deadlines});
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
