// `sagsflow simulate`: a year of a municipality's inquiries and cases from a
// profile, run through the real front desk, engine and plugins (docs/legal.md#channel-strategy).
//
// Each calendar day gets its share of every channel's yearly volume
// (personal attendance and phone on working days only; the monthly
// seasonality weights), each inquiry a service area by the profile's shares.
// General needs (general_share, about 80 %) are registered as resolved at
// first contact. Special needs are transactions: in an area with `steps` they
// open a case of its workflow and take the steps on later days (a step with
// `per_working_day` is limited to that many a working day, first come first
// served, so a backlog and breached deadlines appear when the load is too
// high); in an area without steps (another authority's) they are received and
// forwarded. Deadlines are checked every simulated day. Everything is
// timestamped on the simulated day, so the reports see a real year.
//
// A channel with opening hours in the profile (phone, the counter) has a
// contact queue (contact_queue.hpp), simulated at the profile's own volumes
// whatever the scale: its answered contacts, times the scale, are the
// channel's inquiries of the day; those who gave up while waiting are not
// registered; phone calls displaced by the hours move by
// what_if.phone_hours.moves_to (and are registered on the channel they moved to).
//
// Thread-safety: a simulation owns its Installation while it runs (one
// thread); parsing a profile (simulation_profile.hpp) is pure.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sagsflow/app/contact_queue.hpp"
#include "sagsflow/app/installation.hpp"
#include "sagsflow/app/simulation_profile.hpp"
#include "sagsflow/domain/calendar.hpp"

namespace sagsflow::app {

struct SimulationOptions {
  std::string municipality;
  double scale = 1.0;        // of every volume
  double phone_hours = 1.0;  // what-if: 0.5 halves phone opening hours (each of its rules closes after half its length)
  int phone_close = -1;      // what-if: the phone closes at this minute after midnight (18 * 60: 18:00); < 0: not
  bool what_if_hours = false;  // what-if: the profile's what_if.opening_hours instead of its opening_hours
  // What-if: another municipality file's published hours and appointment
  // slots (e.g. a booth staffed on fewer days); nullptr: not. Owned by the caller.
  const MunicipalityConfig* what_if_municipality = nullptr;
  int days = 0;              // 0: the whole year
  std::function<void(int day, int days, long long inquiries)> progress;
};

struct SimulationSummary {
  std::map<Channel, long long> inquiries;
  long long total_inquiries = 0;
  long long gave_up = 0;  // displaced inquiries (outside the hours) that went nowhere; those who gave up waiting: queues
  // The queued channels (opening hours in the profile): the year's figures and each day's.
  std::map<Channel, QueueFigures> queues;
  std::map<Channel, nlohmann::json> queue_days;
  long long queue_contacts = 0;  // offered and displaced
  double queue_seconds = 0;      // spent in the queue model
  long long cases_opened = 0;
  long long steps_taken = 0;
  long long cases_closed = 0;
  std::map<std::string, long long> refusals;  // reason -> count (steps the engine refused)
  long long deadline_events = 0;
  double seconds = 0;
  nlohmann::json to_json() const;
};

// The queues of a summary as JSON: per channel QueueFigures::to_json, with its days (`by_day`) when given.
nlohmann::json queues_json(const std::map<Channel, QueueFigures>& queues,
                           const std::map<Channel, nlohmann::json>& days = {});

// Runs the profile on `installation` (whose engine and front desk must use
// `clock_now`, which the simulation moves day by day). kNotFound for an
// unconfigured municipality; kFailedPrecondition when no one in its
// citizen-service centre has the role frontdesk; a failing deadline check's
// error. Refused inquiries, openings and steps are counted in `refusals`, not
// returned. Each simulated day is one transaction of the installation's store
// (SqlStore::begin_group .. end_group; every inquiry, opening and step a unit
// of its own inside it, so a refused one is undone alone and the rest of the
// day stands): another connection sees a day whole once it is done, or none
// of it. `progress` is called after a day has committed. On an error the
// failing day is undone whole and the days before it stay stored.
Result<SimulationSummary> simulate(Installation& installation, Timestamp& clock_now, const SimulationProfile& profile,
                                   const SimulationOptions& options);

}  // namespace sagsflow::app
