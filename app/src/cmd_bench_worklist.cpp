// `sagsflow bench worklist`: a SQLite database of N cases (built directly,
// in batched inserts of real case states), then the latencies of the lists a
// caseworker's page reads through the engine: a unit's queue, a person's
// claimed cases, the case list, cases due within a week, and one case page,
// each p50/p99 over many samples, printed as JSON. Every timed call is the
// real path: the indexed query, visibility, and the access records it writes
// (durable: synchronous FULL). For comparison it times the read the
// worklist did before schema 9 (every open case of the municipality).
// Each case has its opening event, and a year of M inquiries is registered
// beside them: the bench times the counts /metrics reads (events by action,
// open cases by queue) and a year's channel-report counts, from the counters
// and daily aggregates of schema 11 and, as before schema 11, counted from
// the rows.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "bench_workflow.hpp"
#include "cli_context.hpp"
#include "sagsflow/engine/engine.hpp"

namespace sagsflow::cli {
namespace {
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const std::string kWorkflow = bench_workflow_yaml("bench_worklist", "Worklist benchmark");
constexpr const char* kMunicipality = "0999";
constexpr int kUnits = 20;     // queues the cases are spread over
constexpr int kPeople = 100;   // caseworkers holding claimed cases
constexpr int kBatch = 20000;  // rows per build transaction

struct WorklistBenchArgs {
  long long cases = 1000000;
  int samples = 200;
  int page = 50;
  int baseline_samples = 3;
  long long inquiries = 1000000;
  std::string dir;
};

Status sqlite_ok(sqlite3* db, int rc, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  return StorageError(fmt::format("building the benchmark database ({}): {}", what, sqlite3_errmsg(db)));
}

// Cases 2..n as copies of `model` (case 1, opened through the engine): 30 %
// open (id % 10 < 3), each in the queue of unit u(id / 10 % 20), the open ones
// with a deadline spread over 30 days, about one in three of them claimed by
// p(id / 10 % 100).
Status build_rows(const std::string& path, const CaseState& model, long long n) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return StorageError("opening " + path + ": " + why);
  }
  const auto close = [&](Status st) {
    sqlite3_close(db);
    return st;
  };
  if (auto st = sqlite_ok(db, sqlite3_exec(db, "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr), "pragma");
      !st.ok()) {
    return close(st);
  }
  sqlite3_stmt* insert = nullptr;
  const char* sql =
      "INSERT INTO cases (id, municipality, case_number, subject, facet, workflow_id, workflow_version, stage, "
      "status, citizen_cpr, due_date, version, state, opened_at, updated_at, queue_kind, queue_id, assignee) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?12, ?13, ?14, 'unit', ?15, ?16)";
  if (auto st = sqlite_ok(db, sqlite3_prepare_v2(db, sql, -1, &insert, nullptr), "prepare"); !st.ok()) {
    return close(st);
  }
  // Each case's opening event, a copy of case 1's.
  sqlite3_stmt* event = nullptr;
  const char* event_sql =
      "INSERT INTO case_events (case_id, seq, at, actor, unit, authority, action, from_stage, to_stage, data) "
      "SELECT ?1, seq, at, actor, unit, authority, action, from_stage, to_stage, data FROM case_events "
      "WHERE case_id = 1 AND seq = 1";
  if (auto st = sqlite_ok(db, sqlite3_prepare_v2(db, event_sql, -1, &event, nullptr), "prepare"); !st.ok()) {
    sqlite3_finalize(insert);
    return close(st);
  }
  // One case in 11 had a deadline pass (the report's breached figures; schema 13's trigger marks its row).
  sqlite3_stmt* breach = nullptr;
  const char* breach_sql =
      "INSERT INTO case_events (case_id, seq, at, actor, unit, authority, action, from_stage, to_stage, data) "
      "SELECT ?1, seq + 1, at, 'system', unit, authority, 'deadline_passed', to_stage, to_stage, '{}' "
      "FROM case_events WHERE case_id = 1 AND seq = 1";
  if (auto st = sqlite_ok(db, sqlite3_prepare_v2(db, breach_sql, -1, &breach, nullptr), "prepare"); !st.ok()) {
    sqlite3_finalize(insert);
    sqlite3_finalize(event);
    return close(st);
  }
  const auto text = [&](int i, const std::string& v) {
    sqlite3_bind_text(insert, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  const nlohmann::json base = to_json(model, /*reveal_cpr=*/true);
  const Date first_due = model.clock ? model.clock->due : Date{};
  Status failed = Status::Ok();
  for (long long id = 1; id <= n && failed.ok(); ++id) {
    if ((id - 1) % kBatch == 0) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    const bool open = id % 10 < 3;
    const std::string unit = fmt::format("u{}", (id / 10) % kUnits);
    nlohmann::json j = base;
    j["id"] = id;
    j["case_number"] = fmt::format("23.09.02-G01-{}-26", id);
    j["unit"] = unit;
    std::string due, assignee;
    if (open) {
      due = format_date(first_due + std::chrono::days{id % 30});
      if (j["clock"].is_object()) j["clock"]["due"] = due;
      if (id % 10 == 0 || id % 7 == 0) {
        assignee = fmt::format("p{}", (id / 10) % kPeople);
        j["assignee"] = {{"person", assignee}, {"unit", unit}, {"since", model.opened_at}, {"by", assignee}};
      }
    } else {
      j["status"] = "closed";
      j["stage"] = "closed";
    }
    const std::string state = j.dump();
    if (id == 1) {
      // The engine stored case 1 itself: give it its queue, like the rest.
      sqlite3_stmt* place = nullptr;
      sqlite3_prepare_v2(db, "UPDATE cases SET queue_kind = 'unit', queue_id = ?1 WHERE id = 1", -1, &place, nullptr);
      sqlite3_bind_text(place, 1, unit.c_str(), -1, SQLITE_TRANSIENT);
      failed = sqlite_ok(db, sqlite3_step(place), "placing case 1");
      sqlite3_finalize(place);
      continue;
    }
    sqlite3_bind_int64(insert, 1, id);
    text(2, model.municipality);
    text(3, j["case_number"].get<std::string>());
    text(4, model.subject);
    text(5, model.facet);
    text(6, model.workflow_id);
    sqlite3_bind_int(insert, 7, model.workflow_version);
    text(8, j["stage"].get<std::string>());
    text(9, open ? "open" : "closed");
    if (due.empty()) sqlite3_bind_null(insert, 10); else text(10, due);
    sqlite3_bind_int64(insert, 11, model.version);
    text(12, state);
    text(13, model.opened_at);
    text(14, model.updated_at);
    text(15, unit);
    if (assignee.empty()) sqlite3_bind_null(insert, 16); else text(16, assignee);
    failed = sqlite_ok(db, sqlite3_step(insert), "insert");
    sqlite3_reset(insert);
    if (failed.ok()) {
      sqlite3_bind_int64(event, 1, id);
      failed = sqlite_ok(db, sqlite3_step(event), "insert event");
      sqlite3_reset(event);
    }
    if (failed.ok() && id % 11 == 0) {
      sqlite3_bind_int64(breach, 1, id);
      failed = sqlite_ok(db, sqlite3_step(breach), "insert deadline_passed event");
      sqlite3_reset(breach);
    }
    if (id % kBatch == 0 || id == n) sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(insert);
  sqlite3_finalize(event);
  sqlite3_finalize(breach);
  if (!failed.ok()) return close(failed);
  // Later openings take ids after the built ones.
  const std::string counter = fmt::format("UPDATE counters SET value = {} WHERE scope = '*' AND name = 'case_id'", n);
  failed = sqlite_ok(db, sqlite3_exec(db, counter.c_str(), nullptr, nullptr, nullptr), "counter");
  if (failed.ok()) failed = sqlite_ok(db, sqlite3_exec(db, "ANALYZE", nullptr, nullptr, nullptr), "analyze");
  return close(failed);
}

// Inquiries 1..n spread over the days of 2026, through every channel, type
// and outcome, at the kUnits units and five areas, some handled for another
// authority and some forwarded.
Status build_inquiries(const std::string& path, long long n) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return StorageError("opening " + path + ": " + why);
  }
  const auto close = [&](Status st) {
    sqlite3_close(db);
    return st;
  };
  if (auto st = sqlite_ok(db, sqlite3_exec(db, "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr), "pragma");
      !st.ok()) {
    return close(st);
  }
  static constexpr std::array kChannels{"personal_attendance", "phone",          "letter",
                                        "email",               "digital_post",   "digital_self_service",
                                        "assisted_self_service"};
  static constexpr std::array kTypes{"general_information", "case_information", "transaction"};
  static constexpr std::array kAreas{"passports", "moving", "housing_support", "pension", "health_insurance"};
  sqlite3_stmt* insert = nullptr;
  const char* sql =
      "INSERT INTO inquiries (id, municipality, channel, inquiry_type, area, service, citizen_cpr, with_form, "
      "resolved_on_the_spot, outcome, handled_by, unit, acting_authority, owning_authority, routed_to, "
      "forwarded_to, forwarded_on, case_id, at) VALUES (?1, ?2, ?3, ?4, ?5, 'general_guidance', NULL, ?6, ?7, "
      "'', 'bench', ?8, ?2, ?9, '', ?10, ?11, NULL, ?12)";
  if (auto st = sqlite_ok(db, sqlite3_prepare_v2(db, sql, -1, &insert, nullptr), "prepare"); !st.ok()) {
    return close(st);
  }
  const auto text = [&](int i, const std::string& v) {
    sqlite3_bind_text(insert, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  const Date first = std::chrono::year{2026} / 1 / 1;
  Status failed = Status::Ok();
  for (long long id = 1; id <= n && failed.ok(); ++id) {
    if ((id - 1) % kBatch == 0) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    const Date day = first + std::chrono::days{(id * 365) / (n + 1)};
    const bool forwarded = id % 17 == 0;
    sqlite3_bind_int64(insert, 1, id);
    text(2, kMunicipality);
    text(3, kChannels[static_cast<size_t>(id % 7)]);
    text(4, kTypes[static_cast<size_t>(id / 7 % 3)]);
    text(5, kAreas[static_cast<size_t>(id / 3 % 5)]);
    sqlite3_bind_int(insert, 6, id % 5 == 0 ? 1 : 0);
    sqlite3_bind_int(insert, 7, id % 3 == 0 ? 1 : 0);
    text(8, fmt::format("u{}", id % kUnits));
    text(9, id % 11 == 0 ? "udbetaling-danmark" : kMunicipality);
    text(10, forwarded ? "udbetaling-danmark" : "");
    text(11, forwarded ? format_date(day) : "");
    text(12, fmt::format("{}T{:02}:{:02}:00Z", format_date(day), 7 + id % 9, id % 60));
    failed = sqlite_ok(db, sqlite3_step(insert), "insert inquiry");
    sqlite3_reset(insert);
    if (id % kBatch == 0 || id == n) sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(insert);
  if (!failed.ok()) return close(failed);
  const std::string counter = fmt::format(
      "INSERT INTO counters (scope, name, value) VALUES ('*', 'inquiry_id', {0}) "
      "ON CONFLICT (scope, name) DO UPDATE SET value = {0}", n);
  failed = sqlite_ok(db, sqlite3_exec(db, counter.c_str(), nullptr, nullptr, nullptr), "counter");
  if (failed.ok()) failed = sqlite_ok(db, sqlite3_exec(db, "ANALYZE", nullptr, nullptr, nullptr), "analyze");
  return close(failed);
}

// The plan SQLite picks for a unit's queue, to show that the index serves it.
std::vector<std::string> worklist_plan(const std::string& path) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "EXPLAIN QUERY PLAN SELECT id, state FROM cases WHERE id > 0 AND municipality = '0999' AND status = 'open' "
      "AND queue_kind = 'unit' AND queue_id = 'u1' ORDER BY id LIMIT 51";
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 3)));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

struct Latency {
  std::vector<double> ms;
  nlohmann::json to_json() const {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    const auto at = [&](double q) {
      return s.empty() ? 0.0 : s[std::min(s.size() - 1, static_cast<size_t>(q * static_cast<double>(s.size())))];
    };
    return {{"p50_ms", at(0.50)}, {"p99_ms", at(0.99)}, {"max_ms", s.empty() ? 0.0 : s.back()},
            {"samples", s.size()}};
  }
};

// Times `call` `n` times; the first error stops it.
template <typename F>
Result<Latency> time_calls(int n, F&& call) {
  Latency l;
  l.ms.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    Status st = call(i);
    const auto end = Clock::now();
    if (!st.ok()) return st;
    l.ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  return l;
}

int run_worklist_bench(const Context& ctx, const WorklistBenchArgs& a) {
  const fs::path dir = a.dir.empty() ? fs::temp_directory_path() / fmt::format("sagsflow-bench-worklist-{}", ::getpid())
                                     : fs::path(a.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string path = (dir / "worklist.db").string();
  for (const auto& f : {path, path + "-wal", path + "-shm"}) fs::remove(f, ec);

  const auto built_at = Clock::now();
  CaseState model;
  {
    auto store = db::SqlStore::open("sqlite:" + path, {"OFF", 10000});
    if (!store.ok()) return fail(ctx, store.status());
    if (auto m = (*store)->migrate(); !m.ok()) return fail(ctx, m.status());
    if (auto st = (*store)->upsert_municipality(kMunicipality, "Bench Kommune"); !st.ok()) return fail(ctx, st);
    CaseEngine engine(**store);
    if (auto d = engine.deploy_workflow(kWorkflow, "bench_worklist.yaml"); !d.ok()) return fail(ctx, d.status());
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = "bench_worklist";
    req.actor = Actor{"bench", "u0", kMunicipality, {"caseworker"}};
    auto opened = engine.open_case(req);
    if (!opened.ok()) return fail(ctx, opened.status());
    model = *opened;
  }
  if (auto st = build_rows(path, model, a.cases); !st.ok()) return fail(ctx, st);
  if (a.inquiries > 0) {
    if (auto st = build_inquiries(path, a.inquiries); !st.ok()) return fail(ctx, st);
  }
  const double build_seconds = std::chrono::duration<double>(Clock::now() - built_at).count();

  // The timed part: the store as the server opens it (synchronous FULL), the engine's real list calls.
  auto store = db::SqlStore::open("sqlite:" + path);
  if (!store.ok()) return fail(ctx, store.status());
  CaseEngine engine(**store);
  const Actor lead{"bench", "u0", kMunicipality, {"caseworker", kTeamLeaderRole}};
  const ReadPurpose worklist_read{kReadWorklist, "bench"};
  const ReadPurpose list_read{kReadCaseList, "bench"};
  std::mt19937_64 random(42);
  nlohmann::json latencies = nlohmann::json::object();
  long long shown = 0;
  const auto measure = [&](const std::string& name, int n, auto&& call) -> Status {
    auto l = time_calls(n, call);
    if (!l.ok()) return l.status();
    latencies[name] = l->to_json();
    return Status::Ok();
  };
  const auto unit_queue = [&](long long after) {
    return [&, after](int i) -> Status {
      WorklistQuery q{kMunicipality, fmt::format("u{}", i % kUnits), std::nullopt, a.page, after};
      auto page = engine.worklist_page(q, lead, worklist_read);
      if (page.ok()) shown += static_cast<long long>(page->items.size());
      return page.status();
    };
  };
  Status st = measure("worklist_unit_first_page", a.samples, unit_queue(0));
  if (st.ok()) st = measure("worklist_unit_page_in_the_middle", a.samples, unit_queue(a.cases / 2));
  if (st.ok()) {
    st = measure("worklist_person", a.samples, [&](int i) -> Status {
      WorklistQuery q{kMunicipality, std::nullopt, fmt::format("p{}", i % kPeople), a.page};
      auto page = engine.worklist_page(q, lead, worklist_read);
      return page.status();
    });
  }
  if (st.ok()) {
    st = measure("case_list_open_first_page", a.samples, [&](int) -> Status {
      CaseFilter f;
      f.municipality = kMunicipality;
      f.status = CaseStatus::kOpen;
      f.limit = a.page;
      return engine.list_cases_page(f, lead, list_read).status();
    });
  }
  if (st.ok()) {
    st = measure("case_list_due_within_a_week", a.samples, [&](int) -> Status {
      CaseFilter f;
      f.municipality = kMunicipality;
      f.due_before = (model.clock ? model.clock->due : Date{}) + std::chrono::days{7};
      f.limit = a.page;
      return engine.list_cases_page(f, lead, list_read).status();
    });
  }
  if (st.ok()) {
    st = measure("case_page", a.samples, [&](int) -> Status {
      const long long id = 1 + static_cast<long long>(random() % static_cast<unsigned long long>(a.cases));
      return engine.view_case(id, lead, {kReadCase, "bench"}).status();
    });
  }
  // Where the time goes: the indexed query alone (no visibility, no access records).
  if (st.ok()) {
    st = measure("store_query_only_unit_first_page", a.samples, [&](int i) -> Status {
      CaseFilter f;
      f.municipality = kMunicipality;
      f.status = CaseStatus::kOpen;
      f.queue = CaseQueue{"unit", fmt::format("u{}", i % kUnits)};
      f.limit = a.page + 1;
      return (*store)->list_cases(f).status();
    });
  }
  nlohmann::json baseline;
  if (st.ok() && a.baseline_samples > 0) {
    // What the worklist read before schema 9: every open case (up to 100000), parsed, to filter in C++.
    auto l = time_calls(a.baseline_samples, [&](int) -> Status {
      CaseFilter f;
      f.municipality = kMunicipality;
      f.status = CaseStatus::kOpen;
      f.limit = 100000;
      return (*store)->list_cases(f).status();
    });
    if (!l.ok()) st = l.status();
    else baseline = l->to_json();
  }
  // The counts of /metrics and of a year's channel report: kept (schema 11)
  // and, as before it, counted from the rows.
  using Counting = db::SqlStore::Counting;
  const auto metrics_counts = [&](Counting how) -> Status {
    auto events = (*store)->count_events_by_action(how);
    if (!events.ok()) return events.status();
    if (how == Counting::kKept) return (*store)->count_open_cases_by_queue().status();
    // Before schema 11 /metrics read every open case and asked the engine its
    // queue (here without an organisation: the real one asked it too).
    CaseFilter open;
    open.status = CaseStatus::kOpen;
    open.limit = 1000000;
    auto cases = (*store)->list_cases(open);
    if (!cases.ok()) return cases.status();
    std::map<std::tuple<std::string, std::string, std::string>, long long> per_queue;
    for (const auto& c : *cases) {
      auto q = engine.queue_of(c);
      ++per_queue[{c.municipality, q.ok() ? q->kind : "", q.ok() ? q->id : ""}];
    }
    return Status::Ok();
  };
  const InquiryCountFilter year{kMunicipality, "2026-01-01", "2027-01-01", std::nullopt, std::nullopt};
  long long year_inquiries = 0;
  const auto report_counts = [&](Counting how) -> Status {
    auto counts = (*store)->count_inquiries(year, how);
    if (!counts.ok()) return counts.status();
    year_inquiries = 0;
    for (const auto& c : *counts) year_inquiries += c.count;
    return Status::Ok();
  };
  // The report's backlog: open cases per queue and opening day, and one case
  // of each queue to name it (kept); before schema 11 every open case of the
  // municipality, read and placed by queue_of.
  const auto backlog_counts = [&](Counting how) -> Status {
    if (how == Counting::kKept) {
      auto groups = (*store)->count_open_cases_by_day(kMunicipality);
      if (!groups.ok()) return groups.status();
      std::set<std::pair<std::string, std::string>> named;
      for (const auto& g : *groups) {
        if (!named.insert({g.queue_kind, g.queue_id}).second) continue;
        CaseFilter one;
        one.municipality = kMunicipality;
        one.status = CaseStatus::kOpen;
        one.queue = CaseQueue{g.queue_kind, g.queue_id};
        one.limit = 1;
        auto sample = (*store)->list_cases(one);
        if (!sample.ok()) return sample.status();
        if (sample->empty()) continue;
        if (auto q = engine.queue_of(sample->front()); !q.ok()) return q.status();
      }
      return Status::Ok();
    }
    CaseFilter open;
    open.municipality = kMunicipality;
    open.status = CaseStatus::kOpen;
    open.limit = 1000000;
    auto cases = (*store)->list_cases(open);
    if (!cases.ok()) return cases.status();
    for (const auto& c : *cases) {
      if (auto q = engine.queue_of(c); !q.ok()) return q.status();
    }
    return Status::Ok();
  };
  nlohmann::json counts = nlohmann::json::object();
  const auto time_counts = [&](const std::string& name, int n, auto&& call) -> Status {
    auto l = time_calls(n, call);
    if (!l.ok()) return l.status();
    counts[name] = l->to_json();
    return Status::Ok();
  };
  if (st.ok()) st = time_counts("metrics_counts_kept", a.samples, [&](int) { return metrics_counts(Counting::kKept); });
  if (st.ok()) {
    st = time_counts("channel_report_year_inquiry_counts_kept", a.samples,
                     [&](int) { return report_counts(Counting::kKept); });
  }
  const long long kept_year_inquiries = year_inquiries;
  if (st.ok()) {
    st = time_counts("channel_report_backlog_counts_kept", a.samples, [&](int) { return backlog_counts(Counting::kKept); });
  }
  // The report's deadline figures: kept (schema 13) and, as before it, counted from the rows.
  DeadlineCounts kept_deadlines, counted_deadlines;
  if (st.ok()) {
    st = time_counts("channel_report_year_deadline_counts_kept", a.samples, [&](int) -> Status {
      auto d = (*store)->count_deadlines(kMunicipality, year.from, year.to, Counting::kKept);
      if (d.ok()) kept_deadlines = *d;
      return d.status();
    });
  }
  // "Due this week" and "overdue" from the running deadline column (an index range).
  const Date today = model.clock ? model.clock->due : Date{};
  db::SqlStore::DueCounts due;
  if (st.ok()) {
    st = time_counts("due_this_week_and_overdue_counts", a.samples, [&](int) -> Status {
      auto d = (*store)->count_due(kMunicipality, today, 7);
      if (d.ok()) due = *d;
      return d.status();
    });
  }
  if (st.ok() && a.baseline_samples > 0) {
    st = time_counts("channel_report_year_deadline_counts_before_schema_13", a.baseline_samples, [&](int) -> Status {
      auto d = (*store)->count_deadlines(kMunicipality, year.from, year.to, Counting::kRecount);
      if (d.ok()) counted_deadlines = *d;
      return d.status();
    });
    if (st.ok() && (kept_deadlines.closed_in_time != counted_deadlines.closed_in_time ||
                    kept_deadlines.closed_after_breach != counted_deadlines.closed_after_breach ||
                    kept_deadlines.open_breached != counted_deadlines.open_breached)) {
      st = Internal(fmt::format("the year's deadline figures: {}/{}/{} kept, {}/{}/{} counted from the rows",
                                kept_deadlines.closed_in_time, kept_deadlines.closed_after_breach,
                                kept_deadlines.open_breached, counted_deadlines.closed_in_time,
                                counted_deadlines.closed_after_breach, counted_deadlines.open_breached));
    }
  }
  counts["due_counts"] = {{"today", format_date(today)}, {"overdue", due.overdue}, {"due_within_7_days", due.due_within}};
  counts["deadline_figures"] = {{"closed_in_time", kept_deadlines.closed_in_time},
                                {"closed_after_breach", kept_deadlines.closed_after_breach},
                                {"open_breached", kept_deadlines.open_breached}};
  if (st.ok() && a.baseline_samples > 0) {
    st = time_counts("metrics_counts_before_schema_11", a.baseline_samples,
                     [&](int) { return metrics_counts(Counting::kRecount); });
    if (st.ok()) {
      st = time_counts("channel_report_year_inquiry_counts_before_schema_11", a.baseline_samples,
                       [&](int) { return report_counts(Counting::kRecount); });
    }
    if (st.ok()) {
      st = time_counts("channel_report_backlog_counts_before_schema_11", a.baseline_samples,
                       [&](int) { return backlog_counts(Counting::kRecount); });
    }
    if (st.ok() && year_inquiries != kept_year_inquiries) {
      st = Internal(fmt::format("the year's inquiries: {} from the daily aggregates, {} counted from the rows",
                                kept_year_inquiries, year_inquiries));
    }
  }
  if (!st.ok()) return fail(ctx, st);
  const double unit_p99 = latencies["worklist_unit_first_page"]["p99_ms"].get<double>();
  nlohmann::json out{{"benchmark", "worklist"},
                     {"cases", a.cases},
                     {"open_cases", a.cases * 3 / 10},
                     {"queues", kUnits},
                     {"page", a.page},
                     {"build_seconds", build_seconds},
                     {"database_bytes", static_cast<long long>(fs::file_size(path, ec))},
                     {"latency", latencies},
                     {"cases_shown", shown},
                     {"before_schema_9_full_read_of_open_cases", baseline.is_null() ? nlohmann::json() : baseline},
                     {"inquiries", a.inquiries},
                     {"year_inquiries_counted", kept_year_inquiries},
                     {"counts", counts},
                     {"query_plan", worklist_plan(path)},
                     {"target_p99_ms", 10},
                     {"meets_target", unit_p99 <= 10.0}};
  store->reset();
  if (a.dir.empty()) fs::remove_all(dir, ec);
  print_json(out);
  return kExitOk;
}

}  // namespace

CLI::App* add_bench_worklist_command(CLI::App& bench, Context& ctx, int& exit_code) {
  static WorklistBenchArgs a;
  auto* w = bench.add_subcommand("worklist", "Worklist, list and case-page latencies on a database of N cases");
  w->add_option("--cases", a.cases, "Cases in the database (default 1000000)")->check(CLI::Range(1LL, 100000000LL));
  w->add_option("--samples", a.samples, "Timed calls per list (default 200)")->check(CLI::Range(1, 1000000));
  w->add_option("--page", a.page, "Cases a page (default 50)")->check(CLI::Range(1, 1000));
  w->add_option("--baseline-samples", a.baseline_samples,
                "Timed full reads of the open cases (as before schema 9) and of the counted rows (as before schema 11) (default 3; 0: none)")
      ->check(CLI::Range(0, 1000));
  w->add_option("--inquiries", a.inquiries, "Inquiries registered over 2026 (default 1000000)")
      ->check(CLI::Range(0LL, 100000000LL));
  w->add_option("--dir", a.dir, "Folder for the database file (default: a temporary one, removed)");
  w->callback([&] { exit_code = run_worklist_bench(ctx, a); });
  return w;
}

}  // namespace sagsflow::cli
