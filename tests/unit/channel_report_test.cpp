// The channel report's figures on a small data set checked by hand.
#include <gtest/gtest.h>

#include "sagsflow/reports/channel_report.hpp"

namespace sagsflow {
namespace {

using C = Channel;
using T = InquiryType;

// Eight inquiries in March and April 2026 (figures worked out in the comments).
std::vector<InquiryCount> hand_checked_rows() {
  return {
      {"2026-03-02", C::kPersonalAttendance, T::kGeneralInformation, true, false, false, false, 1},  // 1 (W10)
      {"2026-03-02", C::kPhone, T::kCaseInformation, true, false, false, false, 1},                  // 2 (W10)
      {"2026-03-03", C::kPhone, T::kTransaction, false, false, true, true, 1},                       // 3 (W10), for UDK, forwarded
      {"2026-03-09", C::kDigitalSelfService, T::kTransaction, false, false, false, false, 1},        // 4 (W11)
      {"2026-04-06", C::kDigitalSelfService, T::kTransaction, false, false, false, false, 1},        // 5 (W15)
      {"2026-04-06", C::kLetter, T::kTransaction, false, true, false, false, 1},                     // 6
      {"2026-04-07", C::kEmail, T::kGeneralInformation, true, false, false, false, 1},               // 7
      {"2026-04-07", C::kPersonalAttendance, T::kTransaction, true, true, false, false, 1},          // 8
  };
}

ReportRequest request() {
  ReportRequest r;
  r.municipality = "0999";
  r.from = "2026-03-01";
  r.to = "2026-05-01";
  return r;
}

TEST(ChannelReportTest, FiguresMatchTheHandCheckedDataSet) {
  auto req = request();
  req.shifts.push_back(*parse_channel_shift("phone:digital_self_service:0.5"));
  const auto r = build_channel_report(req, default_channel_strategy(), hand_checked_rows(), {3, 1, 2},
                                      {{"Borgerservice", 2}, {"Borgerservice", 40}, {"Udbetaling Danmark", 10}});
  EXPECT_EQ(r.inquiries, 8);
  EXPECT_EQ(r.by_channel.at(C::kPersonalAttendance), 2);
  EXPECT_EQ(r.by_channel.at(C::kPhone), 2);
  EXPECT_EQ(r.by_channel.at(C::kDigitalSelfService), 2);
  EXPECT_EQ(r.by_channel.at(C::kDigitalPost), 0);
  EXPECT_EQ(r.transactions, 5);                       // 3, 4, 5, 6, 8
  EXPECT_DOUBLE_EQ(r.self_service_rate(), 2.0 / 5);   // 4 and 5
  EXPECT_DOUBLE_EQ(r.first_contact_share(), 4.0 / 8); // 1, 2, 7, 8
  EXPECT_EQ(r.with_form, 2);
  EXPECT_EQ(r.for_other_authorities, 1);
  EXPECT_EQ(r.forwarded, 1);
  EXPECT_DOUBLE_EQ(r.digital_share(), 3.0 / 8);          // 4, 5 (self-service), 7 (e-mail)
  EXPECT_DOUBLE_EQ(r.digital_written_share(), 3.0 / 4);  // of 4, 5, 6, 7 only the letter is not
  EXPECT_DOUBLE_EQ(r.cost_kr(), 2 * 75 + 2 * 45 + 2 * 20 + 60 + 40);

  const auto j = report_json(r);
  ASSERT_EQ(j["trend"].size(), 2u);
  EXPECT_EQ(j["trend"][0]["period"], "2026-03");
  EXPECT_EQ(j["trend"][0]["inquiries"], 4);
  EXPECT_DOUBLE_EQ(j["trend"][0]["digital_share"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["trend"][0]["self_service_rate"].get<double>(), 0.5);   // 3 and 4
  EXPECT_DOUBLE_EQ(j["trend"][1]["self_service_rate"].get<double>(), 1.0 / 3);  // 5, 6, 8
  EXPECT_EQ(j["deadlines"]["kept"], 3);
  EXPECT_EQ(j["deadlines"]["breached"], 3);  // one closed late, two open past their deadline
  EXPECT_DOUBLE_EQ(j["deadlines"]["kept_share"].get<double>(), 0.5);
  ASSERT_EQ(j["backlog"].size(), 2u);
  EXPECT_EQ(j["backlog"][0]["queue"], "Borgerservice");
  EXPECT_EQ(j["backlog"][0]["cases"], 2);
  EXPECT_EQ(j["backlog"][0]["by_age_days"]["0-7"], 1);
  EXPECT_EQ(j["backlog"][0]["by_age_days"]["31-90"], 1);
  EXPECT_EQ(j["backlog"][0]["oldest_days"], 40);
  ASSERT_EQ(j["shifts"].size(), 1u);
  EXPECT_DOUBLE_EQ(j["shifts"][0]["inquiries_moved"].get<double>(), 1);
  EXPECT_DOUBLE_EQ(j["shifts"][0]["saving_kr"].get<double>(), 45 - 20);
  EXPECT_DOUBLE_EQ(j["shifts"][0]["digital_share_after"].get<double>(), 4.0 / 8);
  EXPECT_DOUBLE_EQ(j["targets"]["digital_share"]["target"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["targets"]["digital_share"]["actual"].get<double>(), 0.375);

  const std::string csv = report_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "section,key,value,share,cost_kr");
  EXPECT_NE(csv.find("channel,phone,2,0.2500,90\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("summary,self_service_rate,2,0.4000,\n"), std::string::npos) << csv;
  EXPECT_NE(report_table(r).find("Self-service rate        40.0 % (2 of 5 transactions)"), std::string::npos);
}

TEST(ChannelReportTest, CountingWeeksKeepOnlyThoseWeeksAndScaleToAYear) {
  auto strategy = default_channel_strategy();
  strategy.counting_weeks = {"2026-W10", "2026-W40"};
  auto req = request();
  req.counting_weeks_only = true;
  req.bucket = "week";
  const auto r = build_channel_report(req, strategy, hand_checked_rows(), {}, {});
  EXPECT_EQ(r.inquiries, 3);  // 1, 2, 3
  EXPECT_EQ(r.counting_weeks_found, std::vector<std::string>{"2026-W10"});
  EXPECT_DOUBLE_EQ(r.annual_factor, 52);
  EXPECT_DOUBLE_EQ(report_json(r)["cost_kr_per_year"].get<double>(), (75 + 45 + 45) * 52.0);
  EXPECT_EQ(report_json(r)["trend"][0]["period"], "2026-W10");
}

TEST(ChannelReportTest, IsoWeeksFollowTheirThursday) {
  EXPECT_EQ(iso_week_of(2026, 3, 2), "2026-W10");
  EXPECT_EQ(iso_week_of(2026, 1, 1), "2026-W01");    // a Thursday
  EXPECT_EQ(iso_week_of(2027, 1, 1), "2026-W53");    // a Friday: the last week of 2026
  EXPECT_EQ(iso_week_of(2024, 12, 30), "2025-W01");  // a Monday whose Thursday is in 2025
  EXPECT_TRUE(is_iso_week_name("2026-W10"));
  EXPECT_FALSE(is_iso_week_name("2026-W54"));
  EXPECT_FALSE(is_iso_week_name("2026-10"));
}

TEST(ChannelReportTest, AChannelShiftIsFromToShare) {
  auto ok = parse_channel_shift("phone:digital_self_service:0.2");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->from, C::kPhone);
  EXPECT_DOUBLE_EQ(ok->share, 0.2);
  EXPECT_FALSE(parse_channel_shift("phone:pigeon:0.2").ok());
  EXPECT_FALSE(parse_channel_shift("phone:digital_self_service:1.5").ok());
  EXPECT_FALSE(parse_channel_shift("phone").ok());
}

}  // namespace
}  // namespace sagsflow
