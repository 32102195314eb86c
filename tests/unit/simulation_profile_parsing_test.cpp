// parse_simulation_profile (simulation_profile.hpp) never throws: inputs the
// profile fuzz target (tests/fuzz) found crashing the parser are refused with
// positioned errors instead.
#include <gtest/gtest.h>

#include <string>

#include "sagsflow/app/simulation_profile.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::testing {
namespace {

std::string all_errors(const app::ProfileParseResult& r) {
  std::string out;
  for (const auto& d : r.errors) out += d.to_string() + "\n";
  return out;
}

constexpr const char* kValid =
    "volumes: {phone: 1000}\n"
    "areas: {moving: {share: 1}}\n";

TEST(SimulationProfileParsingTest, AWhatIfThatIsNotAMappingIsAnErrorAtItsLine) {
  const auto r = app::parse_simulation_profile(std::string(kValid) + "what_if: p\n", "p.yaml");
  ASSERT_FALSE(r.ok());
  const std::string errors = all_errors(r);
  EXPECT_NE(errors.find("p.yaml:3:10: error: what_if must be a mapping"), std::string::npos) << errors;
}

TEST(SimulationProfileParsingTest, PhoneHoursThatAreNotAMappingAreAnErrorAtTheirLine) {
  const auto r =
      app::parse_simulation_profile(std::string(kValid) + "what_if: {phone_hours: [moves_to]}\n", "p.yaml");
  ASSERT_FALSE(r.ok());
  const std::string errors = all_errors(r);
  EXPECT_NE(errors.find("p.yaml:3:24: error: what_if.phone_hours must be a mapping"), std::string::npos) << errors;
}

TEST(SimulationProfileParsingTest, StepsFieldsAndAttachmentsOfTheWrongKindAreErrorsAtTheirLines) {
  const auto r = app::parse_simulation_profile(
      "volumes: {phone: 1000}\n"
      "areas:\n"
      "  moving: {share: 0.5, workflow: moving, steps: {register: 1}}\n"
      "  passport:\n"
      "    share: 0.5\n"
      "    workflow: passport\n"
      "    steps: [{action: complete, fields: [a, b], attachments: photo}]\n",
      "p.yaml");
  ASSERT_FALSE(r.ok());
  const std::string errors = all_errors(r);
  EXPECT_NE(errors.find("p.yaml:3:49: error: moving.steps must be a list"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:7:40: error: fields must be a mapping"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:7:61: error: attachments must be a list"), std::string::npos) << errors;
}

TEST(SimulationProfileParsingTest, AValidWhatIfIsRead) {
  const auto r = app::parse_simulation_profile(
      std::string(kValid) + "what_if: {phone_hours: {moves_to: {digital_self_service: 0.5}}}\n", "p.yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.profile->phone_hours_moves_to.at(Channel::kDigitalSelfService), 0.5);
}

TEST(SimulationProfileParsingTest, TheExampleProfileIsReadWithItsAreasStepsAndWhatIf) {
  const auto text = read_text_file(std::string(SAGSFLOW_SOURCE_DIR) + "/examples/profiles/koebenhavn-2012.yaml");
  ASSERT_TRUE(text.ok()) << text.status().message();
  const auto r = app::parse_simulation_profile(*text, "koebenhavn-2012.yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.profile->year, 2025);
  EXPECT_EQ(r.profile->volumes.at(Channel::kPhone), 1100000);
  ASSERT_EQ(r.profile->areas.size(), 5u);
  EXPECT_EQ(r.profile->areas[0].id, "moving");
  ASSERT_EQ(r.profile->areas[0].steps.size(), 3u);
  EXPECT_EQ(r.profile->areas[0].steps[2].per_working_day, 700);
  EXPECT_EQ(r.profile->phone_hours_moves_to.at(Channel::kPersonalAttendance), 0.2);
  // The day of the staffed channels.
  ASSERT_EQ(r.profile->queues.size(), 2u);
  const auto& phone = r.profile->queues.at(Channel::kPhone);
  EXPECT_EQ(app::open_intervals(phone.hours, 0), (std::vector<app::OpenInterval>{{8 * 60, 22 * 60}}));
  EXPECT_TRUE(app::open_intervals(phone.hours, 5).empty());
  EXPECT_EQ(phone.staffing, 48);
  EXPECT_EQ(phone.handling_minutes, 4.5);
  EXPECT_EQ(phone.patience_minutes, 3);
  EXPECT_EQ(phone.service_goal_minutes, 3);
  EXPECT_EQ(phone.arrivals_by_hour[9], 0.13);
  const auto& counter = r.profile->queues.at(Channel::kPersonalAttendance);
  EXPECT_EQ(app::open_intervals(counter.hours, 3), (std::vector<app::OpenInterval>{{10 * 60, 17 * 60 + 30}}));
  EXPECT_EQ(app::open_intervals(counter.hours, 2), (std::vector<app::OpenInterval>{{10 * 60, 15 * 60}}));
  EXPECT_EQ(app::open_intervals(r.profile->what_if_opening_hours.at(Channel::kPersonalAttendance), 2),
            (std::vector<app::OpenInterval>{{10 * 60, 17 * 60 + 30}}));
}

constexpr const char* kQueued =
    "opening_hours:\n"
    "  phone: [{days: [monday, friday], open: \"08:00-16:00\"}]\n"
    "arrivals_by_hour: {phone: {8: 0.5, 9: 0.5}}\n"
    "staffing: {phone: 4}\n"
    "handling_minutes: {phone: 4}\n"
    "patience_minutes: {phone: 2}\n";

TEST(SimulationProfileParsingTest, AQueuedChannelIsReadWithItsHoursAndFigures) {
  const auto r = app::parse_simulation_profile(std::string(kValid) + kQueued, "p.yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& q = r.profile->queues.at(Channel::kPhone);
  EXPECT_TRUE(app::opens_on(q.hours, 4));
  EXPECT_FALSE(app::opens_on(q.hours, 1));
  EXPECT_EQ(q.staffing, 4);
  EXPECT_EQ(q.service_goal_minutes, 0);  // none given
}

TEST(SimulationProfileParsingTest, TheMunicipalitysHoursAndABookedShareAreReadAndTheirMistakesPositioned) {
  const std::string figures =
      "arrivals_by_hour: {phone: {9: 1}, personal_attendance: {10: 1}}\n"
      "staffing: {phone: 2, personal_attendance: 2}\n"
      "handling_minutes: {phone: 4, personal_attendance: 8}\n"
      "patience_minutes: {phone: 3, personal_attendance: 30}\n";
  const auto good = app::parse_simulation_profile(
      std::string(kValid) + "opening_hours: {phone: municipality, personal_attendance: municipality}\n" + figures +
          "booked_share: {personal_attendance: 0.3}\n",
      "p.yaml");
  ASSERT_TRUE(good.ok()) << all_errors(good);
  EXPECT_TRUE(good.profile->queues.at(Channel::kPhone).hours_from_municipality);
  EXPECT_TRUE(good.profile->queues.at(Channel::kPhone).hours.empty());
  EXPECT_DOUBLE_EQ(good.profile->queues.at(Channel::kPersonalAttendance).booked_share, 0.3);
  const auto bad = app::parse_simulation_profile(
      std::string(kValid) + "opening_hours: {assisted_self_service: kommunen, phone: municipality, personal_attendance: municipality}\n" + figures +
          "booked_share: {phone: 0.2, personal_attendance: 1.5}\n",
      "p.yaml");
  ASSERT_FALSE(bad.ok());
  const std::string errors = all_errors(bad);
  EXPECT_NE(errors.find("p.yaml:3:40: error: opening_hours.assisted_self_service must be a list of rules or 'municipality'"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("booked_share.phone: only personal_attendance is booked ahead"), std::string::npos) << errors;
  EXPECT_NE(errors.find("booked_share.personal_attendance must be"), std::string::npos) << errors;
}

TEST(SimulationProfileParsingTest, OpeningHoursAndQueueFiguresWithMistakesAreErrorsAtTheirPositions) {
  const auto r = app::parse_simulation_profile(
      std::string(kValid) +
          "opening_hours:\n"
          "  phone: [{days: [monday, funday], open: \"22:00-08:00\"}, {open: \"8:00-9:00\"}]\n"
          "  email: [{days: [monday], open: \"08:00-16:00\"}]\n"
          "  personal_attendance: {days: [monday]}\n"
          "arrivals_by_hour: {phone: {8: 0.5, 24: 0.2}, digital_post: {1: 1}}\n"
          "staffing: {phone: 2.5}\n"
          "handling_minutes: {phone: 0}\n"
          "service_goal_minutes: {phone: -1}\n"
          "what_if: {phone_hours: {moves_to: {phone: 0.7, letter: 0.6}}, opening_hours: {email: []}}\n",
      "p.yaml");
  ASSERT_FALSE(r.ok());
  const std::string errors = all_errors(r);
  EXPECT_NE(errors.find("p.yaml:4:27: error: opening_hours.phone.days: 'funday' is not a weekday"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:4:42: error: opening_hours.phone.open must be \"HH:MM-HH:MM\" (00:00 to 24:00) opening "
                        "before it closes, not '22:00-08:00'"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("p.yaml:4:58: error: opening_hours.phone: a rule needs its 'days'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:4:65: error: opening_hours.phone.open must be"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:5:3: error: opening_hours: email has no opening hours"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:6:24: error: opening_hours.personal_attendance must be a list"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:7:36: error: arrivals_by_hour.phone: '24' is not an hour from 0 to 23"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:7:27: error: arrivals_by_hour.phone: the shares add up to 0.500, not about 1"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:7:46: error: arrivals_by_hour: digital_post has no opening_hours"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:8:19: error: staffing.phone must be a whole number"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:9:27: error: handling_minutes.phone must be a number above 0"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:4:3: error: phone has opening_hours but no patience_minutes"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:6:3: error: personal_attendance has opening_hours but no staffing"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:10:31: error: service_goal_minutes.phone must be a number above 0"), std::string::npos) << errors;
  EXPECT_NE(errors.find("p.yaml:11:35: error: what_if.phone_hours.moves_to: the shares add up to 1.300, more than 1"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("p.yaml:11:79: error: what_if.opening_hours: email has no opening_hours of its own"),
            std::string::npos)
      << errors;
}

}  // namespace
}  // namespace sagsflow::testing
