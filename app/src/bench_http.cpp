// `sagsflow bench http`: the real request path, measured. A server in this
// process on 127.0.0.1 serves a fresh SQLite installation of the example
// municipality with the first-party plugins (in their child processes); N
// keep-alive connections of real HTTP with bearer tokens open passport cases
// and register them (two durable actions per case). First closed-loop (the
// peak), then open-loop at 70 % of the peak (latency counted from when each
// request was due, so a stall is not hidden). In the same run and folder, raw
// SQLite does the same kind of writes (one state update and one event insert
// per action) in 1-action and in 100-action transactions: the anchor the
// figures are read against. Prints one JSON object; asserts nothing.
//
// `sagsflow bench postgresql --db URL`: the same flows on PostgreSQL, in a
// schema of its own (dropped after), with one server node and then two in
// this process, next to raw update+insert transactions on 8 connections.
#include <CLI/CLI.hpp>
#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "cli_context.hpp"
#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/server/server.hpp"
#include "sagsflow/server/tokens.hpp"

namespace sagsflow::cli {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct HttpBenchArgs {
  int connections = 16;
  int seconds = 10;
  std::string dir;
  std::string municipality_file;
  std::string plugins;
};

// A file beside the running binary, in the build tree or the installed layout.
std::string find_beside_binary(const std::vector<std::string>& candidates) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (const auto& c : candidates) {
    const fs::path p = (exe.parent_path() / c).lexically_normal();
    if (fs::exists(p, ec)) return p.string();
  }
  return {};
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs this binary with `args`; its standard output, or the error.
Result<std::string> run_self(const std::string& db, const std::string& args) {
  std::error_code ec;
  const std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
  const std::string command = fmt::format("{} --db {} {} 2>/dev/null", quoted(exe), quoted(db), args);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return Internal("cannot run " + command);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0) return Internal(fmt::format("setting up the bench installation failed: sagsflow {}", args));
  return out;
}

