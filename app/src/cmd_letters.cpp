// `sagsflow letters deliver|list|retry` (the letter outbox, app/letter_delivery.hpp)
// and `sagsflow digital-post exempt|unexempt|status` (the register of
// exemptions from Digital Post). The server delivers letters by itself; the
// CLI's `letters deliver` does one round of the same work (for installations
// run without a server, scripts and tests).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/app/letter_delivery.hpp"
#include "sagsflow/domain/instance_name.hpp"

namespace sagsflow::cli {
namespace {
using nlohmann::json;

struct LettersArgs {
  std::string case_ref;
  std::string state;
  bool incidents = false;
  long long letter = 0;
  int rounds = 1;
  int batch = 20;
  int retry_first_seconds = 30;
  std::string cpr;
  std::string reason;
};

int deliver(const Context& ctx, const LettersArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto store = documents::DocumentStore::open(ctx.db_url);
  if (!store.ok()) return fail(ctx, store.status());
  app::LetterWorkOptions options;
  options.holder = "cli-" + new_instance_name();
  options.batch = a.batch;
  options.first_retry = std::chrono::seconds(a.retry_first_seconds);
  app::LetterRunReport total;
  for (int round = 0; round < a.rounds; ++round) {
    auto report = app::deliver_due_letters(*s, **store, options);
    if (!report.ok()) return fail(ctx, report.status());
    total.claimed += report->claimed;
    total.delivered += report->delivered;
    total.retried += report->retried;
    total.rerouted += report->rerouted;
    total.failed += report->failed;
    total.withdrawn += report->withdrawn;
    if (report->claimed == 0) break;
  }
  if (ctx.json) {
    print_json({{"claimed", total.claimed}, {"delivered", total.delivered}, {"retried", total.retried},
                {"rerouted", total.rerouted}, {"failed", total.failed}, {"withdrawn", total.withdrawn}});
  } else {
    std::cout << fmt::format("{} letters taken: {} delivered, {} to be tried again, {} sent on to print, {} failed, "
                             "{} withdrawn\n",
                             total.claimed, total.delivered, total.retried, total.rerouted, total.failed,
                             total.withdrawn);
  }
  return kExitOk;
}

int list(const Context& ctx, const LettersArgs& a) {
  auto s = open_session(ctx, a.case_ref.empty());
  if (!s.ok()) return fail(ctx, s.status());
  db::LetterFilter filter;
  std::string heading = "letters";
  if (!a.case_ref.empty()) {
    auto found = find_case_ref(*s->store, ctx, a.case_ref);
    if (!found.ok()) return fail(ctx, found.status());
    auto me = s->actor(ctx, found->municipality);
    if (!me.ok()) return fail(ctx, me.status());
    auto state = s->engine->get_case_for(found->id, *me, {"letters", "cli"});
    if (!state.ok()) return fail(ctx, state.status());
    filter.case_id = found->id;
    heading = "letters of case " + state->case_number;
  } else {
    // The whole outbox is the admins' view.
    auto me = require_admin(ctx, *s->organisation, s->municipality, "list the municipality's letter outbox");
    if (!me.ok()) return fail(ctx, me.status());
    filter.municipality = s->municipality;
  }
  if (!a.state.empty()) filter.state = db::letter_state_from_key(a.state);
  filter.incidents_only = a.incidents;
  auto rows = s->store->list_letters(filter);
  if (!rows.ok()) return fail(ctx, rows.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& r : *rows) out.push_back(app::letter_json(r));
    print_json({{"letters", out}});
    return kExitOk;
  }
  if (rows->empty()) std::cout << "no " << heading << "\n";
  for (const auto& r : *rows) {
    const std::string about = r.case_id != 0 ? fmt::format("case {:<6}", r.case_id)
                                             : fmt::format("appt {:<6}", r.appointment_id.value_or(0));
    std::cout << fmt::format("{:>6}  {} {:<16} {:<9} {:<12} attempts {:<3}{}{}\n", r.id, about, r.kind,
                             db::letter_state_key(r.state), r.channel.empty() ? "-" : r.channel, r.attempts,
                             r.incident_open ? "  INCIDENT: " + app::letter_json(r).value("last_error", std::string()) : "",
                             r.receipt.empty() ? "" : "  receipt " + app::letter_json(r).value("receipt", std::string()));
  }
  return kExitOk;
}

int retry(const Context& ctx, const LettersArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto row = s->store->load_letter(a.letter);
  if (!row.ok()) return fail(ctx, row.status());
  if (!*row) return fail(ctx, NotFound(fmt::format("no letter {}", a.letter)));
  auto me = require_admin(ctx, *s->organisation, (*row)->municipality, "retry letters");
  if (!me.ok()) return fail(ctx, me.status());
  if (auto st = s->store->retry_letter(a.letter, format_timestamp(system_clock()())); !st.ok()) return fail(ctx, st);
  if (ctx.json) {
    print_json({{"letter", a.letter}, {"state", "queued"}});
  } else {
    std::cout << fmt::format("letter {} is due again now\n", a.letter);
  }
  return kExitOk;
}

int exemption(const Context& ctx, const LettersArgs& a, const std::string& what) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto cpr = Cpr::parse(a.cpr);
  if (!cpr.ok()) return fail(ctx, InvalidArgument("cpr: " + cpr.status().message()));
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  if (what == "exempt") {
    auto e = app::register_digital_post_exemption(*s, *me, *cpr, a.reason);
    if (!e.ok()) return fail(ctx, e.status());
    if (ctx.json) {
      print_json({{"cpr", cpr->masked()}, {"exempt", true}, {"reason", e->reason}});
    } else {
      std::cout << fmt::format("{} is exempt from Digital Post: letters go by physical post\n", cpr->masked());
    }
  } else if (what == "unexempt") {
    auto removed = app::remove_digital_post_exemption(*s, *me, *cpr);
    if (!removed.ok()) return fail(ctx, removed.status());
    if (ctx.json) {
      print_json({{"cpr", cpr->masked()}, {"exempt", false}, {"removed", *removed}});
    } else {
      std::cout << fmt::format("{}: {}\n", cpr->masked(),
                               *removed ? "the exemption is removed: letters go by Digital Post"
                                        : "was not exempt from Digital Post");
    }
  } else {
    auto found = app::digital_post_exemption_of(*s, *me, *cpr);
    if (!found.ok()) return fail(ctx, found.status());
    if (ctx.json) {
      json j = {{"cpr", cpr->masked()}, {"exempt", found->has_value()}};
      if (*found) j["reason"] = (*found)->reason;
      print_json(j);
    } else if (*found) {
      std::cout << fmt::format("{} is exempt from Digital Post since {} ({}): {}\n", cpr->masked(),
                               (*found)->registered_at, (*found)->registered_by, (*found)->reason);
    } else {
      std::cout << fmt::format("{} is not exempt from Digital Post\n", cpr->masked());
    }
  }
  return kExitOk;
}

}  // namespace

