// The rules letters carry, through the HTTP API: the published processing
// deadlines without sign-in, a party hearing started and answered, blank
// reasons refused, the complaint deadline by delivery channel, and a receipt
// date given when a case is opened later. The core decides; the API translates.
#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

TEST_F(ApiTest, ProcessingDeadlinesArePublishedWithoutSignIn) {
  auto all = get("/api/v1/processing-deadlines", "");
  ASSERT_EQ(all.status, 200) << all.text;
  expect_documented("GET", "/api/v1/processing-deadlines", all);
  bool passport_check = false;
  for (const auto& d : all.body["processing_deadlines"]) {
    if (d["municipality"] == "0999" && d["workflow"] == "passport" && d["stage"] == "check") {
      passport_check = true;
      EXPECT_EQ(d["service_area"], "passports");
      EXPECT_EQ(d["deadline"]["amount"], 5);
      EXPECT_EQ(d["deadline"]["unit"], "working_days");
    }
  }
  EXPECT_TRUE(passport_check) << all.text;
  auto one = get("/api/v1/processing-deadlines?municipality=0999", "");
  ASSERT_EQ(one.status, 200);
  for (const auto& d : one.body["processing_deadlines"]) EXPECT_EQ(d["municipality"], "0999");
  auto bad = get("/api/v1/processing-deadlines?municipality=%3Cscript%3E", "");
  EXPECT_EQ(bad.status, 400) << bad.text;
  expect_documented("GET", "/api/v1/processing-deadlines", bad);
  auto unknown = get("/api/v1/processing-deadlines?municipality=0123", "");
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  expect_documented("GET", "/api/v1/processing-deadlines", unknown);
  // The page that shows them is served without sign-in too.
  auto page = get("/processing-deadlines.html", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.text.find("Sagsbehandlingsfrister"), std::string::npos);
}

TEST_F(ApiTest, AHearingIsStartedAndAnsweredThroughTheApiAndBlankFactsAreRefused) {
  const long long id = passport_case_in_decision();
  const std::string base = "/api/v1/cases/" + std::to_string(id);
  const std::string bo = staff_token("bo");
  auto blank = post(base + "/hearing", bo, {{"facts", "\xC2\xA0\xE2\x80\x83"}});
  EXPECT_EQ(blank.status, 400) << blank.text;
  expect_documented("POST", "/api/v1/cases/{id}/hearing", blank);
  auto bad_date = post(base + "/hearing", bo, {{"facts", "Politiet oplyser en verserende sag"}, {"reply_by", "2026-02-30"}});
  EXPECT_EQ(bad_date.status, 400) << bad_date.text;
  EXPECT_EQ(bad_date.body["field"], "reply_by") << bad_date.text;
  auto started = post(base + "/hearing", bo, {{"facts", "Politiet oplyser en verserende sag"}});
  ASSERT_EQ(started.status, 200) << started.text;
  expect_documented("POST", "/api/v1/cases/{id}/hearing", started);
  EXPECT_EQ(started.body["hearing"]["facts"], "Politiet oplyser en verserende sag");
  EXPECT_TRUE(started.body["clock"]["paused_since"].is_string()) << started.text;
  auto twice = post(base + "/hearing", bo, {{"facts", "igen"}});
  EXPECT_EQ(twice.status, 409) << twice.text;
  auto replied = post(base + "/hearing/reply", bo, {{"reply", "Sagen er afsluttet"}});
  ASSERT_EQ(replied.status, 200) << replied.text;
  expect_documented("POST", "/api/v1/cases/{id}/hearing/reply", replied);
  EXPECT_TRUE(replied.body["hearing"].is_null());
  EXPECT_TRUE(replied.body["clock"]["paused_since"].is_null()) << replied.text;
}

TEST_F(ApiTest, ARefusalWithBlankReasonsIsRefusedAndOneByPostCarriesItsComplaintDeadline) {
  const long long id = passport_case_in_decision();
  const std::string base = "/api/v1/cases/" + std::to_string(id) + "/actions/refuse";
  const std::string bo = staff_token("bo");
  auto blank = post(base, bo, {{"fields", {{"reasons", " \xE2\x80\x8B "}}}});
  EXPECT_NE(blank.status, 200) << blank.text;
  EXPECT_NE(blank.text.find("reasons"), std::string::npos) << blank.text;
  auto pigeon = post(base, bo, {{"fields", {{"reasons", "Fotoet er uskarpt"}}}, {"delivery_channel", "pigeon"}});
  EXPECT_EQ(pigeon.status, 400) << pigeon.text;
  EXPECT_EQ(pigeon.body["field"], "delivery_channel");
  auto refused = post(base, bo, {{"fields", {{"reasons", "Fotoet er uskarpt"}}}, {"delivery_channel", "physical_post"}});
  ASSERT_EQ(refused.status, 200) << refused.text;
  EXPECT_EQ(refused.body["complaint_deadline"]["channel"], "physical_post");
  EXPECT_EQ(refused.body["complaint_due"], refused.body["complaint_deadline"]["due"]);
  EXPECT_GT(refused.body["complaint_deadline"]["received"].get<std::string>(),
            refused.body["complaint_deadline"]["sent"].get<std::string>());
}

TEST_F(ApiTest, ACaseOpenedLaterKeepsTheDayItWasReceivedAndAFutureDayIsRefused) {
  const std::string frida = staff_token("frida");
  auto future = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"received_on", "2999-01-01"}});
  EXPECT_EQ(future.status, 400) << future.text;
  auto malformed = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"received_on", "1/12/2026"}});
  EXPECT_EQ(malformed.status, 400) << malformed.text;
  EXPECT_EQ(malformed.body["field"], "received_on");
  auto opened = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"received_on", "2020-06-05"}});
  ASSERT_EQ(opened.status, 201) << opened.text;
  EXPECT_EQ(opened.body["received_on"], "2020-06-05");
}

}  // namespace
}  // namespace sagsflow::testing
