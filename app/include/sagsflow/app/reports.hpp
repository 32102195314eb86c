// The channel report of an installation: the register's counts, deadline
// counts and the open cases' queues, with the municipality's channel strategy.
// Thread-safety: as the Installation: one thread at a time.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "sagsflow/app/installation.hpp"
#include "sagsflow/reports/channel_report.hpp"

namespace sagsflow::app {

// Staff of `request.municipality` (acting for it) may read its reports.
// kNotFound for an unconfigured municipality; kForbidden for anyone not on
// its staff; kInvalidArgument when from or to is not a date, the period is
// empty or the bucket is not month or week; kFailedPrecondition for
// counting_weeks_only without counting weeks; kStorage. Reads only.
//
// With Counting::kKept (the default) the inquiry counts come from the daily
// aggregates and the backlog from the open-case counters (schema 11): one
// group per queue, workflow and opening day, each queue named by the engine's
// queue_of of one of its cases; open cases stored without a queue are placed
// one by one as before. With kRecount every count is taken from the rows and
// every open case placed by queue_of (what the report did before schema 11):
// the same report, for checks and the bench.
//
// The service goals, hour profile and per-area strategies
// (channel_goals_report.hpp) are added from the store's hour and area counts
// and the cases opened on the goals' channels, judged against the engine's
// today; waiting at the counter has no source yet (no queue tickets).
Result<ChannelReport> channel_report(Installation& installation, const Actor& actor, const ReportRequest& request,
                                     db::SqlStore::Counting how = db::SqlStore::Counting::kKept);

// A team leader's overview of `municipality`: the open cases per unit
// (waiting unclaimed in its queue, and held by someone), per person holding
// cases, with how many have passed their deadline and how many are due
// within `days` days, and the unit queues' backlog by age. Counts only: no
// case and no citizen is named, so it is no read of personal data. For team
// leaders (role "teamleader") and admins of the municipality; kForbidden
// for anyone else, kInvalidArgument for days outside 1-90; kStorage.
struct WorkloadFigures {
  long long open = 0, passed = 0, due_soon = 0;
};
struct UnitWorkload {
  std::string id, name;  // a unit; or kind "authority"/"specialist_group" queues under their id
  std::string kind;      // "unit", "specialist_group", "authority", or "" (not placed)
  WorkloadFigures waiting;  // unclaimed in the queue
  WorkloadFigures claimed;  // held by someone
  std::string oldest_opened_at;
  // Open cases by age in days since opened: 0-6, 7-13, 14-29, 30-89, 90 and more.
  std::array<long long, 5> by_age{};
};
struct PersonWorkload {
  std::string id, name, unit;
  WorkloadFigures claimed;
};
struct TeamOverview {
  std::string municipality;
  std::string today;  // YYYY-MM-DD (Copenhagen)
  int days = 7;
  std::vector<UnitWorkload> units;
  std::vector<PersonWorkload> people;  // everyone on the staff list with a caseworker's or team leader's role, and anyone holding a case
  WorkloadFigures total;
};
inline constexpr std::array<int, 5> kAgeBucketStarts{0, 7, 14, 30, 90};
Result<TeamOverview> team_overview(Installation& installation, const Actor& actor, const std::string& municipality,
                                   int days = 7);

}  // namespace sagsflow::app
