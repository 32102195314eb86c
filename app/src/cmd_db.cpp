// `sagsflow init` and `sagsflow db migrate|version`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/app/installation.hpp"
#include "sagsflow/config/builtin_workflows.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/organisation/organisation.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::cli {
namespace {

int run_migrate(const Context& ctx) {
  auto store = ctx.open_store(/*require_current_schema=*/false);
  if (!store.ok()) return fail(ctx, store.status());
  auto report = (*store)->migrate();
  if (!report.ok()) return fail(ctx, report.status());
  if (ctx.json) {
    print_json({{"from_version", report->from_version},
                {"to_version", report->to_version},
                {"applied", report->applied}});
  } else if (report->applied.empty()) {
    std::cout << "schema is current (version " << report->to_version << ")\n";
  } else {
    for (const auto& m : report->applied) std::cout << "applied " << m << "\n";
    std::cout << "schema version " << report->from_version << " -> " << report->to_version << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_db_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* db = app.add_subcommand("db", "Database schema");
  db->require_subcommand(1);
  db->add_subcommand("migrate", "Apply the numbered schema migrations this database lacks")
      ->callback([&] { exit_code = run_migrate(ctx); });
  db->add_subcommand("version", "Show the database's schema version and this binary's")
      ->callback([&] {
        auto store = ctx.open_store(false);
        if (!store.ok()) { exit_code = fail(ctx, store.status()); return; }
        auto v = (*store)->schema_version();
        if (!v.ok()) { exit_code = fail(ctx, v.status()); return; }
        if (ctx.json) {
          print_json({{"database", *v}, {"binary", db::latest_schema_version()}});
        } else {
          std::cout << "database schema " << *v << ", this sagsflow " << db::latest_schema_version() << "\n";
        }
      });
}

void add_init_command(CLI::App& app, Context& ctx, int& exit_code) {
  static std::string municipality_file;
  auto* init = app.add_subcommand(
      "init", "Create or upgrade the database, set up a municipality and deploy its workflows");
  init->add_option("--municipality-file", municipality_file,
                   "Municipality YAML (code, name, workflows)")
      ->required()
      ->check(CLI::ExistingFile);
  init->callback([&] {
    auto parsed = load_municipality_file(municipality_file);
    if (!parsed.ok()) {
      if (auto list = report_diagnostics(ctx, parsed.errors); ctx.json) print_json({{"errors", list}});
      exit_code = fail(ctx, InvalidArgument(fmt::format("{} has {} error(s); nothing was changed",
                                                        municipality_file, parsed.errors.size())));
      return;
    }
    for (const auto& w : organisation_of_file(*parsed.config).gaps(parsed.config->code)) {
      std::cerr << municipality_file << ": warning: " << w << "\n";
    }
    // Check every workflow before touching the database.
    std::vector<std::pair<std::string, std::string>> sources;
    nlohmann::json workflow_errors = nlohmann::json::array();
    bool broken = false;
    for (const auto& f : parsed.config->workflow_files) {
      auto wf = load_workflow_file(f);
      for (auto& e : report_diagnostics(ctx, wf.errors)) workflow_errors.push_back(std::move(e));
      broken |= !wf.ok();
      if (auto text = read_text_file(f); text.ok()) sources.emplace_back(f, *text);
    }
    if (broken) {
      if (ctx.json) print_json({{"errors", workflow_errors}});
      exit_code = fail(ctx, InvalidArgument("a workflow has errors; nothing was changed"));
      return;
    }
    auto store = ctx.open_store(false);
    if (!store.ok()) { exit_code = fail(ctx, store.status()); return; }
    auto report = (*store)->migrate();
    if (!report.ok()) { exit_code = fail(ctx, report.status()); return; }
    const auto& m = *parsed.config;
    if (auto st = (*store)->upsert_municipality(m.code, m.name); !st.ok()) {
      exit_code = fail(ctx, st);
      return;
    }
    auto source = read_text_file(municipality_file);
    if (!source.ok()) { exit_code = fail(ctx, source.status()); return; }
    auto stored = (*store)->municipality_configs();
    if (!stored.ok()) { exit_code = fail(ctx, stored.status()); return; }
    bool model_changed = true;
    for (const auto& r : *stored) {
      if (r.code == m.code) model_changed = r.sha256 != sha256_hex(*source);
    }
    // The logo's bytes travel with the file (read by load_municipality_file), so every node has them.
    if (auto st = (*store)->save_municipality_config({m.code, municipality_file, *source, sha256_hex(*source),
                                                      format_timestamp(system_clock()()),
                                                      m.letters.letterhead.logo_png});
        !st.ok()) {
      exit_code = fail(ctx, st);
      return;
    }
    CaseEngine engine(**store);
    nlohmann::json deployed = nlohmann::json::array();
    for (const auto& [file, text] : sources) {
      auto out = engine.deploy_workflow(text, file);
      if (!out.ok()) { exit_code = fail(ctx, out.status()); return; }
      model_changed = model_changed || out->created;
      deployed.push_back({{"id", out->record.id}, {"version", out->record.version}, {"new", out->created}});
      if (!ctx.json && out->created) {
        std::cout << "deployed workflow " << out->record.id << " version " << out->record.version << "\n";
      }
    }
    for (const auto& builtin : builtin_workflows()) {
      auto out = engine.deploy_workflow(builtin.yaml, builtin.file_name);
      if (!out.ok()) { exit_code = fail(ctx, out.status()); return; }
      deployed.push_back({{"id", out->record.id}, {"version", out->record.version}, {"new", out->created}});
    }
    // The organisation decides where a case's task waits: a changed model
    // moves the queues of the municipality's open cases (stored in their rows).
    // Without a change, the open cases stored without a queue (of before schema 9) are placed.
    long long requeued = 0;
    {
      auto org = app::load_organisation(**store);
      if (!org.ok()) { exit_code = fail(ctx, org.status()); return; }
      EngineOptions placing;
      if (!(*org)->empty()) placing.organisation = org->get();
      CaseEngine placer(**store, placing);
      // Every municipality's: a unit of one may take tasks of another under an agreement.
      auto moved = placer.place_open_cases("", /*all=*/model_changed);
      if (!moved.ok()) { exit_code = fail(ctx, moved.status()); return; }
      requeued = *moved;
      if (!ctx.json && requeued > 0) std::cout << "stored the queues of " << requeued << " open case(s)\n";
    }
    if (ctx.json) {
      print_json({{"municipality", {{"code", m.code}, {"name", m.name}}},
                  {"schema_version", report->to_version},
                  {"migrations_applied", report->applied},
                  {"workflows", deployed},
                  {"cases_requeued", requeued}});
    } else if (!report->applied.empty()) {
      std::cout << "database ready (schema " << report->to_version << ") for " << m.code << " "
                << m.name << "\n";
    }
  });
}

}  // namespace sagsflow::cli
