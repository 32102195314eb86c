#include "sagsflow/app/reports.hpp"

#include <fmt/format.h>

namespace sagsflow::app {

Result<ChannelReport> channel_report(Installation& inst, const Actor& actor, const ReportRequest& request) {
  const auto* m = inst.organisation->find(request.municipality);
  if (m == nullptr) return NotFound(fmt::format("no municipality {} is configured", request.municipality));
  auto who = inst.organisation->identify(actor, request.municipality);
  if (!who.ok()) return who.status();
  if (who->municipality != m) {
    return Forbidden(fmt::format("{} is not on the staff of {}; its reports are for its own staff", actor.id, m->name));
  }
  for (const auto* date : {&request.from, &request.to}) {
    if (auto d = parse_date(*date); !d.ok()) return InvalidArgument(fmt::format("'{}' is not a date (YYYY-MM-DD)", *date));
  }
  if (request.to <= request.from) return InvalidArgument("the period is empty: 'to' must come after 'from'");
  if (request.bucket != "month" && request.bucket != "week") return InvalidArgument("bucket must be month or week");
  if (request.counting_weeks_only && m->channel_strategy.counting_weeks.empty()) {
    return FailedPrecondition(fmt::format("{} has no counting weeks: set channel_strategy.counting_weeks in its "
                                          "municipality file",
                                          m->name));
  }
  auto counts = inst.store->count_inquiries({request.municipality, request.from, request.to, request.unit, request.area});
  if (!counts.ok()) return counts.status();
  auto deadlines = inst.store->count_deadlines(request.municipality, request.from, request.to);
  if (!deadlines.ok()) return deadlines.status();
  // The backlog now: open cases per queue, with their age.
  CaseFilter open;
  open.municipality = request.municipality;
  open.status = CaseStatus::kOpen;
  open.limit = 1000000;
  auto cases = inst.store->list_cases(open);
  if (!cases.ok()) return cases.status();
  const Date today = inst.engine->today();
  std::vector<BacklogItem> backlog;
  for (const auto& c : *cases) {
    if (request.area) {
      auto area = inst.engine->area_of(c);
      if (!area.ok() || *area != *request.area) continue;
    }
    auto queue = inst.engine->queue_of(c);
    if (!queue.ok()) return queue.status();
    if (request.unit && !(queue->kind == "unit" && queue->id == *request.unit)) continue;
    auto opened = parse_date(c.opened_at.substr(0, 10));
    const int age = opened.ok() ? static_cast<int>((today - *opened).count()) : 0;
    backlog.push_back({queue->name.empty() ? queue->id : queue->name, std::max(0, age)});
  }
  return build_channel_report(request, m->channel_strategy, *counts, *deadlines, backlog);
}

}  // namespace sagsflow::app
