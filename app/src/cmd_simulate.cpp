// `sagsflow simulate PROFILE`: a year of inquiries and cases through the real engine.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli_context.hpp"
#include "sagsflow/app/reports.hpp"
#include "sagsflow/app/simulation.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::cli {
namespace {

struct SimulateArgs {
  std::string profile;
  double scale = 1.0;
  double phone_hours = 1.0;
  int days = 0;
  bool fast = true;
  bool quiet = false;
  bool progress_lines = false;  // "progress DAY DAYS INQUIRIES" lines on stderr, for a server job
};

struct Outcome {
  app::SimulationSummary summary;
  nlohmann::json report;
  std::uintmax_t database_bytes = 0;
};

// Runs the profile on the installation at `db_url` and reads its year's channel report.
Result<Outcome> simulate_into(const Context& ctx, const std::string& db_url, const std::string& municipality,
                              const app::SimulationProfile& profile, const SimulateArgs& a, double phone_hours) {
  Timestamp now = system_clock()();
  app::InstallationOptions options{db_url, ctx.plugin_dir, [&now] { return now; }};
  options.letters = false;  // a what-if writes to no citizen
  // Simulated data is throwaway: no fsync per transaction (a crash loses the run, nothing else).
  if (a.fast) options.sqlite_synchronous = "OFF";
  auto inst = app::open_installation(options);
  if (!inst.ok()) return inst.status();
  for (const auto& w : inst->plugin_warnings) std::cerr << "warning: " << w << "\n";
  app::SimulationOptions sim;
  sim.municipality = municipality;
  sim.scale = a.scale;
  sim.phone_hours = phone_hours;
  sim.days = a.days;
  int last_percent = -1;
  if (a.progress_lines) {
    sim.progress = [](int day, int days, long long inquiries) {
      std::cerr << "progress " << day << " " << days << " " << inquiries << std::endl;
    };
  } else if (!a.quiet && !ctx.json) {
    sim.progress = [&](int day, int days, long long inquiries) {
      const int percent = day * 100 / days;
      if (percent == last_percent && day != days) return;
      last_percent = percent;
      const int filled = percent * 30 / 100;
      std::cerr << fmt::format("\r[{}{}] {:3}%  day {}/{}  {} inquiries", std::string(filled, '#'),
                               std::string(30 - filled, ' '), percent, day, days, inquiries)
                << (day == days ? "\n" : "") << std::flush;
    };
  }
  auto summary = app::simulate(*inst, now, profile, sim);
  if (!summary.ok()) return summary.status();
  Outcome out;
  out.summary = *summary;
  // The year's report, read as the municipality's first staff member.
  const auto* m = inst->organisation->find(municipality);
  for (const auto& s : m->staff) {
    Actor reader{s.id, s.unit, "", {}};
    auto who = inst->organisation->identify(reader, municipality);
    if (!who.ok() || who->municipality != m) continue;
    reader.authority = who->authority;
    ReportRequest req;
    req.municipality = municipality;
    req.from = fmt::format("{}-01-01", profile.year);
    req.to = fmt::format("{}-01-01", profile.year + 1);
    now = std::chrono::sys_days(Date(std::chrono::year{profile.year} / std::chrono::December / 31));
    auto report = app::channel_report(*inst, reader, req);
    if (!report.ok()) return report.status();
    out.report = report_json(*report);
    break;
  }
  if (auto url = db::DatabaseUrl::parse(db_url); url.ok() && url->dialect == db::Dialect::kSqlite) {
    std::error_code ec;
    out.database_bytes = std::filesystem::file_size(url->connect, ec);
  }
  return out;
}

void print_outcome(const std::string& title, const Outcome& o) {
  const auto& s = o.summary;
  std::cout << fmt::format("{} in {:.1f} s\n", title, s.seconds);
  std::cout << fmt::format("  {} inquiries ({:.0f} a second){}\n", s.total_inquiries,
                           s.seconds > 0 ? double(s.total_inquiries) / s.seconds : 0.0,
                           s.gave_up > 0 ? fmt::format("; {} callers gave up", s.gave_up) : "");
  for (const auto& [c, n] : s.inquiries) std::cout << fmt::format("    {:<24} {}\n", channel_key(c), n);
  std::cout << fmt::format("  {} cases opened, {} steps taken, {} cases closed, {} deadline events\n", s.cases_opened,
                           s.steps_taken, s.cases_closed, s.deadline_events);
  for (const auto& [reason, n] : s.refusals) std::cout << fmt::format("  refused {} x: {}\n", n, reason);
  if (o.database_bytes > 0) std::cout << fmt::format("  database {:.1f} MB\n", double(o.database_bytes) / 1e6);
}

nlohmann::json key_figures(const Outcome& o) {
  const auto& r = o.report;
  return {{"inquiries", r.value("inquiries", 0LL)},
          {"digital_share", r["targets"]["digital_share"]["actual"]},
          {"self_service_rate", r.value("self_service_rate", 0.0)},
          {"cost_kr", r.value("cost_kr", 0.0)},
          {"deadlines_kept_share", r["deadlines"]["kept_share"]},
          {"deadlines_breached", r["deadlines"]["breached"]},
          {"gave_up", o.summary.gave_up}};
}

int run(const Context& ctx, const SimulateArgs& a) {
  Result<std::string> text = std::string();
  if (a.profile == "-") {  // from stdin (the server's simulation jobs)
    std::ostringstream in;
    in << std::cin.rdbuf();
    text = in.str();
  } else {
    text = read_text_file(a.profile);
  }
  if (!text.ok()) return fail(ctx, text.status());
  auto parsed = app::parse_simulation_profile(*text, a.profile);
  if (!parsed.ok()) {
    if (auto list = report_diagnostics(ctx, parsed.errors); ctx.json) print_json({{"errors", list}});
    return kExitError;
  }
  if (a.scale <= 0 || a.scale > 10) return fail(ctx, InvalidArgument("--scale must be above 0 and at most 10"));
  if (a.phone_hours <= 0 || a.phone_hours > 1) return fail(ctx, InvalidArgument("--phone-hours must be in (0, 1]"));
  std::string municipality;
  {
    auto store = ctx.open_store();
    if (!store.ok()) return fail(ctx, store.status());
    auto m = ctx.resolve_municipality(**store);
    if (!m.ok()) return fail(ctx, m.status());
    municipality = *m;
  }
  const auto& profile = *parsed.profile;
  if (a.phone_hours >= 1) {  // the year itself, into the installation's database (demo data, load test)
    auto outcome = simulate_into(ctx, ctx.db_url, municipality, profile, a, 1.0);
    if (!outcome.ok()) return fail(ctx, outcome.status());
    if (ctx.json) {
      auto j = outcome->summary.to_json();
      j["profile"] = profile.name;
      j["scale"] = a.scale;
      j["database_bytes"] = outcome->database_bytes;
      j["figures"] = key_figures(*outcome);
      print_json(j);
    } else {
      print_outcome(fmt::format("Simulated {} ({} x{}) for {}", profile.name, profile.year, a.scale, municipality),
                    *outcome);
      std::cout << "See the figures: sagsflow report channels --from " << profile.year << "-01-01 --to "
                << profile.year + 1 << "-01-01, or the reports page.\n";
    }
    return kExitOk;
  }
  // What-if: the year as it is and as it would be, each on its own copy of the
  // installation (the installation's own data is not touched), compared.
  auto url = db::DatabaseUrl::parse(ctx.db_url);
  if (!url.ok() || url->dialect != db::Dialect::kSqlite || url->connect == ":memory:") {
    return fail(ctx, InvalidArgument("a what-if runs on copies of an SQLite installation; use --db sqlite:FILE"));
  }
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("sagsflow-whatif-{}", ::getpid());
  fs::create_directories(dir);
  std::vector<Outcome> outcomes;
  for (const double hours : {1.0, a.phone_hours}) {
    const fs::path copy = dir / fmt::format("phone-hours-{}.db", hours);
    std::error_code ec;
    fs::copy_file(url->connect, copy, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail(ctx, InvalidArgument("cannot copy " + url->connect + ": " + ec.message()));
    SimulateArgs copy_args = a;
    Context copy_ctx = ctx;
    copy_ctx.plugin_dir = ctx.plugin_directory();  // the installation's plugins, not beside the copy
    auto outcome = simulate_into(copy_ctx, "sqlite:" + copy.string(), municipality, profile, copy_args, hours);
    if (!outcome.ok()) return fail(ctx, outcome.status());
    outcomes.push_back(std::move(*outcome));
  }
  fs::remove_all(dir);
  const auto base = key_figures(outcomes[0]), what_if = key_figures(outcomes[1]);
  if (ctx.json) {
    print_json({{"profile", profile.name}, {"scale", a.scale}, {"phone_hours", a.phone_hours},
                {"as_is", base}, {"what_if", what_if}});
    return kExitOk;
  }
  std::cout << fmt::format("What if phone opening hours were x{} ({} {}, x{}):\n", a.phone_hours, profile.name,
                           profile.year, a.scale);
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "", "as it is", "what if");
  const auto pct = [](const nlohmann::json& v) { return fmt::format("{:.1f} %", v.get<double>() * 100); };
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "inquiries", base["inquiries"].get<long long>(),
                           what_if["inquiries"].get<long long>());
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "callers who gave up", base["gave_up"].get<long long>(),
                           what_if["gave_up"].get<long long>());
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "digital share", pct(base["digital_share"]),
                           pct(what_if["digital_share"]));
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "self-service rate", pct(base["self_service_rate"]),
                           pct(what_if["self_service_rate"]));
  std::cout << fmt::format("{:<26} {:>16.0f} {:>16.0f}\n", "cost (kr)", base["cost_kr"].get<double>(),
                           what_if["cost_kr"].get<double>());
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "deadlines kept", pct(base["deadlines_kept_share"]),
                           pct(what_if["deadlines_kept_share"]));
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "deadlines breached", base["deadlines_breached"].get<long long>(),
                           what_if["deadlines_breached"].get<long long>());
  return kExitOk;
}

}  // namespace

void add_simulate_command(CLI::App& app, Context& ctx, int& exit_code) {
  static SimulateArgs a;
  auto* s = app.add_subcommand("simulate", "Simulate a year of inquiries and cases from a profile through the real "
                                           "engine and plugins (demo data, load test, what-if)");
  s->add_option("profile", a.profile, "Profile YAML (e.g. examples/profiles/koebenhavn-2012.yaml; - reads stdin)")->required();
  s->add_option("--scale", a.scale, "Multiply every volume (0.01 is a hundredth of the year's inquiries)")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 10.0));
  s->add_option("--phone-hours", a.phone_hours, "What if phone opening hours are cut to this share (0.5 halves them)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  s->add_option("--days", a.days, "Only the first N days of the year")->check(CLI::Range(1, 366));
  s->add_flag("!--durable", a.fast, "fsync every transaction as in production (slower; default off for simulated data)");
  s->add_flag("--quiet", a.quiet, "No progress bar");
  s->add_flag("--progress-lines", a.progress_lines, "Progress as lines 'progress DAY DAYS INQUIRIES' (for programs)");
  s->callback([&] { exit_code = run(ctx, a); });
}

}  // namespace sagsflow::cli
