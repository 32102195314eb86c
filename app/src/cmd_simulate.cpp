// `sagsflow simulate PROFILE`: a year of inquiries and cases through the real engine.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_context.hpp"
#include "sagsflow/app/reports.hpp"
#include "sagsflow/app/simulation.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::cli {
namespace {

struct SimulateArgs {
  std::string profile;
  double scale = 1.0;
  double phone_hours = 1.0;
  std::string phone_close;  // "HH:MM": what-if, the phone closes then
  int phone_close_minute = -1;
  bool compare = false;      // what-if: the profile's what_if.opening_hours
  bool queues_only = false;  // only the queue model, at the profile's volumes, no database
  std::string municipality_file;  // --queues-only: the municipality file for `opening_hours: municipality` and appointments
  std::string what_if_municipality;  // what-if: this municipality file's published hours and appointment slots
  const MunicipalityConfig* municipality_config = nullptr;  // loaded from municipality_file
  const MunicipalityConfig* what_if_config = nullptr;        // loaded from what_if_municipality
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
                              const app::SimulationProfile& profile, const SimulateArgs& a, bool what_if) {
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
  sim.phone_hours = what_if ? a.phone_hours : 1.0;
  sim.phone_close = what_if ? a.phone_close_minute : -1;
  sim.what_if_hours = what_if && a.compare;
  sim.what_if_municipality = what_if ? a.what_if_config : nullptr;
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

std::string thousands(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// Each queued channel's year: offered, answered, abandoned, displaced and where they went, waiting.
void print_queues(const std::map<Channel, app::QueueFigures>& queues) {
  for (const auto& [c, f] : queues) {
    std::string went;
    for (const auto& [to, n] : f.displaced_to) {
      went += fmt::format("{} {}, ", to == c ? "called again" : channel_key(to), thousands(n));
    }
    std::cout << fmt::format("    {:<24} {} offered, {} answered, {} gave up waiting; {} outside the hours ({}{} gave up)\n",
                             channel_key(c), thousands(f.offered), thousands(f.answered), thousands(f.abandoned),
                             thousands(f.displaced), went, thousands(f.displaced_gave_up));
    std::cout << fmt::format("    {:<24} waiting {:.1f} min on average, 90 % within {:.1f} min{}\n", "", f.mean_wait(),
                             f.p90_wait(),
                             f.service_goal_minutes > 0
                                 ? fmt::format("; {:.1f} % answered within {:g} min", f.within_goal_share() * 100,
                                               f.service_goal_minutes)
                                 : "");
    if (f.booked > 0 || f.booked_overflow > 0) {
      std::cout << fmt::format("    {:<24} {} served at a booked time; {} wanted a time and found no free seat that day\n",
                               "", thousands(f.booked), thousands(f.booked_overflow));
    }
  }
}

void print_outcome(const std::string& title, const Outcome& o) {
  const auto& s = o.summary;
  std::cout << fmt::format("{} in {:.1f} s\n", title, s.seconds);
  std::cout << fmt::format("  {} inquiries ({:.0f} a second){}\n", s.total_inquiries,
                           s.seconds > 0 ? double(s.total_inquiries) / s.seconds : 0.0,
                           s.gave_up > 0 ? fmt::format("; {} gave up outside the opening hours", s.gave_up) : "");
  for (const auto& [c, n] : s.inquiries) std::cout << fmt::format("    {:<24} {}\n", channel_key(c), n);
  std::cout << fmt::format("  {} cases opened, {} steps taken, {} cases closed, {} deadline events\n", s.cases_opened,
                           s.steps_taken, s.cases_closed, s.deadline_events);
  if (!s.queues.empty()) {
    std::cout << fmt::format("  queues at the profile's volumes: {} contacts in {:.2f} s\n", thousands(s.queue_contacts),
                             s.queue_seconds);
    print_queues(s.queues);
  }
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
          {"gave_up", o.summary.gave_up},
          {"queues", app::queues_json(o.summary.queues)}};
}

// What-if minus as-is, per queued channel.
nlohmann::json queue_change(const nlohmann::json& as_is, const nlohmann::json& what_if) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [c, w] : what_if.items()) {
    if (!as_is.contains(c)) continue;
    const auto& b = as_is[c];
    auto& d = out[c];
    for (const char* k : {"offered", "answered", "abandoned", "displaced", "displaced_gave_up"}) {
      d[k] = w[k].get<long long>() - b[k].get<long long>();
    }
    for (const char* k : {"booked", "booked_overflow"}) {
      if (w.contains(k) || b.contains(k)) d[k] = w.value(k, 0LL) - b.value(k, 0LL);
    }
    for (const char* k : {"mean_wait_minutes", "p90_wait_minutes", "within_goal_share"}) {
      if (w.contains(k) && b.contains(k)) d[k] = w[k].get<double>() - b[k].get<double>();
    }
  }
  return out;
}

