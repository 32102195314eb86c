// `sagsflow hours` and `sagsflow appointment slots|book|cancel|move|list|remind`:
// the published opening hours and booking time for a citizen
// (AppointmentDesk). A booking's CPR number is read from standard input (one
// line) or asked for at the terminal, never from the command line.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <string>

#include "cli_context.hpp"
#include "sagsflow/frontdesk/appointments.hpp"

namespace sagsflow::cli {

using nlohmann::json;

namespace {

struct AppointmentArgs {
  std::string area;
  std::string from;
  int days = 14;
  std::string deadline;
  std::string starts_at;
  std::string channel = "phone";
  long long case_id = 0;
  long long id = 0;
  std::string date;
  std::string unit;
  std::string reason;
};

Result<std::optional<Date>> optional_date(const std::string& text, const char* what) {
  if (text.empty()) return std::optional<Date>();
  auto d = parse_date(text);
  if (!d.ok()) return InvalidArgument(fmt::format("{}: {}", what, d.status().message()));
  return std::optional<Date>(*d);
}

json appointment_json(const Appointment& a) {
  const auto at = parse_timestamp(a.starts_at);
  return {{"id", a.id}, {"area", a.area}, {"unit", a.unit}, {"starts_at", a.starts_at},
          {"local_time", at.ok() ? format_copenhagen_time(*at) : a.starts_at}, {"minutes", a.minutes},
          {"citizen", a.citizen ? a.citizen->masked() : ""}, {"case_id", a.case_id ? json(*a.case_id) : json()},
          {"channel", channel_key(a.channel)}, {"booked_by", a.booked_by}, {"state", a.state},
          {"cancel_reason", a.cancel_reason}};
}

void print_appointment(const Context& ctx, const Appointment& a, const char* what) {
  if (ctx.json) {
    print_json(appointment_json(a));
    return;
  }
  const auto at = parse_timestamp(a.starts_at);
  std::cout << fmt::format("appointment {} {}: {} at {} {} ({} min), {}\n", a.id, what, a.area, a.unit,
                           at.ok() ? format_copenhagen_time(*at) : a.starts_at, a.minutes, a.citizen ? a.citizen->masked() : "");
}

int slots(const Context& ctx, const AppointmentArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  SlotQuery q{s->municipality, a.area, std::nullopt, a.days, std::nullopt};
  auto from = optional_date(a.from, "--from");
  if (!from.ok()) return fail(ctx, from.status());
  q.from = *from;
  auto deadline = optional_date(a.deadline, "--deadline");
  if (!deadline.ok()) return fail(ctx, deadline.status());
  q.deadline = *deadline;
  auto list = s->appointments->slots(q);
  if (!list.ok()) return fail(ctx, list.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& slot : list->slots) {
      out.push_back({{"starts_at", slot.starts_at}, {"local_time", slot.local_time}, {"free", slot.free}});
    }
    json j = {{"area", list->area}, {"unit", list->unit}, {"minutes", list->minutes}, {"slots", out}};
    if (list->advice) j["advice"] = {{"offer", list->advice->offer}, {"message", list->advice->message}};
    print_json(j);
    return kExitOk;
  }
  std::cout << fmt::format("{} at {} ({} min, {} at a time): {} free slots\n", list->area, list->unit_name,
                           list->minutes, list->desks, list->slots.size());
  for (const auto& slot : list->slots) std::cout << fmt::format("  {}  {} free  {}\n", slot.local_time, slot.free, slot.starts_at);
  if (list->advice) std::cout << list->advice->message << "\n";
  return kExitOk;
}

int book(const Context& ctx, const AppointmentArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto cpr = read_cpr_from_stdin("appointment book --area passports --at ...");
  if (!cpr.ok()) return fail(ctx, cpr.status());
  const auto channel = channel_from_key(a.channel);
  if (!channel) return fail(ctx, InvalidArgument("--channel must be phone or personal_attendance"));
  BookingRequest r;
  r.municipality = s->municipality;
  r.area = a.area;
  r.starts_at = a.starts_at;
  r.citizen_cpr = cpr->reveal();
  if (a.case_id > 0) r.case_id = a.case_id;
  auto deadline = optional_date(a.deadline, "--deadline");
  if (!deadline.ok()) return fail(ctx, deadline.status());
  r.deadline = *deadline;
  r.channel = *channel;
  auto booked = s->appointments->book_as_staff(*me, r, *s->engine);
  if (!booked.ok()) return fail(ctx, booked.status());
  print_appointment(ctx, *booked, "booked");
  return kExitOk;
}

int cancel_or_move(const Context& ctx, const AppointmentArgs& a, bool move) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto done = move ? s->appointments->move_as_staff(*me, a.id, a.starts_at, *s->engine)
                   : s->appointments->cancel_as_staff(*me, a.id, *s->engine, a.reason);
  if (!done.ok()) return fail(ctx, done.status());
  print_appointment(ctx, *done, move ? "booked (moved)" : "cancelled");
  return kExitOk;
}