void add_letters_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static LettersArgs a;
  auto* l = app.add_subcommand("letters", "The letters to citizens: deliver the outbox, list, retry");
  l->require_subcommand(1);
  auto* d = l->add_subcommand("deliver", "Render and deliver the letters that are due (the server does this by itself)");
  d->add_option("--rounds", a.rounds, "Rounds of at most --batch letters (default 1)")->check(CLI::Range(1, 10000));
  d->add_option("--batch", a.batch, "Letters per round (default 20)")->check(CLI::Range(1, 1000));
  d->add_option("--retry-first-seconds", a.retry_first_seconds,
                "The wait after a first failed attempt, doubling (default 30)")
      ->check(CLI::Range(1, 86400));
  d->callback([&] { exit_code = deliver(ctx, a); });
  auto* ls = l->add_subcommand("list", "List letters: of a case (--case), or the municipality's outbox (admins)");
  ls->add_option("--case", a.case_ref, "Case id or case number");
  ls->add_option("--state", a.state, "queued, delivered, failed or withdrawn")
      ->check(CLI::IsMember({"queued", "delivered", "failed", "withdrawn"}));
  ls->add_flag("--incidents", a.incidents, "Only letters with an open delivery incident");
  ls->callback([&] { exit_code = list(ctx, a); });
  auto* r = l->add_subcommand("retry", "Make a failed or waiting letter due now (admins)");
  r->add_option("letter", a.letter, "Letter id")->required()->check(CLI::Range(1LL, 9223372036854775807LL));
  r->callback([&] { exit_code = retry(ctx, a); });

  auto* dp = app.add_subcommand("digital-post", "The register of citizens exempt from Digital Post");
  dp->require_subcommand(1);
  auto* ex = dp->add_subcommand("exempt", "Register that a citizen is exempt: their letters go by physical post");
  ex->add_option("cpr", a.cpr, "The citizen's CPR number")->required();
  ex->add_option("--reason", a.reason, "Why (the citizen's application, the register's answer)")->required();
  ex->callback([&] { exit_code = exemption(ctx, a, "exempt"); });
  auto* un = dp->add_subcommand("unexempt", "Remove a citizen's exemption");
  un->add_option("cpr", a.cpr, "The citizen's CPR number")->required();
  un->callback([&] { exit_code = exemption(ctx, a, "unexempt"); });
  auto* st = dp->add_subcommand("status", "Whether a citizen is exempt");
  st->add_option("cpr", a.cpr, "The citizen's CPR number")->required();
  st->callback([&] { exit_code = exemption(ctx, a, "status"); });
}

}  // namespace sagsflow::cli
