// A municipality's service goals per channel, the dated target path of its
// digital share, and its channel strategy per service area
// (docs/legal.md#channel-service-goals), read from the municipality file's
// `channel_strategy:` section beside its targets and costs:
//
//   channel_strategy:
//     goals:                                # adopted by the council
//       - {channel: phone, answer_within_minutes: 3, share: 0.8}
//       - {channel: letter, answer_within_days: 10}
//       - {channel: digital_self_service, decision: at_once, area: moving}
//       - {channel: personal_attendance, waiting_minutes: 15, share: 0.9}
//     digital_share_path:
//       - {by: 2012-12-31, share: 0.3}
//       - {by: 2015-12-31, share: 0.5}
//     areas:
//       moving: {primary: digital_self_service, also: [personal_attendance], note: "..."}
//
// The section is parsed and checked with the municipality file
// (municipality.hpp). Plain values and pure functions, safe to use from any
// thread; nothing here fails.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/domain.hpp"

namespace sagsflow {

// What a goal measures. Each goes with the channels where it means something:
//   kAnswerWithinMinutes  phone: a call answered within `amount` minutes
//   kAnswerWithinDays     letter, e-mail, Digital Post, self-service forms:
//                         the case the inquiry opened answered (decided, or
//                         closed) within `amount` calendar days
//   kDecisionAtOnce       digital and assisted self-service: decided the same
//                         (Copenhagen) day it was submitted; amount 0
//   kWaitingMinutes       personal attendance: called to the counter within
//                         `amount` minutes of drawing a ticket
enum class GoalMeasure { kAnswerWithinMinutes, kAnswerWithinDays, kDecisionAtOnce, kWaitingMinutes };
// "answer_within_minutes", "answer_within_days", "decision", "waiting_minutes": the file's keys.
const char* goal_measure_key(GoalMeasure m);
// Whether a goal of measure `m` can be set for channel `c` (the table above).
bool goal_fits_channel(GoalMeasure m, Channel c);

struct ChannelGoal {
  Channel channel = Channel::kPhone;
  GoalMeasure measure = GoalMeasure::kAnswerWithinMinutes;
  int amount = 0;            // minutes or days; 0 for kDecisionAtOnce
  double share = 1;          // the share of inquiries that must meet it (0..1); all by default
  std::optional<std::string> area;  // the goal holds for one service area only
};

// "By `by`, `share` of all inquiries digital."
struct DigitalShareStep {
  Date by;
  double share = 0;
};

// One service area's channel strategy: the channel it steers citizens to,
// the others it also offers, and a note for staff.
struct AreaChannelStrategy {
  Channel primary = Channel::kDigitalSelfService;
  std::vector<Channel> also;
  std::string note;
};

// The step of `path` (ordered by `by`) in force for a period whose last day is
// `last_day`: the first whose `by` is on or after it, else the last; empty for
// an empty path.
std::optional<DigitalShareStep> digital_share_step_for(const std::vector<DigitalShareStep>& path, Date last_day);

// A goal in words, Danish ("80 % besvaret inden for 3 minutter") and English.
std::string describe_goal_da(const ChannelGoal& goal);
std::string describe_goal_en(const ChannelGoal& goal);

}  // namespace sagsflow
