// A municipality's channel strategy (docs/legal.md#channel-strategy): its targets, what each
// channel costs, and its KOMHEN counting weeks. Read from the municipality
// file's optional `channel_strategy:` section; every value has a default whose
// source is named, so reports can say where a figure comes from.
//
//   channel_strategy:
//     targets: {digital_share: 0.5, digital_written_share: 0.8}
//     costs_kr: {personal_attendance: 75, digital_self_service: 20, phone: 45}
//     cost_source: "Our own 2025 time study"
//     counting_weeks: [2026-W10, 2026-W40]     # KOMHEN counting weeks (ISO weeks)
//
// The section is parsed and checked with the municipality file
// (municipality.hpp). Nothing here fails; plain values and pure functions,
// safe to use from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/config/channel_goals.hpp"
#include "sagsflow/domain/domain.hpp"

namespace sagsflow {

struct ChannelCost {
  double kr = 0;
  std::string source;  // where the figure comes from
};

struct ChannelStrategy {
  // Share of all inquiries through digital channels (digital self-service,
  // digital post, e-mail): KL's 50 % by 2015 (docs/legal.md#channel-strategy).
  double digital_share_target = 0.5;
  // Share of written inquiries (letter, e-mail, digital post, digital
  // self-service) that are digital: the national 80 % goal.
  double digital_written_share_target = 0.8;
  std::map<Channel, ChannelCost> costs;  // every channel; see default_channel_costs()
  std::vector<std::string> counting_weeks;  // "2026-W10"
  // Service goals per channel, the digital share's dated path and the
  // channel strategy per service area (channel_goals.hpp); empty unless set.
  std::vector<ChannelGoal> goals;
  std::vector<DigitalShareStep> digital_share_path;  // `by` increasing
  std::map<std::string, AreaChannelStrategy> areas;   // service area -> its strategy
};

// The defaults: KL's 2011 benchmark for personal attendance (about 75 kr) and
// digital self-service (about 20 kr); the other channels get example values,
// marked as such, for each municipality to replace with its own.
std::map<Channel, ChannelCost> default_channel_costs();
ChannelStrategy default_channel_strategy();

// Digital channels (count towards the digital share): digital self-service,
// digital post and e-mail.
bool is_digital(Channel c);
// Written communication (the 80 % goal): letters, e-mail, digital post and
// digital self-service forms; all but letters are digital.
bool is_written_communication(Channel c);

// "2026-W10" for a valid date (ISO 8601 week: the week belongs to the year of
// its Thursday, so 2027-01-01 is in 2026-W53).
std::string iso_week_of(int year, unsigned month, unsigned day);
// Whether `text` is a week name YYYY-Www with ww from 01 to 53.
bool is_iso_week_name(const std::string& text);

}  // namespace sagsflow
