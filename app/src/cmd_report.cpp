// `sagsflow report channels`: the channel-strategy report as table, CSV or JSON.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/app/reports.hpp"

namespace sagsflow::cli {
namespace {

struct ReportArgs {
  std::string from;
  std::string to;
  std::string unit;
  std::string area;
  std::string bucket = "month";
  bool counting_weeks = false;
  std::vector<std::string> shifts;
  std::string format = "table";
};

int channels(const Context& ctx, const ReportArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  ReportRequest req;
  req.municipality = s->municipality;
  const Date today = s->engine->today();
  req.from = a.from.empty() ? format_date(today).substr(0, 4) + "-01-01" : a.from;
  req.to = a.to.empty() ? format_date(today + std::chrono::days(1)) : a.to;
  if (!a.unit.empty()) req.unit = a.unit;
  if (!a.area.empty()) req.area = a.area;
  req.bucket = a.bucket;
  req.counting_weeks_only = a.counting_weeks;
  for (const auto& text : a.shifts) {
    auto shift = parse_channel_shift(text);
    if (!shift.ok()) return fail(ctx, shift.status());
    req.shifts.push_back(*shift);
  }
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto report = app::channel_report(*s, *me, req);
  if (!report.ok()) return fail(ctx, report.status());
  if (ctx.json || a.format == "json") {
    print_json(report_json(*report));
  } else if (a.format == "csv") {
    std::cout << report_csv(*report);
  } else {
    std::cout << report_table(*report);
  }
  return kExitOk;
}

}  // namespace

void add_report_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static ReportArgs a;
  auto* r = app.add_subcommand("report", "Channel-strategy reports from the inquiry register");
  r->require_subcommand(1);
  auto* c = r->add_subcommand("channels", "Channel mix and trend, self-service rate, first-contact resolution, "
                                          "deadlines, backlog, targets, costs and channel shifts");
  c->add_option("--from", a.from, "First day, YYYY-MM-DD (default: 1 January this year)");
  c->add_option("--to", a.to, "Day after the last, YYYY-MM-DD (default: tomorrow)");
  c->add_option("--unit", a.unit, "Only inquiries registered by, and the backlog of, this unit");
  c->add_option("--area", a.area, "Only this service area");
  c->add_option("--bucket", a.bucket, "Trend per month or week")->check(CLI::IsMember({"month", "week"}));
  c->add_flag("--counting-weeks", a.counting_weeks,
              "KOMHEN: only the municipality's counting weeks, with figures scaled to a year");
  c->add_option("--shift", a.shifts, "A channel shift to price, FROM:TO:SHARE, e.g. phone:digital_self_service:0.2");
  c->add_option("--format", a.format, "table, csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  c->callback([&] { exit_code = channels(ctx, a); });
}

}  // namespace sagsflow::cli