int list(const Context& ctx, const AppointmentArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto day = optional_date(a.date, "--date");
  if (!day.ok()) return fail(ctx, day.status());
  const Date d = day->value_or(copenhagen_date(s->engine->now()));
  auto found = s->appointments->day_list(*me, s->municipality, a.unit, d, *s->engine, {"appointments of the day", "cli"});
  if (!found.ok()) return fail(ctx, found.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& ap : *found) out.push_back(appointment_json(ap));
    print_json({{"date", format_date(d)}, {"appointments", out}});
    return kExitOk;
  }
  std::cout << fmt::format("{}: {} appointments\n", format_date(d), found->size());
  for (const auto& ap : *found) print_appointment(ctx, ap, "");
  return kExitOk;
}

// Queues the reminder letters now due (the server does this with its deadline check).
int remind(const Context& ctx) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto queued = s->appointments->queue_reminders(*s->engine);
  if (!queued.ok()) return fail(ctx, queued.status());
  if (ctx.json) {
    print_json({{"reminders_queued", *queued}});
  } else {
    std::cout << fmt::format("{} reminder letter{} queued (sent by `sagsflow letters deliver` or the server)\n",
                             *queued, *queued == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace

void add_appointment_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static AppointmentArgs a;
  auto* ap = app.add_subcommand("appointment", "Booking time for a citizen (tidsbestilling)");
  ap->require_subcommand(1);
  auto* sl = ap->add_subcommand("slots", "The free slots of a service area");
  sl->add_option("--area", a.area, "Service area, e.g. passports")->required();
  sl->add_option("--from", a.from, "First day, YYYY-MM-DD (default today)");
  sl->add_option("--days", a.days, "How many days (default 14)");
  sl->add_option("--deadline", a.deadline, "A legal deadline the meeting must be before, YYYY-MM-DD");
  sl->callback([&] { exit_code = slots(ctx, a); });
  auto* bk = ap->add_subcommand("book", "Book a slot for a citizen (CPR number on standard input)");
  bk->add_option("--area", a.area, "Service area")->required();
  bk->add_option("--at", a.starts_at, "The slot's start as listed, e.g. 2026-12-03T09:15:00Z")->required();
  bk->add_option("--channel", a.channel, "phone (default) or personal_attendance");
  bk->add_option("--case", a.case_id, "The citizen's case the meeting is about");
  bk->add_option("--deadline", a.deadline, "A legal deadline the meeting must be before, YYYY-MM-DD");
  bk->callback([&] { exit_code = book(ctx, a); });
  auto* ca = ap->add_subcommand("cancel", "Cancel an appointment");
  ca->add_option("id", a.id, "Appointment id")->required();
  ca->add_option("--reason", a.reason, "Why (printed in the letter the citizen gets)");
  ca->callback([&] { exit_code = cancel_or_move(ctx, a, false); });
  auto* mv = ap->add_subcommand("move", "Move an appointment to another free slot");
  mv->add_option("id", a.id, "Appointment id")->required();
  mv->add_option("--at", a.starts_at, "The new slot's start")->required();
  mv->callback([&] { exit_code = cancel_or_move(ctx, a, true); });
  auto* ls = ap->add_subcommand("list", "A day's appointments (an access record per appointment)");
  ls->add_option("--date", a.date, "YYYY-MM-DD (default today)");
  ls->add_option("--unit", a.unit, "Only this unit");
  ls->callback([&] { exit_code = list(ctx, a); });
  auto* rm = ap->add_subcommand("remind", "Queue the reminder letters now due (remind_hours_before)");
  rm->callback([&] { exit_code = remind(ctx); });
}

}  // namespace sagsflow::cli
