// The channel report's service goals, digital share path, KOMHEN matrix, hour
// profile and per-area strategies on fixed inputs checked by hand (the
// figures are worked out in the comments).
#include <gtest/gtest.h>

#include "sagsflow/reports/channel_report.hpp"

namespace sagsflow {
namespace {

using C = Channel;
using T = InquiryType;

ChannelStrategy strategy() {
  ChannelStrategy s = default_channel_strategy();
  s.goals = {
      {C::kPhone, GoalMeasure::kAnswerWithinMinutes, 3, 0.8, std::nullopt},
      {C::kLetter, GoalMeasure::kAnswerWithinDays, 10, 1.0, std::nullopt},
      {C::kDigitalSelfService, GoalMeasure::kDecisionAtOnce, 0, 0.6, std::string("moving")},
      {C::kPersonalAttendance, GoalMeasure::kWaitingMinutes, 15, 0.9, std::nullopt},
  };
  s.digital_share_path = {{*parse_date("2012-12-31"), 0.3}, {*parse_date("2015-12-31"), 0.5}};
  s.areas["moving"] = {C::kDigitalSelfService, {C::kPersonalAttendance}, "Flytning anmeldes digitalt"};
  s.areas["passports"] = {C::kPersonalAttendance, {}, ""};
  return s;
}

ReportRequest request(const std::string& from = "2026-03-01", const std::string& to = "2026-05-01") {
  ReportRequest r;
  r.municipality = "0999";
  r.from = from;
  r.to = to;
  return r;
}

// Ten inquiries: 2 personal general, 3 phone case information, 4 self-service transactions, 1 phone general.
std::vector<InquiryCount> counts() {
  return {
      {"2026-03-02", C::kPersonalAttendance, T::kGeneralInformation, true, false, false, false, 2},
      {"2026-03-02", C::kPhone, T::kCaseInformation, true, false, false, false, 3},
      {"2026-03-09", C::kDigitalSelfService, T::kTransaction, false, false, false, false, 4},
      {"2026-04-06", C::kPhone, T::kGeneralInformation, true, false, false, false, 1},
  };
}

ChannelGoalInputs inputs() {
  ChannelGoalInputs in;
  in.hours = {
      {"2026-03-02T08", C::kPhone, 2},               // Monday 09 (CET, UTC+1)
      {"2026-03-29T00", C::kPersonalAttendance, 1},  // Sunday 01 CET: summer time starts at 01:00 UTC
      {"2026-03-29T01", C::kPersonalAttendance, 1},  // Sunday 03 CEST
      {"2026-04-06T22", C::kDigitalSelfService, 5},  // Tuesday 00 CEST (Monday in UTC)
  };
  in.areas = {
      {"2026-03-09", "moving", C::kDigitalSelfService, 3},
      {"2026-03-09", "moving", C::kPersonalAttendance, 1},
      {"2026-03-10", "moving", C::kPhone, 1},
      {"2026-03-02", "passports", C::kPersonalAttendance, 2},
      {"2026-03-02", "passports", C::kLetter, 2},
  };
  in.answers = {
      {C::kLetter, "passports", "2026-03-02T09:00:00Z", "2026-03-12T09:00:00Z"},  // 10 days: within
      {C::kLetter, "passports", "2026-03-03T10:00:00Z", "2026-03-20T10:00:00Z"},  // 17 days: not
      {C::kLetter, "passports", "2026-03-05T10:00:00Z", ""},                      // 51 days by 25 April: not
      {C::kLetter, "passports", "2026-04-20T10:00:00Z", ""},                      // 5 days by 25 April: pending
      {C::kDigitalSelfService, "moving", "2026-03-09T10:00:00Z", "2026-03-09T15:00:00Z"},  // same day: at once
      // 23:30 on 9 March in Copenhagen, decided 00:30 on the 10th: the same UTC day, not the same Danish day.
      {C::kDigitalSelfService, "moving", "2026-03-09T22:30:00Z", "2026-03-09T23:30:00Z"},
      {C::kDigitalSelfService, "moving", "2026-04-06T21:30:00Z", "2026-04-06T21:50:00Z"},  // 23:30-23:50 CEST: at once
      {C::kDigitalSelfService, "passports", "2026-03-09T10:00:00Z", ""},  // another area: not this goal's
  };
  in.today = *parse_date("2026-04-25");
  return in;
}

ChannelReport report(const ChannelGoalInputs& in, const ReportRequest& req = request()) {
  auto r = build_channel_report(req, strategy(), counts(), {}, {});
  add_channel_goals(r, in);
  return r;
}

TEST(ChannelGoalsReportTest, EachGoalAgainstWhatWasMeasuredOrWhyItCannotBe) {
  const auto r = report(inputs());
  ASSERT_EQ(r.goals.goals.size(), 4u);
  const auto& phone = r.goals.goals[0];
  EXPECT_FALSE(phone.measured);
  EXPECT_NE(phone.not_measured_en.find("telephone system"), std::string::npos);
  EXPECT_FALSE(phone.met());

  const auto& letter = r.goals.goals[1];
  EXPECT_TRUE(letter.measured);
  EXPECT_EQ(letter.counted, 3);
  EXPECT_EQ(letter.within, 1);
  EXPECT_EQ(letter.pending, 1);
  EXPECT_DOUBLE_EQ(letter.measured_share(), 1.0 / 3);
  EXPECT_FALSE(letter.met());  // the goal is all of them

  const auto& at_once = r.goals.goals[2];
  EXPECT_TRUE(at_once.measured);
  EXPECT_EQ(at_once.counted, 3);
  EXPECT_EQ(at_once.within, 2);
  EXPECT_TRUE(at_once.met());  // 2/3 >= 60 %

  const auto& waiting = r.goals.goals[3];
  EXPECT_FALSE(waiting.measured);
  EXPECT_NE(waiting.not_measured_en.find("queue tickets"), std::string::npos);

  auto with_queue = inputs();
  with_queue.counter_waiting = CounterWaiting{15, 200, 190};
  const auto q = report(with_queue);
  EXPECT_TRUE(q.goals.goals[3].measured);
  EXPECT_DOUBLE_EQ(q.goals.goals[3].measured_share(), 0.95);
  EXPECT_TRUE(q.goals.goals[3].met());
  with_queue.counter_waiting = CounterWaiting{10, 200, 190};
  EXPECT_FALSE(report(with_queue).goals.goals[3].measured);  // counted for another number of minutes

  const auto j = report_json(r);
  ASSERT_EQ(j["service_goals"].size(), 4u);
  EXPECT_EQ(j["service_goals"][0]["measured"], false);
  EXPECT_TRUE(j["service_goals"][0]["met"].is_null());
  EXPECT_EQ(j["service_goals"][1]["met"], false);
  EXPECT_EQ(j["service_goals"][2]["met"], true);
  EXPECT_EQ(j["service_goals"][2]["goal_da"], "60 % afgjort straks (samme dag) (område moving)");
  const std::string csv = report_csv(r);
  EXPECT_NE(csv.find("goal,letter:answer_within_days:10,not_met,0.3333,1.0000\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("goal,phone:answer_within_minutes:3,not_measured,,0.8000\n"), std::string::npos) << csv;
  const std::string table = report_table(r);
  EXPECT_NE(table.find("not measured: Sagsflow does not register how long a call waits"), std::string::npos) << table;
  EXPECT_NE(table.find("met (2 of 3)"), std::string::npos) << table;
}

TEST(ChannelGoalsReportTest, TheDigitalShareAgainstTheStepOfThePathInForce) {
  const auto r = report(inputs());  // to 2026-05-01: after the path, so its last step (50 %)
  ASSERT_TRUE(r.goals.digital_share_step);
  EXPECT_DOUBLE_EQ(r.goals.digital_share_step->share, 0.5);
  const auto j = report_json(r);
  EXPECT_DOUBLE_EQ(j["digital_share_path"]["actual"].get<double>(), 0.4);  // 4 self-service of 10
  EXPECT_EQ(j["digital_share_path"]["met"], false);
  EXPECT_EQ(j["digital_share_path"]["in_force"]["by"], "2015-12-31");

  const auto year_2012 = report(inputs(), request("2012-01-01", "2013-01-01"));  // last day 2012-12-31
  EXPECT_DOUBLE_EQ(year_2012.goals.digital_share_step->share, 0.3);
  EXPECT_EQ(report_json(year_2012)["digital_share_path"]["met"], true);  // 40 % >= 30 %
  EXPECT_NE(report_csv(year_2012).find("digital_share_path,2012-12-31,0.3000,0.4000,"), std::string::npos);
}

TEST(ChannelGoalsReportTest, TheKomhenMatrixOfChannelAndType) {
  const auto r = report(inputs());
  EXPECT_EQ(r.goals.komhen.at(C::kPhone).at(T::kGeneralInformation), 1);
  EXPECT_EQ(r.goals.komhen.at(C::kPhone).at(T::kCaseInformation), 3);
  EXPECT_EQ(r.goals.komhen.at(C::kLetter).at(T::kTransaction), 0);  // every cell is there
  const auto j = report_json(r);
  const auto& rows = j["komhen"]["rows"];
  ASSERT_EQ(rows.size(), 7u);
  const auto phone = std::find_if(rows.begin(), rows.end(), [](const auto& x) { return x["channel"] == "phone"; });
  ASSERT_NE(phone, rows.end());
  EXPECT_EQ((*phone)["inquiries"], 4);
  EXPECT_DOUBLE_EQ((*phone)["share"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ((*phone)["type_shares"]["case_information"].get<double>(), 0.75);
  EXPECT_EQ(j["komhen"]["totals"]["transaction"], 4);
  EXPECT_DOUBLE_EQ(j["komhen"]["totals"]["type_shares"]["general_information"].get<double>(), 0.3);
  EXPECT_NE(report_csv(r).find("komhen,phone:case_information,3,0.3000,\n"), std::string::npos);
}

TEST(ChannelGoalsReportTest, TheHourProfileIsInCopenhagenTimeAcrossTheChangeToSummerTime) {
  const auto r = report(inputs());
  const auto& h = r.goals.hours;
  EXPECT_EQ(h[0][9], 2);  // Monday 09
  EXPECT_EQ(h[6][1], 1);  // Sunday 01
  EXPECT_EQ(h[6][3], 1);  // Sunday 03 (02 does not exist that night)
  EXPECT_EQ(h[6][2], 0);
  EXPECT_EQ(h[1][0], 5);  // Tuesday 00
  EXPECT_EQ(h[0][22], 0);
  EXPECT_EQ(r.goals.hours_by_channel.at(C::kPersonalAttendance)[3], 1);
  const auto j = report_json(r);
  EXPECT_EQ(j["hour_profile"]["time_zone"], "Europe/Copenhagen");
  EXPECT_EQ(j["hour_profile"]["hours"][9]["by_weekday"][0], 2);
  EXPECT_EQ(j["hour_profile"]["hours"][0]["inquiries"], 5);
  EXPECT_EQ(j["hour_profile"]["by_channel"]["phone"][9], 2);
  EXPECT_NE(report_csv(r).find("hour_profile,tuesday:00,5,,\n"), std::string::npos);
  EXPECT_NE(report_table(r).find("Inquiries by hour (Europe/Copenhagen)"), std::string::npos);
}

TEST(ChannelGoalsReportTest, EachAreasShareThroughItsPrimaryChannel) {
  const auto r = report(inputs());
  ASSERT_EQ(r.goals.areas.size(), 2u);
  const auto& moving = r.goals.areas[0];
  EXPECT_EQ(moving.area, "moving");
  EXPECT_EQ(moving.inquiries, 5);
  EXPECT_EQ(moving.through_primary, 3);
  EXPECT_EQ(moving.through_also, 1);
  const auto j = report_json(r);
  EXPECT_DOUBLE_EQ(j["area_strategies"][0]["primary_share"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(j["area_strategies"][1]["primary_share"].get<double>(), 0.5);  // passports: 2 of 4 in person
  EXPECT_NE(report_csv(r).find("area_strategy,moving:digital_self_service,3,0.6000,\n"), std::string::npos);

  auto one = request();
  one.area = "passports";
  const auto only = report(inputs(), one);
  ASSERT_EQ(only.goals.areas.size(), 1u);  // a report of one area shows that area's strategy
  EXPECT_EQ(only.goals.goals.size(), 3u);  // and not the goal of another area
}

TEST(ChannelGoalsReportTest, CountingWeeksLeaveOutHoursAreasAndCasesOfOtherWeeks) {
  auto s = strategy();
  s.counting_weeks = {"2026-W10"};  // 2-8 March 2026
  auto req = request();
  req.counting_weeks_only = true;
  auto r = build_channel_report(req, s, counts(), {}, {});
  add_channel_goals(r, inputs());
  EXPECT_EQ(r.goals.hours[0][9], 2);  // 2 March
  EXPECT_EQ(r.goals.hours[1][0], 0);  // 6 April is outside
  EXPECT_EQ(r.goals.areas[0].inquiries, 0);  // moving's rows are from week 11
  EXPECT_EQ(r.goals.areas[1].inquiries, 4);
  EXPECT_EQ(r.goals.goals[1].counted, 3);  // the letters of 2, 3 and 5 March
  EXPECT_FALSE(r.goals.goals[2].measured);  // no self-service case in week 10
}

}  // namespace
}  // namespace sagsflow
