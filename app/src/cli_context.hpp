// What every `sagsflow` command shares: the database URL, output mode, the
// acting person, and how errors are printed and turned into exit codes.
#pragma once

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <optional>
#include <set>
#include <string_view>

#include "sagsflow/domain/domain.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/organisation/organisation.hpp"
#include "sagsflow/plugins/plugin_host.hpp"
#include "sagsflow/config/workflow.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/app/installation.hpp"
#include "sagsflow/db/sql_store.hpp"

namespace CLI {
class App;
}

namespace sagsflow::cli {

// Exit codes: every one `sagsflow` exits with (main() turns every usage
// error CLI11 reports, whatever CLI11's own number, into kExitUsage). Listed in
// `sagsflow --help` (kExitCodesHelp) and docs/operations.md#exit-codes; a new
// one goes in all three.
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,
  kExitUsage = 2,
  kExitConflict = 3,
  kExitRefused = 4,   // guard failed, forbidden (a role such as admin), wrong state; init without --yes
  kExitNotFound = 5,
  kExitSchema = 6,    // database needs migrating, or is newer than this binary
  kExitPluginFailed = 7,  // a plugin failed; the case shows an incident
};
inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 ok, 1 error, 2 usage (a wrong option, argument or file name), 3 conflict (another action came "
    "first), 4 refused (guard, role such as admin, or state; init that would move open cases, without --yes), "
    "5 not found, 6 database schema needs migrating or is newer than this binary, 7 a plugin failed (the case "
    "shows an incident).";

struct Context {
  std::string db_url;
  bool json = false;
  std::string actor_id;
  std::string actor_unit;
  std::string actor_authority;  // defaults to the municipality
  std::vector<std::string> actor_roles;
  std::string municipality;     // default: the only one in the database
  std::string plugin_dir;       // default: see plugin_directory()
  bool db_given = false;        // --db or SAGSFLOW_DB was set (else a configuration file may name it)

  // Opens the database; with `require_current_schema`, refuses one that needs
  // migrating or is too new.
  Result<std::unique_ptr<db::SqlStore>> open_store(bool require_current_schema = true) const;
  // The municipality to act in: --municipality, or the database's only one.
  Result<std::string> resolve_municipality(CaseStore& store) const;
  // The acting person, built by the core (Organisation::actor_for) as for the
  // API: when the organisation knows the municipality they must be on its
  // staff list, which fills in the unit, roles and authority the options leave out.
  Result<Actor> actor(const std::string& municipality, const Organisation* organisation = nullptr) const;
  // --plugin-dir, SAGSFLOW_PLUGIN_DIR, or "plugins" beside an SQLite database file.
  std::string plugin_directory() const;
  // The checksums in <plugin dir>/allowed-sha256.txt, if that file exists.
  Result<std::optional<std::set<std::string>>> allow_list() const;
};

// A database connection, the installation's enabled plugins, and an engine using both.
struct Session : app::Installation {
  std::string municipality;  // when asked for
  Result<Actor> actor(const Context& ctx, const std::string& municipality) const {
    return ctx.actor(municipality, organisation.get());
  }
};
Result<Session> open_session(const Context& ctx, bool need_municipality);

// The organisation of the municipality files loaded into the database, with
// what the deployed workflows say about their service areas.
Result<std::unique_ptr<Organisation>> load_organisation(db::SqlStore& store);
// The organisation of one municipality file and the workflows it lists, before anything is loaded.
Organisation organisation_of_file(const MunicipalityConfig& config);

// The admin commands (init, workflow deploy|list, plugins list|install|enable|
// disable|remove, kle import, simulate, audit, the letter outbox) obey the rule
// of the server's /api/v1/admin routes, in the core: the acting person (built
// by ctx.actor, as for every command) must administer `municipality`
// (Organisation::may_administer: on its staff list with the role "admin").
// `doing` says what was asked ("deploy workflows"). Errors: kForbidden naming
// the person, the role needed and how to act as one of the municipality's
// admins (exit 4); the core's kNotFound when the municipality is not configured.
Result<Actor> require_admin(const Context& ctx, const Organisation& organisation, const std::string& municipality,
                            std::string_view doing);
// The same for a command on the installation's database (workflows, plugins,
// KLE): the organisation stored in it and the municipality --municipality (or
// the database's only one) names.
Result<Actor> require_admin(const Context& ctx, db::SqlStore& store, std::string_view doing);

// Prints `status` to stderr ("error: ...", or JSON with --json) and returns its exit code.
int fail(const Context& ctx, const Status& status);
int exit_code_for(const Status& status);
// Positioned errors of a file: printed to stderr as file:line:column unless
// --json, and returned as JSON for the machine-readable report.
nlohmann::json report_diagnostics(const Context& ctx, const std::vector<Diagnostic>& errors);
// Prints a JSON document to stdout, pretty.
void print_json(const nlohmann::json& j);

void add_db_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_init_command(CLI::App& app, Context& ctx, int& exit_code);
void add_workflow_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_letter_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_case_commands(CLI::App& app, Context& ctx, int& exit_code);
// A case named by its id or its case number (in the resolved municipality).
Result<CaseState> find_case_ref(CaseStore& store, const Context& ctx, const std::string& ref);
// `case attach`, `case documents`, `case document` under `case`, and
// `documents gc` (cmd_documents.cpp).
void add_case_document_commands(CLI::App& case_command, Context& ctx, int& exit_code);
void add_documents_command(CLI::App& app, Context& ctx, int& exit_code);
void add_letters_commands(CLI::App& app, Context& ctx, int& exit_code);
// A citizen's CPR number, one line from standard input (at a terminal after a
// prompt on stderr), never from the command line where it would stay in the
// shell history and the process list. kInvalidArgument naming "cpr", with
// `example` (a command line) showing how to pipe it.
Result<Cpr> read_cpr_from_stdin(const std::string& example);

void add_self_service_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_appointment_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_bench_command(CLI::App& app, Context& ctx, int& exit_code);
// `bench worklist` under `bench` (cmd_bench_worklist.cpp); returns the subcommand.
CLI::App* add_bench_worklist_command(CLI::App& bench, Context& ctx, int& exit_code);
// `sagsflow bench http` (bench_http.cpp): the real request path over HTTP next to raw SQLite.
CLI::App* add_bench_http_command(CLI::App& bench, Context& ctx, int& exit_code);
void add_plugin_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_municipality_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_front_desk_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_queue_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_kle_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_serve_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_report_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_simulate_command(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace sagsflow::cli
