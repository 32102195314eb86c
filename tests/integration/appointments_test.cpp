// Appointments on both databases: slots come from a staffing calendar (a
// booth open every other Friday, a public holiday and a municipal closing
// day left out, a slot that has begun not offered); two bookings racing for
// one seat give one booking and one kConflict (threads on their own
// connections); a booking after the complaint deadline of the citizen's
// case is refused with the alternative of receiving the complaint now;
// cancel and move; staff reads of a day's appointments are access records;
// a booking and a move queue their confirmation letter in the same unit (a
// refused booking none), staff's cancellation a cancellation letter;
// reminders are queued once, only for bookings made before their window;
// a citizen holds at most the area's limit of future appointments.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "example_municipalities.hpp"
#include "sagsflow/frontdesk/appointments.hpp"
#include "sagsflow/frontdesk/self_service.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

// A municipality of its own for the calendar: a booth open every other
// Friday from 27 November 2026 (so 25 December, Christmas Day, is one of
// its Fridays), the centre open on weekdays and closed on 9 December.
constexpr const char* kTestMunicipality = R"(municipality: {code: "0989", name: Prøvekommune}
organisational_model: limited_market_square
units:
  - {id: bsc, name: Borgerservice, kind: citizen_service_centre}
  - {id: pas, name: Pasafdelingen, kind: department, area: passports}
  - id: nord
    name: Borgerservice Nord
    kind: booth
    run_by: pas
    area: passports
    hours:
      - {days: [friday], open: "10:00-12:00", every: 2, from: 2026-11-27}
staff:
  - {id: sine, name: Sine Holm, unit: bsc, roles: [frontdesk]}
service_areas:
  passports:
    unit: nord
    appointments: {minutes: 30}
  moving:
    appointments: {minutes: 20, desks: 2, unit: bsc, book_ahead_days: 14}
opening_hours:
  personal_attendance:
    - {days: [monday, tuesday, wednesday, thursday, friday], open: "10:00-14:00"}
calendar:
  closed_on: [2026-12-09]
)";

