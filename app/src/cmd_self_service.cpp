// `sagsflow self-service exempt|unexempt|status`: the register of citizens
// exempt from mandatory digital self-service (SelfService). The CPR number is
// read from standard input (one line) or asked for at the terminal, never
// from the command line, where it would stay in the shell history and the
// process list.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <string>

#include "cli_context.hpp"
#include "sagsflow/frontdesk/self_service.hpp"

namespace sagsflow::cli {

using nlohmann::json;

namespace {

struct SelfServiceArgs {
  std::string reason;
};

int run(const Context& ctx, const SelfServiceArgs& a, const std::string& what) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto cpr = read_cpr_from_stdin("self-service status");
  if (!cpr.ok()) return fail(ctx, cpr.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  SelfService& desk = *s->self_service;
  if (what == "exempt") {
    auto e = desk.exempt(*me, s->municipality, *cpr, a.reason);
    if (!e.ok()) return fail(ctx, e.status());
    if (ctx.json) {
      print_json({{"cpr", cpr->masked()}, {"exempt", true}, {"reason", e->reason}});
    } else {
      std::cout << fmt::format("{} is exempt from mandatory digital self-service: served on paper and in person, "
                               "letters by physical post\n", cpr->masked());
    }
  } else if (what == "unexempt") {
    auto removed = desk.unexempt(*me, s->municipality, *cpr);
    if (!removed.ok()) return fail(ctx, removed.status());
    if (ctx.json) {
      print_json({{"cpr", cpr->masked()}, {"exempt", false}, {"removed", *removed}});
    } else {
      std::cout << fmt::format("{}: {}\n", cpr->masked(),
                               *removed ? "the exemption from digital self-service is removed"
                                        : "was not exempt from digital self-service");
    }
  } else {
    auto found = desk.exemption(*me, s->municipality, *cpr);
    if (!found.ok()) return fail(ctx, found.status());
    if (ctx.json) {
      json j = {{"cpr", cpr->masked()}, {"exempt", found->has_value()}};
      if (*found) j["reason"] = (*found)->reason;
      print_json(j);
    } else if (*found) {
      std::cout << fmt::format("{} is exempt from digital self-service since {} ({}): {}\n", cpr->masked(),
                               (*found)->registered_at, (*found)->registered_by, (*found)->reason);
    } else {
      std::cout << fmt::format("{} is not exempt from digital self-service\n", cpr->masked());
    }
  }
  return kExitOk;
}

}  // namespace

void add_self_service_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static SelfServiceArgs a;
  auto* ss = app.add_subcommand("self-service",
                                "The register of citizens exempt from mandatory digital self-service (the CPR number "
                                "is read from standard input)");
  ss->require_subcommand(1);
  auto* ex = ss->add_subcommand("exempt", "Register that a citizen is exempt: paper and personal attendance, letters by post");
  ex->add_option("--reason", a.reason, "Why (the citizen's application and the ground)")->required();
  ex->callback([&] { exit_code = run(ctx, a, "exempt"); });
  auto* un = ss->add_subcommand("unexempt", "Remove a citizen's exemption");
  un->callback([&] { exit_code = run(ctx, a, "unexempt"); });
  auto* st = ss->add_subcommand("status", "Whether a citizen is exempt");
  st->callback([&] { exit_code = run(ctx, a, "status"); });
}

}  // namespace sagsflow::cli
