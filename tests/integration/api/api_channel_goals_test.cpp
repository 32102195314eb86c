// The channel report's front-of-house parts over HTTP, as documented in the
// OpenAPI document: the example municipality's service goals (the phone and
// counter goals not measured, with the reason), the digital share against its
// path, the KOMHEN matrix, the hour profile and the per-area strategies, in
// JSON and CSV.
#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;

TEST_F(ApiTest, TheChannelReportCarriesGoalsPathKomhenMatrixHourProfileAndAreaStrategies) {
  const std::string frida = staff_token("frida");
  for (const char* channel : {"phone", "phone", "personal_attendance"}) {
    auto r = post("/api/v1/inquiries", frida, {{"channel", channel}, {"type", "general_information"}, {"area", "passports"}});
    ASSERT_EQ(r.status, 201) << r.text;
  }
  auto report = get("/api/v1/reports/channels?from=2020-01-01&to=2100-01-01", frida);
  ASSERT_EQ(report.status, 200) << report.text;
  expect_documented("GET", "/api/v1/reports/channels", report);
  const json& j = report.body;

  ASSERT_EQ(j["service_goals"].size(), 4u) << j["service_goals"].dump();  // examples/municipalities/eksempel-kommune.yaml
  EXPECT_EQ(j["service_goals"][0]["channel"], "phone");
  EXPECT_EQ(j["service_goals"][0]["measured"], false);
  EXPECT_TRUE(j["service_goals"][0]["met"].is_null());
  EXPECT_NE(j["service_goals"][0]["not_measured_da"].get<std::string>().find("telefonsystemet"), std::string::npos);
  EXPECT_EQ(j["service_goals"][3]["measure"], "waiting_minutes");
  EXPECT_NE(j["service_goals"][3]["not_measured"].get<std::string>().find("queue tickets"), std::string::npos);

  EXPECT_EQ(j["digital_share_path"]["in_force"]["by"], "2015-12-31");  // the period ends after the path
  EXPECT_DOUBLE_EQ(j["digital_share_path"]["in_force"]["share"].get<double>(), 0.5);

  long long phone_general = 0;
  for (const auto& row : j["komhen"]["rows"]) {
    if (row["channel"] == "phone") phone_general = row["general_information"].get<long long>();
  }
  EXPECT_GE(phone_general, 2);
  long long in_profile = 0;
  for (const auto& hour : j["hour_profile"]["hours"]) in_profile += hour["inquiries"].get<long long>();
  EXPECT_EQ(in_profile, j["inquiries"].get<long long>());  // every inquiry in some hour of some weekday

  ASSERT_EQ(j["area_strategies"].size(), 2u);
  EXPECT_EQ(j["area_strategies"][0]["area"], "moving");
  EXPECT_EQ(j["area_strategies"][1]["area"], "passports");
  EXPECT_GE(j["area_strategies"][1]["inquiries"].get<long long>(), 3);

  auto csv = get("/api/v1/reports/channels?from=2020-01-01&to=2100-01-01&format=csv", frida);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.text.find("goal,phone:answer_within_minutes:3,not_measured,,0.8000\n"), std::string::npos) << csv.text;
  EXPECT_NE(csv.text.find("\nhour_profile,monday:00,"), std::string::npos);
  EXPECT_NE(csv.text.find("\narea_strategy,passports:personal_attendance,"), std::string::npos);
}

}  // namespace
}  // namespace sagsflow::testing
