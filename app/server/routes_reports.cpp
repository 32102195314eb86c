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

}  // namespace

void add_report_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/reports/channels", Access::kStaff, channels});
}

}  // namespace sagsflow::server
