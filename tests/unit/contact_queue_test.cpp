// The contact queue of the simulation (contact_queue.hpp) and its opening
// hours (simulation_hours.hpp): hand-computed days, an Erlang C check of a
// long run, the hours what-ifs, and a year of a small profile.
#include <gtest/gtest.h>

#include <cmath>

#include "sagsflow/app/contact_queue.hpp"
#include "sagsflow/config/municipality.hpp"

namespace sagsflow::testing {
namespace {

using app::Contact;
using app::OpenInterval;
using app::QueueModel;
using app::Spread;

TEST(SimulationHoursTest, ClockRangesAreReadStrictly) {
  EXPECT_EQ(app::parse_clock_range("08:00-22:00"), (std::pair{480, 1320}));
  EXPECT_EQ(app::parse_clock_range("10:00-24:00"), (std::pair{600, 1440}));
  EXPECT_FALSE(app::parse_clock_range("22:00-08:00"));  // closes before it opens
  EXPECT_FALSE(app::parse_clock_range("10:00-10:00"));
  EXPECT_FALSE(app::parse_clock_range("8:00-22:00"));
  EXPECT_FALSE(app::parse_clock_range("08:60-22:00"));
  EXPECT_FALSE(app::parse_clock_range("08:00-24:30"));
  EXPECT_FALSE(app::parse_clock_range("08:00 22:00"));
  EXPECT_EQ(app::format_clock_time(17 * 60 + 30), "17:30");
}

TEST(SimulationHoursTest, RulesGiveEachWeekdaysStretchesAndTheWhatIfsEditThem) {
  app::OpeningRule weekdays{{true, true, true, true, true, false, false}, 10 * 60, 15 * 60};
  app::OpeningRule thursday{{false, false, false, true, false, false, false}, 14 * 60, 17 * 60 + 30};
  const app::WeeklyHours hours{weekdays, thursday};
  EXPECT_EQ(app::open_intervals(hours, 3), (std::vector<OpenInterval>{{600, 1050}}));  // merged
  EXPECT_EQ(app::open_intervals(hours, 0), (std::vector<OpenInterval>{{600, 900}}));
  EXPECT_TRUE(app::open_intervals(hours, 5).empty());
  EXPECT_FALSE(app::opens_on(hours, 6));
  // Closing at 14:00 drops the Thursday rule that opened at 14:00.
  const auto early = app::closing_by(hours, 14 * 60);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].close, 14 * 60);
  // Halved: each rule keeps its opening and half its length.
  const auto half = app::shortened(hours, 0.5);
  EXPECT_EQ(half[0].close, 12 * 60 + 30);
  EXPECT_EQ(half[1].close, 15 * 60 + 45);
}

TEST(ContactQueueTest, OneServerServesInOrderAndAnAbandonedCallerFreesNoServer) {
  // Arrivals at 0, 15, 30, 45, 50; 20 minutes each; patience 12 minutes.
  std::vector<Contact> contacts;
  for (double t : {0.0, 15.0, 30.0, 45.0, 50.0}) contacts.push_back({t, 20, 12});
  const auto out = app::serve_in_order(contacts, 1);
  ASSERT_EQ(out.size(), 5u);
  // Service 0-20, 20-40 (waited 5), 40-60 (waited 10); the fourth would wait
  // 15 > 12 and gives up after 12; the fifth starts at 60 (waited 10).
  EXPECT_TRUE(out[0].answered);
  EXPECT_DOUBLE_EQ(out[0].wait, 0);
  EXPECT_DOUBLE_EQ(out[1].wait, 5);
  EXPECT_DOUBLE_EQ(out[2].wait, 10);
  EXPECT_FALSE(out[3].answered);
  EXPECT_DOUBLE_EQ(out[3].wait, 12);
  EXPECT_TRUE(out[4].answered);
  EXPECT_DOUBLE_EQ(out[4].wait, 10);
  // Two servers: nobody waits longer than 5 minutes.
  const auto two = app::serve_in_order(contacts, 2);
  EXPECT_DOUBLE_EQ(two[2].wait, 0);   // 30: the first server is free since 20
  EXPECT_DOUBLE_EQ(two[3].wait, 0);   // 45: the second is free since 35
  EXPECT_DOUBLE_EQ(two[4].wait, 0);   // 50: the first is free since 50
}