struct Sample {
  std::vector<double> latencies_ms;
  long long actions = 0;
  long long failures = 0;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  // Nearest rank: the smallest value with at least p of the samples at or below it.
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  const size_t k = std::min(v.size() - 1, rank > 0 ? rank - 1 : 0);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// One connection's work: open a case, register it, repeat. With `interval`
// > 0, each request is sent when due (open loop) and its latency counts from then.
void drive(unsigned port, const std::string& token, Clock::time_point until, std::chrono::nanoseconds interval,
           Clock::time_point first_due, Sample& out) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setKeepAlive(true);
  session.setTimeout(Poco::Timespan(10, 0));
  Clock::time_point due = first_due;
  long long case_id = 0;
  const auto call = [&](const std::string& path, const std::string& body, int want) -> std::string {
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    req.setKeepAlive(true);
    try {
      session.sendRequest(req) << body;
      Poco::Net::HTTPResponse res;
      std::istream& in = session.receiveResponse(res);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (static_cast<int>(res.getStatus()) != want) return {};
      return text.empty() ? std::string("{}") : text;
    } catch (const std::exception&) {
      session.reset();
      return {};
    }
  };
  while (Clock::now() < until) {
    Clock::time_point start = Clock::now();
    if (interval.count() > 0) {
      if (due >= until) break;  // the phase is over before this request is due
      std::this_thread::sleep_until(due);
      start = due;
      due += interval;
    }
    std::string answer;
    if (case_id == 0) {
      answer = call("/api/v1/cases", R"({"workflow":"passport","citizen_cpr":"010490-9989","title":"Pas"})", 201);
      if (!answer.empty()) case_id = json::parse(answer, nullptr, false).value("id", 0LL);
    } else {
      answer = call(fmt::format("/api/v1/cases/{}/actions/register", case_id), "{}", 200);
      case_id = 0;
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (answer.empty()) {
      ++out.failures;
      case_id = 0;
    } else {
      ++out.actions;
      out.latencies_ms.push_back(ms);
    }
  }
}

struct Phase {
  double seconds = 0;
  long long actions = 0;
  long long failures = 0;
  double p50 = 0, p99 = 0, max = 0;
  json to_json(double offered) const {
    json j = {{"seconds", seconds},
              {"durable_actions", actions},
              {"failed_requests", failures},
              {"durable_actions_per_second", seconds > 0 ? static_cast<double>(actions) / seconds : 0},
              {"p50_ms", p50},
              {"p99_ms", p99},
              {"max_ms", max}};
    if (offered > 0) j["offered_per_second"] = offered;
    return j;
  }
};

// Connection i goes to ports[i % ports.size()] (several nodes behind a round-robin balancer).
Phase run_phase(const std::vector<unsigned>& ports, const std::vector<std::string>& tokens, int connections,
                int seconds, double rate) {
  std::vector<Sample> samples(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  const auto until = start + std::chrono::seconds(seconds);
  const auto interval = rate > 0 ? std::chrono::nanoseconds(static_cast<long long>(1e9 * connections / rate))
                                 : std::chrono::nanoseconds(0);
  for (int i = 0; i < connections; ++i) {
    const auto first = start + interval * i / std::max(1, connections);  // spread the connections' sends
    const unsigned port = ports[static_cast<size_t>(i) % ports.size()];
    threads.emplace_back(drive, port, std::cref(tokens[static_cast<size_t>(i) % tokens.size()]), until, interval,
                         first, std::ref(samples[static_cast<size_t>(i)]));
  }
  for (auto& t : threads) t.join();
  Phase p;
  p.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& s : samples) {
    p.actions += s.actions;
    p.failures += s.failures;
    all.insert(all.end(), s.latencies_ms.begin(), s.latencies_ms.end());
  }
  if (!all.empty()) {
    p.max = *std::max_element(all.begin(), all.end());
    p.p50 = percentile(all, 0.50);
    p.p99 = percentile(all, 0.99);
  }
  return p;
}

// Raw SQLite, WAL, synchronous=FULL: `batch` actions (a state update and an
// event insert each) per transaction, for `seconds`; actions per second.
Result<double> raw_sqlite(const std::string& path, int batch, double seconds) {
  std::error_code ec;
  for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ec);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return StorageError("raw: cannot open " + path);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(db, &sqlite3_close);
  const auto exec = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; };
  if (!exec("PRAGMA journal_mode=WAL") || !exec("PRAGMA synchronous=FULL") ||
      !exec("CREATE TABLE cases (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL)") ||
      !exec("CREATE TABLE case_events (case_id INTEGER NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, "
            "action TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, seq))")) {
    return StorageError(std::string("raw: ") + sqlite3_errmsg(db));
  }
  const std::string state(1200, 's');  // about a case state's size
  constexpr int kCases = 1000;
  exec("BEGIN");
  for (int i = 1; i <= kCases; ++i) {
    exec(fmt::format("INSERT INTO cases VALUES ({}, 0, '{}')", i, state).c_str());
  }
  exec("COMMIT");
  sqlite3_stmt* update = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "UPDATE cases SET version = ?, state = ? WHERE id = ? AND version = ?", -1, &update, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO case_events VALUES (?, ?, '2026-12-01T10:00:00Z', 'register', ?)", -1, &insert,
                     nullptr);
  if (update == nullptr || insert == nullptr) return StorageError(std::string("raw: ") + sqlite3_errmsg(db));
  std::vector<long long> versions(kCases + 1, 0);
  const std::string data = R"({"note":"bench","fields":{}})";
  long long done = 0;
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) {
    if (!exec("BEGIN IMMEDIATE")) return StorageError("raw: BEGIN failed");
    for (int k = 0; k < batch; ++k, ++done) {
      const int id = static_cast<int>(done % kCases) + 1;
      sqlite3_bind_int64(update, 1, versions[id] + 1);
      sqlite3_bind_text(update, 2, state.data(), static_cast<int>(state.size()), SQLITE_STATIC);
      sqlite3_bind_int64(update, 3, id);
      sqlite3_bind_int64(update, 4, versions[id]);
      if (sqlite3_step(update) != SQLITE_DONE) return StorageError("raw: update failed");
      sqlite3_reset(update);
      ++versions[id];
      sqlite3_bind_int64(insert, 1, id);
      sqlite3_bind_int64(insert, 2, versions[id]);
      sqlite3_bind_text(insert, 3, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) return StorageError("raw: insert failed");
      sqlite3_reset(insert);
    }
    if (!exec("COMMIT")) return StorageError("raw: COMMIT failed");
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  sqlite3_finalize(update);
  sqlite3_finalize(insert);
  return static_cast<double>(done) / secs;
}

