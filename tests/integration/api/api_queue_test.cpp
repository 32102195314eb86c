// The queue over real HTTP on the shared installation (0999 has a queue): the
// kiosk draws without a token, the screen shows no personal data, a staff
// member calls, serves (the inquiry is in the register) or marks a no-show,
// someone outside the groups is refused, and the statistics count it all.
// Every answer is checked against the OpenAPI document.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

TEST_F(ApiTest, TheQueueDrawsCallsServesAndCountsOverHttpWithTheKioskAndScreenNeedingNoSignIn) {
  const std::string bo = staff_token("bo");
  auto groups = get("/api/v1/queue/groups", "");
  ASSERT_EQ(groups.status, 200) << groups.text;
  expect_documented("GET", "/api/v1/queue/groups", groups);
  ASSERT_EQ(groups.body["groups"].size(), 2u);
  EXPECT_EQ(groups.body["groups"][0]["id"], "P");
  EXPECT_EQ(groups.body["municipality"], "0999") << "the one municipality with a queue";

  // Whoever is still waiting from other tests is called and marked first, so this test's tickets come next.
  for (int i = 0; i < 100; ++i) {
    auto r = post("/api/v1/queue/call-next", bo, {{"desk", "skranke-1"}});
    ASSERT_EQ(r.status, 200) << r.text;
    if (r.body["ticket"].is_null()) break;
    ASSERT_EQ(post("/api/v1/queue/tickets/" + std::to_string(r.body["ticket"]["id"].get<long long>()) + "/no-show", bo)
                  .status, 200);
  }

  auto drawn = post("/api/v1/queue/tickets", "", {{"group", "P"}});
  ASSERT_EQ(drawn.status, 201) << drawn.text;
  expect_documented("POST", "/api/v1/queue/tickets", drawn);
  const std::string number = drawn.body["ticket"]["number"];
  EXPECT_EQ(number.substr(0, 1), "P");
  EXPECT_EQ(number.size(), 4u);
  auto second = post("/api/v1/queue/tickets", "", {{"group", "A"}, {"municipality", "0999"}});
  ASSERT_EQ(second.status, 201) << second.text;
  auto unknown = post("/api/v1/queue/tickets", "", {{"group", "Z"}});
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  EXPECT_EQ(unknown.body.value("field", ""), "group");
  expect_documented("POST", "/api/v1/queue/tickets", unknown);
  EXPECT_EQ(post("/api/v1/queue/tickets", "", {{"group", "P"}, {"municipality", "0991"}}).status, 409)
      << "0991 has no queue";
  EXPECT_EQ(post("/api/v1/queue/tickets", "", json::object()).status, 400) << "no group";

  // Staff routes need a token; Erna (not at the centre) serves no group.
  EXPECT_EQ(post("/api/v1/queue/call-next", "", {{"desk", "skranke-1"}}).status, 401);
  auto erna = post("/api/v1/queue/call-next", staff_token("erna"), {{"desk", "skranke-1"}});
  EXPECT_EQ(erna.status, 403) << erna.text;
  expect_documented("POST", "/api/v1/queue/call-next", erna);
  EXPECT_EQ(post("/api/v1/queue/call-next", bo, {{"desk", "skranke-9"}}).status, 404);

  auto called = post("/api/v1/queue/call-next", bo, {{"desk", "skranke-2"}});
  ASSERT_EQ(called.status, 200) << called.text;
  expect_documented("POST", "/api/v1/queue/call-next", called);
  ASSERT_TRUE(called.body["ticket"].is_object()) << called.text;
  EXPECT_EQ(called.body["ticket"]["number"], number);
  EXPECT_EQ(called.body["ticket"]["desk_name"], "Skranke 2");
  const std::string id = std::to_string(called.body["ticket"]["id"].get<long long>());

  auto screen = get("/api/v1/queue/screen", "");
  ASSERT_EQ(screen.status, 200) << screen.text;
  expect_documented("GET", "/api/v1/queue/screen", screen);
  EXPECT_EQ(screen.body["called"][0]["number"], number);
  EXPECT_EQ(screen.body["called"][0]["desk_name"], "Skranke 2");

  auto status = get("/api/v1/queue/status", bo);
  ASSERT_EQ(status.status, 200) << status.text;
  expect_documented("GET", "/api/v1/queue/status", status);
  EXPECT_EQ(status.body["your_ticket"]["number"], number);

  auto bad = post("/api/v1/queue/tickets/" + id + "/serve", bo, {{"type", "gossip"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.value("field", ""), "type");
  auto served = post("/api/v1/queue/tickets/" + id + "/serve", bo,
                     {{"type", "transaction"}, {"outcome", "Pas bestilt"}, {"cpr", "010490-9989"}});
  ASSERT_EQ(served.status, 200) << served.text;
  expect_documented("POST", "/api/v1/queue/tickets/{id}/serve", served);
  EXPECT_EQ(served.body["ticket"]["status"], "served");
  EXPECT_EQ(served.text.find("9989"), std::string::npos) << "the CPR number is masked: " << served.text;
  const long long inquiry = served.body["inquiry"]["id"];
  EXPECT_EQ(served.body["ticket"]["inquiry_id"], inquiry);
  EXPECT_EQ(served.body["inquiry"]["channel"], "personal_attendance");
  auto listed = get("/api/v1/inquiries", bo);
  ASSERT_EQ(listed.status, 200);
  bool found = false;
  for (const auto& r : listed.body["inquiries"]) found = found || r["id"] == inquiry;
  EXPECT_TRUE(found) << "the inquiry is in the register";
  auto again = post("/api/v1/queue/tickets/" + id + "/no-show", bo);
  EXPECT_EQ(again.status, 409) << again.text;
  expect_documented("POST", "/api/v1/queue/tickets/{id}/no-show", again);

  auto a = post("/api/v1/queue/call-next", bo, {{"desk", "skranke-1"}});
  ASSERT_TRUE(a.body["ticket"].is_object()) << a.text;
  auto gone = post("/api/v1/queue/tickets/" + std::to_string(a.body["ticket"]["id"].get<long long>()) + "/no-show", bo);
  ASSERT_EQ(gone.status, 200) << gone.text;
  expect_documented("POST", "/api/v1/queue/tickets/{id}/no-show", gone);
  auto none = post("/api/v1/queue/call-next", bo, {{"desk", "skranke-1"}});
  ASSERT_EQ(none.status, 200) << none.text;
  EXPECT_TRUE(none.body["ticket"].is_null()) << "no one waiting is an answer, not an error";
  expect_documented("POST", "/api/v1/queue/call-next", none);

  auto report = get("/api/v1/reports/queue", bo);
  ASSERT_EQ(report.status, 200) << report.text;
  expect_documented("GET", "/api/v1/reports/queue", report);
  long long served_p = 0, no_shows = 0;
  for (const auto& t : report.body["totals"]) {
    if (t["group"] == "P") served_p = t["served"];
    no_shows += t["no_shows"].get<long long>();
  }
  EXPECT_GE(served_p, 1);
  EXPECT_GE(no_shows, 1);
  EXPECT_EQ(get("/api/v1/reports/queue?from=yesterday", bo).status, 400);
  EXPECT_EQ(get("/api/v1/reports/queue", "").status, 401);
}

}  // namespace
}  // namespace sagsflow::testing
