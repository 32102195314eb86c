// The profile of `sagsflow simulate` (simulation.hpp) and its parser: a
// municipality's yearly volumes per channel, the monthly seasonality, the
// service areas' shares and the steps their cases take. Kept apart from the
// simulation itself so that reading a profile needs only the domain and the
// configuration, not an installation (the fuzz target tests/fuzz builds it so).
//
// Thread-safety: plain values; parse_simulation_profile is pure and never throws.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sagsflow/app/simulation_hours.hpp"
#include "sagsflow/config/workflow.hpp"
#include "sagsflow/domain/domain.hpp"

namespace sagsflow::app {

struct SimulationStep {
  std::string action;
  int after_days = 0;        // after the previous step
  int per_working_day = 0;   // 0: no limit
  nlohmann::json fields = nlohmann::json::object();  // "$today", "$today-3", "$today+7" become dates
  std::vector<std::string> attachments;
};

struct SimulationArea {
  std::string id;
  double share = 0;
  std::string workflow;  // empty: special needs are received and forwarded
  std::vector<SimulationStep> steps;
};

// A staffed channel's day (contact_queue.hpp models its queue): when it is
// open, how its day's demand falls over the hours, how many serve, for how
// long, how long citizens wait before they give up, and the service goal.
struct SimulationQueueChannel {
  WeeklyHours hours;                      // Copenhagen wall-clock
  // `opening_hours: {channel: municipality}`: the municipality file's
  // published hours of the channel (dated rules, closing days,
  // appointment-only stretches) instead of weekly rules of the profile.
  bool hours_from_municipality = false;
  // Personal attendance (`booked_share`): the share of a day's demand that
  // books a time ahead; served in the municipality's appointment slots, the
  // rest of them (no free seat that day) come as walk-ins. 0 to 1.
  double booked_share = 0;
  std::array<double, 24> arrivals_by_hour{};  // shares of a day's demand, adding up to about 1
  int staffing = 0;                       // agents / desks on duty while open, at least 1
  double handling_minutes = 0;            // mean, above 0
  double patience_minutes = 0;            // mean time before a waiting citizen gives up, above 0
  double service_goal_minutes = 0;        // answer within this; 0: no goal given
};

struct SimulationProfile {
  std::string name;
  int year = 2026;
  std::map<Channel, double> volumes;  // inquiries a year
  double general_share = 0.8;
  std::vector<double> seasonality = std::vector<double>(12, 1.0);  // monthly weights
  std::vector<SimulationArea> areas;
  // What-if "phone opening hours": where the displaced phone inquiries go (shares; the rest give up).
  std::map<Channel, double> phone_hours_moves_to;
  // Channels with opening hours (personal attendance, phone, assisted
  // self-service) and their queues; a channel not here has no hours of the day.
  std::map<Channel, SimulationQueueChannel> queues;
  // What-if "other opening hours" (`sagsflow simulate --compare`): a channel's hours instead of its own.
  std::map<Channel, WeeklyHours> what_if_opening_hours;
  unsigned seed = 2012;
};

struct ProfileParseResult {
  std::optional<SimulationProfile> profile;
  std::vector<Diagnostic> errors;
  bool ok() const { return profile.has_value(); }
};
// `profile` is set only when there are no errors (each with file, line, column).
ProfileParseResult parse_simulation_profile(std::string_view yaml, std::string_view file_name);

// A step's field may be "$today", "$today+N" or "$today-N" (N days, at most kMaxTodayOffset).
inline constexpr int kMaxTodayOffset = 3660;
// The days after "$today" in such a value; nullopt for anything else.
std::optional<int> today_offset(const std::string& value);

}  // namespace sagsflow::app