long long resident_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

// The bench installation in `db`: the example municipality, the plugins in
// `a.plugins` (default: the first-party ones), a private signing key in `dir`
// and front-desk tokens that outlive the phases.
struct Prepared {
  std::vector<std::string> tokens;
  fs::path key_file;
  int installed = 0;
};

Result<Prepared> prepare_installation(const HttpBenchArgs& a, const std::string& db, const fs::path& dir) {
  const std::string municipality_file =
      !a.municipality_file.empty()
          ? a.municipality_file
          : find_beside_binary({"../../examples/municipalities/eksempel-kommune.yaml",
                                "../share/sagsflow/examples/municipalities/eksempel-kommune.yaml"});
  const std::string plugins = !a.plugins.empty() ? a.plugins : find_beside_binary({"../plugins", "../lib/sagsflow/plugins"});
  if (municipality_file.empty()) {
    return NotFound("no example municipality file found beside this binary: give --municipality-file");
  }
  std::error_code ec;
  ::setenv("SAGSFLOW_PLUGIN_DIR", (dir / "plugins").c_str(), 1);
  Prepared out;
  // A signing key as `serve` wants it: 48 random bytes in base64, mode 0600.
  out.key_file = dir / "signing.key";
  {
    std::random_device random;
    std::string bytes;
    for (int i = 0; i < 48; ++i) bytes.push_back(static_cast<char>(random() & 0xFF));
    std::ostringstream b64;
    Poco::Base64Encoder encoder(b64);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    fs::remove(out.key_file, ec);
    std::ofstream(out.key_file) << b64.str();
    fs::permissions(out.key_file, fs::perms::owner_read | fs::perms::owner_write, ec);
  }
  // Set up as the file's first admin: init and plugins need the role admin.
  std::string admin;
  if (auto parsed = load_municipality_file(municipality_file); parsed.ok()) {
    for (const auto& person : parsed.config->staff) {
      if (admin.empty() && std::find(person.roles.begin(), person.roles.end(), kAdminRole) != person.roles.end()) {
        admin = person.id;
      }
    }
  }
  if (admin.empty()) {
    return InvalidArgument(fmt::format("{} gives no one on its staff list the role '{}'; the benchmark sets the "
                                       "installation up as one", municipality_file, kAdminRole));
  }
  const std::string as_admin = "--actor " + admin + " ";  // a staff id: letters, digits, - and _
  if (auto r = run_self(db, as_admin + "init --municipality-file " + quoted(municipality_file)); !r.ok()) {
    return r.status();
  }
  if (!plugins.empty()) {
    for (const auto& entry : fs::directory_iterator(plugins, ec)) {
      if (entry.path().extension() != ".so") continue;
      if (auto r = run_self(db, as_admin + "plugins install " + quoted(entry.path().string())); !r.ok()) {
        return r.status();
      }
      ++out.installed;
    }
  }
  for (int i = 0; i < 4; ++i) {  // a few front-desk tokens (each person's rate limit is the server's business)
    // Long enough for the warm-up and every phase, whatever --seconds says.
    const int hours = 1 + (4 * a.seconds + 60) / 3600 + 1;
    auto token = run_self(db, fmt::format("token issue --person frida --hours {} --signing-key {}", hours,
                                          quoted(out.key_file.string())));
    if (!token.ok()) return token.status();
    std::string t = *token;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    out.tokens.push_back(t);
  }
  return out;
}