QueueModel one_desk() {
  QueueModel m;
  m.servers = 1;
  m.handling_minutes = 20;
  m.handling = Spread::kFixed;
  m.patience_minutes = 12;
  m.patience = Spread::kFixed;
  m.service_goal_minutes = 5;
  m.even_arrivals = true;
  return m;
}

TEST(ContactQueueTest, ADeterministicDayMatchesTheHandComputation) {
  auto m = one_desk();
  m.arrivals_by_hour[10] = 1;
  // Four citizens at 10:00, 10:15, 10:30, 10:45, open 10:00-11:00.
  const auto f = app::simulate_queue_day(m, {{600, 660}}, 4, 0, 1, {}, Channel::kPersonalAttendance);
  EXPECT_EQ(f.offered, 4);
  EXPECT_EQ(f.answered, 3);
  EXPECT_EQ(f.abandoned, 1);  // 10:45 would wait 15 minutes
  EXPECT_EQ(f.displaced, 0);
  EXPECT_DOUBLE_EQ(f.mean_wait(), 5);         // (0 + 5 + 10) / 3
  EXPECT_DOUBLE_EQ(f.p90_wait(), 10);         // nearest rank 3 of 3
  EXPECT_DOUBLE_EQ(f.within_goal_share(), 0.5);  // 0 and 5 minutes, of 4 offered
  EXPECT_EQ(f.by_hour[10].offered, 4);
  EXPECT_EQ(f.by_hour[10].abandoned, 1);
}

TEST(ContactQueueTest, DemandOutsideTheHoursIsDisplacedByHourAndMovesByItsShares) {
  auto m = one_desk();
  m.patience_minutes = std::numeric_limits<double>::infinity();
  m.arrivals_by_hour[9] = 0.5;
  m.arrivals_by_hour[10] = 0.5;
  // 9:00 and 9:30 are before the opening; 10:00 and 10:30 after it, and 10:30 is after closing at 10:30.
  const std::vector<OpenInterval> open{{600, 630}};
  const auto gone = app::simulate_queue_day(m, open, 4, 0, 1, {}, Channel::kPhone);
  EXPECT_EQ(gone.offered, 1);
  EXPECT_EQ(gone.displaced, 3);
  EXPECT_EQ(gone.by_hour[9].displaced, 2);
  EXPECT_EQ(gone.by_hour[10].displaced, 1);
  EXPECT_EQ(gone.displaced_gave_up, 3);
  const auto moved = app::simulate_queue_day(m, open, 4, 0, 1, {{Channel::kDigitalSelfService, 1.0}}, Channel::kPhone);
  EXPECT_EQ(moved.displaced_to.at(Channel::kDigitalSelfService), 3);
  EXPECT_EQ(moved.displaced_gave_up, 0);
  // Calling again while open: offered again, served after the first (no patience limit).
  const auto again = app::simulate_queue_day(m, open, 4, 0, 1, {{Channel::kPhone, 1.0}}, Channel::kPhone);
  EXPECT_EQ(again.displaced_to.at(Channel::kPhone), 3);
  EXPECT_EQ(again.offered, 4);
  EXPECT_EQ(again.answered, 4);
  // Moved in from another channel: they arrive while open.
  const auto in = app::simulate_queue_day(m, open, 0, 5, 1, {}, Channel::kPersonalAttendance);
  EXPECT_EQ(in.offered, 5);
  EXPECT_EQ(in.displaced, 0);
  // Closed all day: every one is displaced.
  const auto closed = app::simulate_queue_day(m, {}, 4, 2, 1, {{Channel::kPhone, 1.0}}, Channel::kPhone);
  EXPECT_EQ(closed.offered, 0);
  EXPECT_EQ(closed.displaced, 6);
  EXPECT_EQ(closed.displaced_gave_up, 6);
}

