// `sagsflow inquiry register|list|forward`, `sagsflow triage`,
// `sagsflow notice issue|list`, `sagsflow problem report`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/frontdesk/life_situation_desk.hpp"

namespace sagsflow::cli {
namespace {
using nlohmann::json;

struct FrontDeskArgs {
  std::string area;
  std::string channel = "personal_attendance";
  std::string type = "general_information";
  std::string service = "general_guidance";
  std::string cpr;
  bool with_form = false;
  bool resolved = false;
  std::string outcome;
  std::string deadline;
  std::string date;
  long long case_id = 0;
  long long inquiry_id = 0;
  std::string to;
  std::string title;
  std::string text;
};

using app::inquiry_json;
using app::message_json;
using app::triage_json;

Result<std::optional<Date>> optional_date(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Date>{};
  auto d = parse_date(text);
  if (!d.ok()) return InvalidArgument(fmt::format("{}: {}", option, d.status().message()));
  return std::optional<Date>{*d};
}

int register_inquiry(const Context& ctx, const FrontDeskArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  InquiryRequest req;
  req.municipality = s->municipality;
  const auto channel = channel_from_key(a.channel);
  const auto type = inquiry_type_from_key(a.type);
  const auto service = service_from_key(a.service);
  if (!channel) return fail(ctx, InvalidArgument("--channel '" + a.channel + "' is not a channel"));
  if (!type) return fail(ctx, InvalidArgument("--type '" + a.type + "' is not an inquiry type"));
  if (!service) {
    return fail(ctx, InvalidArgument(fmt::format("--service '{}' is not one of {}", a.service, all_service_keys())));
  }
  auto deadline = optional_date(a.deadline, "--deadline");
  if (!deadline.ok()) return fail(ctx, deadline.status());
  req.channel = *channel;
  req.type = *type;
  req.service = *service;
  req.area = a.area;
  if (!a.cpr.empty()) req.citizen_cpr = a.cpr;
  req.with_form = a.with_form;
  req.resolved_on_the_spot = a.resolved;
  req.outcome = a.outcome;
  req.deadline = *deadline;
  if (a.case_id > 0) req.case_id = a.case_id;
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  req.actor = *me;
  auto out = s->front_desk->register_inquiry(req);
  if (!out.ok()) return fail(ctx, out.status());
  if (ctx.json) {
    json j = inquiry_json(out->record);
    j["advice"] = out->advice.message;
    if (out->triage) j["triage"] = triage_json(*out->triage);
    print_json(j);
    return kExitOk;
  }
  const auto& r = out->record;
  std::cout << fmt::format("Inquiry {} registered: {} about {} ({}), {}\n", r.id, channel_key(r.channel), r.area,
                           r.service, inquiry_type_key(r.type));
  std::cout << fmt::format("  Acting authority  {}\n", out->advice.acting_authority_name);
  std::cout << fmt::format("  Decided by        {}\n", out->advice.owning_authority_name);
  std::cout << fmt::format("  What we may do    {}\n", out->advice.message);
  if (!r.forwarded_to.empty()) {
    std::cout << fmt::format("  Forwarded         to {} on {} (written inquiry, FVL §7(2))\n",
                             out->advice.owning_authority_name, r.forwarded_on);
  }
  if (out->triage) std::cout << fmt::format("  Triage            {}\n", out->triage->message);
  return kExitOk;
}

int list_inquiries(const Context& ctx, const FrontDeskArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  InquiryFilter f;
  f.municipality = s->municipality;
  if (!a.area.empty()) f.area = a.area;
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto list = s->front_desk->inquiries(*me, f, *s->engine, {kReadInquiries, "cli"});
  if (!list.ok()) return fail(ctx, list.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& r : *list) out.push_back(inquiry_json(r));
    print_json(out);
    return kExitOk;
  }
  std::cout << fmt::format("{:>5}  {:<20} {:<20} {:<16} {:<20} {:<12} {}\n", "ID", "AT", "CHANNEL", "AREA", "SERVICE",
                           "BY", "FORWARDED");
  for (const auto& r : *list) {
    std::cout << fmt::format("{:>5}  {:<20} {:<20} {:<16} {:<20} {:<12} {}\n", r.id, r.at, channel_key(r.channel),
                             r.area, r.service, r.handled_by,
                             r.forwarded_to.empty() ? "-" : r.forwarded_to + " " + r.forwarded_on);
  }
  return kExitOk;
}

int forward_inquiry(const Context& ctx, const FrontDeskArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto r = s->front_desk->forward(a.inquiry_id, *me, a.to);
  if (!r.ok()) return fail(ctx, r.status());
  if (ctx.json) print_json(inquiry_json(*r));
  else std::cout << fmt::format("Inquiry {} forwarded to {} on {}\n", r->id, r->forwarded_to, r->forwarded_on);
  return kExitOk;
}

int triage(const Context& ctx, const FrontDeskArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto deadline = optional_date(a.deadline, "--deadline");
  if (!deadline.ok()) return fail(ctx, deadline.status());
  auto day = optional_date(a.date, "--date");
  if (!day.ok()) return fail(ctx, day.status());
  if (!s->organisation->knows(s->municipality)) {
    return fail(ctx, NotFound("municipality " + s->municipality + " has no configuration: run `sagsflow init`"));
  }
  const Date today = day->value_or(copenhagen_date(system_clock()()));
  auto t = s->organisation->triage(s->municipality, a.area, today, *deadline, DanishCalendar{});
  if (ctx.json) {
    json j = triage_json(t);
    j["uses_triage"] = s->organisation->uses_triage(s->municipality);
    print_json(j);
  } else {
    std::cout << t.message << "\n";
  }
  return kExitOk;
}

int issue_notice(const Context& ctx, const FrontDeskArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto m = s->front_desk->issue_notice(*me, s->municipality, a.area, a.title, a.text);
  if (!m.ok()) return fail(ctx, m.status());
  if (ctx.json) print_json(message_json(*m));
  else std::cout << fmt::format("Notice {} issued for {}: {}\n", m->id, m->area, m->title);
  return kExitOk;
}

int report_problem(const Context& ctx, const FrontDeskArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  std::optional<long long> case_id;
  if (a.case_id > 0) case_id = a.case_id;
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto m = s->front_desk->report_problem(*me, s->municipality, a.area, a.text, case_id);
  if (!m.ok()) return fail(ctx, m.status());
  if (ctx.json) print_json(message_json(*m));
  else std::cout << fmt::format("Problem {} reported to the expert and specialist groups for {}\n", m->id, m->area);
  return kExitOk;
}

int list_messages(const Context& ctx) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto list = s->front_desk->messages_for(*me, s->municipality);
  if (!list.ok()) return fail(ctx, list.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& m : *list) out.push_back(message_json(m));
    print_json(out);
    return kExitOk;
  }
  for (const auto& m : *list) {
    std::cout << fmt::format("{:>4}  {}  {:<8} {:<16} from {} ({}): {}\n", m.id, m.at, m.kind, m.area, m.author,
                             m.author_layer, m.title);
    if (m.body != m.title) std::cout << "      " << m.body << "\n";
  }
  return kExitOk;
}

