// QueueDesk: the queue of walk-in citizens (kø og nummertræk).
//
// A citizen draws a ticket in a group of the municipality's queue (config
// key `queue`, sagsflow/config/queue_settings.hpp) at the kiosk by the
// entrance, without signing in, or gets one from the triage desk. Tickets
// are numbered per group and Copenhagen day: the group's id and a running
// number from 1 each day ("P007"). A staff member at a desk calls the next
// ticket: the oldest waiting one of today among the groups they may serve
// (may_serve). They then serve it, registering the inquiry through the
// FrontDesk (channel personal_attendance) in the same transaction, or mark
// it not shown. The waiting-room screen shows the last tickets called and
// how many wait; statistics give per group and Copenhagen hour of day the
// tickets drawn, served and not shown, and the waiting and service times.
//
// Waiting time = called_at - drawn_at; service time = finished_at -
// called_at of a served ticket. The 90th percentile is the nearest-rank one:
// of n times sorted, the ceil(0.9 n)-th.
//
// No personal data is kept on a ticket: its inquiry (which may name the
// citizen) is in the inquiry register, and the screen and statistics show
// numbers, desks and counts only.
//
// Errors: kNotFound (a municipality the installation has no configuration
// for, a group, desk or ticket that does not exist), kFailedPrecondition
// (the municipality has no queue; a ticket not in the state the step needs),
// kForbidden (not on the staff list; not allowed in the ticket's group),
// kInvalidArgument (a bad period), those of FrontDesk::register_inquiry for
// serve, kStorage. Nothing is stored when a method fails.
//
// Thread-safety: like FrontDesk, not thread-safe: one QueueDesk per thread,
// each over its own store. Several desks on several connections (threads,
// processes, nodes) may draw and call at once: two draws never get the same
// number, and two calls never get the same ticket (QueueStore's contract).
#pragma once

#include "sagsflow/reports/channel_goals_report.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/config/queue_settings.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/organisation/organisation.hpp"

namespace sagsflow {

enum class TicketStatus { kWaiting, kCalled, kServed, kNoShow };
const char* ticket_status_key(TicketStatus s);  // "waiting", "called", "served", "no_show"
std::optional<TicketStatus> ticket_status_from_key(std::string_view key);

struct QueueTicket {
  long long id = 0;
  std::string municipality;
  std::string group;       // the group's id
  std::string day;         // the Copenhagen date it was drawn, YYYY-MM-DD
  int seq = 0;             // its running number in the group that day
  std::string number;      // queue_ticket_number(group, seq)
  TicketStatus status = TicketStatus::kWaiting;
  std::string drawn_at;    // ISO-8601 UTC
  std::string drawn_by;    // empty: the kiosk; else the staff member (triage)
  std::string area;        // the area the triage desk gave, if any
  std::string desk;        // called: the desk's id
  std::string called_by;
  std::string called_at;
  std::string finished_at;  // served or not shown
  std::optional<long long> inquiry_id;  // served: the inquiry registered
};

// "P7" -> "P007": the group id and the running number, at least three digits.
std::string queue_ticket_number(const std::string& group, int seq);

// What the queue needs from storage (the SQL store implements it). Not
// thread-safe: one per thread. Database failures are kStorage.
class QueueStore {
 public:
  virtual ~QueueStore() = default;
  // Stores `ticket` as waiting with the next running number of its group and
  // day (one more than the highest stored) and returns it with id, seq and
  // number. A unique index guards (municipality, group, day, seq): when a
  // concurrent draw took that number first, kConflict and nothing stored
  // (draw again).
  virtual Result<QueueTicket> insert_ticket(const QueueTicket& ticket) = 0;
  // The oldest waiting ticket (drawn_at, then id) of `municipality` drawn on
  // `day` in one of `groups` (valid group ids), marked called to `desk` by
  // `by` at `at`, in one unit: the update is conditional on the ticket still
  // waiting, and a ticket another connection called meanwhile is passed over
  // for the next. Nothing (and nothing stored) when none waits.
  virtual Result<std::optional<QueueTicket>> call_oldest_waiting(const std::string& municipality,
                                                                 const std::string& day,
                                                                 const std::vector<std::string>& groups,
                                                                 const std::string& desk, const std::string& by,
                                                                 const std::string& at) = 0;
  // kNotFound when there is no such ticket.
  virtual Result<QueueTicket> load_ticket(long long id) = 0;
  // A called ticket becomes served (with its inquiry) or no_show at `at`;
  // kFailedPrecondition, storing nothing, when it is not called (any more).
  virtual Status finish_ticket(long long id, TicketStatus to, const std::string& at,
                               std::optional<long long> inquiry_id) = 0;
  // The tickets of `municipality` drawn in [from, to) (ISO-8601 UTC), oldest first.
  virtual Result<std::vector<QueueTicket>> tickets_drawn(const std::string& municipality, const std::string& from,
                                                         const std::string& to) = 0;
  // The tickets of `municipality` drawn on `day` that were called, latest called first, at most `limit`.
  virtual Result<std::vector<QueueTicket>> recently_called(const std::string& municipality, const std::string& day,
                                                           int limit) = 0;
  // How many tickets of `municipality` drawn on `day` wait, per group (groups with none left out).
  virtual Result<std::map<std::string, long long>> waiting_by_group(const std::string& municipality,
                                                                    const std::string& day) = 0;
};

// Who draws: the kiosk (no actor) or the triage desk (a staff member, with the area they found).
struct DrawRequest {
  std::string municipality;
  std::string group;  // empty: the group of `area`
  std::optional<Actor> actor;
  std::string area;
};

// What the staff member tells when the citizen has been served.
struct ServeRequest {
  InquiryType type = InquiryType::kGeneralInformation;
  std::string area;  // empty: the ticket's area, else the first of its group's
  Service service = Service::kGeneralGuidance;
  std::string outcome;
  std::optional<std::string> citizen_cpr;
  bool resolved_on_the_spot = true;
};

struct ServeOutcome {
  QueueTicket ticket;
  InquiryOutcome inquiry;
};

// The waiting-room screen: no personal data.
struct QueueScreen {
  struct Called {
    std::string number;
    std::string desk;       // id
    std::string desk_name;
    std::string called_at;
  };
  struct Waiting {
    std::string group, name;
    long long waiting = 0;
  };
  std::vector<Called> called;    // latest first
  std::vector<Waiting> groups;   // in the order of the configuration
};

// One group's figures in one Copenhagen hour of day (hour 0-23) of a period.
struct QueueHourFigures {
  std::string group;
  int hour = 0;
  long long tickets = 0, served = 0, no_shows = 0;
  long long called = 0;                        // the tickets with a waiting time
  std::optional<double> mean_wait_seconds;     // over the called tickets
  std::optional<long long> p90_wait_seconds;
  std::optional<double> mean_service_seconds;  // over the served tickets
};

struct QueueStatistics {
  std::string municipality, from, to;  // the period, ISO-8601 UTC, [from, to)
  std::vector<QueueHourFigures> rows;  // by group (configuration order), then hour; hours without tickets left out
  std::vector<QueueHourFigures> totals;  // one per group (hour -1)
};

// The instant a Copenhagen day begins (its local midnight, in CET or CEST):
// for statistics asked for by whole days. Pure; throws like copenhagen_date
// without tzdata.
Timestamp copenhagen_day_start(Date day);

// The counter's waiting-time goal measured on `tickets`: a ticket counts once
// it was called, or once it has waited longer than `within_minutes` uncalled
// (a no-show never called, or one still waiting at `now`); it is within the
// goal when it was called within `within_minutes` of being drawn. Pure.
CounterWaiting counter_waiting_of(const std::vector<QueueTicket>& tickets, int within_minutes, Timestamp now);

// The figures of `tickets` (pure; exposed for the report and its tests): per
// group in the order of `settings` (then any others), and per Copenhagen hour
// of drawing.
QueueStatistics queue_statistics(const QueueSettings& settings, const std::vector<QueueTicket>& tickets);

class QueueDesk {
 public:
  // `front_desk` registers the inquiries of served tickets, in a unit of
  // `engine` (all three over the same store as `store`).
  QueueDesk(QueueStore& store, const Organisation& organisation, FrontDesk& front_desk, CaseEngine& engine,
            Clock clock = system_clock());

