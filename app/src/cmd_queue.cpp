// `sagsflow queue draw|call-next|serve|no-show|screen|stats`: the queue of
// walk-in citizens (QueueDesk; docs/front-of-house.md).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <tuple>

#include "cli_context.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/frontdesk/queue_desk.hpp"

namespace sagsflow::cli {
namespace {
using nlohmann::json;

struct QueueArgs {
  std::string group;
  std::string area;
  bool triage = false;
  std::string desk;
  long long ticket = 0;
  std::string type = "general_information";
  std::string service = "general_guidance";
  std::string outcome;
  std::string cpr;
  std::string from, to;
};

QueueDesk desk_of(Session& s) {
  return QueueDesk(*s.store, *s.organisation, *s.front_desk, *s.engine, s.engine->options().clock);
}

json ticket_json(const QueueTicket& t) {
  return {{"id", t.id}, {"number", t.number}, {"group", t.group}, {"status", ticket_status_key(t.status)},
          {"drawn_at", t.drawn_at}, {"desk", t.desk}, {"called_by", t.called_by}, {"called_at", t.called_at},
          {"finished_at", t.finished_at}, {"inquiry_id", t.inquiry_id ? json(*t.inquiry_id) : json()}};
}

// "12 min 30 s" for a number of seconds; "-" for none.
std::string duration(std::optional<double> seconds) {
  if (!seconds) return "-";
  const auto s = static_cast<long long>(*seconds + 0.5);
  return s >= 60 ? fmt::format("{} min {:02d} s", s / 60, s % 60) : fmt::format("{} s", s);
}

int draw(const Context& ctx, const QueueArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  DrawRequest req{s->municipality, a.group, std::nullopt, a.area};
  if (a.triage) {
    auto me = s->actor(ctx, s->municipality);
    if (!me.ok()) return fail(ctx, me.status());
    req.actor = *me;
  }
  auto t = desk_of(*s).draw(req);
  if (!t.ok()) return fail(ctx, t.status());
  if (ctx.json) print_json(ticket_json(*t));
  else std::cout << fmt::format("Ticket {} (id {}) drawn at {}\n", t->number, t->id, t->drawn_at);
  return kExitOk;
}

int call_next(const Context& ctx, const QueueArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto t = desk_of(*s).call_next(*me, s->municipality, a.desk);
  if (!t.ok()) return fail(ctx, t.status());
  if (ctx.json) {
    print_json(json{{"ticket", *t ? ticket_json(**t) : json()}});
  } else if (!*t) {
    std::cout << "No one is waiting in your groups\n";
  } else {
    std::cout << fmt::format("Ticket {} (id {}) called to {}\n", (*t)->number, (*t)->id, (*t)->desk);
  }
  return kExitOk;
}

int serve(const Context& ctx, const QueueArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const auto type = inquiry_type_from_key(a.type);
  if (!type) return fail(ctx, InvalidArgument("--type '" + a.type + "' is not an inquiry type"));
  const auto service = service_from_key(a.service);
  if (!service) {
    return fail(ctx, InvalidArgument(fmt::format("--service '{}' is not one of {}", a.service, all_service_keys())));
  }
  ServeRequest req;
  req.type = *type;
  req.service = *service;
  req.area = a.area;
  req.outcome = a.outcome;
  if (!a.cpr.empty()) req.citizen_cpr = a.cpr;
  auto out = desk_of(*s).serve(*me, a.ticket, req);
  if (!out.ok()) return fail(ctx, out.status());
  if (ctx.json) {
    print_json(json{{"ticket", ticket_json(out->ticket)}, {"inquiry", app::inquiry_json(out->inquiry.record)}});
  } else {
    std::cout << fmt::format("Ticket {} served; inquiry {} registered ({} about {})\n", out->ticket.number,
                             out->inquiry.record.id, inquiry_type_key(out->inquiry.record.type),
                             out->inquiry.record.area);
  }
  return kExitOk;
}

int no_show(const Context& ctx, const QueueArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto t = desk_of(*s).no_show(*me, a.ticket);
  if (!t.ok()) return fail(ctx, t.status());
  if (ctx.json) print_json(ticket_json(*t));
  else std::cout << fmt::format("Ticket {} marked not shown\n", t->number);
  return kExitOk;
}

int screen(const Context& ctx) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto sc = desk_of(*s).screen(s->municipality);
  if (!sc.ok()) return fail(ctx, sc.status());
  if (ctx.json) {
    json called = json::array(), groups = json::array();
    for (const auto& c : sc->called) called.push_back({{"number", c.number}, {"desk", c.desk}, {"desk_name", c.desk_name}});
    for (const auto& g : sc->groups) groups.push_back({{"id", g.group}, {"name", g.name}, {"waiting", g.waiting}});
    print_json(json{{"called", called}, {"groups", groups}});
    return kExitOk;
  }
  std::cout << "Called\n";
  for (const auto& c : sc->called) std::cout << fmt::format("  {:<6} {}\n", c.number, c.desk_name);
  std::cout << "Waiting\n";
  for (const auto& g : sc->groups) std::cout << fmt::format("  {:<3} {:<30} {}\n", g.group, g.name, g.waiting);
  return kExitOk;
}

int stats(const Context& ctx, const QueueArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const Date today = s->engine->today();
  Date from = today, to = today + std::chrono::days(1);
  for (auto [text, day, option] : {std::tuple{a.from, &from, "--from"}, std::tuple{a.to, &to, "--to"}}) {
    if (text.empty()) continue;
    auto d = parse_date(text);
    if (!d.ok()) return fail(ctx, InvalidArgument(fmt::format("{}: {}", option, d.status().message())));
    *day = *d;
  }
  auto st = desk_of(*s).statistics(*me, s->municipality, format_timestamp(copenhagen_day_start(from)),
                                   format_timestamp(copenhagen_day_start(to)));
  if (!st.ok()) return fail(ctx, st.status());
  const auto row = [](const QueueHourFigures& f) {
    return json{{"group", f.group}, {"hour", f.hour}, {"tickets", f.tickets}, {"served", f.served},
                {"no_shows", f.no_shows}, {"mean_wait_seconds", f.mean_wait_seconds ? json(*f.mean_wait_seconds) : json()},
                {"p90_wait_seconds", f.p90_wait_seconds ? json(*f.p90_wait_seconds) : json()},
                {"mean_service_seconds", f.mean_service_seconds ? json(*f.mean_service_seconds) : json()}};
  };
  if (ctx.json) {
    json rows = json::array(), totals = json::array();
    for (const auto& f : st->rows) rows.push_back(row(f));
    for (const auto& f : st->totals) totals.push_back(row(f));
    print_json(json{{"from", st->from}, {"to", st->to}, {"by_hour", rows}, {"totals", totals}});
    return kExitOk;
  }
  std::cout << fmt::format("{:<5} {:>5} {:>7} {:>6} {:>8} {:>14} {:>14} {:>14}\n", "GROUP", "HOUR", "TICKETS",
                           "SERVED", "NO-SHOWS", "MEAN WAIT", "90% WAIT", "MEAN SERVICE");
  for (const auto* list : {&st->rows, &st->totals}) {
    for (const auto& f : *list) {
      std::cout << fmt::format("{:<5} {:>5} {:>7} {:>6} {:>8} {:>14} {:>14} {:>14}\n", f.group,
                               f.hour < 0 ? std::string("all") : fmt::format("{:02d}", f.hour), f.tickets, f.served,
                               f.no_shows, duration(f.mean_wait_seconds),
                               duration(f.p90_wait_seconds ? std::optional<double>(*f.p90_wait_seconds) : std::nullopt),
                               duration(f.mean_service_seconds));
    }
  }
  return kExitOk;
}

}  // namespace

