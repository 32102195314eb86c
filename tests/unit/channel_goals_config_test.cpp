// The service goals, digital share path and per-area channel strategies of a
// municipality file's channel_strategy section: what is read, and every error
// with its file, line and column.
#include <gtest/gtest.h>

#include "sagsflow/config/municipality.hpp"

using namespace sagsflow;

namespace {

// A municipality with two service areas and `strategy` (lines from line 6 on) as its channel_strategy.
std::string file_with(const std::string& strategy) {
  return "municipality: {code: \"0101\", name: Test Kommune}\n"  // 1
         "service_areas:\n"                                       // 2
         "  moving: {split: full}\n"                              // 3
         "  passports: {split: full}\n"                           // 4
         "channel_strategy:\n"                                    // 5
         + strategy;
}

std::string errors_of(const MunicipalityParseResult& r) {
  std::string text;
  for (const auto& d : r.errors) text += d.to_string() + "\n";
  return text;
}

}  // namespace

TEST(ChannelGoalsConfig, ReadsGoalsTheDigitalSharePathAndAreaStrategies) {
  auto r = parse_municipality(file_with(R"(  goals:
    - {channel: phone, answer_within_minutes: 3, share: 0.8}
    - {channel: letter, answer_within_days: 10}
    - {channel: digital_self_service, decision: at_once, area: moving}
    - {channel: personal_attendance, waiting_minutes: 15, share: 0.9}
  digital_share_path:
    - {by: 2012-12-31, share: 0.3}
    - {by: 2015-12-31, share: 0.5}
  areas:
    moving: {primary: digital_self_service, also: [personal_attendance], note: "Flytning anmeldes digitalt"}
    passports: {primary: personal_attendance}
)"), "m.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const ChannelStrategy& s = r.config->channel_strategy;
  ASSERT_EQ(s.goals.size(), 4u);
  EXPECT_EQ(s.goals[0].channel, Channel::kPhone);
  EXPECT_EQ(s.goals[0].measure, GoalMeasure::kAnswerWithinMinutes);
  EXPECT_EQ(s.goals[0].amount, 3);
  EXPECT_DOUBLE_EQ(s.goals[0].share, 0.8);
  EXPECT_EQ(s.goals[1].measure, GoalMeasure::kAnswerWithinDays);
  EXPECT_EQ(s.goals[1].amount, 10);
  EXPECT_DOUBLE_EQ(s.goals[1].share, 1.0);  // all, when no share is given
  EXPECT_EQ(s.goals[2].measure, GoalMeasure::kDecisionAtOnce);
  EXPECT_EQ(s.goals[2].area, std::optional<std::string>("moving"));
  EXPECT_EQ(s.goals[3].measure, GoalMeasure::kWaitingMinutes);
  EXPECT_EQ(describe_goal_da(s.goals[0]), "80 % besvaret inden for 3 minutter");
  EXPECT_EQ(describe_goal_en(s.goals[2]), "all decided at once (the same day) (area moving)");
  ASSERT_EQ(s.digital_share_path.size(), 2u);
  EXPECT_EQ(format_date(s.digital_share_path[1].by), "2015-12-31");
  EXPECT_DOUBLE_EQ(s.digital_share_path[1].share, 0.5);
  ASSERT_EQ(s.areas.size(), 2u);
  EXPECT_EQ(s.areas.at("moving").primary, Channel::kDigitalSelfService);
  EXPECT_EQ(s.areas.at("moving").also, std::vector<Channel>{Channel::kPersonalAttendance});
  EXPECT_EQ(s.areas.at("moving").note, "Flytning anmeldes digitalt");
  EXPECT_EQ(s.areas.at("passports").primary, Channel::kPersonalAttendance);
}

TEST(ChannelGoalsConfig, TheStepInForceIsTheFirstOnOrAfterThePeriodsLastDayElseTheLast) {
  const std::vector<DigitalShareStep> path{{*parse_date("2012-12-31"), 0.3}, {*parse_date("2015-12-31"), 0.5}};
  EXPECT_DOUBLE_EQ(digital_share_step_for(path, *parse_date("2012-12-31"))->share, 0.3);
  EXPECT_DOUBLE_EQ(digital_share_step_for(path, *parse_date("2013-01-01"))->share, 0.5);
  EXPECT_DOUBLE_EQ(digital_share_step_for(path, *parse_date("2026-12-31"))->share, 0.5);
  EXPECT_FALSE(digital_share_step_for({}, *parse_date("2026-12-31")));
}

TEST(ChannelGoalsConfig, ReportsEveryWrongGoalWithItsPosition) {
  auto r = parse_municipality(file_with(R"(  goals:
    - {channel: fax, answer_within_days: 10}
    - {channel: phone}
    - {channel: letter, answer_within_days: 10, answer_within_minutes: 3}
    - {channel: phone, answer_within_minutes: 3, share: 1.5}
    - {channel: letter, answer_within_days: 10, area: tax_help}
    - {channel: letter, answer_within_days: 10, colour: red}
    - {channel: phone, waiting_minutes: 5}
    - {channel: digital_self_service, decision: tomorrow}
)"), "m.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = errors_of(r);
  EXPECT_NE(text.find("m.yaml:7:17: error: goal 1 of channel_strategy.goals.channel is 'fax', which is not a channel"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:8:7: error: goal 2 of channel_strategy.goals has no measure"), std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:9:45: error: goal 3 of channel_strategy.goals has two measures (answer_within_minutes and "
                      "answer_within_days)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:10:57: error: goal 4 of channel_strategy.goals.share must be a share between 0 and 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:11:55: error: goal 5 of channel_strategy.goals is for area 'tax_help', which is not "
                      "declared under 'service_areas'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:12:49: error: goal 6 of channel_strategy.goals has an unknown key 'colour'"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:13:41: error: goal 7 of channel_strategy.goals: waiting_minutes is not a goal for the "
                      "phone channel; it is for personal_attendance"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:14:49: error: goal 8 of channel_strategy.goals.decision is 'tomorrow'; the one decision "
                      "goal is 'at_once'"),
            std::string::npos)
      << text;
}

TEST(ChannelGoalsConfig, APathMustRiseByDateAndAreasMustBeServiceAreasWithKnownChannels) {
  auto r = parse_municipality(file_with(R"(  digital_share_path:
    - {by: 2015-12-31, share: 0.5}
    - {by: 2012-12-31, share: 0.6}
    - {by: 2016-12-31, share: 0.4}
    - {by: 2016-13-01, share: 0.7}
  areas:
    tax_help: {primary: phone}
    moving: {primary: web, also: [moving_van]}
    passports: {also: [phone]}
)"), "m.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = errors_of(r);
  EXPECT_NE(text.find("m.yaml:8:12: error: channel_strategy.digital_share_path: 2012-12-31 does not come after the step "
                      "before it (2015-12-31)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:9:31: error: channel_strategy.digital_share_path: the share by 2016-12-31 (40 %) is lower "
                      "than by 2015-12-31 (50 %)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:10:12: error: channel_strategy.digital_share_path: 'by' is '2016-13-01', which is not a "
                      "date"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:12:5: error: channel_strategy.areas has 'tax_help', which is not declared under "
                      "'service_areas'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:13:23: error: channel_strategy.areas.moving.primary is 'web', which is not a channel"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:13:35: error: channel_strategy.areas.moving.also is 'moving_van', which is not a channel"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:14:16: error: channel_strategy.areas.passports has no 'primary'"), std::string::npos)
      << text;
}
