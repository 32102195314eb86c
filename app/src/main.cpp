// sagsflow: the command line of Sagsflow.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "cli_context.hpp"
#include "sagsflow/app/process_hardening.hpp"
#include "masked_output.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/time.hpp"

namespace {

// After a parse (successful or not): the first word given where a command of
// `sagsflow ...` was expected that is none of its commands, with the path of
// the command it was given to ("sagsflow case"). CLI11 keeps such a word
// aside; left alone, `sagsflow case bogus --help` prints the help of `case`
// and exits 0, and `sagsflow case bogus` only says a subcommand is required.
struct UnknownCommand {
  std::string word;
  std::string parent;
  std::string known;  // the parent's commands, comma-separated
};

bool unknown_command(const CLI::App& app, UnknownCommand& out) {
  // The deepest command given: with fallthrough (global options after the
  // command) a word it did not take is kept aside by the top-level app, so
  // all the words kept aside are looked at, on behalf of that command.
  const CLI::App* at = &app;
  std::string path = "sagsflow";
  for (auto given = at->get_subcommands(); !given.empty(); given = at->get_subcommands()) {
    at = given.front();
    path += " " + at->get_name();
  }
  const auto named = at->get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
  if (named.empty()) return false;  // a command that takes no command: CLI11 reports its extra words
  for (const auto& word : app.remaining(/*recurse=*/true)) {
    if (word.empty() || word.front() == '-') continue;  // an unknown option: CLI11 reports it
    out.word = word;
    out.parent = path;
    for (const auto* sub : named) out.known += (out.known.empty() ? "" : ", ") + sub->get_name();
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sagsflow::cli;
  mask_standard_output();  // before anything is printed: no CPR number in clear on the terminal
  // First of all: what this process creates (the database, its WAL, keys,
  // exports) is its owner's alone, and it leaves no core dump with the
  // signing key and CPR numbers in it unless SAGSFLOW_CORE_DUMPS=1 (or the
  // server configuration's process.core_dumps) allows one.
  if (auto hardened = sagsflow::app::harden_process(sagsflow::app::core_dumps_requested_by_environment());
      !hardened.ok()) {
    std::cerr << "error: " << hardened.message() << "\n";
    return kExitError;
  }
  CLI::App app{"Sagsflow: case management and workflows for Danish municipal citizen service"};
  app.require_subcommand(1);
  // The global options below are taken after a command too (`sagsflow case
  // show --json 1`): every subcommand, added after this, passes the options it
  // does not know itself up to its parent (CLI11's fallthrough is inherited).
  app.fallthrough();
  app.footer(kExitCodesHelp + std::string(
      "\nGlobal options (--db, --json, --municipality, --actor, --unit, --authority, --role, --plugin-dir) go before "
      "or after the command; after it, a command's own option of the same name is the command's (--unit of `case "
      "worklist`, `token issue`, `appointment list`, `report channels`; --municipality of `letter`).\n"
      "Environment: SAGSFLOW_DB (default --db), SAGSFLOW_ACTOR (default --actor), SAGSFLOW_PLUGIN_DIR, "
      "SAGSFLOW_LOG_LEVEL, SAGSFLOW_CORE_DUMPS=1 (allow core dumps)."));

  // The CLI reports every error on stderr itself; log lines only when asked for.
  if (std::getenv("SAGSFLOW_LOG_LEVEL") == nullptr) sagsflow::logger()->set_level(spdlog::level::off);

  // Danish dates and deadlines need the Europe/Copenhagen zone of the system's tz database.
  if (auto zone = sagsflow::check_copenhagen_time_zone(); !zone.ok()) {
    std::cerr << "error: " << zone.message() << "\n";
    return kExitError;
  }

  Context ctx;
  const char* env_db = std::getenv("SAGSFLOW_DB");
  ctx.db_url = env_db ? env_db : "sqlite:sagsflow.db";
  const char* actor = std::getenv("SAGSFLOW_ACTOR");
  const char* user = std::getenv("USER");
  ctx.actor_id = actor && *actor ? actor : user ? user : "cli";
  ctx.db_given = env_db != nullptr;
  app.add_option("--db", ctx.db_url, "Database: sqlite:PATH or a PostgreSQL connection string")
      ->capture_default_str()
      ->each([&](const std::string&) { ctx.db_given = true; });
  app.add_flag("--json", ctx.json, "Machine-readable output");
  app.add_option("--municipality", ctx.municipality, "Municipality code (default: the only one)");
  app.add_option("--actor", ctx.actor_id, "Who acts: a person id from the municipality file's staff (default: SAGSFLOW_ACTOR, else $USER)")->capture_default_str();
  app.add_option("--unit", ctx.actor_unit, "The acting person's unit (default: from the staff list)");
  app.add_option("--authority", ctx.actor_authority, "Acting authority (default: the authority of the person's unit)");
  app.add_option("--role", ctx.actor_roles, "A role the acting person holds (repeatable)");
  app.add_option("--plugin-dir", ctx.plugin_dir,
                 "The installation's plugin directory (default: SAGSFLOW_PLUGIN_DIR, or plugins/ beside an SQLite file)");

  // A global option of one value given twice (before and after the command,
  // or a script's default and a later override): the last one counts.
  for (const char* name : {"--db", "--municipality", "--actor", "--unit", "--authority", "--plugin-dir"}) {
    app.get_option(name)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }

  int exit_code = kExitOk;
  add_init_command(app, ctx, exit_code);
  add_db_commands(app, ctx, exit_code);
  add_workflow_commands(app, ctx, exit_code);
  add_letter_commands(app, ctx, exit_code);
  add_case_commands(app, ctx, exit_code);
  add_documents_command(app, ctx, exit_code);
  add_letters_commands(app, ctx, exit_code);
  add_self_service_commands(app, ctx, exit_code);
  add_appointment_commands(app, ctx, exit_code);
  add_bench_command(app, ctx, exit_code);
  add_plugin_commands(app, ctx, exit_code);
  add_municipality_commands(app, ctx, exit_code);
  add_front_desk_commands(app, ctx, exit_code);
  add_queue_commands(app, ctx, exit_code);
  add_kle_commands(app, ctx, exit_code);
  add_serve_commands(app, ctx, exit_code);
  add_report_commands(app, ctx, exit_code);
  add_simulate_command(app, ctx, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // An unknown command is named, with or without --help (never the parent's help).
    if (UnknownCommand unknown; unknown_command(app, unknown)) {
      std::cerr << "error: '" << unknown.word << "' is not a command of '" << unknown.parent
                << "' (its commands: " << unknown.known << "); run '" << unknown.parent << " --help'\n";
      return kExitUsage;
    }
    // Help: 0. Any other parse error is a usage error, exit code 2, whatever
    // number CLI11 gives it (105 for a file that does not exist, 106 for a
    // missing argument): only the documented codes leave this program.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {
    // A bug, not a crash with a core dump and exit 134: exit code 1, documented.
    std::cerr << "error: internal error: " << sagsflow::mask_cpr_numbers(e.what()) << "\n";
    return kExitError;
  }
  return exit_code;
}