  // The groups of `municipality`'s queue and its desks (kNotFound, kFailedPrecondition without a queue).
  Result<const QueueSettings*> settings(const std::string& municipality) const;
  // Draws a ticket. A staff actor must be on the staff list (kForbidden);
  // kNotFound for a group (or an area no group serves) that does not exist.
  Result<QueueTicket> draw(const DrawRequest& request);
  // Calls the next ticket to `desk` for `actor`: nothing when no one waits in
  // the groups they may serve. kForbidden when they may serve no group.
  Result<std::optional<QueueTicket>> call_next(const Actor& actor, const std::string& municipality,
                                               const std::string& desk);
  // Serves a called ticket: the inquiry is registered (personal attendance,
  // by `actor`) and the ticket marked served with it, both or neither.
  // kForbidden when the actor may not serve the ticket's group;
  // kFailedPrecondition when it is not called.
  Result<ServeOutcome> serve(const Actor& actor, long long ticket, const ServeRequest& inquiry);
  // Marks a called ticket not shown; as serve for who may.
  Result<QueueTicket> no_show(const Actor& actor, long long ticket);
  // The screen of today: the last `last` tickets called and who waits per group.
  Result<QueueScreen> screen(const std::string& municipality, int last = 8);
  // The groups `actor` may call for (ids, in configuration order); kForbidden when not on the staff list.
  Result<std::vector<std::string>> groups_of(const Actor& actor, const std::string& municipality) const;
  // The figures of tickets drawn in [from, to) (ISO-8601 UTC; kInvalidArgument
  // unless from < to and both parse); a staff actor of the municipality.
  Result<QueueStatistics> statistics(const Actor& actor, const std::string& municipality, const std::string& from,
                                     const std::string& to);

 private:
  Result<KnownPerson> staff_of(const Actor& actor, const std::string& municipality) const;
  // The ticket, and the actor allowed in its group.
  Result<QueueTicket> ticket_for(const Actor& actor, long long id) const;

  QueueStore& store_;
  const Organisation& organisation_;
  FrontDesk& front_desk_;
  CaseEngine& engine_;
  Clock clock_;
};

}  // namespace sagsflow
