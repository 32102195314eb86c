// The queue of walk-in citizens (docs/front-of-house.md; QueueDesk):
//  - public, for the kiosk and the waiting-room screen (no sign-in; the
//    server's per-address rate limit applies): POST /api/v1/queue/tickets,
//    GET /api/v1/queue/groups, GET /api/v1/queue/screen. They name the
//    municipality with `municipality` (query or body), which may be left out
//    when one municipality of the installation has a queue. No personal data.
//  - staff: POST /api/v1/queue/call-next, POST /api/v1/queue/tickets/{id}/serve,
//    POST /api/v1/queue/tickets/{id}/no-show, GET /api/v1/queue/status and
//    GET /api/v1/reports/queue (the waiting-time statistics).
#include <fmt/format.h>

#include <algorithm>

#include "api.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/frontdesk/queue_desk.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

QueueDesk desk_of(Call& c) {
  auto& inst = c.installation();
  return QueueDesk(*inst.store, *inst.organisation, *inst.front_desk, *inst.engine, inst.engine->options().clock);
}

const QueueSettings& settings_of(Call& c, const std::string& municipality) {
  return c.installation().organisation->find(municipality)->queue;
}

// The municipality a public call names, or the one municipality with a queue.
Result<std::string> public_municipality(Call& c) {
  std::string code = c.query_value("municipality");
  if (code.empty() && c.body.is_object() && c.body.contains("municipality")) {
    auto named = c.text("municipality");
    if (!named.ok()) return named.status();
    code = *named;
  }
  const auto* org = c.installation().organisation.get();
  if (!code.empty()) {
    if (code.size() != 4 || code.find_first_not_of("0123456789") != std::string::npos) {
      return c.refuse_field("municipality", "must be a municipality code of four digits");
    }
    return code;
  }
  std::vector<std::string> with_queue;
  for (const auto* m : org->all()) {
    if (m->queue.enabled()) with_queue.push_back(m->code);
  }
  if (with_queue.size() == 1) return with_queue.front();
  c.field = "municipality";
  if (with_queue.empty()) return FailedPrecondition("no municipality of this installation has a queue");
  return InvalidArgument("several municipalities have a queue here: name one with municipality=<code>");
}

json ticket_json(const QueueTicket& t, const QueueSettings& q) {
  const QueueGroup* g = q.group(t.group);
  const QueueCounter* d = q.desk(t.desk);
  return {{"id", t.id},
          {"number", t.number},
          {"group", t.group},
          {"group_name", g ? g->name : t.group},
          {"status", ticket_status_key(t.status)},
          {"drawn_at", t.drawn_at},
          {"area", t.area.empty() ? json() : json(t.area)},
          {"desk", t.desk.empty() ? json() : json(t.desk)},
          {"desk_name", d ? json(d->name) : json()},
          {"called_at", t.called_at.empty() ? json() : json(t.called_at)},
          {"finished_at", t.finished_at.empty() ? json() : json(t.finished_at)},
          {"inquiry_id", t.inquiry_id ? json(*t.inquiry_id) : json()}};
}

json screen_json(const QueueScreen& s) {
  json called = json::array();
  for (const auto& t : s.called) {
    called.push_back({{"number", t.number}, {"desk", t.desk}, {"desk_name", t.desk_name}, {"called_at", t.called_at}});
  }
  json groups = json::array();
  for (const auto& g : s.groups) groups.push_back({{"id", g.group}, {"name", g.name}, {"waiting", g.waiting}});
  return {{"called", called}, {"groups", groups}};
}

json figures_json(const QueueHourFigures& f) {
  const auto opt = [](const auto& v) { return v ? json(*v) : json(); };
  json j = {{"group", f.group},
            {"tickets", f.tickets},
            {"served", f.served},
            {"no_shows", f.no_shows},
            {"called", f.called},
            {"mean_wait_seconds", opt(f.mean_wait_seconds)},
            {"p90_wait_seconds", opt(f.p90_wait_seconds)},
            {"mean_service_seconds", opt(f.mean_service_seconds)}};
  if (f.hour >= 0) j["hour"] = f.hour;
  return j;
}

