// Appointments (tidsbestilling, docs/front-of-house.md#appointments): time
// slots from a unit's opening hours and a service area's appointment
// setting, booked by the citizen (self-service), by phone staff or at the
// triage desk, cancelled and moved; never two bookings on one seat.
//
// Slots: on each day from today up to the area's book_ahead_days, every
// stretch the receiving unit is open (MunicipalityConfig::hours_of and
// open_on: public holidays, closing days, a booth's every-other-week
// hours and appointment-only hours included) is cut into slots of the
// area's `minutes` from its opening; a slot that would run past the closing
// is not offered, nor one that has begun. Each slot has `desks` seats; a
// booking takes the lowest free one. The store holds each booked seat
// under a unique index, so two bookings racing for the last seat (on any
// number of connections or nodes) give one booking and one kConflict.
//
// The deadline rule (docs/legal.md#appointments-and-legal-deadlines): when the
// citizen has a legal deadline (a complaint deadline of their case, or one
// staff give), a booking after it is refused (kFailedPrecondition) and
// slot lists carry the advice: the first free slot and, when that lies
// after the deadline, the alternative: the application or complaint is
// received now (digitally, or at the desk today), so the deadline is kept.
//
// Letters (docs/front-of-house.md#letters-about-appointments): a booking and
// a move queue a confirmation letter, staff's cancellation a cancellation
// letter, each in the same unit of work as the booking (the letter outbox,
// CaseStore::enqueue_letters; the letter worker renders and delivers it);
// queue_reminders queues a reminder `remind_hours_before` the start of each
// booked appointment that was booked earlier than that. A letter of an
// appointment cancelled before it went is withdrawn by the letter worker.
//
// Limit: a citizen holds at most the area's `max_per_citizen` future booked
// appointments at once (kFailedPrecondition naming the ones held; a move
// does not count the one it replaces).
//
// Personal data: an appointment names its citizen (CPR number); staff reads
// of appointments are access records (CaseEngine::record_reads).
//
// Errors: kNotFound (no such municipality, area or appointment; another
// citizen's appointment is not found either), kFailedPrecondition (the area
// takes no appointments, the time is not a free slot, after the deadline,
// already cancelled), kConflict (the last seat was just taken), kForbidden
// (not on the staff list), kInvalidArgument (a CPR number or time that is
// not one), kStorage. Nothing is stored when a method fails.
//
// Thread-safety: not thread-safe (its store is one connection); one per
// thread, like FrontDesk. The Organisation it reads is shared read-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sagsflow/config/letter_template.hpp"
#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/domain.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/organisation/organisation.hpp"

namespace sagsflow {

struct Appointment {
  long long id = 0;
  std::string municipality;
  std::string area;
  std::string unit;
  std::string starts_at;  // ISO-8601 UTC, a slot's start
  int minutes = 15;
  int seat = 0;  // 0 .. desks-1
  std::optional<Cpr> citizen;  // always set on a stored appointment
  std::optional<long long> case_id;
  Channel channel = Channel::kDigitalSelfService;  // how it was booked
  std::string booked_by;                           // a staff id, or "citizen"
  std::string booked_at;
  std::string state = "booked";  // booked | cancelled
  std::string cancelled_at;
  std::string cancelled_by;
  std::string cancel_reason;  // "cancelled", "moved to <id>"
};

// What AppointmentDesk needs from storage (the SQL store implements it, migration 19).
class AppointmentStore {
 public:
  virtual ~AppointmentStore() = default;
  // Stores `a` on the lowest of seats 0..desks-1 no booked appointment of its
  // municipality, unit and starts_at holds, and returns it with id and seat.
  // kConflict when every seat is taken (also when a concurrent booking took
  // the last one between the read and the write).
  virtual Result<Appointment> book_seat(const Appointment& a, int desks) = 0;
  // kNotFound for no such id.
  virtual Result<Appointment> load_appointment(long long id) = 0;
  // Marks a booked appointment cancelled; false when it was not booked (any more).
  virtual Result<bool> cancel_appointment(long long id, const std::string& at, const std::string& by,
                                          const std::string& reason) = 0;
  // Booked seats per starts_at of `unit` with from <= starts_at < to (ISO UTC).
  virtual Result<std::vector<std::pair<std::string, int>>> booked_counts(const std::string& municipality,
                                                                         const std::string& unit,
                                                                         const std::string& from,
                                                                         const std::string& to) = 0;
  // The citizen's appointments in `municipality` (booked and cancelled), newest start first.
  virtual Result<std::vector<Appointment>> appointments_of(const std::string& municipality, const Cpr& citizen) = 0;
  // Booked appointments of the unit with from <= starts_at < to, by start.
  virtual Result<std::vector<Appointment>> appointments_at(const std::string& municipality, const std::string& unit,
                                                           const std::string& from, const std::string& to) = 0;
  // Booked appointments (any municipality) with from <= starts_at < to that
  // have no reminder letter yet, by start.
  virtual Result<std::vector<Appointment>> appointments_to_remind(const std::string& from, const std::string& to) = 0;
};

struct AppointmentSlot {
  std::string starts_at;   // ISO UTC
  std::string local_time;  // Copenhagen, "2026-12-03T10:15:00+01:00"
  std::string day;         // YYYY-MM-DD (Copenhagen)
  int free = 0;            // seats left
  bool after_deadline = false;
};

// The deadline rule applied to real slots.
struct DeadlineAdvice {
  Date deadline{};
  std::string first_free;  // ISO UTC of the first free slot; empty when none in the booking window
  bool after_deadline = false;
  // "book" (a slot before the deadline exists) or "receive_now" (receive the
  // application or complaint today so the deadline is kept).
  std::string offer;
  std::string message;  // in Danish, for the citizen and the desk alike
};

struct SlotList {
  std::string municipality, area, unit, unit_name;
  int minutes = 15;
  int desks = 1;
  std::vector<AppointmentSlot> slots;  // free slots only, by start
  std::optional<DeadlineAdvice> advice;
};

struct SlotQuery {
  std::string municipality;
  std::string area;
  std::optional<Date> from;      // default today
  int days = 14;                 // 1 .. the area's book_ahead_days
  std::optional<Date> deadline;  // a legal deadline the meeting must be before
};

struct BookingRequest {
  std::string municipality;
  std::string area;
  std::string starts_at;                  // a free slot's starts_at
  std::optional<std::string> citizen_cpr; // staff booking: the citizen's CPR number
  std::optional<long long> case_id;       // the citizen's case the meeting is about
  std::optional<Date> deadline;           // a legal deadline staff know of
  Channel channel = Channel::kPhone;      // staff: phone or personal_attendance
};

class AppointmentDesk {
 public:
  // Days are counted with each municipality's own calendar (its closing days).
  AppointmentDesk(AppointmentStore& store, const Organisation& organisation, Clock clock = system_clock());

