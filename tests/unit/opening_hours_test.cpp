// Opening hours in the municipality file: weekly rules read with every
// error at its line and column; every-other-week and odd/even weeks;
// public holidays and closing days closed; a booth's hours follow its
// staffed days; appointments' settings and their unit.
#include <gtest/gtest.h>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/config/opening_hours.hpp"

namespace sagsflow {
namespace {

constexpr const char* kHead = R"(municipality: {code: "0989", name: Prøvekommune}
organisational_model: supermarket
units:
  - {id: bsc, name: Borgerservice, kind: citizen_service_centre, has_chief: true}
  - {id: bod, name: Skattestyrelsens bod, kind: booth, run_by: skat, staffed: {days: [tuesday, thursday], appointment: true}}
authorities:
  - {id: skat, name: Skattestyrelsen, kind: state, phone: "72 22 18 18"}
service_areas:
  tax_help: {authority: skat}
)";

Date day(int y, unsigned m, unsigned d) { return Date{std::chrono::year{y} / m / d}; }

MunicipalityParseResult parse(const std::string& tail) { return parse_municipality(std::string(kHead) + tail, "k.yaml"); }

TEST(OpeningHours, PublishedHoursPerChannelAreReadAndAHolidayIsClosed) {
  auto r = parse(R"(opening_hours:
  personal_attendance:
    - {days: [monday, tuesday, wednesday, friday], open: "10:00-15:00"}
    - {days: [thursday], open: "10:00-17:30"}
  phone:
    - {days: [monday], open: "08:00-22:00"}
)");
  ASSERT_TRUE(r.ok()) << r.errors.front().to_string();
  const auto& hours = r.config->opening_hours.at(Channel::kPersonalAttendance);
  const DanishCalendar calendar;
  const auto thursday = open_on(hours, day(2026, 12, 3), calendar);
  ASSERT_EQ(thursday.size(), 1u);
  EXPECT_EQ(format_clock(thursday[0].opens), "10:00");
  EXPECT_EQ(format_clock(thursday[0].closes), "17:30");
  EXPECT_TRUE(open_on(hours, day(2026, 12, 5), calendar).empty());    // Saturday
  EXPECT_TRUE(open_on(hours, day(2026, 12, 25), calendar).empty());   // Christmas Day, a Friday
  EXPECT_EQ(closed_exceptionally(hours, day(2026, 12, 25), calendar).value_or(""), "Juledag");
  EXPECT_TRUE(open_on(hours, day(2027, 3, 25), calendar).empty());    // Maundy Thursday 2027
  EXPECT_EQ(open_on(r.config->opening_hours.at(Channel::kPhone), day(2026, 11, 30), calendar).front().closes, 22 * 60);
}

TEST(OpeningHours, EveryOtherWeekAndOddWeeksFollowTheirWeeks) {
  OpeningRule every;
  every.weekdays = {2};  // Wednesday
  every.every = 2;
  every.from = day(2026, 12, 2);
  EXPECT_TRUE(every.covers(day(2026, 12, 2)));
  EXPECT_FALSE(every.covers(day(2026, 12, 9)));
  EXPECT_TRUE(every.covers(day(2026, 12, 16)));
  EXPECT_FALSE(every.covers(day(2026, 11, 18)));  // before `from`
  EXPECT_FALSE(every.covers(day(2026, 12, 17)));  // a Thursday
  OpeningRule odd;
  odd.weekdays = {0};
  odd.week_parity = 1;
  EXPECT_TRUE(odd.covers(day(2026, 11, 30)));   // week 49
  EXPECT_FALSE(odd.covers(day(2026, 12, 7)));   // week 50
  EXPECT_TRUE(odd.covers(day(2027, 1, 4)));     // 2027-W01
}

TEST(OpeningHours, EveryMistakeIsReportedAtItsLineAndColumn) {
  auto r = parse(R"(opening_hours:
  personal_attendance:
    - {days: [mandag], open: "10:00-15:00"}
    - {days: [monday], open: "15:00-10:00"}
    - {days: [tuesday], open: "10-15"}
    - {days: [friday], open: "10:00-12:00", every: 2}
    - {days: [friday], open: "10:00-12:00", weeks: third}
    - {open: "10:00-12:00", lunch: true}
  digital_post:
    - {days: [monday], open: "10:00-12:00"}
)");
  ASSERT_FALSE(r.ok());
  std::vector<std::string> got;
  for (const auto& e : r.errors) got.push_back(e.to_string());
  const auto has = [&](const std::string& text) {
    return std::any_of(got.begin(), got.end(), [&](const std::string& g) { return g.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("k.yaml:12:15: error: opening_hours.personal_attendance[0].days has 'mandag'")) << ::testing::PrintToString(got);
  EXPECT_TRUE(has("k.yaml:13:30: error: opening_hours.personal_attendance[1].open is '15:00-10:00': it closes at or before"));
  EXPECT_TRUE(has("k.yaml:14:31: error: opening_hours.personal_attendance[2].open is '10-15'"));
  EXPECT_TRUE(has("k.yaml:15:52: error: opening_hours.personal_attendance[3].every needs 'from'"));
  EXPECT_TRUE(has("k.yaml:16:52: error: opening_hours.personal_attendance[4].weeks is 'third'"));
  EXPECT_TRUE(has("k.yaml:17:7: error: opening_hours.personal_attendance[5] has no 'days'"));
  EXPECT_TRUE(has("k.yaml:17:29: error: opening_hours.personal_attendance[5] has an unknown key 'lunch'"));
  EXPECT_TRUE(has("k.yaml:18:3: error: opening_hours has 'digital_post'"));
}

TEST(OpeningHours, ABoothKeepsThePublishedHoursOnItsStaffedDaysAndTakesTheAreasAppointments) {
  auto r = parse(R"(opening_hours:
  personal_attendance:
    - {days: [monday, tuesday, wednesday, thursday, friday], open: "10:00-15:00"}
)");
  ASSERT_TRUE(r.ok()) << r.errors.front().to_string();
  const auto* booth = r.config->unit("bod");
  const OpeningHours hours = r.config->hours_of(*booth);
  const DanishCalendar calendar;
  EXPECT_TRUE(open_on(hours, day(2026, 11, 30), calendar).empty());  // Monday: not staffed
  EXPECT_EQ(open_on(hours, day(2026, 12, 1), calendar).size(), 1u);  // Tuesday
  EXPECT_TRUE(booth->walk_in_on(day(2026, 12, 1)));
  EXPECT_FALSE(booth->walk_in_on(day(2026, 12, 2)));
}

TEST(OpeningHours, AppointmentSettingsAreCheckedAndTheirUnitMustExist) {
  auto bad = parse_municipality(std::string(kHead) + R"(  passports:
    appointments: {minutes: 3, desks: 0, unit: nowhere, length: 10}
)", "k.yaml");
  ASSERT_FALSE(bad.ok());
  std::string all;
  for (const auto& e : bad.errors) all += e.to_string() + "\n";
  EXPECT_NE(all.find("k.yaml:11:57: error: service area 'passports'.appointments has an unknown key 'length'"), std::string::npos) << all;
  EXPECT_NE(all.find("k.yaml:11:29: error: service area 'passports'.appointments.minutes must be from 5 to 240, got 3"), std::string::npos) << all;
  EXPECT_NE(all.find("desks must be from 1 to 50, got 0"), std::string::npos) << all;
  EXPECT_NE(all.find("takes appointments at unit 'nowhere', which is not under 'units'"), std::string::npos) << all;
  auto good = parse_municipality(std::string(kHead) + R"(  passports:
    appointments: {minutes: 20}
)", "k.yaml");
  ASSERT_TRUE(good.ok()) << good.errors.front().to_string();
  EXPECT_EQ(good.config->appointment_unit("passports")->id, "bsc");
  EXPECT_EQ(good.config->service_area("passports")->appointments->minutes, 20);
  EXPECT_EQ(good.config->service_area("passports")->appointments->desks, 1);
  // No hours anywhere: validate warns that no time can be booked.
  const auto gaps = appointment_gaps(*good.config);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_NE(gaps.front().find("no opening hours"), std::string::npos);
}

}  // namespace
}  // namespace sagsflow