// The queue rows of a comparison: as it is, what if, change.
void print_queue_comparison(const nlohmann::json& as_is, const nlohmann::json& what_if) {
  for (const auto& [c, w] : what_if.items()) {
    if (!as_is.contains(c)) continue;
    const auto& b = as_is[c];
    std::cout << fmt::format("{}:\n", c);
    for (const auto& [k, label] : std::vector<std::pair<std::string, std::string>>{
             {"offered", "offered"}, {"answered", "answered"}, {"abandoned", "gave up waiting"},
             {"displaced", "outside the hours"}, {"displaced_gave_up", "of them gave up"},
             {"booked", "served at a booked time"}, {"booked_overflow", "no free time that day"}}) {
      if (!b.contains(k) && !w.contains(k)) continue;
      const long long x = b.value(k, 0LL), y = w.value(k, 0LL);
      std::cout << fmt::format("  {:<24} {:>16} {:>16} {:>16}\n", label, thousands(x), thousands(y),
                               (y >= x ? "+" : "") + thousands(y - x));
    }
    for (const auto& [k, label] : std::vector<std::pair<std::string, std::string>>{
             {"mean_wait_minutes", "waiting, mean (min)"}, {"p90_wait_minutes", "waiting, 90 % (min)"}}) {
      const double x = b[k].get<double>(), y = w[k].get<double>();
      std::cout << fmt::format("  {:<24} {:>16.2f} {:>16.2f} {:>+16.2f}\n", label, x, y, y - x);
    }
    if (w.contains("within_goal_share") && b.contains("within_goal_share")) {
      const double x = b["within_goal_share"].get<double>() * 100, y = w["within_goal_share"].get<double>() * 100;
      std::cout << fmt::format("  {:<24} {:>14.1f} % {:>14.1f} % {:>+14.1f} pp\n",
                               fmt::format("within {:g} min", w["service_goal_minutes"].get<double>()), x, y, y - x);
    }
  }
}

// The what-if's description: "phone closes at 18:00", ...
std::string what_if_title(const SimulateArgs& a) {
  std::vector<std::string> parts;
  if (a.compare) parts.push_back("the profile's what_if.opening_hours");
  if (a.phone_close_minute >= 0) parts.push_back("phone closes at " + a.phone_close);
  if (a.phone_hours < 1) parts.push_back(fmt::format("phone hours x{}", a.phone_hours));
  if (!a.what_if_municipality.empty()) parts.push_back("the hours and appointments of " + a.what_if_municipality);
  return fmt::format("{}", fmt::join(parts, ", "));
}

