// Channel-strategy reports (docs/legal.md#channel-strategy) from the inquiry register: channel
// mix and its trend, the self-service rate (self-service transactions / all
// transactions), the share resolved at first contact, deadlines kept and
// breached, the backlog per queue and age, inquiries handled for other
// authorities and forwarded, the targets against the actual figures, cost per
// channel and the saving from a channel shift. A pure function of counted
// rows, so the figures can be checked by hand; the store counts, the app
// layer adds the backlog. Output as JSON, CSV and a text table.
// Only parse_channel_shift() fails. Every function here is pure and the
// structs are plain values: safe to use from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/config/channel_strategy.hpp"
#include "sagsflow/domain/domain.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/reports/channel_goals_report.hpp"

namespace sagsflow {

// Inquiries counted by day and by what the reports distinguish.
struct InquiryCount {
  std::string day;  // YYYY-MM-DD (the UTC date of the registration)
  Channel channel = Channel::kPersonalAttendance;
  InquiryType type = InquiryType::kGeneralInformation;
  bool resolved_on_the_spot = false;
  bool with_form = false;
  bool for_other_authority = false;  // the acting authority was not the one that decides
  bool forwarded = false;
  long long count = 0;
};

struct InquiryCountFilter {
  std::string municipality;
  std::string from;  // YYYY-MM-DD, inclusive
  std::string to;    // YYYY-MM-DD, exclusive
  std::optional<std::string> unit;
  std::optional<std::string> area;
};

// Cases whose deadline mattered in the period.
struct DeadlineCounts {
  long long closed_in_time = 0;        // closed in the period, never past a deadline (or without one)
  long long closed_after_breach = 0;   // closed in the period after a deadline passed
  long long open_breached = 0;         // open now, a deadline passed
};

// One open case waiting in a queue, and for how long.
struct BacklogItem {
  std::string queue;  // queue name ("Borgerservice", "Udbetaling Danmark")
  int age_days = 0;
  long long cases = 1;  // open cases of this queue and age
};

struct ChannelShift {
  Channel from = Channel::kPhone;
  Channel to = Channel::kDigitalSelfService;
  double share = 0;  // of `from`'s inquiries, 0..1
};
// "phone:digital_self_service:0.2". kInvalidArgument, quoting the text, when it
// is not FROM:TO:SHARE, names an unknown channel, or the share is not a number
// from 0 to 1.
Result<ChannelShift> parse_channel_shift(std::string_view text);

struct ReportRequest {
  std::string municipality;
  std::string from;  // YYYY-MM-DD inclusive
  std::string to;    // YYYY-MM-DD exclusive
  std::optional<std::string> unit;
  std::optional<std::string> area;
  std::string bucket = "month";  // trend per "month" or "week"
  bool counting_weeks_only = false;  // KOMHEN: only the strategy's counting weeks, scaled to a year
  std::vector<ChannelShift> shifts;
};

struct ChannelReport {
  ReportRequest request;
  long long inquiries = 0;
  std::map<Channel, long long> by_channel;
  // bucket -> channel -> count, and the bucket's transactions / self-service transactions.
  std::map<std::string, std::map<Channel, long long>> trend;
  std::map<std::string, std::pair<long long, long long>> trend_transactions;
  long long transactions = 0;
  long long self_service_transactions = 0;
  long long resolved_first_contact = 0;
  long long with_form = 0;
  long long for_other_authorities = 0;
  long long forwarded = 0;
  DeadlineCounts deadlines;
  std::map<std::string, std::map<std::string, long long>> backlog;  // queue -> age band -> cases
  std::map<std::string, int> backlog_oldest_days;
  ChannelStrategy strategy;
  // KOMHEN counting weeks: the weeks found, and the factor to a year (52 / weeks); 1 otherwise.
  std::vector<std::string> counting_weeks_found;
  double annual_factor = 1;
  // Service goals, the digital share's path, KOMHEN matrix, hour profile and
  // per-area strategies (channel_goals_report.hpp): the KOMHEN matrix by
  // build_channel_report, the rest by add_channel_goals.
  ChannelGoalsReport goals;

  double share(long long part, long long whole) const { return whole == 0 ? 0 : double(part) / double(whole); }
  double self_service_rate() const { return share(self_service_transactions, transactions); }
  double first_contact_share() const { return share(resolved_first_contact, inquiries); }
  double digital_share() const;
  double digital_written_share() const;
  double cost_kr() const;
};

// Sums `counts` as they are (the store has applied the period, unit and area);
// with counting_weeks_only, only rows in the strategy's counting weeks, and
// annual_factor = 52 / the weeks found. Every channel appears in by_channel.
ChannelReport build_channel_report(const ReportRequest& request, const ChannelStrategy& strategy,
                                   const std::vector<InquiryCount>& counts, const DeadlineCounts& deadlines,
                                   const std::vector<BacklogItem>& backlog);

// Measures the strategy's goals, its digital share path, the hour profile and
// the per-area strategies into report.goals from `inputs` (filtered to the
// counting weeks when the report is), using the report's request, strategy
// and figures. Never fails: what cannot be measured says why.
void add_channel_goals(ChannelReport& report, const ChannelGoalInputs& inputs);

nlohmann::json report_json(const ChannelReport& report);
// Sections of "section,key,value[,more]" rows; the first row names the columns.
std::string report_csv(const ChannelReport& report);
std::string report_table(const ChannelReport& report);

}  // namespace sagsflow