Result<json> groups(Call& c) {
  auto code = public_municipality(c);
  if (!code.ok()) return code.status();
  auto q = desk_of(c).settings(*code);
  if (!q.ok()) return q.status();
  json out = json::array();
  for (const auto& g : (*q)->groups) out.push_back({{"id", g.id}, {"name", g.name}, {"areas", g.areas}});
  json desks = json::array();
  for (const auto& d : (*q)->desks) desks.push_back({{"id", d.id}, {"name", d.name}});
  return json{{"municipality", *code},
              {"municipality_name", c.installation().organisation->authority_name(*code)},
              {"groups", out},
              {"desks", desks}};
}

Result<json> draw(Call& c) {
  auto code = public_municipality(c);
  if (!code.ok()) return code.status();
  auto group = c.text("group");
  if (!group.ok()) return group.status();
  auto t = desk_of(c).draw({*code, *group, std::nullopt, ""});
  if (!t.ok()) {
    if (t.status().code() == ErrorCode::kNotFound) c.field = "group";
    return t.status();
  }
  c.status = 201;
  const auto& q = settings_of(c, *code);
  json j = ticket_json(*t, q);
  return json{{"ticket", {{"id", t->id}, {"number", t->number}, {"group", t->group}, {"group_name", j["group_name"]},
                          {"drawn_at", t->drawn_at}}}};
}

Result<json> screen(Call& c) {
  auto code = public_municipality(c);
  if (!code.ok()) return code.status();
  auto last = c.query_number("last", 1, 50);
  if (!last.ok()) return last.status();
  auto s = desk_of(c).screen(*code, static_cast<int>(last->value_or(8)));
  if (!s.ok()) return s.status();
  json j = screen_json(*s);
  j["municipality"] = *code;
  return j;
}

Result<json> call_next(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto desk = c.text("desk");
  if (!desk.ok()) return desk.status();
  auto t = desk_of(c).call_next(*actor, c.municipality(), *desk);
  if (!t.ok()) {
    if (t.status().code() == ErrorCode::kNotFound) c.field = "desk";
    return t.status();
  }
  if (!*t) return json{{"ticket", nullptr}, {"message", "Ingen venter i dine grupper / no one is waiting in your groups"}};
  return json{{"ticket", ticket_json(**t, settings_of(c, c.municipality()))}};
}

Result<json> serve(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto type_text = c.text("type");
  auto area = c.text("area", false);
  auto service_text = c.text("service", false);
  auto outcome = c.text("outcome", false);
  auto resolved = c.flag("resolved_on_the_spot", true);
  for (const Status* st : {&type_text.status(), &area.status(), &service_text.status(), &outcome.status(),
                           &resolved.status()}) {
    if (!st->ok()) return *st;
  }
  ServeRequest req;
  const auto type = inquiry_type_from_key(*type_text);
  if (!type) {
    return c.refuse_field("type", fmt::format("'{}' is not general_information, case_information or transaction",
                                              *type_text));
  }
  const auto service = service_from_key(service_text->empty() ? "general_guidance" : *service_text);
  if (!service) return c.refuse_field("service", fmt::format("'{}' is not one of {}", *service_text, all_service_keys()));
  req.type = *type;
  req.service = *service;
  req.area = *area;
  req.outcome = *outcome;
  req.resolved_on_the_spot = *resolved;
  if (c.body.contains("cpr") && !c.body["cpr"].is_null() &&
      !(c.body["cpr"].is_string() && c.body["cpr"].get<std::string>().empty())) {
    auto cpr = c.cpr("cpr");
    if (!cpr.ok()) return cpr.status();
    req.citizen_cpr = cpr->reveal();
  }
  auto out = desk_of(c).serve(*actor, *id, req);
  if (!out.ok()) return out.status();
  return json{{"ticket", ticket_json(out->ticket, settings_of(c, out->ticket.municipality))},
              {"inquiry", app::inquiry_json(out->inquiry.record)},
              {"advice", app::advice_json(out->inquiry.advice)},
              {"triage", out->inquiry.triage ? app::triage_json(*out->inquiry.triage) : json()}};
}

