#include "sagsflow/app/reports.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

namespace sagsflow::app {

namespace {

int age_in_days(Date today, const std::string& opened_at) {
  auto opened = parse_date(opened_at.substr(0, 10));
  return opened.ok() ? std::max(0, static_cast<int>((today - *opened).count())) : 0;
}

// The backlog now, one open case at a time: its queue by queue_of. All open
// cases of the municipality, or (only_unplaced) those stored without a queue.
Result<std::vector<BacklogItem>> backlog_of_cases(Installation& inst, const ReportRequest& request,
                                                  bool only_unplaced) {
  std::vector<CaseState> cases;
  CaseFilter open;
  open.municipality = request.municipality;
  open.status = CaseStatus::kOpen;
  open.limit = 1000000;
  if (only_unplaced) {
    // Stored without a queue (NULL), or with an empty one.
    for (bool unplaced : {true, false}) {
      CaseFilter f = open;
      f.unplaced = unplaced;
      if (!unplaced) f.queue = CaseQueue{};
      auto some = inst.store->list_cases(f);
      if (!some.ok()) return some.status();
      cases.insert(cases.end(), some->begin(), some->end());
    }
  } else {
    auto all = inst.store->list_cases(open);
    if (!all.ok()) return all.status();
    cases = std::move(*all);
  }
  const Date today = inst.engine->today();
  std::vector<BacklogItem> backlog;
  for (const auto& c : cases) {
    if (request.area) {
      auto area = inst.engine->area_of(c);
      if (!area.ok() || *area != *request.area) continue;
    }
    auto queue = inst.engine->queue_of(c);
    if (!queue.ok()) return queue.status();
    if (request.unit && !(queue->kind == "unit" && queue->id == *request.unit)) continue;
    backlog.push_back({queue->name.empty() ? queue->id : queue->name, age_in_days(today, c.opened_at)});
  }
  return backlog;
}

// The backlog now from the open-case counters: a group per stored queue,
// workflow version and opening day; the queue's name is queue_of of one of
// its open cases (the name follows from the queue).
Result<std::vector<BacklogItem>> backlog_from_counts(Installation& inst, const ReportRequest& request) {
  auto groups = inst.store->count_open_cases_by_day(request.municipality);
  if (!groups.ok()) return groups.status();
  const Date today = inst.engine->today();
  std::map<std::pair<std::string, std::string>, std::string> names;
  std::map<std::pair<std::string, int>, std::optional<std::string>> areas;
  std::vector<BacklogItem> backlog;
  for (const auto& g : *groups) {
    if (g.queue_kind.empty()) continue;  // placed one by one below
    if (request.unit && !(g.queue_kind == "unit" && g.queue_id == *request.unit)) continue;
    if (request.area) {
      auto [at, fresh] = areas.try_emplace({g.workflow_id, g.workflow_version});
      if (fresh) {
        auto wf = inst.engine->workflow(g.workflow_id, g.workflow_version);
        if (wf.ok()) at->second = (*wf)->service_area;
      }
      if (at->second != *request.area) continue;
    }
    auto [named, fresh] = names.try_emplace({g.queue_kind, g.queue_id});
    if (fresh) {
      CaseFilter one;
      one.municipality = request.municipality;
      one.status = CaseStatus::kOpen;
      one.queue = CaseQueue{g.queue_kind, g.queue_id};
      one.limit = 1;
      auto sample = inst.store->list_cases(one);
      if (!sample.ok()) return sample.status();
      named->second = g.queue_id;
      if (!sample->empty()) {
        auto queue = inst.engine->queue_of(sample->front());
        if (!queue.ok()) return queue.status();
        if (!queue->name.empty()) named->second = queue->name;
      }
    }
    backlog.push_back({named->second, age_in_days(today, g.opened_day), g.count});
  }
  auto unplaced = backlog_of_cases(inst, request, true);
  if (!unplaced.ok()) return unplaced.status();
  backlog.insert(backlog.end(), unplaced->begin(), unplaced->end());
  return backlog;
}

// The service goals, hour profile and per-area strategies (channel_goals_report.hpp):
// the store's counts, and the cases opened on the channels whose goals need them.
Status add_goals(Installation& inst, const ReportRequest& request, db::SqlStore::Counting how, ChannelReport& report) {
  const InquiryCountFilter filter{request.municipality, request.from, request.to, request.unit, request.area};
  ChannelGoalInputs in;
  auto hours = inst.store->count_inquiries_by_hour(filter);
  if (!hours.ok()) return hours.status();
  in.hours = std::move(*hours);
  if (!report.strategy.areas.empty()) {
    auto areas = inst.store->count_inquiries_by_area(filter, how);
    if (!areas.ok()) return areas.status();
    in.areas = std::move(*areas);
  }
  std::vector<Channel> answered;
  for (const auto& goal : report.strategy.goals) {
    const bool by_cases = goal.measure == GoalMeasure::kAnswerWithinDays || goal.measure == GoalMeasure::kDecisionAtOnce;
    if (by_cases && std::find(answered.begin(), answered.end(), goal.channel) == answered.end()) {
      answered.push_back(goal.channel);
    }
  }
  auto answers = inst.store->case_answers(filter, answered);
  if (!answers.ok()) return answers.status();
  in.answers = std::move(*answers);
  // Waiting at the counter, from the queue's tickets (the first waiting-time goal's minutes).
  for (const auto& goal : report.strategy.goals) {
    if (goal.measure != GoalMeasure::kWaitingMinutes) continue;
    const std::string from = format_timestamp(copenhagen_day_start(*parse_date(request.from)));
    const std::string to = format_timestamp(copenhagen_day_start(*parse_date(request.to)));
    auto tickets = inst.store->tickets_drawn(request.municipality, from, to);
    if (!tickets.ok()) return tickets.status();
    if (!tickets->empty()) in.counter_waiting = counter_waiting_of(*tickets, goal.amount, inst.engine->now());
    break;
  }
  in.today = inst.engine->today();
  add_channel_goals(report, in);
  return Status::Ok();
}

}  // namespace

Result<ChannelReport> channel_report(Installation& inst, const Actor& actor, const ReportRequest& request,
                                     db::SqlStore::Counting how) {
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
  auto counts =
      inst.store->count_inquiries({request.municipality, request.from, request.to, request.unit, request.area}, how);
  if (!counts.ok()) return counts.status();
  auto deadlines = inst.store->count_deadlines(request.municipality, request.from, request.to);
  if (!deadlines.ok()) return deadlines.status();
  auto backlog = how == db::SqlStore::Counting::kKept ? backlog_from_counts(inst, request)
                                                      : backlog_of_cases(inst, request, false);
  if (!backlog.ok()) return backlog.status();
  auto report = build_channel_report(request, m->channel_strategy, *counts, *deadlines, *backlog);
  if (auto st = add_goals(inst, request, how, report); !st.ok()) return st;
  return report;
}

Result<TeamOverview> team_overview(Installation& inst, const Actor& actor, const std::string& municipality, int days) {
  const auto* m = inst.organisation->find(municipality);
  if (m == nullptr) return NotFound(fmt::format("no municipality {} is configured", municipality));
  auto who = inst.organisation->identify(actor, municipality);
  if (!who.ok()) return who.status();
  const bool admin = inst.organisation->may_administer(actor, municipality).ok();
  if (who->municipality != m || (!actor.has_role(kTeamLeaderRole) && !admin)) {
    return Forbidden(fmt::format("{} is neither a team leader (role '{}') nor an admin of {}: the workload overview is "
                                 "theirs", actor.id, kTeamLeaderRole, m->name));
  }
  if (days < 1 || days > 90) return InvalidArgument(fmt::format("days {} is not 1-90", days));
  TeamOverview out;
  out.municipality = municipality;
  out.days = days;
  const Date today = inst.engine->today();
  out.today = format_date(today);
  auto rows = inst.store->count_workload(municipality, today, today + std::chrono::days{days});
  if (!rows.ok()) return rows.status();
  const auto unit_name = [&](const std::string& kind, const std::string& id) {
    if (kind == "unit") {
      for (const auto& u : m->units) {
        if (u.id == id) return u.name;
      }
    }
    if (kind == "authority") return inst.organisation->authority_name(id);
    return id;
  };
  const auto unit_at = [&](const std::string& kind, const std::string& id) -> UnitWorkload& {
    for (auto& u : out.units) {
      if (u.kind == kind && u.id == id) return u;
    }
    out.units.push_back({id, unit_name(kind, id), kind, {}, {}, "", {}});
    return out.units.back();
  };
  // Every unit of the municipality, in file order, even with nothing open.
  for (const auto& u : m->units) unit_at("unit", u.id);
  std::map<std::string, PersonWorkload> people;
  for (const auto& p : m->staff) {
    const bool works_cases = std::any_of(p.roles.begin(), p.roles.end(), [](const std::string& r) {
      return r == "caseworker" || r == kTeamLeaderRole;
    });
    if (works_cases) people[p.id] = {p.id, p.name, p.unit, {}};
  }
  const auto add = [](WorkloadFigures& f, const db::SqlStore::WorkloadRow& r) {
    f.open += r.open;
    f.passed += r.passed;
    f.due_soon += r.due_soon;
  };
  for (const auto& r : *rows) {
    UnitWorkload& u = unit_at(r.queue_kind, r.queue_id);
    add(r.assignee.empty() ? u.waiting : u.claimed, r);
    if (u.oldest_opened_at.empty() || r.oldest_opened_at < u.oldest_opened_at) u.oldest_opened_at = r.oldest_opened_at;
    add(out.total, r);
    if (!r.assignee.empty()) {
      auto [it, fresh] = people.try_emplace(r.assignee);
      if (fresh) {
        it->second.id = r.assignee;
        it->second.name = r.assignee;
        for (const auto& p : m->staff) {
          if (p.id == r.assignee) {
            it->second.name = p.name;
            it->second.unit = p.unit;
          }
        }
      }
      add(it->second.claimed, r);
    }
  }
  auto groups = inst.store->count_open_cases_by_day(municipality);
  if (!groups.ok()) return groups.status();
  for (const auto& g : *groups) {
    auto opened = parse_date(g.opened_day);
    if (!opened.ok()) continue;
    const long long age = (today - *opened).count();
    std::size_t bucket = 0;
    while (bucket + 1 < kAgeBucketStarts.size() && age >= kAgeBucketStarts[bucket + 1]) ++bucket;
    unit_at(g.queue_kind, g.queue_id).by_age[bucket] += g.count;
  }
  for (auto& [id, p] : people) out.people.push_back(std::move(p));
  return out;
}

}  // namespace sagsflow::app
