// The channel report of an installation: the register's counts, deadline
// counts and the open cases' queues, with the municipality's channel strategy.
// Thread-safety: as the Installation: one thread at a time.
#pragma once

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

}  // namespace sagsflow::app