QueueModel erlang_model(double goal) {
  QueueModel m;
  m.servers = 5;
  m.handling_minutes = 4;  // mu = 0.25 a minute
  m.service_goal_minutes = goal;
  m.arrivals_by_hour.fill(1.0 / 24);
  return m;
}

TEST(ContactQueueTest, ThePoissonDayIsTheSameForTheSameSeedAndOtherForAnother) {
  const auto m = erlang_model(2);
  const auto a = app::simulate_queue_day(m, {{0, 1440}}, 1440, 0, 42, {}, Channel::kPhone);
  const auto b = app::simulate_queue_day(m, {{0, 1440}}, 1440, 0, 42, {}, Channel::kPhone);
  const auto c = app::simulate_queue_day(m, {{0, 1440}}, 1440, 0, 43, {}, Channel::kPhone);
  EXPECT_EQ(a.offered, b.offered);
  EXPECT_EQ(a.waits, b.waits);
  EXPECT_NE(a.waits, c.waits);
  EXPECT_NEAR(double(a.offered), 1440, 4 * std::sqrt(1440.0));  // Poisson
}

// Erlang C: the probability that an arrival waits, with c servers and offered load a = lambda / mu.
double erlang_c(int c, double a) {
  double term = 1, sum = 1;  // a^k / k!
  for (int k = 1; k < c; ++k) sum += term *= a / k;
  const double last = term * a / c * (c / (c - a));
  return last / (sum + last);
}

TEST(ContactQueueTest, ALongRunWithoutAbandonmentWaitsAsErlangCSays) {
  // lambda = 1 a minute, 5 servers of 4 minutes: a = 4, utilisation 0.8.
  const auto m = erlang_model(2);
  app::QueueFigures all;
  for (int day = 0; day < 120; ++day) {
    all.add(app::simulate_queue_day(m, {{0, 1440}}, 1440, 0, 1000 + day, {}, Channel::kPhone));
  }
  const double c = erlang_c(5, 4.0);  // 0.554
  const double mean = c / (5 * 0.25 - 1.0);          // 2.22 minutes
  const double within = 1 - c * std::exp(-(5 * 0.25 - 1.0) * 2);  // P(wait <= 2 min) = 0.664
  EXPECT_NEAR(c, 0.554, 0.001);
  EXPECT_EQ(all.abandoned, 0);
  EXPECT_NEAR(all.mean_wait(), mean, 0.1 * mean);
  EXPECT_NEAR(all.within_goal_share(), within, 0.02);
}

TEST(ContactQueueTest, ImpatientCallersGiveUpMoreWhenFewerServeThem) {
  auto m = erlang_model(1);
  m.patience_minutes = 3;
  app::QueueFigures five, four;
  for (int day = 0; day < 10; ++day) {
    five.add(app::simulate_queue_day(m, {{0, 1440}}, 1440, 0, day, {}, Channel::kPhone));
  }
  m.servers = 4;  // utilisation 1: only abandonment keeps the queue short
  for (int day = 0; day < 10; ++day) {
    four.add(app::simulate_queue_day(m, {{0, 1440}}, 1440, 0, day, {}, Channel::kPhone));
  }
  EXPECT_GT(five.abandoned, 0);
  EXPECT_GT(four.abandoned, five.abandoned);
  EXPECT_GT(four.mean_wait(), five.mean_wait());
  EXPECT_EQ(four.offered, five.offered);  // the same citizens (common random numbers)
  EXPECT_EQ(four.offered, four.answered + four.abandoned);
}

constexpr const char* kProfile =
    "year: 2025\n"
    "volumes: {phone: 250000, personal_attendance: 50000}\n"
    "areas: {moving: {share: 1}}\n"
    "opening_hours:\n"
    "  phone: [{days: [monday, tuesday, wednesday, thursday, friday], open: \"08:00-20:00\"}]\n"
    "  personal_attendance: [{days: [monday, tuesday, wednesday, thursday, friday], open: \"10:00-15:00\"}]\n"
    "arrivals_by_hour:\n"
    "  phone: {8: 0.1, 9: 0.1, 10: 0.1, 11: 0.1, 12: 0.1, 13: 0.1, 14: 0.1, 15: 0.1, 16: 0.05, 17: 0.05, 18: 0.05, 19: 0.05}\n"
    "  personal_attendance: {10: 0.2, 11: 0.2, 12: 0.2, 13: 0.2, 14: 0.2}\n"
    "staffing: {phone: 9, personal_attendance: 9}\n"
    "handling_minutes: {phone: 4, personal_attendance: 10}\n"
    "patience_minutes: {phone: 3, personal_attendance: 30}\n"
    "service_goal_minutes: {phone: 3}\n"
    "what_if: {phone_hours: {moves_to: {phone: 0.5, personal_attendance: 0.2}}}\n";

