#include "sagsflow/frontdesk/appointments.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "sagsflow/domain/log.hpp"
#include "sagsflow/engine/letter_orders.hpp"

namespace sagsflow {

struct AppointmentDesk::AreaPlan {
  const MunicipalityConfig* municipality = nullptr;
  const ServiceAreaConfig* area = nullptr;
  const MunicipalUnit* unit = nullptr;
  AppointmentSetting setting;
  OpeningHours hours;
};

namespace {

// "torsdag den 3. december 2026 kl. 10:15" or "on Thursday 3 December 2026
// at 10:15" on the Copenhagen clock; the date as letters write it (written_date).
std::string time_in_words(const std::string& starts_at, const std::string& language) {
  static constexpr const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  auto t = parse_timestamp(starts_at);
  if (!t.ok()) return starts_at;
  const Date day = copenhagen_date(*t);
  const int wd = static_cast<int>(std::chrono::weekday{day}.iso_encoding()) - 1;
  const std::string clock = format_clock(copenhagen_minute_of_day(*t));
  if (language == "en") return fmt::format("on {} {} at {}", kDays[wd], written_date(day, "en"), clock);
  return fmt::format("{} den {} kl. {}", weekday_name_da(wd), written_date(day, "da"), clock);
}

std::string danish_time(const std::string& starts_at) { return time_in_words(starts_at, "da"); }

// Queues `letter` in the outbox, in the caller's unit of work (engine.atomically).
Status enqueue(CaseEngine& engine, const Result<QueuedLetter>& letter) {
  if (!letter.ok()) return letter.status();
  return engine.store().enqueue_letters({*letter});
}


// The letterhead's address on one line.
std::string one_line(const std::string& text) {
  std::string out;
  std::string line;
  for (char ch : text + "\n") {
    if (ch != '\n') {
      line += ch;
      continue;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) out += (out.empty() ? "" : ", ") + line;
    line.clear();
  }
  return out;
}

bool future(const Appointment& a, Timestamp now) {
  auto t = parse_timestamp(a.starts_at);
  return a.state == "booked" && t.ok() && *t > now;
}

}  // namespace

DeadlineAdvice advise_against_deadline(Date deadline, const std::string& first_free) {
  DeadlineAdvice a;
  a.deadline = deadline;
  a.first_free = first_free;
  auto t = first_free.empty() ? Result<Timestamp>(NotFound("none")) : parse_timestamp(first_free);
  a.after_deadline = !t.ok() || copenhagen_date(*t) > deadline;
  if (!a.after_deadline) {
    a.offer = "book";
    a.message = fmt::format("Den første ledige tid er {}, før fristen {}.", danish_time(first_free),
                            written_date(deadline, "da"));
    return a;
  }
  a.offer = "receive_now";
  a.message = fmt::format(
      "{} Fristen er {}. Vent ikke på en tid: din ansøgning eller klage kan modtages i dag, digitalt eller ved "
      "skranken, så fristen holdes.",
      first_free.empty() ? std::string("Der er ingen ledig tid i den periode, der kan bestilles i.")
                         : fmt::format("Den første ledige tid er {}, efter fristen.", danish_time(first_free)),
      written_date(deadline, "da"));
  return a;
}

AppointmentDesk::AppointmentDesk(AppointmentStore& store, const Organisation& organisation, Clock clock)
    : store_(store), organisation_(organisation), clock_(std::move(clock)) {}

Result<AppointmentDesk::AreaPlan> AppointmentDesk::plan_of(const std::string& municipality,
                                                           const std::string& area) const {
  const auto* m = organisation_.find(municipality);
  if (m == nullptr) return NotFound(fmt::format("municipality {} has no configuration in this installation", municipality));
  const auto* a = m->service_area(area);
  if (a == nullptr) return NotFound(fmt::format("{} has no service area '{}'", m->name, area));
  if (!a->appointments) {
    return FailedPrecondition(fmt::format("{} takes no appointments for {} (set service_areas.{}.appointments)",
                                          m->name, area, area));
  }
  const auto* u = m->appointment_unit(area);
  if (u == nullptr) return FailedPrecondition(fmt::format("no unit of {} receives appointments for {}", m->name, area));
  AreaPlan p{m, a, u, *a->appointments, m->hours_of(*u)};
  return p;
}

Result<SlotList> AppointmentDesk::slots(const SlotQuery& q) {
  auto plan = plan_of(q.municipality, q.area);
  if (!plan.ok()) return plan.status();
  const auto& s = plan->setting;
  if (q.days < 1 || q.days > s.book_ahead_days) {
    return InvalidArgument(fmt::format("days must be from 1 to {} (how far ahead {} can be booked), got {}",
                                       s.book_ahead_days, q.area, q.days));
  }
  const Timestamp now = clock_();
  const Date today = copenhagen_date(now);
  const Date last = today + std::chrono::days(s.book_ahead_days - 1);
  const Date from = std::max(q.from.value_or(today), today);
  const Date to = std::min(from + std::chrono::days(q.days - 1), last);  // inclusive
  SlotList out;
  out.municipality = q.municipality;
  out.area = q.area;
  out.unit = plan->unit->id;
  out.unit_name = plan->unit->name;
  out.minutes = s.minutes;
  out.desks = s.desks;
  if (from > to) return out;
  const DanishCalendar calendar(plan->municipality->calendar);
  // Every slot's start in the window, then the booked seats of the window.
  std::vector<Timestamp> starts;
  for (Date d = from; d <= to; d += std::chrono::days(1)) {
    for (const int m : slot_starts(open_on(plan->hours, d, calendar), s.minutes)) {
      const Timestamp t = copenhagen_instant(d, m);
      if (t > now) starts.push_back(t);
    }
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::map<std::string, int> booked;
  if (!starts.empty()) {
    auto counts = store_.booked_counts(q.municipality, plan->unit->id, format_timestamp(starts.front()),
                                       format_timestamp(starts.back() + std::chrono::seconds(1)));
    if (!counts.ok()) return counts.status();
    for (auto& [at, n] : *counts) booked[at] += n;
  }
  for (const Timestamp t : starts) {
    AppointmentSlot slot;
    slot.starts_at = format_timestamp(t);
    const int taken = booked.contains(slot.starts_at) ? booked[slot.starts_at] : 0;
    slot.free = s.desks - taken;
    if (slot.free <= 0) continue;
    slot.local_time = format_copenhagen_time(t);
    slot.day = format_date(copenhagen_date(t));
    slot.after_deadline = q.deadline && copenhagen_date(t) > *q.deadline;
    out.slots.push_back(std::move(slot));
  }
  if (q.deadline) {
    // The first free slot of the whole booking window, not only of the page asked for.
    std::string first = out.slots.empty() ? std::string() : out.slots.front().starts_at;
    if (first.empty() && (from != today || to != last)) {
      SlotQuery whole{q.municipality, q.area, today, s.book_ahead_days, std::nullopt};
      auto all = slots(whole);
      if (all.ok() && !all->slots.empty()) first = all->slots.front().starts_at;
    }
    out.advice = advise_against_deadline(*q.deadline, first);
  }
  return out;
}

Result<KnownPerson> AppointmentDesk::staff_of(const Actor& actor, const std::string& municipality) const {
  if (!organisation_.knows(municipality)) {
    return NotFound(fmt::format("municipality {} has no configuration in this installation", municipality));
  }
  auto who = organisation_.identify(actor, municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr || who->municipality->code != municipality) {
    return Forbidden(fmt::format("{} is not on the staff list of municipality {}", actor.id, municipality));
  }
  return who;
}

Result<std::optional<Date>> AppointmentDesk::case_deadline(const Cpr& citizen, const BookingRequest& r,
                                                           CaseEngine& engine, const Actor* staff) {
  if (!r.case_id) return std::optional<Date>(r.deadline);
  auto state = engine.get_case(*r.case_id);
  if (!state.ok() || !state->citizen || !(*state->citizen == citizen) || state->municipality != r.municipality) {
    return NotFound(fmt::format("case {} is not a case of this citizen in municipality {}", *r.case_id,
                                r.municipality));
  }
  if (staff != nullptr) {
    const std::vector<ReadSubject> shown{{state->municipality, state->id, state->case_number, 0}};
    if (auto st = engine.record_reads(shown, *staff, {"book an appointment about the case", "api"}); !st.ok()) return st;
  }
  std::optional<Date> deadline = r.deadline;
  // A decision that can still be complained about: the meeting must come before the complaint deadline.
  if (state->complaint_due && state->complaint.is_null()) {
    if (!deadline || *state->complaint_due < *deadline) deadline = state->complaint_due;
  }
  return deadline;
}

Result<Appointment> AppointmentDesk::book(const Cpr& citizen, const BookingRequest& r, const std::string& booked_by,
                                          std::optional<Date> deadline, std::optional<long long> replacing) {
  auto plan = plan_of(r.municipality, r.area);
  if (!plan.ok()) return plan.status();
  auto held = store_.appointments_of(r.municipality, citizen);
  if (!held.ok()) return held.status();
  if (const int most = plan->setting.max_per_citizen; most > 0) {
    std::vector<std::string> times;
    for (const auto& a : *held) {
      if (a.area == r.area && future(a, clock_()) && a.id != replacing.value_or(0)) times.push_back(danish_time(a.starts_at));
    }
    if (static_cast<int>(times.size()) >= most) {
      return FailedPrecondition(fmt::format(
          "the citizen already holds {} booked time{} for {} ({}), the most {} allows at once; move or cancel one "
          "first",
          times.size(), times.size() == 1 ? "" : "s", r.area, fmt::join(times, "; "), plan->municipality->name));
    }
  }
  auto at = parse_timestamp(r.starts_at);
  if (!at.ok()) return InvalidArgument(fmt::format("starts_at: {}", at.status().message()));
  const Timestamp now = clock_();
  if (*at <= now) return FailedPrecondition(fmt::format("{} has already begun; choose a later time", r.starts_at));
  // One citizen is in one place at a time: no booking overlapping another of theirs.
  const Timestamp ends = *at + std::chrono::minutes(plan->setting.minutes);
  for (const auto& a : *held) {
    if (!future(a, now) || a.id == replacing.value_or(0)) continue;
    auto other = parse_timestamp(a.starts_at);
    if (other.ok() && *other < ends && *at < *other + std::chrono::minutes(a.minutes)) {
      return FailedPrecondition(fmt::format("the citizen already has a booked time then ({}, {} minutes); choose "
                                            "another time or move that one",
                                            danish_time(a.starts_at), a.minutes));
    }
  }
  // The time must be a slot the hours give, in the booking window.
  const Date day = copenhagen_date(*at);
  const int minute = copenhagen_minute_of_day(*at);
  const auto& s = plan->setting;
  const DanishCalendar calendar(plan->municipality->calendar);
  const Date last = copenhagen_date(now) + std::chrono::days(s.book_ahead_days - 1);
  bool is_slot = day <= last && copenhagen_instant(day, minute) == *at;
  if (is_slot) {  // one of the slots the day's hours give (the same cut as slots())
    const auto starts = slot_starts(open_on(plan->hours, day, calendar), s.minutes);
    is_slot = std::find(starts.begin(), starts.end(), minute) != starts.end();
  }
  if (!is_slot) {
    const auto closed = closed_exceptionally(plan->hours, day, calendar);
    return FailedPrecondition(fmt::format("{} is not a time {} takes appointments for {}{}", r.starts_at,
                                          plan->unit->name, r.area,
                                          closed ? fmt::format(" ({}: {})", format_date(day), *closed) : ""));
  }
  if (deadline && day > *deadline) {
    SlotQuery q{r.municipality, r.area, std::nullopt, s.book_ahead_days, deadline};
    auto list = slots(q);
    const auto advice = advise_against_deadline(
        *deadline, list.ok() && !list->slots.empty() ? list->slots.front().starts_at : std::string());
    return FailedPrecondition(fmt::format("the time {} is after the deadline {}: {}", r.starts_at,
                                          format_date(*deadline), advice.message));
  }
  Appointment a;
  a.municipality = r.municipality;
  a.area = r.area;
  a.unit = plan->unit->id;
  a.starts_at = format_timestamp(*at);
  a.minutes = s.minutes;
  a.citizen = citizen;
  a.case_id = r.case_id;
  a.channel = r.channel;
  a.booked_by = booked_by;
  a.booked_at = format_timestamp(now);
  auto stored = store_.book_seat(a, s.desks);
  if (!stored.ok()) {
    if (stored.status().code() == ErrorCode::kConflict) {
      return Conflict(fmt::format("the time {} was just taken; choose another", a.starts_at));
    }
    return stored.status();
  }
  logger()->info("appointment {} booked: {} at {} {} ({} via {})", stored->id, a.area, a.unit, a.starts_at,
                 booked_by, channel_key(a.channel));
  return stored;
}

Result<Appointment> AppointmentDesk::book_as_citizen(const Cpr& citizen, BookingRequest r, CaseEngine& engine) {
  r.channel = Channel::kDigitalSelfService;
  r.citizen_cpr.reset();
  auto deadline = case_deadline(citizen, r, engine, nullptr);
  if (!deadline.ok()) return deadline.status();
  return book_confirmed(citizen, r, "citizen", *deadline, engine);
}

Result<Appointment> AppointmentDesk::book_as_staff(const Actor& actor, BookingRequest r, CaseEngine& engine) {
  auto who = staff_of(actor, r.municipality);
  if (!who.ok()) return who.status();
  if (!r.citizen_cpr) return InvalidArgument("cpr: a booking by staff names the citizen's CPR number");
  auto cpr = Cpr::parse(*r.citizen_cpr);
  if (!cpr.ok()) return InvalidArgument(fmt::format("cpr: {}", cpr.status().message()));
  if (r.channel != Channel::kPhone && r.channel != Channel::kPersonalAttendance) {
    return InvalidArgument("channel: staff book on the phone or at the desk (phone, personal_attendance)");
  }
  auto deadline = case_deadline(*cpr, r, engine, &actor);
  if (!deadline.ok()) return deadline.status();
  return book_confirmed(*cpr, r, actor.id, *deadline, engine);
}

Result<Appointment> AppointmentDesk::book_confirmed(const Cpr& citizen, const BookingRequest& r,
                                                    const std::string& booked_by, std::optional<Date> deadline,
                                                    CaseEngine& engine) {
  Result<Appointment> booked = Internal("not booked");
  const Status done = engine.atomically([&]() -> Status {
    booked = book(citizen, r, booked_by, deadline);
    if (!booked.ok()) return booked.status();
    return enqueue(engine, letter_about(*booked, LetterKind::kAppointmentConfirmation, engine));
  });
  if (!done.ok()) return done;
  return booked;
}

Result<QueuedLetter> AppointmentDesk::letter_about(const Appointment& a, LetterKind kind, CaseEngine& engine,
                                                   const std::string& replaces, const std::string& reason) const {
  const auto* m = organisation_.find(a.municipality);
  if (m == nullptr) return NotFound(fmt::format("municipality {} has no configuration in this installation", a.municipality));
  const auto* area = m->service_area(a.area);
  const auto* unit = m->unit(a.unit);
  const std::string& language = m->letters.language;
  const bool en = language == "en";
  const Letterhead& head = m->letters.letterhead;
  const std::string workflow = organisation_.workflow_for(a.municipality, a.area);
  std::string service = a.area;
  if (auto wf = engine.workflow(workflow, std::nullopt); wf.ok() && !(*wf)->title.empty()) service = (*wf)->title;
  LetterValues v;
  v["municipality.name"] = m->name;
  v["authority.name"] = m->name;
  v["sender.unit"] = unit != nullptr ? unit->name : m->name;
  v["sender.name"] = v["sender.unit"];
  v["date"] = written_date(copenhagen_date(clock_()), language);
  std::vector<std::string> contact;
  if (!head.phone.empty()) contact.push_back((en ? "Phone " : "Tlf. ") + head.phone);
  if (!head.email.empty()) contact.push_back(head.email);
  if (!head.web.empty()) contact.push_back(head.web);
  v["contact"] = fmt::format("{}", fmt::join(contact, " · "));
  if (a.case_id) {
    auto state = engine.store().load_case(*a.case_id);
    if (!state.ok()) return state.status();
    v["case.number"] = state->case_number;
    v["case.title"] = state->title;
  }
  v["appointment.service"] = service;
  v["appointment.when"] = time_in_words(a.starts_at, language);
  v["appointment.minutes"] = std::to_string(a.minutes);
  v["appointment.place"] = unit != nullptr ? unit->name : m->name;
  v["appointment.address"] = one_line(head.address);
  v["appointment.reference"] = std::to_string(a.id);
  v["appointment.bring"] = area != nullptr && area->appointments ? area->appointments->bring : std::string();
  std::string change = en ? "in Mine sager (self-service)" : "i Mine sager (selvbetjeningen)";
  if (!head.web.empty()) change += (en ? " at " : " på ") + head.web;
  if (!head.phone.empty()) change += (en ? " or by phone on " : " eller på telefon ") + head.phone;
  v["appointment.change"] = change;
  v["appointment.replaces"] = replaces.empty() ? std::string() : time_in_words(replaces, language);
  v["appointment.reason"] = reason;
  QueuedLetter l;
  l.case_id = a.case_id.value_or(0);
  l.appointment_id = a.id;
  l.event_seq = 0;
  l.municipality = a.municipality;
  l.kind = letter_kind_key(kind);
  l.language = language;
  l.workflow = workflow;
  l.idempotency_key = fmt::format("{}:appointment:{}:{}", a.municipality, a.id, l.kind);
  l.values = nlohmann::json::object();
  for (const auto& [k, val] : v) l.values[k] = val;
  l.created_at = format_timestamp(clock_());
  return l;
}

Result<int> AppointmentDesk::queue_reminders(CaseEngine& engine) {
  const Timestamp now = clock_();
  constexpr int kLongestLead = 14 * 24;  // hours: the most remind_hours_before allows
  auto due = store_.appointments_to_remind(format_timestamp(now),
                                           format_timestamp(now + std::chrono::hours(kLongestLead)));
  if (!due.ok()) return due.status();
  std::vector<QueuedLetter> letters;
  for (const auto& a : *due) {
    const auto* m = organisation_.find(a.municipality);
    const auto* area = m != nullptr ? m->service_area(a.area) : nullptr;
    if (area == nullptr || !area->appointments || area->appointments->remind_hours_before <= 0) continue;
    const auto lead = std::chrono::hours(area->appointments->remind_hours_before);
    auto starts = parse_timestamp(a.starts_at);
    auto booked = parse_timestamp(a.booked_at);
    if (!starts.ok() || !booked.ok()) continue;
    if (*starts - lead > now) continue;       // not yet
    if (*booked >= *starts - lead) continue;  // booked inside the window: the confirmation was the reminder
    auto letter = letter_about(a, LetterKind::kAppointmentReminder, engine);
    if (!letter.ok()) {
      logger()->warn("appointment {}: its reminder cannot be made: {}", a.id, letter.status().message());
      continue;
    }
    letters.push_back(std::move(*letter));
  }
  if (letters.empty()) return 0;
  if (auto st = engine.atomically([&] { return engine.store().enqueue_letters(letters); }); !st.ok()) return st;
  logger()->info("{} appointment reminder{} queued", letters.size(), letters.size() == 1 ? "" : "s");
  return static_cast<int>(letters.size());
}

Result<Appointment> AppointmentDesk::cancel(long long id, const std::string& by, const std::optional<Cpr>& owner,
                                            const std::string& reason) {
  auto a = store_.load_appointment(id);
  if (!a.ok()) return a.status();
  if (owner && !(a->citizen && *a->citizen == *owner)) return NotFound(fmt::format("you have no appointment {}", id));
  if (a->state != "booked") return FailedPrecondition(fmt::format("appointment {} is already cancelled", id));
  const Timestamp now = clock_();
  if (auto t = parse_timestamp(a->starts_at); t.ok() && *t <= now) {
    return FailedPrecondition(fmt::format("appointment {} has begun ({}); it can no longer be cancelled", id,
                                          a->starts_at));
  }
  auto done = store_.cancel_appointment(id, format_timestamp(now), by, reason);
  if (!done.ok()) return done.status();
  if (!*done) return FailedPrecondition(fmt::format("appointment {} is already cancelled", id));
  a->state = "cancelled";
  a->cancelled_at = format_timestamp(now);
  a->cancelled_by = by;
  a->cancel_reason = reason;
  return a;
}

Result<Appointment> AppointmentDesk::cancel_as_citizen(const Cpr& citizen, long long id) {
  return cancel(id, "citizen", citizen, "cancelled");
}

Result<Appointment> AppointmentDesk::cancel_as_staff(const Actor& actor, long long id, CaseEngine& engine,
                                                     const std::string& reason) {
  if (reason.size() > 500) return InvalidArgument("reason: at most 500 bytes");
  auto a = store_.load_appointment(id);
  if (!a.ok()) return a.status();
  auto who = staff_of(actor, a->municipality);
  if (!who.ok()) return who.status();
  Result<Appointment> cancelled = Internal("not cancelled");
  const Status done = engine.atomically([&]() -> Status {
    cancelled = cancel(id, actor.id, std::nullopt, reason.empty() ? "cancelled" : "cancelled: " + mask_cpr_numbers(reason));
    if (!cancelled.ok()) return cancelled.status();
    return enqueue(engine, letter_about(*cancelled, LetterKind::kAppointmentCancelled, engine, {}, mask_cpr_numbers(reason)));
  });
  if (!done.ok()) return done;
  return cancelled;
}

Result<Appointment> AppointmentDesk::move(long long id, const std::string& starts_at, const std::string& by,
                                          const std::optional<Cpr>& owner, CaseEngine& engine, const Actor* staff) {
  auto old = store_.load_appointment(id);
  if (!old.ok()) return old.status();
  if (owner && !(old->citizen && *old->citizen == *owner)) return NotFound(fmt::format("you have no appointment {}", id));
  if (old->state != "booked") return FailedPrecondition(fmt::format("appointment {} is cancelled; book a new time", id));
  BookingRequest r;
  r.municipality = old->municipality;
  r.area = old->area;
  r.starts_at = starts_at;
  r.case_id = old->case_id;
  r.channel = staff ? Channel::kPhone : Channel::kDigitalSelfService;
  auto deadline = case_deadline(*old->citizen, r, engine, staff);
  if (!deadline.ok()) return deadline.status();
  Result<Appointment> moved = Internal("not moved");
  const Status done = engine.atomically([&]() -> Status {
    moved = book(*old->citizen, r, by, *deadline, id);
    if (!moved.ok()) return moved.status();
    auto cancelled = cancel(id, by, owner, fmt::format("moved to {}", moved->id));
    if (!cancelled.ok()) return cancelled.status();
    return enqueue(engine, letter_about(*moved, LetterKind::kAppointmentConfirmation, engine, old->starts_at));
  });
  if (!done.ok()) return done;
  return moved;
}

Result<Appointment> AppointmentDesk::move_as_citizen(const Cpr& citizen, long long id, const std::string& starts_at,
                                                     CaseEngine& engine) {
  return move(id, starts_at, "citizen", citizen, engine, nullptr);
}

Result<Appointment> AppointmentDesk::move_as_staff(const Actor& actor, long long id, const std::string& starts_at,
                                                   CaseEngine& engine) {
  auto a = store_.load_appointment(id);
  if (!a.ok()) return a.status();
  auto who = staff_of(actor, a->municipality);
  if (!who.ok()) return who.status();
  return move(id, starts_at, actor.id, std::nullopt, engine, &actor);
}

Result<std::vector<Appointment>> AppointmentDesk::of_citizen(const std::string& municipality, const Cpr& citizen) {
  if (!organisation_.knows(municipality)) {
    return NotFound(fmt::format("municipality {} has no configuration in this installation", municipality));
  }
  return store_.appointments_of(municipality, citizen);
}

Result<std::vector<Appointment>> AppointmentDesk::day_list(const Actor& actor, const std::string& municipality,
                                                           const std::string& unit, Date day, CaseEngine& engine,
                                                           const ReadPurpose& why) {
  if (why.purpose.empty()) return InvalidArgument("a list of appointments shows personal data: its read needs a purpose");
  auto who = staff_of(actor, municipality);
  if (!who.ok()) return who.status();
  std::vector<std::string> units;
  if (!unit.empty()) {
    if (who->municipality->unit(unit) == nullptr) return NotFound(fmt::format("{} has no unit '{}'", who->municipality->name, unit));
    units.push_back(unit);
  } else {
    for (const auto& a : who->municipality->service_areas) {
      const auto* u = a.appointments ? who->municipality->appointment_unit(a.id) : nullptr;
      if (u != nullptr && std::find(units.begin(), units.end(), u->id) == units.end()) units.push_back(u->id);
    }
  }
  const std::string from = format_timestamp(copenhagen_instant(day, 0));
  const std::string to = format_timestamp(copenhagen_instant(day + std::chrono::days(1), 0));
  std::vector<Appointment> out;
  for (const auto& u : units) {
    auto list = store_.appointments_at(municipality, u, from, to);
    if (!list.ok()) return list.status();
    out.insert(out.end(), list->begin(), list->end());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.starts_at, a.unit, a.seat) < std::tie(b.starts_at, b.unit, b.seat);
  });
  std::vector<ReadSubject> shown;
  for (const auto& a : out) shown.push_back({a.municipality, a.case_id.value_or(0), "", 0, a.id});
  if (!shown.empty()) {
    if (auto st = engine.record_reads(shown, actor, why); !st.ok()) return st;
  }
  return out;
}

Result<Appointment> AppointmentDesk::get_as_staff(const Actor& actor, long long id, CaseEngine& engine,
                                                  const ReadPurpose& why) {
  auto a = store_.load_appointment(id);
  if (!a.ok()) return a.status();
  auto who = staff_of(actor, a->municipality);
  if (!who.ok()) return who.status();
  const std::vector<ReadSubject> shown{{a->municipality, a->case_id.value_or(0), "", 0, a->id}};
  if (auto st = engine.record_reads(shown, actor, why); !st.ok()) return st;
  return a;
}

}  // namespace sagsflow
