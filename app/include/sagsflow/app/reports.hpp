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
Result<ChannelReport> channel_report(Installation& installation, const Actor& actor, const ReportRequest& request);

}  // namespace sagsflow::app