app::SimulationProfile small_profile() {
  auto parsed = app::parse_simulation_profile(kProfile, "small.yaml");
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? *parsed.profile : app::SimulationProfile{};
}

// The scenario of the profile's own hours with the what-if edits given.
app::Scenario scenario(const app::SimulationProfile& profile, bool what_if_hours, int phone_close, double phone_factor,
                       const MunicipalityConfig* municipality = nullptr,
                       const MunicipalityConfig* what_if_municipality = nullptr) {
  app::ScenarioSource source;
  source.municipality = municipality;
  source.what_if_municipality = what_if_municipality;
  source.what_if_hours = what_if_hours;
  source.phone_close = phone_close;
  source.phone_factor = phone_factor;
  auto s = app::scenario_hours(profile, source);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : app::Scenario{};
}

TEST(ContactQueuesTest, AYearOpensOnWorkingDaysOnlyAndShorterPhoneHoursDisplaceAndLengthenTheWait) {
  const auto profile = small_profile();
  ASSERT_EQ(profile.queues.size(), 2u);
  app::ContactQueues as_is(profile, scenario(profile, false, -1, 1), scenario(profile, false, -1, 1), DanishCalendar{});
  app::ContactQueues what_if(profile, scenario(profile, false, -1, 1), scenario(profile, false, 16 * 60, 1),
                             DanishCalendar{});
  const Date first = Date(std::chrono::year{2025} / 1 / 1);
  long long registered_on_new_years_day = -1;
  for (int d = 0; d < 365; ++d) {
    const auto day = as_is.run_day(first + std::chrono::days(d));
    if (d == 0) registered_on_new_years_day = day.answered.contains(Channel::kPhone) ? day.answered.at(Channel::kPhone) : 0;
    what_if.run_day(first + std::chrono::days(d));
  }
  EXPECT_EQ(registered_on_new_years_day, 0);  // a public holiday: no demand, no queue
  const auto& base = as_is.totals().at(Channel::kPhone);
  const auto& early = what_if.totals().at(Channel::kPhone);
  // The year's phone demand, about 250,000, all within the hours.
  EXPECT_NEAR(double(base.offered), 250000, 2500);
  EXPECT_EQ(base.displaced, 0);
  EXPECT_EQ(base.offered, base.answered + base.abandoned);
  // Closing at 16:00 displaces the 20 % after it; half call again, which lengthens the wait.
  EXPECT_NEAR(double(early.displaced), 50000, 1500);
  EXPECT_NEAR(double(early.displaced_to.at(Channel::kPhone)), 25000, 1000);
  EXPECT_NEAR(double(early.displaced_to.at(Channel::kPersonalAttendance)), 10000, 700);
  EXPECT_EQ(early.displaced_gave_up + early.displaced_to.at(Channel::kPhone) +
                early.displaced_to.at(Channel::kPersonalAttendance),
            early.displaced);
  EXPECT_GT(early.mean_wait(), base.mean_wait());
  EXPECT_GT(early.abandoned, base.abandoned);
  EXPECT_LT(early.within_goal_share(), base.within_goal_share());
  // Those moved to the counter queue there.
  EXPECT_GT(what_if.totals().at(Channel::kPersonalAttendance).offered,
            as_is.totals().at(Channel::kPersonalAttendance).offered + 9000);
  // Each day is reported.
  EXPECT_EQ(as_is.days().at(Channel::kPhone).size(), 253u);  // 2025: 261 weekdays, 8 of them holidays
  EXPECT_EQ(as_is.days().at(Channel::kPhone)[0]["date"], "2025-01-02");
}

