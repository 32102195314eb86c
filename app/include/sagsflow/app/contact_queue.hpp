// The contact queue of a staffed channel (phone, the counter) for
// `sagsflow simulate`: a seeded discrete-event simulation of one channel's
// day, and of a year of days from a profile (simulation_profile.hpp).
//
// The model (docs/front-of-house.md#what-if-on-opening-hours):
// - Arrivals: a Poisson process per hour of the day, with the hour's share of
//   the day's demand (`arrivals_by_hour`), over the whole day. An arrival in
//   a closed minute is displaced: a displaced phone call moves to the
//   channels of `what_if.phone_hours.moves_to` by their shares (to `phone`
//   itself: the citizen calls again while it is open the same day) and
//   otherwise gives up; a displaced contact of another channel gives up.
//   Contacts moved into a queued channel arrive while it is open that day,
//   by its hours' shares.
// - Service: `staffing` servers, first come first served; handling times are
//   exponential with the mean `handling_minutes` (or fixed: QueueModel::handling).
//   Everyone who arrived while open is served, also after closing time.
// - Abandonment: each waiting citizen has a patience, exponential with the
//   mean `patience_minutes` (or fixed); one whose wait would be longer gives
//   up after it and is not served (not registered as an inquiry).
// - Figures: waiting times are those of the answered (from arrival to the
//   start of service); the 90th percentile is the nearest rank; the share
//   within the goal is answered within `service_goal_minutes` (inclusive)
//   out of all offered (the abandoned count as not within).
// Random numbers come from std::mt19937_64 with this module's own
// transformations (no std distributions), so a seed gives the same figures on
// every platform. A day's arrivals, handling times and patience depend only
// on the seed, the channel, the date and its demand, not on the hours, so an
// as-is and a what-if run see the same citizens (common random numbers).
//
// Thread-safety: plain values and pure functions; a ContactQueues is used by
// one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "sagsflow/app/simulation_hours.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/config/opening_hours.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/app/simulation_profile.hpp"
#include "sagsflow/domain/calendar.hpp"

namespace sagsflow::app {

enum class Spread { kExponential, kFixed };

struct QueueModel {
  int servers = 1;
  double handling_minutes = 1;
  Spread handling = Spread::kExponential;
  double patience_minutes = std::numeric_limits<double>::infinity();  // infinity: nobody gives up
  Spread patience = Spread::kExponential;
  double service_goal_minutes = 0;                                     // 0: no goal
  std::array<double, 24> arrivals_by_hour{};
  // false: Poisson arrivals; true (deterministic, for hand computations): the
  // hour's demand rounded, evenly spaced from the hour's start (h:00, h:00 + 60/n, ...).
  bool even_arrivals = false;
};

// One citizen in the queue (minutes after midnight, minutes).
struct Contact {
  double arrival = 0;
  double handling = 0;
  double patience = std::numeric_limits<double>::infinity();
};
struct ContactOutcome {
  bool answered = false;
  double wait = 0;  // until service, or until giving up
};
// Serves `contacts` (sorted by arrival) first come first served on `servers`
// servers (at least 1), the queue empty at the start. Exact for FIFO with
// abandonment: a contact is served by the first server free after everyone
// before it who stayed; it gives up when that wait exceeds its patience.
// O(n log servers).
std::vector<ContactOutcome> serve_in_order(const std::vector<Contact>& contacts, int servers);

struct QueueHourFigures {
  long long offered = 0, answered = 0, abandoned = 0, displaced = 0;
  double wait_sum = 0;  // minutes, of the answered
};

// Offered, answered, abandoned and displaced contacts and their waits, summed
// over days (or hours); percentiles from the waits kept.
struct QueueFigures {
  long long offered = 0;      // arrived while open (including moved in and called again)
  long long answered = 0;
  long long abandoned = 0;    // gave up while waiting
  long long displaced = 0;    // arrived while closed
  std::map<Channel, long long> displaced_to;  // where the displaced went (the rest gave up)
  long long displaced_gave_up = 0;
  long long within_goal = 0;
  // Personal attendance with `booked_share`: served at a booked time (not in
  // the walk-in queue, no wait) and booked demand that found no free seat
  // that day and came as walk-ins (counted in offered too).
  long long booked = 0;
  long long booked_overflow = 0;
  double service_goal_minutes = 0;
  double wait_sum = 0;
  std::vector<float> waits;   // minutes, of the answered
  std::array<QueueHourFigures, 24> by_hour{};  // by the hour of arrival

