// The channel report of an installation: the register's counts, deadline
// counts and the open cases' queues, with the municipality's channel strategy.
#pragma once

#include "sagsflow/app/installation.hpp"
#include "sagsflow/reports/channel_report.hpp"

namespace sagsflow::app {

// Staff of `request.municipality` (acting for it) may read its reports.
Result<ChannelReport> channel_report(Installation& installation, const Actor& actor, const ReportRequest& request);

}  // namespace sagsflow::app