// --queues-only: the queue model alone over the year (or --days), no database.
struct QueueRun {
  std::map<Channel, app::QueueFigures> totals;
  std::map<Channel, nlohmann::json> days;
  long long contacts = 0;
  double seconds = 0;
};
Result<QueueRun> run_queues(const app::SimulationProfile& profile, const SimulateArgs& a, bool what_if) {
  const auto started = std::chrono::steady_clock::now();
  app::ScenarioSource source;
  source.municipality = a.municipality_config;
  auto as_is = app::scenario_hours(profile, source);
  if (!as_is.ok()) return as_is.status();
  if (what_if) {
    source.what_if_municipality = a.what_if_config;
    source.what_if_hours = a.compare;
    source.phone_close = a.phone_close_minute;
    source.phone_factor = a.phone_hours;
  }
  auto scenario = app::scenario_hours(profile, source);
  if (!scenario.ok()) return scenario.status();
  app::ContactQueues queues(profile, std::move(*as_is), std::move(*scenario),
                            a.municipality_config ? DanishCalendar(a.municipality_config->calendar) : DanishCalendar{});
  const Date first = Date(std::chrono::year{profile.year} / std::chrono::January / 1);
  const Date last = Date(std::chrono::year{profile.year + 1} / std::chrono::January / 1);
  const int days = a.days > 0 ? a.days : static_cast<int>((last - first).count());
  for (int d = 0; d < days; ++d) queues.run_day(first + std::chrono::days(d));
  QueueRun out{queues.totals(), queues.days(), queues.contacts(), 0};
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

int run_queues_only(const Context& ctx, const app::SimulationProfile& profile, const SimulateArgs& a, bool what_if) {
  const auto as_is_run = run_queues(profile, a, false);
  if (!as_is_run.ok()) return fail(ctx, as_is_run.status());
  const QueueRun& base = *as_is_run;
  if (!what_if) {
    if (ctx.json) {
      print_json({{"profile", profile.name}, {"queues", app::queues_json(base.totals, base.days)},
                  {"queue_contacts", base.contacts}, {"queue_seconds", base.seconds}});
      return kExitOk;
    }
    std::cout << fmt::format("Queues of {} ({}), the profile's opening hours: {} contacts in {:.2f} s\n", profile.name,
                             profile.year, thousands(base.contacts), base.seconds);
    print_queues(base.totals);
    return kExitOk;
  }
  const auto what_if_run = run_queues(profile, a, true);
  if (!what_if_run.ok()) return fail(ctx, what_if_run.status());
  const QueueRun& alt = *what_if_run;
  const auto as_is = app::queues_json(base.totals), changed = app::queues_json(alt.totals);
  if (ctx.json) {
    print_json({{"profile", profile.name}, {"what_if", what_if_title(a)},
                {"as_is", {{"queues", app::queues_json(base.totals, base.days)}, {"queue_contacts", base.contacts},
                           {"queue_seconds", base.seconds}}},
                {"what_if_figures", {{"queues", app::queues_json(alt.totals, alt.days)}, {"queue_contacts", alt.contacts},
                                     {"queue_seconds", alt.seconds}}},
                {"change", queue_change(as_is, changed)}});
    return kExitOk;
  }
  std::cout << fmt::format("What if {} ({} {}; queues only, {} + {} contacts in {:.2f} s):\n", what_if_title(a),
                           profile.name, profile.year, thousands(base.contacts), thousands(alt.contacts),
                           base.seconds + alt.seconds);
  std::cout << fmt::format("  {:<24} {:>16} {:>16} {:>16}\n", "", "as it is", "what if", "change");
  print_queue_comparison(as_is, changed);
  return kExitOk;
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
  const auto& profile = *parsed.profile;
  SimulateArgs args = a;
  if (!a.phone_close.empty()) {
    const auto close = app::parse_clock_time(a.phone_close);
    if (!close || *close == 0) {
      return fail(ctx, InvalidArgument("--phone-close must be a time HH:MM from 00:01 to 24:00, not '" + a.phone_close + "'"));
    }
    if (!profile.queues.contains(Channel::kPhone)) {
      return fail(ctx, InvalidArgument("--phone-close needs the phone's opening_hours in the profile " + a.profile));
    }
    args.phone_close_minute = *close;
  }
  if (a.compare && profile.what_if_opening_hours.empty() && a.phone_close.empty() && a.phone_hours >= 1 &&
      a.what_if_municipality.empty()) {
    return fail(ctx, InvalidArgument("--compare has nothing to compare: the profile " + a.profile +
                                     " has no what_if.opening_hours, and neither --phone-close, --phone-hours nor "
                                     "--what-if-municipality is given"));
  }
  // Municipality files: the as-is one (--queues-only; a full run uses the
  // installation's) and a what-if's; each validated with file and line.
  std::optional<MunicipalityConfig> as_is_file, what_if_file;
  const auto load = [&](const std::string& path, std::optional<MunicipalityConfig>& into) -> bool {
    auto loaded = load_municipality_file(path);
    if (!loaded.ok()) {
      if (auto list = report_diagnostics(ctx, loaded.errors); ctx.json) print_json({{"errors", list}});
      return false;
    }
    into = std::move(*loaded.config);
    return true;
  };
  if (!a.municipality_file.empty()) {
    if (!a.queues_only) {
      return fail(ctx, InvalidArgument("--municipality-file is for --queues-only; a full simulation uses the "
                                       "installation's municipality"));
    }
    if (!load(a.municipality_file, as_is_file)) return kExitError;
    args.municipality_config = &*as_is_file;
  }
  if (!a.what_if_municipality.empty()) {
    if (!load(a.what_if_municipality, what_if_file)) return kExitError;
    args.what_if_config = &*what_if_file;
    if (profile.queues.empty()) {
      return fail(ctx, InvalidArgument("--what-if-municipality needs opening_hours in the profile " + a.profile));
    }
  }
  const bool changed_hours = args.phone_hours < 1 || args.phone_close_minute >= 0 || args.compare ||
                             args.what_if_config != nullptr;
  if (a.queues_only) {
    if (profile.queues.empty()) {
      return fail(ctx, InvalidArgument("--queues-only needs opening_hours in the profile " + a.profile));
    }
    return run_queues_only(ctx, profile, args, changed_hours);
  }
  std::string municipality;
  {
    auto store = ctx.open_store();
    if (!store.ok()) return fail(ctx, store.status());
    auto m = ctx.resolve_municipality(**store);
    if (!m.ok()) return fail(ctx, m.status());
    municipality = *m;
    // As POST /api/v1/admin/simulations: a simulated year is written into the
    // installation (or, for a what-if, into copies of all its data).
    if (auto admin = require_admin(ctx, **store, changed_hours ? "simulate on copies of this installation"
                                                               : "simulate a year into this installation");
        !admin.ok()) {
      return fail(ctx, admin.status());
    }
  }
  if (!changed_hours) {  // the year itself, into the installation's database (demo data, load test)
    auto outcome = simulate_into(ctx, ctx.db_url, municipality, profile, args, false);
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
  for (const bool changed : {false, true}) {
    const fs::path copy = dir / (changed ? "what-if.db" : "as-is.db");
    std::error_code ec;
    fs::copy_file(url->connect, copy, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail(ctx, InvalidArgument("cannot copy " + url->connect + ": " + ec.message()));
    SimulateArgs copy_args = args;
    Context copy_ctx = ctx;
    copy_ctx.plugin_dir = ctx.plugin_directory();  // the installation's plugins, not beside the copy
    auto outcome = simulate_into(copy_ctx, "sqlite:" + copy.string(), municipality, profile, copy_args, changed);
    if (!outcome.ok()) return fail(ctx, outcome.status());
    outcomes.push_back(std::move(*outcome));
  }
  fs::remove_all(dir);
  const auto base = key_figures(outcomes[0]), what_if = key_figures(outcomes[1]);
  if (ctx.json) {
    print_json({{"profile", profile.name}, {"scale", a.scale}, {"phone_hours", a.phone_hours},
                {"phone_close", a.phone_close}, {"compare", a.compare}, {"as_is", base}, {"what_if", what_if},
                {"queue_change", queue_change(base["queues"], what_if["queues"])}});
    return kExitOk;
  }
  std::cout << fmt::format("What if {} ({} {}, x{}):\n", what_if_title(args), profile.name, profile.year, a.scale);
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "", "as it is", "what if");
  const auto pct = [](const nlohmann::json& v) { return fmt::format("{:.1f} %", v.get<double>() * 100); };
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "inquiries", base["inquiries"].get<long long>(),
                           what_if["inquiries"].get<long long>());
  std::cout << fmt::format("{:<26} {:>16} {:>16}\n", "gave up outside the hours", base["gave_up"].get<long long>(),
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
  if (!base["queues"].empty()) {
    std::cout << fmt::format("queues at the profile's volumes:\n  {:<24} {:>16} {:>16} {:>16}\n", "", "as it is",
                             "what if", "change");
    print_queue_comparison(base["queues"], what_if["queues"]);
  }
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
  s->add_option("--phone-close", a.phone_close,
                "What if the phone closes at HH:MM (e.g. 18:00) instead of its opening_hours' closing time");
  s->add_flag("--compare", a.compare,
              "What if the profile's what_if.opening_hours applied: compare both years (also with --phone-close/--phone-hours)");
  s->add_flag("--queues-only", a.queues_only,
              "Only the queues of the channels with opening hours, at the profile's volumes (seconds; no database)");
  s->add_option("--municipality-file", a.municipality_file,
                "With --queues-only: the municipality file whose published opening hours stand for "
                "'opening_hours: {channel: municipality}' and whose appointment slots serve booked_share");
  s->add_option("--what-if-municipality", a.what_if_municipality,
                "What if this municipality file's published opening hours and appointment slots applied "
                "(e.g. a copy with a booth staffed on fewer days): compare both years");
  s->add_option("--days", a.days, "Only the first N days of the year")->check(CLI::Range(1, 366));
  s->add_flag("!--durable", a.fast, "fsync every transaction as in production (slower; default off for simulated data)");
  s->add_flag("--quiet", a.quiet, "No progress bar");
  s->add_flag("--progress-lines", a.progress_lines, "Progress as lines 'progress DAY DAYS INQUIRIES' (for programs)");
  s->callback([&] { exit_code = run(ctx, a); });
}

}  // namespace sagsflow::cli