int register_situation(const Context& ctx, const FrontDeskArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  const auto channel = channel_from_key(a.channel);
  if (!channel) return fail(ctx, InvalidArgument("--channel '" + a.channel + "' is not a channel"));
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  LifeSituationRequest req{s->municipality, a.area, a.cpr, *channel, *me};
  auto out = register_life_situation(*s->engine, *s->front_desk, req);
  if (!out.ok()) return fail(ctx, out.status());
  if (ctx.json) {
    print_json(app::life_situation_outcome_json(*out));
    return kExitOk;
  }
  std::cout << fmt::format("Life situation '{}' registered (inquiry {}, acting authority {})\n", out->situation->title,
                           out->inquiry.id, out->inquiry.acting_authority);
  for (const auto& c : out->opened) std::cout << fmt::format("  opened  {}  {}\n", c.case_number, c.title);
  for (const auto& [task, why] : out->skipped) std::cout << fmt::format("  not opened  {}: {}\n", task.title, why);
  for (const auto& i : out->information) {
    std::cout << fmt::format("  {}  {}\n", i.kind == "duty" ? "duty " : "right", i.text);
  }
  return kExitOk;
}

int list_situations(const Context& ctx) {
  json out = json::array();
  for (const auto& s : builtin_life_situations()) {
    json tasks = json::array();
    for (const auto& t : s.tasks) tasks.push_back(t.workflow);
    out.push_back({{"id", s.id}, {"title", s.title}, {"tasks", tasks}, {"information", s.information.size()}});
    if (!ctx.json) {
      std::cout << fmt::format("{:<12} {:<12} opens: {}\n", s.id, s.title,
                               s.tasks.empty() ? std::string("nothing (information only)") : tasks.dump());
    }
  }
  if (ctx.json) print_json(out);
  return kExitOk;
}

}  // namespace