  // The free slots of the area (no personal data: open to anyone).
  // kNotFound (municipality, area), kFailedPrecondition (no appointments for
  // the area, or no unit receives them), kInvalidArgument (days out of range).
  Result<SlotList> slots(const SlotQuery& query);

  // The citizen books for themself (channel digital_self_service). With
  // `case_id` the case must be theirs (kNotFound otherwise) and its
  // complaint deadline, while a complaint can still be filed, is the
  // deadline. `engine` reads the case.
  Result<Appointment> book_as_citizen(const Cpr& citizen, BookingRequest request, CaseEngine& engine);
  // Staff book for a citizen (phone staff, the triage desk): on the staff
  // list of the municipality; the CPR number is required.
  Result<Appointment> book_as_staff(const Actor& actor, BookingRequest request, CaseEngine& engine);

  // Cancels; the citizen only their own (kNotFound for another's).
  // kFailedPrecondition when it is already cancelled or has begun.
  // Staff's cancellation sends the citizen a letter, with `reason` when given
  // (at most 500 bytes); the citizen's own is confirmed on their screen.
  Result<Appointment> cancel_as_citizen(const Cpr& citizen, long long id);
  Result<Appointment> cancel_as_staff(const Actor& actor, long long id, CaseEngine& engine,
                                      const std::string& reason = {});
  // Moves a booked appointment to another free slot of its area: the new one
  // is booked and the old one cancelled ("moved to <id>") in one unit;
  // the deadline rule applies to the new time.
  Result<Appointment> move_as_citizen(const Cpr& citizen, long long id, const std::string& starts_at, CaseEngine& engine);
  Result<Appointment> move_as_staff(const Actor& actor, long long id, const std::string& starts_at, CaseEngine& engine);

  // The citizen's own appointments (they read their own data: no access record).
  Result<std::vector<Appointment>> of_citizen(const std::string& municipality, const Cpr& citizen);
  // A unit's booked appointments on `day` (staff of the municipality), each
  // recorded as a read with `why`. `unit` empty: every unit that takes appointments.
  Result<std::vector<Appointment>> day_list(const Actor& actor, const std::string& municipality,
                                            const std::string& unit, Date day, CaseEngine& engine,
                                            const ReadPurpose& why);
  // One appointment for staff, recorded as a read.
  Result<Appointment> get_as_staff(const Actor& actor, long long id, CaseEngine& engine, const ReadPurpose& why);

  // Queues the reminder letters now due: every booked appointment starting
  // within its area's remind_hours_before from now, booked before that
  // window opened, without a reminder yet (each once, by its idempotency
  // key, on any number of nodes). Returns how many were queued. Sagsflow's
  // own work (the server runs it with the deadline check; `sagsflow
  // appointment remind`).
  Result<int> queue_reminders(CaseEngine& engine);

 private:
  struct AreaPlan;
  Result<AreaPlan> plan_of(const std::string& municipality, const std::string& area) const;
  Result<Appointment> book(const Cpr& citizen, const BookingRequest& request, const std::string& booked_by,
                           std::optional<Date> deadline, std::optional<long long> replacing = std::nullopt);
  // Books and queues the confirmation in one unit.
  Result<Appointment> book_confirmed(const Cpr& citizen, const BookingRequest& request, const std::string& booked_by,
                                     std::optional<Date> deadline, CaseEngine& engine);
  // The letter of `kind` about `a` (replaces: the earlier time of a move; reason: staff's cancellation).
  Result<QueuedLetter> letter_about(const Appointment& a, LetterKind kind, CaseEngine& engine,
                                    const std::string& replaces = {}, const std::string& reason = {}) const;
  Result<std::optional<Date>> case_deadline(const Cpr& citizen, const BookingRequest& request, CaseEngine& engine,
                                            const Actor* staff);
  Result<Appointment> cancel(long long id, const std::string& by, const std::optional<Cpr>& owner,
                             const std::string& reason);
  Result<Appointment> move(long long id, const std::string& starts_at, const std::string& by,
                           const std::optional<Cpr>& owner, CaseEngine& engine, const Actor* staff);
  Result<KnownPerson> staff_of(const Actor& actor, const std::string& municipality) const;

  AppointmentStore& store_;
  const Organisation& organisation_;
  Clock clock_;
};

// The deadline rule on a first free slot (empty: none), in Danish: pure, any thread.
DeadlineAdvice advise_against_deadline(Date deadline, const std::string& first_free_starts_at);

}  // namespace sagsflow
