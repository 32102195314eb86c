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
  EXPECT_EQ(r.profile->phone_hours_moves_to.at(Channel::kPersonalAttendance), 0.3);
}

}  // namespace
}  // namespace sagsflow::testing
