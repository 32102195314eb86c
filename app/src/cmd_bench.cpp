// `sagsflow bench`: case actions through the engine against raw SQLite doing
// the same writes (one state update and one event insert per transaction), in
// one process and one run, printed as JSON. Rounds alternate between the two
// so that a noisy neighbour hurts both alike.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "bench_workflow.hpp"
#include "cli_context.hpp"
#include "sagsflow/engine/engine.hpp"

namespace sagsflow::cli {
namespace {
using Seconds = std::chrono::duration<double>;
namespace fs = std::filesystem;

const std::string kBenchWorkflow = bench_workflow_yaml("bench", "Benchmark");

struct BenchArgs {
  int actions = 2000;
  int cases = 20;
  int rounds = 2;
  std::string dir;
  std::string synchronous = "FULL";
};

struct Prepared {
  std::unique_ptr<db::SqlStore> store;
  std::vector<CaseState> cases;
};

Result<Prepared> prepare(const std::string& path, const BenchArgs& a) {
  fs::remove(path);
  fs::remove(path + "-wal");
  fs::remove(path + "-shm");
  auto store = db::SqlStore::open("sqlite:" + path, {a.synchronous, 10000});
  if (!store.ok()) return store.status();
  if (auto m = (*store)->migrate(); !m.ok()) return m.status();
  if (auto st = (*store)->upsert_municipality("0999", "Bench Kommune"); !st.ok()) return st;
  CaseEngine engine(**store);
  if (auto d = engine.deploy_workflow(kBenchWorkflow, "bench.yaml"); !d.ok()) return d.status();
  Prepared p;
  for (int i = 0; i < a.cases; ++i) {
    OpenCaseRequest req;
    req.municipality = "0999";
    req.workflow_id = "bench";
    req.citizen_cpr = "010490-9989";
    req.actor = {"bench", "bsc", "0999", {}};
    auto c = engine.open_case(req);
    if (!c.ok()) return c.status();
    p.cases.push_back(*c);
  }
  p.store = std::move(*store);
  return p;
}

Result<double> run_engine(Prepared& p, int actions) {
  CaseEngine engine(*p.store);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < actions; ++i) {
    ActionRequest req;
    req.case_id = p.cases[static_cast<size_t>(i) % p.cases.size()].id;
    req.action = "note";
    req.actor = {"bench", "bsc", "0999", {}};
    req.fields = {{"n", i}};
    auto r = engine.act(req);
    if (!r.ok()) return r.status();
  }
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

// The same two writes per action through the SQLite C API, statements
// prepared once: the fastest a caller could store what the engine stores.
Result<double> run_raw(const std::string& path, const Prepared& p, int actions, const std::string& sync) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return StorageError("raw: cannot open " + path);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(db, &sqlite3_close);
  const auto exec = [&](const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); };
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=" + sync);
  exec("PRAGMA foreign_keys=ON");
  sqlite3_stmt* update = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "UPDATE cases SET stage = ?, status = ?, due_date = ?, version = ?, state = ?, "
                     "updated_at = ? WHERE id = ? AND version = ?",
                     -1, &update, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO case_events (case_id, seq, at, actor, unit, authority, action, "
                     "from_stage, to_stage, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     -1, &insert, nullptr);
  if (!update || !insert) return StorageError(std::string("raw: prepare failed: ") + sqlite3_errmsg(db));
  std::vector<long long> versions;
  std::vector<std::string> states;
  for (const auto& c : p.cases) {
    versions.push_back(c.version);
    states.push_back(to_json(c, true).dump());
  }
  const auto text = [](sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  const std::string at = format_timestamp(system_clock()());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < actions; ++i) {
    const size_t k = static_cast<size_t>(i) % p.cases.size();
    const std::string data = nlohmann::json{{"fields", {{"n", i}}}}.dump();
    if (exec("BEGIN IMMEDIATE") != SQLITE_OK) return StorageError("raw: BEGIN failed");
    text(update, 1, "work");
    text(update, 2, "open");
    text(update, 3, "2026-12-07");
    sqlite3_bind_int64(update, 4, versions[k] + 1);
    text(update, 5, states[k]);
    text(update, 6, at);
    sqlite3_bind_int64(update, 7, p.cases[k].id);
    sqlite3_bind_int64(update, 8, versions[k]);
    if (sqlite3_step(update) != SQLITE_DONE || sqlite3_changes(db) != 1) return StorageError("raw: update failed");
    sqlite3_reset(update);
    ++versions[k];
    sqlite3_bind_int64(insert, 1, p.cases[k].id);
    sqlite3_bind_int64(insert, 2, versions[k]);
    text(insert, 3, at);
    text(insert, 4, "bench");
    text(insert, 5, "bsc");
    text(insert, 6, "0999");
    text(insert, 7, "note");
    text(insert, 8, "work");
    text(insert, 9, "work");
    text(insert, 10, data);
    if (sqlite3_step(insert) != SQLITE_DONE) return StorageError(std::string("raw: insert failed: ") + sqlite3_errmsg(db));
    sqlite3_reset(insert);
    if (exec("COMMIT") != SQLITE_OK) return StorageError("raw: COMMIT failed");
  }
  const double secs = Seconds(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(update);
  sqlite3_finalize(insert);
  return secs;
}

int run(const Context& ctx, const BenchArgs& a) {
  (void)ctx;
  const fs::path dir = a.dir.empty() ? fs::temp_directory_path() / fmt::format("sagsflow-bench-{}", ::getpid()) : fs::path(a.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  double engine_secs = 0, raw_secs = 0;
  long long state_bytes = 0;
  const int per_round = std::max(1, a.actions / a.rounds);
  const auto raw_round = [&]() -> Status {
    const std::string raw_path = (dir / "raw.db").string();
    auto raw_db = prepare(raw_path, a);
    if (!raw_db.ok()) return raw_db.status();
    raw_db->store.reset();  // the raw run owns the file now
    auto raw = run_raw(raw_path, *raw_db, per_round, a.synchronous);
    if (!raw.ok()) return raw.status();
    raw_secs += *raw;
    return Status::Ok();
  };
  const auto engine_round = [&]() -> Status {
    auto engine_db = prepare((dir / "engine.db").string(), a);
    if (!engine_db.ok()) return engine_db.status();
    state_bytes = static_cast<long long>(to_json(engine_db->cases.front(), true).dump().size());
    auto eng = run_engine(*engine_db, per_round);
    if (!eng.ok()) return eng.status();
    engine_secs += *eng;
    return Status::Ok();
  };
  for (int round = 0; round < a.rounds; ++round) {
    // Alternate which side goes first, so neither always meets a warmer disk.
    const bool raw_first = round % 2 == 0;
    if (auto st = raw_first ? raw_round() : engine_round(); !st.ok()) return fail(ctx, st);
    if (auto st = raw_first ? engine_round() : raw_round(); !st.ok()) return fail(ctx, st);
  }
  if (a.dir.empty()) fs::remove_all(dir, ec);
  const double total = static_cast<double>(per_round) * a.rounds;
  const double engine_rate = total / engine_secs;
  const double raw_rate = total / raw_secs;
  const double ratio = engine_rate / raw_rate;
  print_json({{"benchmark", "case actions on SQLite"},
              {"actions", static_cast<long long>(total)},
              {"rounds", a.rounds},
              {"cases", a.cases},
              {"synchronous", a.synchronous},
              {"state_bytes", state_bytes},
              {"engine", {{"seconds", engine_secs}, {"actions_per_second", engine_rate}}},
              {"raw_sqlite", {{"seconds", raw_secs}, {"transactions_per_second", raw_rate}}},
              {"ratio_engine_to_raw", ratio},
              {"target_ratio", 0.8},
              {"meets_target", ratio >= 0.8}});
  return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, Context& ctx, int& exit_code) {
  static BenchArgs a;
  auto* b = app.add_subcommand("bench", "Benchmark case actions against raw SQLite doing the same writes");
  b->add_option("--actions,-n", a.actions, "Actions in total (default 2000)")->check(CLI::Range(1, 10000000));
  b->add_option("--cases", a.cases, "Cases the actions are spread over (default 20)")->check(CLI::Range(1, 100000));
  b->add_option("--rounds", a.rounds, "Alternating rounds (default 2)")->check(CLI::Range(1, 100));
  b->add_option("--dir", a.dir, "Folder for the two database files (default: a temporary one)");
  b->add_option("--synchronous", a.synchronous, "SQLite synchronous mode for both (default FULL)")
      ->check(CLI::IsMember({"OFF", "NORMAL", "FULL", "EXTRA"}));
  add_bench_worklist_command(*b, ctx, exit_code);
  add_bench_http_command(*b, ctx, exit_code);  // with `bench postgresql`
  b->callback([&, b] {
    for (const CLI::App* sub : b->get_subcommands()) {
      if (sub->parsed()) return;  // `bench worklist`, `bench http` or `bench postgresql` ran instead
    }
    exit_code = run(ctx, a);
  });
}

}  // namespace sagsflow::cli
