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

// An open case whose task the new organisation puts in another queue.
struct CaseMove {
  std::string case_number;
  std::string from;
  std::string to;
};
constexpr size_t kMovesListed = 20;  // the list printed is cut here; the count is whole

std::string queue_text(const Queue& q) { return q.name.empty() ? q.kind + " " + q.id : q.name; }

// The organisation stored in the database (its municipality files and
// workflows); an error on a database without one yet (a new one, or one
// whose stored file no longer parses).
Result<std::unique_ptr<Organisation>> stored_organisation(db::SqlStore& store) {
  auto version = store.schema_version();
  if (!version.ok()) return version.status();
  if (*version == 0) return NotFound("a new database");
  return app::load_organisation(store);
}

// Every open case (of every municipality: an agreement may place one in another's
// unit) whose queue differs between `before` and `after`; a case `before` did
// not place (of a municipality not configured yet) is not a move.
Result<std::vector<CaseMove>> cases_that_move(db::SqlStore& store, const Organisation& before,
                                              const Organisation& after) {
  EngineOptions as_is, to_be;
  as_is.organisation = &before;
  to_be.organisation = &after;
  CaseEngine old_engine(store, as_is), new_engine(store, to_be);
  std::vector<CaseMove> moves;
  CaseFilter f;
  f.status = CaseStatus::kOpen;
  f.limit = 500;
  for (;;) {
    auto rows = store.list_cases(f);
    if (!rows.ok()) return rows.status();
    for (const auto& c : *rows) {
      auto from = old_engine.queue_of(c);
      auto to = new_engine.queue_of(c);
      if (!from.ok() || !to.ok() || from->kind.empty()) continue;
      if (from->kind != to->kind || from->id != to->id) {
        moves.push_back({c.case_number, queue_text(*from), queue_text(*to)});
      }
    }
    if (static_cast<int>(rows->size()) < f.limit) break;
    f.after = rows->back().id;
  }
  return moves;
}

std::string describe_moves(const std::vector<CaseMove>& moves) {
  std::string out;
  for (size_t i = 0; i < moves.size() && i < kMovesListed; ++i) {
    out += fmt::format("{}{} ({} -> {})", i == 0 ? "" : ", ", moves[i].case_number, moves[i].from, moves[i].to);
  }
  if (moves.size() > kMovesListed) out += fmt::format(" and {} more", moves.size() - kMovesListed);
  return out;
}

nlohmann::json moves_json(const std::vector<CaseMove>& moves) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < moves.size() && i < kMovesListed; ++i) {
    list.push_back({{"case_number", moves[i].case_number}, {"from", moves[i].from}, {"to", moves[i].to}});
  }
  return {{"count", moves.size()}, {"cases", list}, {"listed_up_to", kMovesListed}};
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
  static bool yes = false;
  auto* init = app.add_subcommand(
      "init", "Create or upgrade the database, set up a municipality and deploy its workflows (role admin: an admin of "
      "the municipality as configured, or as the file configures it the first time)");
  init->add_option("--municipality-file", municipality_file,
                   "Municipality YAML (code, name, workflows)")
      ->required()
      ->check(CLI::ExistingFile);
  init->add_flag("--yes", yes,
                 "Load a changed organisation that moves open cases to other queues (without it init lists them "
                 "and refuses with exit code 4)");
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
    const auto& m = *parsed.config;
    auto source = read_text_file(municipality_file);
    if (!source.ok()) { exit_code = fail(ctx, source.status()); return; }
    auto store = ctx.open_store(false);
    if (!store.ok()) { exit_code = fail(ctx, store.status()); return; }
    // Who may load it: an admin of the municipality as the installation has
    // it configured, or, the first time, as the file configures it.
    auto before = stored_organisation(**store);
    {
      const Organisation from_file = organisation_of_file(m);
      const bool configured = before.ok() && (*before)->find(m.code) != nullptr;
      auto admin = require_admin(ctx, configured ? **before : from_file, m.code,
                                 fmt::format("load the municipality file of {}", m.name));
      if (!admin.ok()) { exit_code = fail(ctx, admin.status()); return; }
    }
    bool model_changed = true;
    if (before.ok()) {
      auto stored = (*store)->municipality_configs();
      if (!stored.ok()) { exit_code = fail(ctx, stored.status()); return; }
      for (const auto& r : *stored) {
        if (r.code == m.code) model_changed = r.sha256 != sha256_hex(*source);
      }
    }
    // A changed organisation moves open cases to other queues: say which, and
    // only with --yes (kExitRefused, nothing changed, without it).
    std::vector<CaseMove> moves;
    if (before.ok() && model_changed) {
      auto after = stored_organisation(**store);
      if (!after.ok()) { exit_code = fail(ctx, after.status()); return; }
      (*after)->add(m);
      for (const auto& f : m.workflow_files) {
        if (auto wf = load_workflow_file(f); wf.ok()) (*after)->add_workflow(*wf.definition);
      }
      auto found = cases_that_move(**store, **before, **after);
      if (!found.ok()) { exit_code = fail(ctx, found.status()); return; }
      moves = std::move(*found);
      if (!moves.empty() && !yes) {
        if (ctx.json) print_json({{"changed", false}, {"cases_moving", moves_json(moves)}});
        exit_code = fail(ctx, FailedPrecondition(fmt::format(
                                  "{} changes the organisation so that {} open case(s) move to another queue: {}; "
                                  "nothing was changed: run again with --yes to load it and move them",
                                  municipality_file, moves.size(), describe_moves(moves))));
        return;
      }
    }
    auto report = (*store)->migrate();
    if (!report.ok()) { exit_code = fail(ctx, report.status()); return; }
    if (auto st = (*store)->upsert_municipality(m.code, m.name); !st.ok()) {
      exit_code = fail(ctx, st);
      return;
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
      if (!ctx.json && !moves.empty()) {
        std::cout << "moved " << moves.size() << " open case(s) to another queue: " << describe_moves(moves) << "\n";
      }
      if (!ctx.json && requeued > 0) std::cout << "stored the queues of " << requeued << " open case(s)\n";
    }
    if (ctx.json) {
      print_json({{"municipality", {{"code", m.code}, {"name", m.name}}},
                  {"schema_version", report->to_version},
                  {"migrations_applied", report->applied},
                  {"workflows", deployed},
                  {"cases_requeued", requeued},
                  {"cases_moved", moves_json(moves)}});
    } else if (!report->applied.empty()) {
      std::cout << "database ready (schema " << report->to_version << ") for " << m.code << " "
                << m.name << "\n";
    }
  });
}

}  // namespace sagsflow::cli