void add_queue_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static QueueArgs a;
  auto* q = app.add_subcommand("queue", "The queue of walk-in citizens: numbers, desks, waiting times");
  q->require_subcommand(1);
  auto* d = q->add_subcommand("draw", "Draw a number in a group (as the kiosk, or --triage as the acting staff member)");
  d->add_option("--group", a.group, "The group, e.g. P (default: the group of --area)");
  d->add_option("--area", a.area, "The service area the citizen came about");
  d->add_flag("--triage", a.triage, "Drawn by the triage desk (the acting person), not the kiosk");
  d->callback([&] { exit_code = draw(ctx, a); });
  auto* c = q->add_subcommand("call-next", "Call the oldest waiting ticket of your groups to a desk");
  c->add_option("--desk", a.desk, "The desk, e.g. skranke-1")->required();
  c->callback([&] { exit_code = call_next(ctx, a); });
  auto* s = q->add_subcommand("serve", "The called citizen was served: registers the inquiry (personal attendance)");
  s->add_option("ticket", a.ticket, "Ticket id")->required();
  s->add_option("--type", a.type, "general_information, case_information, transaction")->capture_default_str();
  s->add_option("--area", a.area, "Service area (default: the ticket's, else its group's first)");
  s->add_option("--service", a.service, "What was done: " + all_service_keys())->capture_default_str();
  s->add_option("--outcome", a.outcome, "What came of it");
  s->add_option("--cpr", a.cpr, "The citizen's CPR number, if known");
  s->callback([&] { exit_code = serve(ctx, a); });
  auto* n = q->add_subcommand("no-show", "The called citizen did not come");
  n->add_option("ticket", a.ticket, "Ticket id")->required();
  n->callback([&] { exit_code = no_show(ctx, a); });
  q->add_subcommand("screen", "What the waiting-room screen shows now")->callback([&] { exit_code = screen(ctx); });
  auto* t = q->add_subcommand("stats", "Waiting times per group and hour of day (Copenhagen)");
  t->add_option("--from", a.from, "First day, YYYY-MM-DD (default: today)");
  t->add_option("--to", a.to, "Day after the last, YYYY-MM-DD (default: tomorrow)");
  t->callback([&] { exit_code = stats(ctx, a); });
}

}  // namespace sagsflow::cli