TEST(ContactQueuesTest, TheWhatIfHoursOfTheProfileReplaceItsOwn) {
  auto profile = small_profile();
  profile.what_if_opening_hours[Channel::kPersonalAttendance] = {
      {{true, false, false, false, false, false, false}, 10 * 60, 15 * 60}};
  const auto hours = scenario(profile, true, -1, 1).hours;
  EXPECT_TRUE(app::opens_on(hours.at(Channel::kPersonalAttendance).weekly, 0));
  EXPECT_FALSE(app::opens_on(hours.at(Channel::kPersonalAttendance).weekly, 1));
  EXPECT_EQ(hours.at(Channel::kPhone).weekly, profile.queues.at(Channel::kPhone).hours);
  const auto halved = scenario(profile, false, -1, 0.5).hours;
  EXPECT_EQ(halved.at(Channel::kPhone).weekly[0].close, 14 * 60);
}

// A municipality whose counter is open Monday to Friday 10-15 (Tuesday
// 13-15 for appointments only), with a passport booth of two desks taking
// 20-minute appointments; `booth_days` are the booth's staffed weekdays.
MunicipalityConfig municipality_with(const std::string& booth_days, const std::string& phone_close = "16:00") {
  const std::string yaml = R"(municipality: {code: "0989", name: Prøvekommune}
organisational_model: supermarket
units:
  - {id: bsc, name: Borgerservice, kind: citizen_service_centre, has_chief: true}
  - {id: pas, name: Pasbod, kind: booth, run_by: politiet, staffed: {days: [)" + booth_days + R"(], appointment: true}}
authorities:
  - {id: politiet, name: Politiet, kind: state, phone: "114"}
service_areas:
  passports:
    appointments: {minutes: 20, desks: 2, unit: pas}
opening_hours:
  personal_attendance:
    - {days: [monday, wednesday, thursday, friday], open: "10:00-15:00"}
    - {days: [tuesday], open: "10:00-13:00"}
    - {days: [tuesday], open: "13:00-15:00", appointment_only: true}
  phone:
    - {days: [monday, tuesday, wednesday, thursday, friday], open: "08:00-)" + phone_close + R"("}
)";
  auto parsed = parse_municipality(yaml, "k.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.errors.empty() ? "" : parsed.errors.front().to_string());
  return parsed.ok() ? *parsed.config : MunicipalityConfig{};
}

constexpr const char* kMunicipalityProfile =
    "name: hours of the municipality\nyear: 2025\nvolumes: {phone: 100000, personal_attendance: 40000}\n"
    "areas: {passports: {share: 1}}\n"
    "opening_hours: {phone: municipality, personal_attendance: municipality}\n"
    "arrivals_by_hour:\n"
    "  phone: {8: 0.125, 9: 0.125, 10: 0.125, 11: 0.125, 12: 0.125, 13: 0.125, 14: 0.125, 15: 0.125}\n"
    "  personal_attendance: {10: 0.2, 11: 0.2, 12: 0.2, 13: 0.2, 14: 0.2}\n"
    "staffing: {phone: 6, personal_attendance: 4}\n"
    "handling_minutes: {phone: 4, personal_attendance: 10}\n"
    "patience_minutes: {phone: 3, personal_attendance: 30}\n"
    "booked_share: {personal_attendance: 0.25}\n";