class AppointmentsTest : public ExampleMunicipalitiesTest {
 protected:
  void SetUp() override {
    ExampleMunicipalitiesTest::SetUp();
    if (not_ready()) return;
    auto parsed = parse_municipality(kTestMunicipality, "0989.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.errors.front().to_string();
    ASSERT_TRUE(store_->upsert_municipality("0989", "Prøvekommune").ok());
    org_.add(std::move(*parsed.config));
    desk_a_ = std::make_unique<AppointmentDesk>(*store_, org_, clock_.clock());
  }

  static Cpr cpr(const char* text) { return *Cpr::parse(text); }

  BookingRequest at(const std::string& code, const std::string& area, const std::string& starts_at) {
    BookingRequest r;
    r.municipality = code;
    r.area = area;
    r.starts_at = starts_at;
    r.citizen_cpr = "070761-4285";
    r.channel = Channel::kPhone;
    return r;
  }

  std::unique_ptr<AppointmentDesk> desk_a_;
};

TEST_P(AppointmentsTest, SlotsFollowABoothOpenEveryOtherFridayAndLeaveOutChristmasDay) {
  // From Tuesday 24 November, 50 days: to 12 January.
  auto list = desk_a_->slots({"0989", "passports", std::nullopt, 50, std::nullopt});
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  EXPECT_EQ(list->unit, "nord");
  EXPECT_EQ(list->minutes, 30);
  std::vector<std::string> starts;
  for (const auto& s : list->slots) starts.push_back(s.starts_at);
  // Fridays 27 Nov, 11 Dec, (25 Dec: Christmas Day), 8 Jan; 10:00-12:00 Copenhagen (CET, UTC+1) in 30 minutes.
  const std::vector<std::string> expected{
      "2026-11-27T09:00:00Z", "2026-11-27T09:30:00Z", "2026-11-27T10:00:00Z", "2026-11-27T10:30:00Z",
      "2026-12-11T09:00:00Z", "2026-12-11T09:30:00Z", "2026-12-11T10:00:00Z", "2026-12-11T10:30:00Z",
      "2027-01-08T09:00:00Z", "2027-01-08T09:30:00Z", "2027-01-08T10:00:00Z", "2027-01-08T10:30:00Z"};
  EXPECT_EQ(starts, expected);
  EXPECT_EQ(list->slots.front().local_time, "2026-11-27T10:00:00+01:00");
}

TEST_P(AppointmentsTest, SlotsAtTheCentreLeaveOutItsClosingDayAndTheSlotsThatHaveBegun) {
  *clock_.now = copenhagen_instant(Date{std::chrono::year{2026} / 12 / 7}, 10 * 60 + 5);  // Monday 10:05
  auto list = desk_a_->slots({"0989", "moving", std::nullopt, 14, std::nullopt});
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  ASSERT_FALSE(list->slots.empty());
  EXPECT_EQ(list->slots.front().starts_at, "2026-12-07T09:20:00Z");  // 10:20; 10:00 has begun
  EXPECT_EQ(list->slots.front().free, 2);
  std::set<std::string> days;
  for (const auto& s : list->slots) days.insert(s.day);
  EXPECT_FALSE(days.contains("2026-12-09"));  // the municipality's closing day
  EXPECT_FALSE(days.contains("2026-12-12"));  // Saturday
  EXPECT_TRUE(days.contains("2026-12-08"));
  EXPECT_TRUE(days.contains("2026-12-18"));
  EXPECT_FALSE(days.contains("2026-12-21"));  // beyond book_ahead_days (14 days from 7 December)
  // 12 slots of 20 minutes from 10:00 to 14:00, less the one that has begun.
  EXPECT_EQ(std::count_if(list->slots.begin(), list->slots.end(), [](const auto& s) { return s.day == "2026-12-07"; }), 11);
  auto too_far = desk_a_->slots({"0989", "moving", std::nullopt, 15, std::nullopt});
  EXPECT_EQ(too_far.status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(AppointmentsTest, TwoBookingsRacingForTheLastSeatGiveOneBookingAndOneConflict) {
  const std::string slot = "2026-11-27T09:30:00Z";  // the booth: one seat
  std::atomic<int> booked{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto store = connect();
      AppointmentDesk desk(*store, org_, clock_.clock());
      EngineOptions options{DanishCalendar{}, clock_.clock(), nullptr};
      options.organisation = &org_;
      CaseEngine engine(*store, options);
      auto r = at("0989", "passports", slot);
      r.citizen_cpr = i % 2 == 0 ? "070761-4285" : "010190-1234";
      auto a = desk.book_as_staff(person("sine"), r, engine);
      if (a.ok()) ++booked;
      // Refused: the seat is taken, or (the winner's own citizen, after it) they hold that time already.
      else if (a.status().code() == ErrorCode::kConflict ||
               a.status().message().find("already has a booked time then") != std::string::npos) ++conflicts;
      else {
        ++other;
        ADD_FAILURE() << a.status().to_string();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(booked.load(), 1);
  EXPECT_EQ(conflicts.load(), 5);
  EXPECT_EQ(other.load(), 0);
  auto list = desk_a_->slots({"0989", "passports", std::nullopt, 60, std::nullopt});
  ASSERT_TRUE(list.ok());
  for (const auto& s : list->slots) EXPECT_NE(s.starts_at, slot) << "a full slot is not offered";

  // Two seats: two bookings and the rest refused, on seats 0 and 1.
  const std::string two = "2026-11-30T10:00:00Z";
  std::vector<int> seats;
  std::mutex m;
  threads.clear();
  const std::vector<std::string> citizens{"070761-4285", "010190-1234", "010490-9989", "070761-4285", "010190-1234"};
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&, i] {
      auto store = connect();
      AppointmentDesk desk(*store, org_, clock_.clock());
      EngineOptions options{DanishCalendar{}, clock_.clock(), nullptr};
      options.organisation = &org_;
      CaseEngine engine(*store, options);
      auto r = at("0989", "moving", two);
      r.citizen_cpr = citizens[static_cast<size_t>(i)];
      auto a = desk.book_as_staff(person("sine"), r, engine);
      if (a.ok()) {
        std::lock_guard lock(m);
        seats.push_back(a->seat);
      } else {
        // The seats are gone, or (a citizen racing their own booking) that citizen holds the time already.
        EXPECT_TRUE(a.status().code() == ErrorCode::kConflict ||
                    (a.status().code() == ErrorCode::kFailedPrecondition &&
                     a.status().message().find("already has a booked time then") != std::string::npos))
            << a.status().to_string();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(seats.begin(), seats.end());
  EXPECT_EQ(seats, (std::vector<int>{0, 1}));
}

TEST_P(AppointmentsTest, ATimeThatIsNotASlotIsRefusedNamingTheClosingDay) {
  auto christmas = desk_a_->book_as_staff(person("sine"), at("0989", "passports", "2026-12-25T09:00:00Z"), *engine_);
  ASSERT_EQ(christmas.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(christmas.status().message().find("Juledag"), std::string::npos) << christmas.status().message();
  auto off_grid = desk_a_->book_as_staff(person("sine"), at("0989", "passports", "2026-11-27T09:10:00Z"), *engine_);
  EXPECT_EQ(off_grid.status().code(), ErrorCode::kFailedPrecondition);
  auto garbage = desk_a_->book_as_staff(person("sine"), at("0989", "passports", "fredag kl. 10"), *engine_);
  EXPECT_EQ(garbage.status().code(), ErrorCode::kInvalidArgument);
  auto r = at("0989", "passports", "2026-11-27T09:00:00Z");
  r.citizen_cpr = "123";
  EXPECT_EQ(desk_a_->book_as_staff(person("sine"), r, *engine_).status().code(), ErrorCode::kInvalidArgument);
  auto none = desk_a_->slots({"0989", "tax_help", std::nullopt, 14, std::nullopt});
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
}

TEST_P(AppointmentsTest, AFirstFreeSlotAfterTheDeadlineOffersReceivingTheApplicationNow) {
  const Date thursday{std::chrono::year{2026} / 11 / 26};
  auto list = desk_a_->slots({"0989", "passports", std::nullopt, 60, thursday});
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE(list->advice);
  EXPECT_TRUE(list->advice->after_deadline);
  EXPECT_EQ(list->advice->offer, "receive_now");
  EXPECT_EQ(list->advice->first_free, "2026-11-27T09:00:00Z");
  EXPECT_NE(list->advice->message.find("modtages i dag"), std::string::npos);
  auto r = at("0989", "passports", "2026-11-27T09:00:00Z");
  r.deadline = thursday;
  auto refused = desk_a_->book_as_staff(person("sine"), r, *engine_);
  ASSERT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("modtages i dag"), std::string::npos) << refused.status().message();
  // A deadline after the first slot: book it.
  auto fine = desk_a_->slots({"0989", "passports", std::nullopt, 60, Date{std::chrono::year{2026} / 12 / 1}});
  ASSERT_TRUE(fine.ok() && fine->advice);
  EXPECT_EQ(fine->advice->offer, "book");
}

TEST_P(AppointmentsTest, ABookingAfterTheComplaintDeadlineOfTheCitizensCaseIsRefusedWithTheAlternative) {
  SelfService self(*engine_, *store_, *store_, org_);
  const Cpr who = cpr("070761-4285");
  auto out = self.submit({kSupermarket, "moving", who,
                          {{"new_address", "Nygade 4, 1. th, 9990 Eksempelby"}, {"move_date", "2026-11-30"}},
                          std::nullopt, false});
  ASSERT_TRUE(out.ok() && out->opened) << out.status().to_string();
  const long long id = out->opened->id;
  for (const auto& [action, fields] : std::vector<std::pair<std::string, json>>{
           {"register", json::object()}, {"complete", json::object()}, {"refuse", {{"reasons", "Adressen findes ikke i BBR."}}}}) {
    auto who_may = may_take(id, kSupermarket, {action});
    ASSERT_FALSE(who_may.empty()) << action;
    ActionRequest r;
    r.case_id = id;
    r.action = action;
    r.actor = who_may.front();
    r.fields = fields;
    auto done = engine_->act(r);
    ASSERT_TRUE(done.ok()) << action << ": " << done.status().to_string();
  }
  auto state = engine_->get_case(id);
  ASSERT_TRUE(state.ok() && state->complaint_due);
  const Date due = *state->complaint_due;
  auto list = desk_a_->slots({kSupermarket, "moving", std::nullopt, 60, due});
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  const AppointmentSlot* after = nullptr;
  const AppointmentSlot* before = nullptr;
  for (const auto& s : list->slots) {
    if (s.after_deadline && !after) after = &s;
    if (!s.after_deadline && !before) before = &s;
  }
  ASSERT_TRUE(after && before) << "the window reaches past the complaint deadline " << format_date(due);
  BookingRequest late;
  late.municipality = kSupermarket;
  late.area = "moving";
  late.starts_at = after->starts_at;
  late.case_id = id;
  auto refused = desk_a_->book_as_citizen(who, late, *engine_);
  ASSERT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition) << refused.status().to_string();
  EXPECT_NE(refused.status().message().find(format_date(due)), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("før fristen"), std::string::npos) << "names the first free time before it";
  late.starts_at = before->starts_at;
  auto ok = desk_a_->book_as_citizen(who, late, *engine_);
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->channel, Channel::kDigitalSelfService);
  EXPECT_EQ(ok->booked_by, "citizen");
  // Another citizen cannot book about this case.
  late.starts_at = list->slots.back().starts_at;
  EXPECT_EQ(desk_a_->book_as_citizen(cpr("010190-1234"), late, *engine_).status().code(), ErrorCode::kNotFound);
  // On the deadline day after closing the first free slot lies after it: the complaint is received now instead.
  *clock_.now = copenhagen_instant(due, 16 * 60);
  auto last_day = desk_a_->slots({kSupermarket, "moving", std::nullopt, 14, due});
  ASSERT_TRUE(last_day.ok() && last_day->advice && !last_day->slots.empty());
  EXPECT_TRUE(last_day->advice->after_deadline);
  EXPECT_EQ(last_day->advice->offer, "receive_now");
  late.starts_at = last_day->slots.front().starts_at;
  auto too_late = desk_a_->book_as_citizen(who, late, *engine_);
  ASSERT_EQ(too_late.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(too_late.status().message().find("modtages i dag"), std::string::npos) << too_late.status().message();
}

TEST_P(AppointmentsTest, CancelAndMoveFreeTheSeatAndStaffReadsAreAccessRecords) {
  const Cpr who = cpr("070761-4285");
  BookingRequest r;
  r.municipality = "0989";
  r.area = "passports";
  r.starts_at = "2026-11-27T09:00:00Z";
  auto a = desk_a_->book_as_citizen(who, r, *engine_);
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  // Another citizen neither sees nor cancels it.
  EXPECT_EQ(desk_a_->cancel_as_citizen(cpr("010190-1234"), a->id).status().code(), ErrorCode::kNotFound);
  auto moved = desk_a_->move_as_citizen(who, a->id, "2026-12-11T10:30:00Z", *engine_);
  ASSERT_TRUE(moved.ok()) << moved.status().to_string();
  auto old = store_->load_appointment(a->id);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->state, "cancelled");
  EXPECT_EQ(old->cancel_reason, fmt::format("moved to {}", moved->id));
  // The first slot is free again.
  auto list = desk_a_->slots({"0989", "passports", std::nullopt, 60, std::nullopt});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->slots.front().starts_at, "2026-11-27T09:00:00Z");
  auto mine = desk_a_->of_citizen("0989", who);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->size(), 2u);
  // A day's list for staff: one access record per appointment shown.
  auto day = desk_a_->day_list(person("sine"), "0989", "", Date{std::chrono::year{2026} / 12 / 11}, *engine_,
                               {"appointments of the day", "test"});
  ASSERT_TRUE(day.ok()) << day.status().to_string();
  ASSERT_EQ(day->size(), 1u);
  EXPECT_EQ(day->front().id, moved->id);
  AccessFilter f;
  f.municipality = "0989";
  auto log = store_->list_access(f);
  ASSERT_TRUE(log.ok());
  ASSERT_FALSE(log->empty());
  EXPECT_EQ(log->front().appointment_id, moved->id);
  EXPECT_EQ(log->front().actor, "sine");
  auto cancelled = desk_a_->cancel_as_staff(person("sine"), moved->id, *engine_);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(desk_a_->cancel_as_staff(person("sine"), moved->id, *engine_).status().code(),
            ErrorCode::kFailedPrecondition);
  // Not on 0989's staff list: refused.
  EXPECT_EQ(desk_a_->day_list(front_desk(kSupermarket), "0989", "", Date{std::chrono::year{2026} / 12 / 11},
                              *engine_, {"x", "test"}).status().code(),
            ErrorCode::kForbidden);
}

TEST_P(AppointmentsTest, TheTriageDeskOffersTheFirstFreeSlotOrReceivesTheApplicationWhenItIsAfterTheDeadline) {
  FrontDesk desk(*store_, org_, DanishCalendar{}, clock_.clock());
  desk.use_appointments(desk_a_.get());
  InquiryRequest r;
  r.municipality = "0989";
  r.channel = Channel::kPersonalAttendance;
  r.area = "passports";
  r.actor = person("sine");
  auto plain = desk.register_inquiry(r);
  ASSERT_TRUE(plain.ok()) << plain.status().to_string();
  ASSERT_TRUE(plain->triage);
  EXPECT_EQ(plain->triage->offer, "appointment") << plain->triage->message;
  EXPECT_EQ(plain->triage->on, (Date{std::chrono::year{2026} / 11 / 27}));
  EXPECT_NE(plain->triage->message.find("2026-11-27T10:00:00+01:00"), std::string::npos) << plain->triage->message;
  r.deadline = Date{std::chrono::year{2026} / 11 / 26};
  auto urgent = desk.register_inquiry(r);
  ASSERT_TRUE(urgent.ok()) << urgent.status().to_string();
  EXPECT_EQ(urgent->triage->offer, "receive_now") << urgent->triage->message;
  EXPECT_EQ(urgent->triage->on, (Date{std::chrono::year{2026} / 11 / 24}));
}

std::vector<db::LetterRow> letters_about(db::SqlStore& store, long long appointment) {
  db::LetterFilter f;
  f.appointment_id = appointment;
  auto rows = store.list_letters(f);
  EXPECT_TRUE(rows.ok()) << rows.status().to_string();
  return rows.ok() ? *rows : std::vector<db::LetterRow>{};
}

long long letters_in(db::SqlStore& store, const std::string& municipality) {
  db::LetterFilter f;
  f.municipality = municipality;
  auto rows = store.list_letters(f);
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? static_cast<long long>(rows->size()) : -1;
}

TEST_P(AppointmentsTest, ABookingQueuesItsConfirmationAndAMoveConfirmsTheNewTimeNamingTheOldOne) {
  const Cpr who = cpr("070761-4285");
  // A refused booking (not a slot) queues nothing.
  const long long before = letters_in(*store_, "0989");
  BookingRequest bad;
  bad.municipality = "0989";
  bad.area = "passports";
  bad.starts_at = "2026-11-27T09:10:00Z";
  EXPECT_EQ(desk_a_->book_as_citizen(who, bad, *engine_).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(letters_in(*store_, "0989"), before);

  BookingRequest r = bad;
  r.starts_at = "2026-11-27T09:00:00Z";
  auto a = desk_a_->book_as_citizen(who, r, *engine_);
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  auto letters = letters_about(*store_, a->id);
  ASSERT_EQ(letters.size(), 1u);
  const auto& confirmation = letters.front();
  EXPECT_EQ(confirmation.kind, "appointment_confirmation");
  EXPECT_EQ(confirmation.state, db::LetterState::kQueued);
  EXPECT_EQ(confirmation.case_id, 0);
  EXPECT_EQ(confirmation.appointment_id, a->id);
  EXPECT_EQ(confirmation.idempotency_key, fmt::format("0989:appointment:{}:appointment_confirmation", a->id));
  EXPECT_EQ(confirmation.values.value("appointment.when", ""), "fredag den 27. november 2026 kl. 10:00");
  EXPECT_EQ(confirmation.values.value("appointment.place", ""), "Borgerservice Nord");
  EXPECT_EQ(confirmation.values.value("appointment.minutes", ""), "30");
  EXPECT_EQ(confirmation.values.value("appointment.reference", ""), std::to_string(a->id));
  EXPECT_EQ(confirmation.values.value("appointment.replaces", "x"), "");
  // Nothing personal among the values but what the letter needs: no CPR number.
  EXPECT_EQ(confirmation.values.dump().find("070761"), std::string::npos);

  auto moved = desk_a_->move_as_citizen(who, a->id, "2026-12-11T10:30:00Z", *engine_);
  ASSERT_TRUE(moved.ok()) << moved.status().to_string();
  auto of_new = letters_about(*store_, moved->id);
  ASSERT_EQ(of_new.size(), 1u);
  EXPECT_EQ(of_new.front().kind, "appointment_confirmation");
  EXPECT_EQ(of_new.front().values.value("appointment.when", ""), "fredag den 11. december 2026 kl. 11:30");
  EXPECT_EQ(of_new.front().values.value("appointment.replaces", ""), "fredag den 27. november 2026 kl. 10:00");

  // Staff cancel it with a reason: the citizen gets a cancellation letter saying why.
  auto cancelled = desk_a_->cancel_as_staff(person("sine"), moved->id, *engine_, "Pasafdelingen er lukket den dag");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().to_string();
  of_new = letters_about(*store_, moved->id);
  ASSERT_EQ(of_new.size(), 2u);
  EXPECT_EQ(of_new.front().kind, "appointment_cancelled");  // newest first
  EXPECT_EQ(of_new.front().values.value("appointment.reason", ""), "Pasafdelingen er lukket den dag");
  EXPECT_EQ(cancelled->cancel_reason, "cancelled: Pasafdelingen er lukket den dag");
  // The citizen's own cancellation is confirmed on screen, not by letter.
  auto again = desk_a_->book_as_citizen(who, r, *engine_);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  ASSERT_TRUE(desk_a_->cancel_as_citizen(who, again->id).ok());
  EXPECT_EQ(letters_about(*store_, again->id).size(), 1u);
}

TEST_P(AppointmentsTest, RemindersAreQueuedOnceAndOnlyForBookingsMadeBeforeTheirWindow) {
  // Tuesday 24 November: two bookings for Friday 27 November (the booth, 10:00 and 11:30 Copenhagen).
  *clock_.now = copenhagen_instant(Date{std::chrono::year{2026} / 11 / 24}, 9 * 60);
  auto early = desk_a_->book_as_staff(person("sine"), at("0989", "passports", "2026-11-27T09:00:00Z"), *engine_);
  ASSERT_TRUE(early.ok()) << early.status().to_string();
  auto r = at("0989", "passports", "2026-11-27T10:30:00Z");
  r.citizen_cpr = "010190-1234";
  auto late = desk_a_->book_as_staff(person("sine"), r, *engine_);
  ASSERT_TRUE(late.ok()) << late.status().to_string();
  auto none = desk_a_->queue_reminders(*engine_);
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_EQ(*none, 0) << "three days ahead: not yet (remind_hours_before 24)";

  // Thursday 26 November 09:40 UTC: the 09:00 UTC appointment is within 24 hours, the 10:30 one not yet.
  *clock_.now = *parse_timestamp("2026-11-26T09:40:00Z");
  auto queued = desk_a_->queue_reminders(*engine_);
  ASSERT_TRUE(queued.ok()) << queued.status().to_string();
  EXPECT_EQ(*queued, 1);
  auto of_early = letters_about(*store_, early->id);
  ASSERT_EQ(of_early.size(), 2u);
  EXPECT_EQ(of_early.front().kind, "appointment_reminder");
  EXPECT_EQ(of_early.front().values.value("appointment.when", ""), "fredag den 27. november 2026 kl. 10:00");
  EXPECT_EQ(letters_about(*store_, late->id).size(), 1u);
  // Run again: nothing twice.
  auto twice = desk_a_->queue_reminders(*engine_);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(*twice, 0);

  // Booked now for 09:30 UTC tomorrow (inside its 24-hour window already): the confirmation is the reminder.
  auto inside = desk_a_->book_as_staff(person("sine"), at("0989", "passports", "2026-11-27T09:30:00Z"), *engine_);
  ASSERT_TRUE(inside.ok()) << inside.status().to_string();
  // 10:31 UTC: the 10:30 booking's window has opened; the 09:30 one, booked inside its window, gets none.
  *clock_.now = *parse_timestamp("2026-11-26T10:31:00Z");
  queued = desk_a_->queue_reminders(*engine_);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(*queued, 1);
  EXPECT_EQ(letters_about(*store_, late->id).size(), 2u);
  EXPECT_EQ(letters_about(*store_, inside->id).size(), 1u);
  // A cancelled appointment gets no reminder.
  auto r2 = at("0989", "passports", "2026-12-11T09:00:00Z");
  r2.citizen_cpr = "010190-1234";
  auto gone = desk_a_->book_as_staff(person("sine"), r2, *engine_);
  ASSERT_TRUE(gone.ok()) << gone.status().to_string();
  ASSERT_TRUE(desk_a_->cancel_as_staff(person("sine"), gone->id, *engine_).ok());
  *clock_.now = *parse_timestamp("2026-12-10T12:00:00Z");
  queued = desk_a_->queue_reminders(*engine_);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(*queued, 0);
}

TEST_P(AppointmentsTest, ACitizenHoldsAtMostTheAreasLimitOfFutureAppointments) {
  // Moving: two desks, the default limit of 2 future appointments per citizen.
  *clock_.now = copenhagen_instant(Date{std::chrono::year{2026} / 11 / 30}, 8 * 60);  // Monday 08:00
  const Cpr who = cpr("070761-4285");
  BookingRequest r;
  r.municipality = "0989";
  r.area = "moving";
  r.starts_at = "2026-11-30T09:00:00Z";
  auto first = desk_a_->book_as_citizen(who, r, *engine_);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  // The same time again (the other desk is free): one citizen is in one place at a time.
  auto twice = desk_a_->book_as_citizen(who, r, *engine_);
  EXPECT_EQ(twice.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(twice.status().message().find("already has a booked time then"), std::string::npos)
      << twice.status().message();
  r.starts_at = "2026-12-01T09:00:00Z";
  auto second = desk_a_->book_as_citizen(who, r, *engine_);
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  r.starts_at = "2026-12-02T09:00:00Z";
  auto third = desk_a_->book_as_citizen(who, r, *engine_);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(third.status().message().find("already holds 2 booked times"), std::string::npos) << third.status().message();
  // Staff booking for the same citizen is held to the same limit; another citizen is not.
  auto by_phone = at("0989", "moving", "2026-12-02T09:00:00Z");
  EXPECT_EQ(desk_a_->book_as_staff(person("sine"), by_phone, *engine_).status().code(), ErrorCode::kFailedPrecondition);
  by_phone.citizen_cpr = "010190-1234";
  EXPECT_TRUE(desk_a_->book_as_staff(person("sine"), by_phone, *engine_).ok());
  // A move does not count the appointment it replaces.
  auto moved = desk_a_->move_as_citizen(who, second->id, "2026-12-03T09:00:00Z", *engine_);
  EXPECT_TRUE(moved.ok()) << moved.status().to_string();
  // Once the first has passed, a new one can be booked.
  *clock_.now = *parse_timestamp("2026-11-30T12:00:00Z");
  r.starts_at = "2026-12-02T10:00:00Z";
  auto later = desk_a_->book_as_citizen(who, r, *engine_);
  EXPECT_TRUE(later.ok()) << later.status().to_string();
}

INSTANTIATE_TEST_SUITE_P(Backends, AppointmentsTest, AllBackends(), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sagsflow::testing