void add_front_desk_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static FrontDeskArgs a;
  auto* inq = app.add_subcommand("inquiry", "Inquiries (henvendelser): register, list, forward");
  inq->require_subcommand(1);
  auto* r = inq->add_subcommand("register", "Register an inquiry; refused if the service is not ours to give");
  r->add_option("--area", a.area, "Service area, e.g. passports")->required();
  r->add_option("--channel", a.channel, "personal_attendance, phone, letter, email, digital_post, "
                                        "digital_self_service, assisted_self_service")->capture_default_str();
  r->add_option("--type", a.type, "general_information, case_information, transaction")->capture_default_str();
  r->add_option("--service", a.service, "What was done: " + all_service_keys())->capture_default_str();
  r->add_option("--cpr", a.cpr, "The citizen's CPR number, if known");
  r->add_flag("--form", a.with_form, "A form came with it");
  r->add_flag("--resolved", a.resolved, "Resolved at first contact");
  r->add_option("--outcome", a.outcome, "What came of it");
  r->add_option("--deadline", a.deadline, "A legal deadline the matter must meet (YYYY-MM-DD), for triage");
  r->add_option("--case", a.case_id, "The case it concerns or opened");
  r->callback([&] { exit_code = register_inquiry(ctx, a); });
  auto* l = inq->add_subcommand("list", "The inquiries your authority handled");
  l->add_option("--area", a.area, "Only this service area");
  l->callback([&] { exit_code = list_inquiries(ctx, a); });
  auto* f = inq->add_subcommand("forward", "Forward an inquiry to the authority whose matter it is");
  f->add_option("id", a.inquiry_id, "Inquiry id")->required();
  f->add_option("--to", a.to, "Receiving authority (default: the one that decides the area)");
  f->callback([&] { exit_code = forward_inquiry(ctx, a); });

  auto* t = app.add_subcommand("triage", "Where the triage desk sends a citizen with a matter of an area");
  t->add_option("--area", a.area, "Service area")->required();
  t->add_option("--deadline", a.deadline, "A legal deadline the matter must meet (YYYY-MM-DD)");
  t->add_option("--date", a.date, "The day of the visit (default: today)");
  t->callback([&] { exit_code = triage(ctx, a); });

  auto* n = app.add_subcommand("notice", "Notices from the expert group to the customer line");
  n->require_subcommand(1);
  auto* ni = n->add_subcommand("issue", "Issue a notice (a change in the law) for an area");
  ni->add_option("--area", a.area, "Service area")->required();
  ni->add_option("--title", a.title, "Title")->required();
  ni->add_option("--text", a.text, "Text")->required();
  ni->callback([&] { exit_code = issue_notice(ctx, a); });
  n->add_subcommand("list", "Notices, and the problem reports addressed to you")
      ->callback([&] { exit_code = list_messages(ctx); });

  auto* ls = app.add_subcommand("life-situation", "Life situations: a move, a new child, retiring");
  ls->require_subcommand(1);
  auto* lr = ls->add_subcommand("register", "Open the cases a life situation implies and tell the citizen their "
                                            "rights and duties (never grants a benefit)");
  lr->add_option("situation", a.area, "moving, new_child, retiring")->required();
  lr->add_option("--cpr", a.cpr, "The citizen's CPR number")->required();
  lr->add_option("--channel", a.channel, "How the citizen came")->capture_default_str();
  lr->callback([&] { exit_code = register_situation(ctx, a); });
  ls->add_subcommand("list", "The life situations and what they open")->callback([&] { exit_code = list_situations(ctx); });

  auto* p = app.add_subcommand("problem", "Problem reports from the customer line");
  p->require_subcommand(1);
  auto* pr = p->add_subcommand("report", "Report a problem to the expert and specialist groups of an area");
  pr->add_option("--area", a.area, "Service area")->required();
  pr->add_option("--text", a.text, "What is wrong")->required();
  pr->add_option("--case", a.case_id, "The case it concerns");
  pr->callback([&] { exit_code = report_problem(ctx, a); });
}

}  // namespace sagsflow::cli
