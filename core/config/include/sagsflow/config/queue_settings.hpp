// The queue of walk-in citizens (key `queue` of the municipality file): the
// desks tickets are called to and the groups a citizen draws a number in,
// each group serving some service areas and served by some staff.
// See docs/municipality.md#the-queue and docs/front-of-house.md.
//
// The parsing itself lives in core/config/queue_settings.cpp and is called by
// parse_municipality() (positioned errors like the rest of the file).
//
// Thread-safety: plain values and pure functions; share read-only freely.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sagsflow {

struct MunicipalityConfig;

// A desk (skranke) a ticket is called to: shown on the waiting-room screen by its name.
struct QueueCounter {
  std::string id;    // lower-case id, e.g. "skranke-1"
  std::string name;  // shown to citizens, e.g. "Skranke 1"
};

// A group citizens draw numbers in ("P" for passports): its numbers are the
// id and a running number of the day ("P007").
struct QueueGroup {
  std::string id;    // 1-2 capital letters A-Z
  std::string name;  // the kiosk's button, in Danish
  std::vector<std::string> areas;  // service areas declared under service_areas
  // Who may call its tickets. Empty: everyone at the citizen-service centre
  // with the role frontdesk or caseworker (see may_serve).
  std::vector<std::string> staff;
};

struct QueueSettings {
  std::vector<QueueCounter> desks;
  std::vector<QueueGroup> groups;
  bool enabled() const { return !desks.empty() && !groups.empty(); }
  const QueueGroup* group(std::string_view id) const;     // nullptr when none
  const QueueCounter* desk(std::string_view id) const;    // nullptr when none
  // The first group that serves `area`, or nullptr.
  const QueueGroup* group_for_area(std::string_view area) const;
};

// Whether the staff member `person` of `m` may call and serve the tickets of
// `group`: named in its staff list, or, when it names none, working in a
// citizen-service centre unit with the role frontdesk or caseworker.
bool may_serve(const MunicipalityConfig& m, const QueueGroup& group, std::string_view person);

// A group id: one or two capital letters A-Z.
bool is_queue_group_id(std::string_view id);

}  // namespace sagsflow