// A bench folder: `a.dir`, or a private temporary one.
fs::path bench_dir(const HttpBenchArgs& a, const std::string& name) {
  const fs::path dir = a.dir.empty() ? fs::temp_directory_path() / fmt::format("sagsflow-bench-{}-{}", name, ::getpid())
                                     : fs::path(a.dir);
  std::error_code ec;
  fs::create_directories(dir / "plugins", ec);
  if (a.dir.empty()) fs::permissions(dir, fs::perms::owner_all, ec);  // a folder of our own: private
  return dir;
}

server::ServerConfig bench_server_config(const std::string& db, const fs::path& key_file) {
  server::ServerConfig config;
  config.db_url = db;
  config.port = 0;
  config.threads = 16;
  config.requests_per_minute = 100000000;
  config.signing_key_file = key_file.string();
  return config;
}

int run_http(const Context& ctx, const HttpBenchArgs& a) {
  const fs::path dir = bench_dir(a, "http");
  std::error_code ec;
  const std::string db = "sqlite:" + (dir / "bench.db").string();
  for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove((dir / "bench.db").string() + suffix, ec);
  auto prepared = prepare_installation(a, db, dir);
  if (!prepared.ok()) return fail(ctx, prepared.status());
  const std::vector<std::string>& tokens = prepared->tokens;
  const fs::path& key_file = prepared->key_file;
  const int installed = prepared->installed;
  auto key = server::load_signing_key(key_file.string());
  if (!key.ok()) return fail(ctx, key.status());
  const server::ServerConfig config = bench_server_config(db, key_file);
  const long long rss_before = resident_kb();
  auto server = server::Server::start(config, *key);
  if (!server.ok()) return fail(ctx, server.status());
  const std::vector<unsigned> port{(*server)->port()};

  (void)run_phase(port, tokens, a.connections, 1, 0);  // warm up: plugins, caches, the disk
  const Phase peak = run_phase(port, tokens, a.connections, a.seconds, 0);
  const double peak_rate = peak.seconds > 0 ? static_cast<double>(peak.actions) / peak.seconds : 0;
  if (peak.actions == 0) {
    (*server)->stop();
    return fail(ctx, Internal(fmt::format("no request succeeded at the peak ({} failed); the server's log says why",
                                          peak.failures)));
  }
  const Phase at70 = run_phase(port, tokens, a.connections, a.seconds, 0.7 * peak_rate);
  const long long rss_after = resident_kb();
  (*server)->stop();
  server->reset();

  auto raw_one = raw_sqlite((dir / "raw.db").string(), 1, std::max(1, a.seconds / 2));
  if (!raw_one.ok()) return fail(ctx, raw_one.status());
  auto raw_hundred = raw_sqlite((dir / "raw.db").string(), 100, std::max(1, a.seconds / 2));
  if (!raw_hundred.ok()) return fail(ctx, raw_hundred.status());
  if (a.dir.empty()) fs::remove_all(dir, ec);

  print_json({{"benchmark", "http: open and register passport cases over real HTTP, SQLite (WAL, synchronous=FULL)"},
              {"connections", a.connections},
              {"plugins_installed", installed},
              {"peak", peak.to_json(0)},
              {"at_70_percent_of_peak", at70.to_json(0.7 * peak_rate)},
              {"raw_sqlite",
               {{"actions_per_second_1_per_transaction", *raw_one},
                {"actions_per_second_100_per_transaction", *raw_hundred}}},
              {"ratio_peak_to_raw_1_per_transaction", *raw_one > 0 ? peak_rate / *raw_one : 0},
              {"ratio_peak_to_raw_100_per_transaction", *raw_hundred > 0 ? peak_rate / *raw_hundred : 0},
              {"process_rss_mb", {{"before_server", rss_before / 1024.0}, {"after_load", rss_after / 1024.0}}},
              {"targets",
               {{"durable_actions_per_second", 10000}, {"p99_ms_at_70_percent", 3}, {"server_rss_mb", 150}}},
              {"meets_targets", peak_rate >= 10000 && at70.p99 <= 3.0 && rss_after / 1024.0 <= 150}});
  return kExitOk;
}

// The same URL with `schema` first on the search path: every connection of
// the bench (this process's, the CLI's it runs) works in a schema of its own.
std::string in_schema(const std::string& url, const std::string& schema) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
  }
  return url + " options='-csearch_path=" + schema + "'";
}

