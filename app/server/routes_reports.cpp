// /api/v1/reports/channels: the channel-strategy report as JSON or CSV.
#include <fmt/format.h>

#include "api.hpp"
#include "sagsflow/app/reports.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

Result<json> channels(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  ReportRequest req;
  req.municipality = c.municipality();
  const std::string today = format_date(c.installation().engine->today());
  req.from = c.query_value("from", today.substr(0, 4) + "-01-01");
  req.to = c.query_value("to", format_date(c.installation().engine->today() + std::chrono::days(1)));
  for (const char* name : {"from", "to"}) {
    if (!parse_date(c.query_value(name, "2000-01-01")).ok()) {
      c.field = name;
      return InvalidArgument(fmt::format("{} must be a date, YYYY-MM-DD", name));
    }
  }
  if (auto v = c.query_value("unit"); !v.empty()) req.unit = v;
  if (auto v = c.query_value("area"); !v.empty()) req.area = v;
  req.bucket = c.query_value("bucket", "month");
  if (req.bucket != "month" && req.bucket != "week") {
    c.field = "bucket";
    return InvalidArgument("bucket must be month or week");
  }
  req.counting_weeks_only = c.query_value("counting_weeks") == "true";
  if (auto v = c.query_value("shift"); !v.empty()) {
    std::string rest = v;
    while (!rest.empty()) {  // several shifts separated by commas
      const auto comma = rest.find(',');
      auto shift = parse_channel_shift(rest.substr(0, comma));
      if (!shift.ok()) {
        c.field = "shift";
        return shift.status();
      }
      req.shifts.push_back(*shift);
      rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    }
  }
  const std::string format = c.query_value("format", "json");
  if (format != "json" && format != "csv") {
    c.field = "format";
    return InvalidArgument("format must be json or csv");
  }
  auto report = app::channel_report(c.installation(), *actor, req);
  if (!report.ok()) return report.status();
  if (format == "csv") {
    c.raw_body = report_csv(*report);
    c.raw_content_type = "text/csv; charset=utf-8";
    return json();
  }
  return report_json(*report);
}

json figures_json(const app::WorkloadFigures& f) {
  return {{"open", f.open}, {"passed", f.passed}, {"due_soon", f.due_soon}};
}

// GET /api/v1/reports/team?days=7: the team leader's overview (counts only).
Result<json> team(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto days = c.query_number("days", 1, 90);
  if (!days.ok()) return days.status();
  auto overview = app::team_overview(c.installation(), *actor, c.municipality(), *days ? static_cast<int>(**days) : 7);
  if (!overview.ok()) return overview.status();
  json units = json::array();
  for (const auto& u : overview->units) {
    json ages = json::array();
    for (std::size_t i = 0; i < u.by_age.size(); ++i) {
      ages.push_back({{"from_days", app::kAgeBucketStarts[i]},
                      {"to_days", i + 1 < app::kAgeBucketStarts.size() ? json(app::kAgeBucketStarts[i + 1] - 1) : json()},
                      {"count", u.by_age[i]}});
    }
    units.push_back({{"kind", u.kind}, {"id", u.id}, {"name", u.name}, {"waiting", figures_json(u.waiting)},
                     {"claimed", figures_json(u.claimed)},
                     {"oldest_opened_at", u.oldest_opened_at.empty() ? json() : json(u.oldest_opened_at)},
                     {"by_age", ages}});
  }
  json people = json::array();
  for (const auto& p : overview->people) {
    people.push_back({{"id", p.id}, {"name", p.name}, {"unit", p.unit}, {"claimed", figures_json(p.claimed)}});
  }
  return json{{"municipality", overview->municipality}, {"today", overview->today}, {"days", overview->days},
              {"total", figures_json(overview->total)}, {"units", units}, {"people", people}};
}

}  // namespace

void add_report_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/reports/channels", Access::kStaff, channels});
  r.push_back({"GET", "/api/v1/reports/team", Access::kStaff, team});
}

}  // namespace sagsflow::server