TEST(ContactQueuesTest, TheMunicipalitysPublishedHoursOpenTheQueuesAndAppointmentOnlyHoursTakeNoWalkIns) {
  auto parsed = app::parse_simulation_profile(kMunicipalityProfile, "m.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.errors.front().to_string();
  const auto& profile = *parsed.profile;
  EXPECT_TRUE(profile.queues.at(Channel::kPhone).hours_from_municipality);
  const auto m = municipality_with("tuesday, thursday");
  const auto s = scenario(profile, false, -1, 1, &m);
  const DanishCalendar calendar(m.calendar);
  const auto& counter = s.hours.at(Channel::kPersonalAttendance);
  // Tuesday 2 December 2025: walk-ins 10-13 only (13-15 is for appointments).
  const auto tuesday = counter.walk_in(Date{std::chrono::year{2025} / 12 / 2}, calendar);
  ASSERT_EQ(tuesday.size(), 1u);
  EXPECT_EQ(tuesday[0], (app::OpenInterval{600, 780}));
  EXPECT_TRUE(counter.walk_in(Date{std::chrono::year{2025} / 12 / 25}, calendar).empty());  // juledag
  EXPECT_FALSE(counter.opens(Date{std::chrono::year{2025} / 12 / 6}, calendar));             // a Saturday
  // The booth's seats: 10-15 in 20-minute slots is 15 a desk, two desks, on its staffed days only.
  EXPECT_EQ(app::appointment_seats_on(m, Date{std::chrono::year{2025} / 12 / 2}, calendar), 30);
  EXPECT_EQ(app::appointment_seats_on(m, Date{std::chrono::year{2025} / 12 / 1}, calendar), 0);  // Monday
  EXPECT_EQ(app::appointment_seats_on(m, Date{std::chrono::year{2025} / 12 / 25}, calendar), 0);
  // Without a municipality the profile's "municipality" hours are an error naming the channel.
  auto none = app::scenario_hours(profile, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string(none.status().message()).find("opening_hours."), std::string::npos);
}

TEST(ContactQueuesTest, FewerBoothDaysInAWhatIfMunicipalityLeaveBookedVisitsWithoutASeatAndLengthenTheCounterWait) {
  auto parsed = app::parse_simulation_profile(kMunicipalityProfile, "m.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.errors.front().to_string();
  const auto& profile = *parsed.profile;
  const auto as_is_m = municipality_with("monday, tuesday, wednesday, thursday, friday");
  const auto fewer = municipality_with("thursday", "15:00");
  const DanishCalendar calendar(as_is_m.calendar);
  app::ContactQueues as_is(profile, scenario(profile, false, -1, 1, &as_is_m), scenario(profile, false, -1, 1, &as_is_m),
                           calendar);
  app::ContactQueues what_if(profile, scenario(profile, false, -1, 1, &as_is_m),
                             scenario(profile, false, -1, 1, &as_is_m, &fewer), calendar);
  const Date first = Date(std::chrono::year{2025} / 1 / 1);
  for (int d = 0; d < 365; ++d) {
    as_is.run_day(first + std::chrono::days(d));
    what_if.run_day(first + std::chrono::days(d));
  }
  const auto& base = as_is.totals().at(Channel::kPersonalAttendance);
  const auto& less = what_if.totals().at(Channel::kPersonalAttendance);
  // A quarter of the 40,000 book: 30 seats a day on about 250 days hold 7,500 of the 10,000.
  EXPECT_NEAR(double(base.booked + base.booked_overflow), 10000, 100);
  EXPECT_NEAR(double(base.booked), 7500, 300);
  // The booth on Thursdays only: about a fifth of the seats; the rest queue at the counter.
  EXPECT_LT(less.booked, base.booked / 4);
  EXPECT_EQ(less.booked + less.booked_overflow, base.booked + base.booked_overflow);  // the same citizens
  EXPECT_GT(less.offered, base.offered + 4000);
  EXPECT_GT(less.mean_wait(), base.mean_wait());
  EXPECT_GE(less.abandoned, base.abandoned);
  // The phone closing at 15:00 instead of 16:00 displaces the last hour's callers.
  EXPECT_EQ(as_is.totals().at(Channel::kPhone).displaced, 0);
  EXPECT_GT(what_if.totals().at(Channel::kPhone).displaced, 10000);
  // Booked visits are registered as answered inquiries of the day.
  const auto tuesday = Date{std::chrono::year{2025} / 12 / 2};
  app::ContactQueues one(profile, scenario(profile, false, -1, 1, &as_is_m), scenario(profile, false, -1, 1, &as_is_m),
                         calendar);
  const auto day = one.run_day(tuesday);
  EXPECT_GE(day.answered.at(Channel::kPersonalAttendance), 30);
}

}  // namespace
}  // namespace sagsflow::testing
