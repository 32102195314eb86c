// The channel report buckets days into ISO-8601 weeks (the week belongs to the
// year of its Thursday), also across year boundaries.
#include <gtest/gtest.h>

#include "sagsflow/reports/channel_report.hpp"

namespace sagsflow {
namespace {

// The ISO week the channel report puts `day` in (its trend bucket per week).
std::string week_of(const std::string& day) {
  ReportRequest req;
  req.municipality = "0999";
  req.from = day;
  req.to = day;
  req.bucket = "week";
  const std::vector<InquiryCount> rows = {
      {day, Channel::kPhone, InquiryType::kGeneralInformation, false, false, false, false, 1}};
  const auto j = report_json(build_channel_report(req, default_channel_strategy(), rows, {}, {}));
  if (j["trend"].size() != 1) return "no single week";
  return j["trend"][0]["period"].get<std::string>();
}

TEST(IsoWeeks, TheFirstWeekIsTheOneWithTheYearsFirstThursday) {
  EXPECT_EQ(week_of("2026-01-01"), "2026-W01");  // a Thursday
  EXPECT_EQ(week_of("2025-12-29"), "2026-W01");  // the Monday of that week, still in 2025
  EXPECT_EQ(week_of("2026-01-04"), "2026-W01");  // its Sunday
  EXPECT_EQ(week_of("2026-01-05"), "2026-W02");
}

TEST(IsoWeeks, LastDaysOfAYearCanBelongToTheNextYearsFirstWeek) {
  EXPECT_EQ(week_of("2024-12-30"), "2025-W01");  // a Monday; that Thursday is 2 January 2025
  EXPECT_EQ(week_of("2024-12-29"), "2024-W52");
}

TEST(IsoWeeks, FirstDaysOfAYearCanBelongToTheLastYearsWeek53) {
  EXPECT_EQ(week_of("2027-01-01"), "2026-W53");  // a Friday; that Thursday is 31 December 2026
  EXPECT_EQ(week_of("2027-01-03"), "2026-W53");
  EXPECT_EQ(week_of("2027-01-04"), "2027-W01");
  EXPECT_EQ(week_of("2026-12-28"), "2026-W53");
}

TEST(IsoWeeks, WeeksInsideTheYear) {
  EXPECT_EQ(week_of("2026-03-02"), "2026-W10");
  EXPECT_EQ(week_of("2024-02-29"), "2024-W09");
}

TEST(IsoWeeks, CountingWeeksMatchAcrossTheYearBoundary) {
  auto strategy = default_channel_strategy();
  strategy.counting_weeks = {"2026-W53"};
  ReportRequest req;
  req.municipality = "0999";
  req.from = "2026-12-28";
  req.to = "2027-01-11";
  req.counting_weeks_only = true;
  const std::vector<InquiryCount> rows = {
      {"2026-12-31", Channel::kPhone, InquiryType::kGeneralInformation, false, false, false, false, 2},
      {"2027-01-02", Channel::kPhone, InquiryType::kGeneralInformation, false, false, false, false, 3},
      {"2027-01-04", Channel::kPhone, InquiryType::kGeneralInformation, false, false, false, false, 7}};
  const auto r = build_channel_report(req, strategy, rows, {}, {});
  EXPECT_EQ(r.inquiries, 5);
  EXPECT_EQ(r.counting_weeks_found, std::vector<std::string>{"2026-W53"});
}

}  // namespace
}  // namespace sagsflow