  double mean_wait() const { return answered > 0 ? wait_sum / double(answered) : 0; }
  double p90_wait() const;    // nearest rank; 0 with nobody answered
  double within_goal_share() const { return offered > 0 ? double(within_goal) / double(offered) : 0; }
  void add(const QueueFigures& other);
  // The figures; `waits` are summarised, by_hour as lists of 24.
  nlohmann::json to_json() const;
};

// A channel's hours in a scenario: the profile's weekly rules, or a
// municipality file's published hours (config/opening_hours.hpp: dated
// rules such as a booth every other week, the channel's own closed days,
// appointment-only stretches; closing days from the municipality's calendar).
struct ChannelHours {
  WeeklyHours weekly;
  std::optional<OpeningHours> published;
  // The stretches open to walk-ins on `day` (appointment-only ones left out):
  // none on a public holiday or closing day of `calendar`.
  std::vector<OpenInterval> walk_in(Date day, const DanishCalendar& calendar) const;
  // Whether the channel opens at all on `day` (walk-in or appointment-only).
  bool opens(Date day, const DanishCalendar& calendar) const;
};

// What a simulated year runs with: each queued channel's hours, and the
// municipality whose appointment slots (service_areas.*.appointments, the
// receiving unit's hours) serve the booked visits; nullptr: none booked.
struct Scenario {
  std::map<Channel, ChannelHours> hours;
  const MunicipalityConfig* appointments = nullptr;
};

// The appointment seats of `m` on `day`: over every service area that takes
// appointments, its slots on the day (slot_starts of its receiving unit's
// hours) times its desks. Pure.
int appointment_seats_on(const MunicipalityConfig& m, Date day, const DanishCalendar& calendar);

// One channel (`self`) on one day. `open` are the day's open stretches;
// `demand` the expected contacts of the whole day (also those in closed
// hours); `moved_in` contacts from another channel, who arrive while it is
// open (or, closed all day, are displaced). Each displaced contact draws its
// way by `moves_to` (shares adding up to at most 1): to `self`, it calls
// again while open (offered once more); to another channel, it is counted in
// displaced_to for the caller to move; otherwise it gives up.
QueueFigures simulate_queue_day(const QueueModel& model, const std::vector<OpenInterval>& open, double demand,
                                long long moved_in, std::uint64_t seed, const std::map<Channel, double>& moves_to,
                                Channel self);

// The queue model of a profile's channel.
QueueModel queue_model(const SimulationQueueChannel& channel);

// Every queued channel of a profile, day by day. The demand of a channel on a
// day is its yearly volume (not scaled: a queue does not scale down) times
// the month's seasonality weight, spread evenly over the month's days on
// which the `as_is` hours open it and the calendar does not close it (a
// public holiday, a closing day of the municipality), so an as-is and a
// what-if year see the same demand. `run` is the scenario to simulate (the
// as-is one, or a what-if's); a channel not in it keeps the as-is hours.
// Personal attendance with a `booked_share`: that share of the day's demand
// is served at booked times up to the day's appointment seats of
// `run.appointments`; the rest of it comes as walk-ins.
class ContactQueues {
 public:
  ContactQueues(const SimulationProfile& profile, Scenario as_is, Scenario run, DanishCalendar calendar);

  struct Day {
    std::map<Channel, long long> answered;   // by queued channel: the inquiries to register
    std::map<Channel, long long> moved_out;  // displaced phone calls moved to channels without a queue
  };
  // Simulates `date` (any order; each date once) and adds it to the totals.
  Day run_day(Date date);

  const std::map<Channel, QueueFigures>& totals() const { return totals_; }
  // Per channel, one entry per simulated day: {date, offered, answered, abandoned, displaced, mean, p90, within goal}.
  const std::map<Channel, nlohmann::json>& days() const { return days_; }
  long long contacts() const;  // offered and displaced, all channels
  bool empty() const { return profile_.queues.empty(); }

 private:
  const SimulationProfile& profile_;
  Scenario as_is_, run_;
  DanishCalendar calendar_;
  std::map<Channel, std::array<int, 12>> demand_days_;  // by month
  int demand_year_ = 0;
  double weight_sum_ = 0;
  std::map<Channel, QueueFigures> totals_;
  std::map<Channel, nlohmann::json> days_;
  bool demand_day(Channel c, Date d) const;
};

// Where a scenario's hours come from, and the what-if edits of them.
struct ScenarioSource {
  // The municipality whose published hours stand for `opening_hours:
  // {channel: municipality}` and whose appointment slots serve booked visits.
  const MunicipalityConfig* municipality = nullptr;
  // A what-if municipality file (`--what-if-municipality`): its published
  // hours replace every queued channel's it publishes, and its slots serve
  // the booked visits.
  const MunicipalityConfig* what_if_municipality = nullptr;
  bool what_if_hours = false;  // the profile's what_if.opening_hours
  int phone_close = -1;        // minutes after midnight: the phone closes by then; < 0: not
  double phone_factor = 1;     // the phone's stretches cut to this share; 1: not
};

// The scenario: per queued channel the profile's hours (or the
// municipality's published ones), then the what-if municipality's, then
// the profile's what_if.opening_hours when asked, then the phone edits
// (on weekly rules and on published rules alike).
// kInvalidArgument naming the channel when the profile asks for the
// municipality's hours and there is no municipality or it publishes none for
// the channel, or a booked_share has no municipality taking appointments.
Result<Scenario> scenario_hours(const SimulationProfile& profile, const ScenarioSource& source);

}  // namespace sagsflow::app