// The anchor: `connections` threads of one state update and one event insert
// per transaction (pgbench's update+insert shape), prepared once, for `seconds`.
Result<double> raw_postgresql(const std::string& url, int connections, double seconds) {
  try {
    soci::session setup(*soci::factory_postgresql(), url);
    setup << "CREATE TABLE raw_cases (id BIGINT PRIMARY KEY, version BIGINT NOT NULL, state TEXT NOT NULL)";
    setup << "CREATE TABLE raw_events (case_id BIGINT NOT NULL, seq BIGINT NOT NULL, at TEXT NOT NULL, "
             "action TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, seq))";
    setup << "INSERT INTO raw_cases SELECT g, 0, repeat('s', 1200) FROM generate_series(1, 1000) g";
  } catch (const std::exception& e) {
    return StorageError(std::string("raw: ") + e.what());
  }
  std::atomic<long long> done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      try {
        soci::session sql(*soci::factory_postgresql(), url);
        long long id = 0, seq = 0;
        const std::string state(1200, 's'), data = R"({"note":"bench","fields":{}})";
        soci::statement update = (sql.prepare << "UPDATE raw_cases SET version = version + 1, state = :s WHERE id = :id "
                                                 "RETURNING version",
                                  soci::use(state), soci::use(id), soci::into(seq));
        soci::statement insert = (sql.prepare << "INSERT INTO raw_events VALUES (:c, :q, '2026-12-01T10:00:00Z', "
                                                 "'register', :d)",
                                  soci::use(id), soci::use(seq), soci::use(data));
        // Each thread its own cases: no waiting on another's row locks, as in pgbench's own accounts.
        for (long long n = 0; Clock::now() < until; ++n) {
          id = 1 + (t + n * connections) % 1000;
          sql.begin();
          update.execute(true);
          insert.execute(true);
          sql.commit();
          ++done;
        }
      } catch (const std::exception&) {
        failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  if (failed) return StorageError("raw: a connection failed");
  return static_cast<double>(done.load()) / std::chrono::duration<double>(Clock::now() - start).count();
}

int run_postgresql(const Context& ctx, const HttpBenchArgs& a, const std::string& url) {
  auto parsed = db::DatabaseUrl::parse(url);
  if (!parsed.ok()) return fail(ctx, parsed.status());
  if (parsed->dialect != db::Dialect::kPostgresql) {
    return fail(ctx, InvalidArgument("bench postgresql needs a PostgreSQL --db (it works in a schema of its own)"));
  }
  const std::string schema = fmt::format("sagsflow_bench_{}", ::getpid());
  try {
    soci::session admin(*soci::factory_postgresql(), parsed->connect);
    admin << "CREATE SCHEMA " + schema;
  } catch (const std::exception& e) {
    return fail(ctx, StorageError(fmt::format("cannot create the bench schema in {}: {}", parsed->display, e.what())));
  }
  const auto drop_schema = [&] {
    try {
      soci::session admin(*soci::factory_postgresql(), parsed->connect);
      admin << "SET client_min_messages TO WARNING";  // not a NOTICE per dropped object
      admin << "DROP SCHEMA " + schema + " CASCADE";
    } catch (const std::exception&) {  // the database is gone: nothing to clean
    }
  };
  const std::string db = in_schema(parsed->connect, schema);
  const fs::path dir = bench_dir(a, "postgresql");
  std::error_code ec;
  json out;
  int code = kExitOk;
  [&] {
    if (auto r = run_self(db, "db migrate"); !r.ok()) {
      code = fail(ctx, r.status());
      return;
    }
    auto prepared = prepare_installation(a, db, dir);
    if (!prepared.ok()) {
      code = fail(ctx, prepared.status());
      return;
    }
    auto key = server::load_signing_key(prepared->key_file.string());
    if (!key.ok()) {
      code = fail(ctx, key.status());
      return;
    }
    const server::ServerConfig config = bench_server_config(db, prepared->key_file);
    auto first = server::Server::start(config, *key);
    if (!first.ok()) {
      code = fail(ctx, first.status());
      return;
    }
    const std::vector<unsigned> one{(*first)->port()};
    (void)run_phase(one, prepared->tokens, a.connections, 1, 0);  // warm up
    const Phase single = run_phase(one, prepared->tokens, a.connections, a.seconds, 0);
    auto second = server::Server::start(config, *key);
    if (!second.ok()) {
      code = fail(ctx, second.status());
      return;
    }
    const std::vector<unsigned> two{(*first)->port(), (*second)->port()};
    (void)run_phase(two, prepared->tokens, a.connections, 1, 0);
    const Phase both = run_phase(two, prepared->tokens, a.connections, a.seconds, 0);
    const long long rss = resident_kb();
    (*second)->stop();
    (*first)->stop();
    auto raw = raw_postgresql(db, 8, std::max(1, a.seconds / 2));
    if (!raw.ok()) {
      code = fail(ctx, raw.status());
      return;
    }
    const double one_rate = single.seconds > 0 ? static_cast<double>(single.actions) / single.seconds : 0;
    const double two_rate = both.seconds > 0 ? static_cast<double>(both.actions) / both.seconds : 0;
    out = {{"benchmark", "postgresql: open and register passport cases over real HTTP, 1 and 2 server nodes in "
                         "this process on one database"},
           {"database", parsed->display},
           {"connections", a.connections},
           {"plugins_installed", prepared->installed},
           {"one_node", single.to_json(0)},
           {"two_nodes", both.to_json(0)},
           {"raw_postgresql_8_connections_update_insert_per_second", *raw},
           {"ratio_one_node_to_raw", *raw > 0 ? one_rate / *raw : 0},
           {"ratio_two_nodes_to_one", one_rate > 0 ? two_rate / one_rate : 0},
           {"process_rss_mb", rss / 1024.0},
           {"targets", {{"ratio_one_node_to_raw", 0.7}, {"ratio_two_nodes_to_one", 1.6}}},
           {"meets_targets", *raw > 0 && one_rate / *raw >= 0.7 && one_rate > 0 && two_rate / one_rate >= 1.6}};
  }();
  drop_schema();
  if (a.dir.empty()) fs::remove_all(dir, ec);
  if (code != kExitOk) return code;
  print_json(out);
  return kExitOk;
}

}  // namespace