Result<json> no_show(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto t = desk_of(c).no_show(*actor, *id);
  if (!t.ok()) return t.status();
  return json{{"ticket", ticket_json(*t, settings_of(c, t->municipality))}};
}

// For the staff page: the desks, the groups with who waits and which the caller serves, and their open ticket.
Result<json> status(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  QueueDesk desk = desk_of(c);
  auto mine = desk.groups_of(*actor, c.municipality());
  if (!mine.ok()) return mine.status();
  auto s = desk.screen(c.municipality(), 50);
  if (!s.ok()) return s.status();
  const auto& q = settings_of(c, c.municipality());
  json groups = json::array();
  for (const auto& g : s->groups) {
    const bool serves = std::find(mine->begin(), mine->end(), g.group) != mine->end();
    const QueueGroup* cfg = q.group(g.group);
    groups.push_back({{"id", g.group}, {"name", g.name}, {"areas", cfg ? cfg->areas : std::vector<std::string>{}},
                      {"waiting", g.waiting}, {"you_serve", serves}});
  }
  json desks = json::array();
  for (const auto& d : q.desks) desks.push_back({{"id", d.id}, {"name", d.name}});
  // The caller's ticket called and not yet finished, if any (a reloaded page picks it up again).
  json open = nullptr;
  const std::string today = format_date(c.installation().engine->today());
  auto called = c.installation().store->recently_called(c.municipality(), today, 200);
  if (!called.ok()) return called.status();
  for (const auto& t : *called) {
    if (t.status == TicketStatus::kCalled && t.called_by == actor->id) {
      open = ticket_json(t, q);
      break;
    }
  }
  json screen = screen_json(*s);
  return json{{"desks", desks}, {"groups", groups}, {"called", screen["called"]}, {"your_ticket", open}};
}

// A query bound: a Copenhagen day YYYY-MM-DD (its start) or an instant YYYY-MM-DDTHH:MM:SSZ.
Result<std::string> bound(Call& c, const std::string& name, Date fallback) {
  const std::string v = c.query_value(name);
  if (v.empty()) return format_timestamp(copenhagen_day_start(fallback));
  if (v.size() == 10) {
    auto d = parse_date(v);
    if (!d.ok()) return c.refuse_field(name, d.status().message());
    return format_timestamp(copenhagen_day_start(*d));
  }
  auto t = parse_timestamp(v);
  if (!t.ok()) return c.refuse_field(name, "a day YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM:SSZ");
  return v;
}

Result<json> report(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  const Date today = c.installation().engine->today();
  auto from = bound(c, "from", today);
  if (!from.ok()) return from.status();
  auto to = bound(c, "to", today + std::chrono::days(1));
  if (!to.ok()) return to.status();
  auto s = desk_of(c).statistics(*actor, c.municipality(), *from, *to);
  if (!s.ok()) return s.status();
  const auto& q = settings_of(c, c.municipality());
  json rows = json::array(), totals = json::array();
  for (const auto& f : s->rows) rows.push_back(figures_json(f));
  for (const auto& f : s->totals) {
    json j = figures_json(f);
    const QueueGroup* g = q.group(f.group);
    j["group_name"] = g ? g->name : f.group;
    totals.push_back(j);
  }
  return json{{"municipality", s->municipality}, {"from", s->from}, {"to", s->to},
              {"hours_in", "Europe/Copenhagen"}, {"by_hour", rows}, {"totals", totals}};
}

}  // namespace

void add_queue_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/queue/groups", Access::kPublic, groups});
  r.push_back({"POST", "/api/v1/queue/tickets", Access::kPublic, draw});
  r.push_back({"GET", "/api/v1/queue/screen", Access::kPublic, screen});
  r.push_back({"POST", "/api/v1/queue/call-next", Access::kStaff, call_next});
  r.push_back({"POST", "/api/v1/queue/tickets/{id}/serve", Access::kStaff, serve});
  r.push_back({"POST", "/api/v1/queue/tickets/{id}/no-show", Access::kStaff, no_show});
  r.push_back({"GET", "/api/v1/queue/status", Access::kStaff, status});
  r.push_back({"GET", "/api/v1/reports/queue", Access::kStaff, report});
}

}  // namespace sagsflow::server
