// The channel report's front-of-house parts (docs/front-of-house.md#channel-service-goals):
// each service goal of the channel strategy against what was measured (or
// why it cannot be), the digital share against the target in force on the
// dated path, the KOMHEN matrix of channel × inquiry type, the inquiries by
// hour of day and weekday in Copenhagen time, and per service area the share
// of its inquiries through its primary channel. A pure function of counted
// rows, like the rest of the report (channel_report.hpp, which holds the
// result in ChannelReport::goals and prints it with the rest). Plain values;
// every function is pure and safe to use from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sagsflow/config/channel_strategy.hpp"
#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/domain.hpp"

namespace sagsflow {

// Inquiries counted per UTC hour of their registration ("2026-03-02T08", the
// first 13 characters of `at`) and channel. Copenhagen is a whole number of
// hours from UTC, so each UTC hour is one Copenhagen hour.
struct InquiryHourCount {
  std::string utc_hour;
  Channel channel = Channel::kPersonalAttendance;
  long long count = 0;
};

// Inquiries counted per day (YYYY-MM-DD, UTC, as InquiryCount), service area and channel.
struct InquiryAreaCount {
  std::string day;
  std::string area;
  Channel channel = Channel::kPersonalAttendance;
  long long count = 0;
};

// A case opened from an inquiry, with when it was received and answered.
struct CaseAnswer {
  Channel channel = Channel::kLetter;  // the inquiry's channel
  std::string area;
  std::string received_at;  // the inquiry's `at`, ISO-8601 UTC
  std::string answered_at;  // its first decision, else its closing (ISO-8601 UTC); "" while neither
};

// Waiting at the counter as the queue tickets measure it: of `tickets` drawn
// in the period, `called_within` were called within `within_minutes`.
struct CounterWaiting {
  int within_minutes = 0;
  long long tickets = 0;
  long long called_within = 0;
};

// What the goals are measured from, besides the report's own counts.
struct ChannelGoalInputs {
  std::vector<InquiryHourCount> hours;
  std::vector<InquiryAreaCount> areas;
  // Cases opened from inquiries on the channels whose goals need them.
  std::vector<CaseAnswer> answers;
  // From the queue tickets (counter_waiting_of, queue_desk.hpp); empty when
  // none were drawn in the period: waiting-time goals then say "not measured".
  std::optional<CounterWaiting> counter_waiting;
  // Today in Copenhagen: a case not yet answered counts against its goal once
  // the goal's time has run out, before that it is pending (left out).
  // Without it every unanswered case is pending.
  std::optional<Date> today;
};

// One goal against what was measured.
struct GoalResult {
  ChannelGoal goal;
  bool measured = false;
  std::string not_measured_en;  // why not, when not measured
  std::string not_measured_da;
  long long counted = 0;  // inquiries, cases or tickets judged
  long long within = 0;   // of those, the ones that met the goal
  long long pending = 0;  // cases not answered yet whose time has not run out (not counted)
  double measured_share() const { return counted == 0 ? 0 : double(within) / double(counted); }
  bool met() const { return measured && measured_share() >= goal.share; }
};

struct AreaStrategyResult {
  std::string area;
  AreaChannelStrategy strategy;
  long long inquiries = 0;        // the area's inquiries in the period
  long long through_primary = 0;  // of those, through its primary channel
  long long through_also = 0;     // through the channels it also offers
};

struct ChannelGoalsReport {
  std::vector<GoalResult> goals;
  std::optional<DigitalShareStep> digital_share_step;  // the path's step in force for the period
  // KOMHEN: inquiries per channel and type (every channel and type present).
  std::map<Channel, std::map<InquiryType, long long>> komhen;
  // Inquiries per Copenhagen weekday (0 Monday .. 6 Sunday) and hour (0..23).
  std::array<std::array<long long, 24>, 7> hours{};
  std::map<Channel, std::array<long long, 24>> hours_by_channel;  // per channel and hour, all weekdays
  std::string time_zone_error;  // set when Copenhagen time could not be read (no tzdata): no profile, no goals
  std::vector<AreaStrategyResult> areas;
};

// "general_information", "case_information", "transaction", and Danish labels.
const char* komhen_type_key(InquiryType t);
const char* komhen_type_label_da(InquiryType t);

struct ChannelReport;
// The report's JSON keys for these parts: service_goals, digital_share_path,
// komhen, hour_profile, area_strategies (docs/api.md#channel-report).
void add_channel_goals_json(const ChannelReport& report, nlohmann::json& out);
// CSV rows (section goal, digital_share_path, komhen, hour_profile, area_strategy).
void write_channel_goals_csv(const ChannelReport& report, std::ostream& out);
// The text table's sections.
void write_channel_goals_table(const ChannelReport& report, std::ostream& out);

}  // namespace sagsflow