CLI::App* add_bench_http_command(CLI::App& bench, Context& ctx, int& exit_code) {
  static HttpBenchArgs a;
  auto* h = bench.add_subcommand("http", "The real request path: N connections of HTTP against an in-process server "
                                         "(example municipality, first-party plugins), next to raw SQLite");
  h->add_option("--connections,-c", a.connections, "Keep-alive connections (default 16)")->check(CLI::Range(1, 512));
  h->add_option("--seconds", a.seconds, "Seconds per phase (default 10)")->check(CLI::Range(1, 3600));
  h->add_option("--dir", a.dir, "Folder for the databases (default: a temporary one, removed after)");
  h->add_option("--municipality-file", a.municipality_file,
                "The municipality to serve (default: the example beside this binary)");
  h->add_option("--plugins", a.plugins, "Folder of plugin libraries to install (default: the first-party ones)");
  h->callback([&] { exit_code = run_http(ctx, a); });
  static HttpBenchArgs pa;
  auto* p = bench.add_subcommand("postgresql", "The http scenario on PostgreSQL (--db): 1 and 2 server nodes in this "
                                               "process, next to raw update+insert transactions on 8 connections");
  p->add_option("--connections,-c", pa.connections, "Keep-alive connections (default 16)")->check(CLI::Range(1, 512));
  p->add_option("--seconds", pa.seconds, "Seconds per phase (default 10)")->check(CLI::Range(1, 3600));
  p->add_option("--municipality-file", pa.municipality_file,
                "The municipality to serve (default: the example beside this binary)");
  p->add_option("--plugins", pa.plugins, "Folder of plugin libraries to install (default: the first-party ones)");
  p->callback([&] { exit_code = run_postgresql(ctx, pa, ctx.db_url); });
  return h;
}

}  // namespace sagsflow::cli
