// Opening hours and appointments over real HTTP (the example municipality
// 0999: its published hours and passports booked at Borgerservice, two desks):
// the public hours and slots; a citizen books, sees, moves and cancels; a
// third booking of a two-seat slot is refused with 409; staff book for a
// caller and read a day's list, each appointment an access record with the
// CPR number masked; hostile inputs answered with a 4xx naming the field;
// each answer as the OpenAPI document says.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

HttpResult call(unsigned port, const std::string& method, const std::string& path, const std::string& token,
                const json& body = json::object()) {
  return http(port, {method, path, token, method == "GET" ? "" : body.dump(), "application/json", false});
}

TEST_F(ApiTest, ThePublishedHoursAndFreeSlotsNeedNoSignIn) {
  auto hours = get("/api/v1/opening-hours", "");
  ASSERT_EQ(hours.status, 200) << hours.text;
  expect_documented("GET", "/api/v1/opening-hours", hours);
  bool found = false;
  for (const auto& m : hours.body["municipalities"]) {
    if (m["code"] != "0999") continue;
    found = true;
    ASSERT_FALSE(m["channels"].empty());
    EXPECT_EQ(m["channels"][0]["channel"], "personal_attendance");
    EXPECT_EQ(m["channels"][0]["rules"][1]["closes"], "17:30");
    EXPECT_EQ(m["channels"][0]["next_days"].size(), 14u);
  }
  EXPECT_TRUE(found) << hours.text;
  auto slots = get("/api/v1/appointments/slots?municipality=0999&area=passports", "");
  ASSERT_EQ(slots.status, 200) << slots.text;
  expect_documented("GET", "/api/v1/appointments/slots", slots);
  EXPECT_EQ(slots.body["unit"], "bsc");
  EXPECT_EQ(slots.body["minutes"], 15);
  ASSERT_FALSE(slots.body["slots"].empty());
  EXPECT_EQ(slots.body["slots"][0]["free"], 2);
  auto no_area = get("/api/v1/appointments/slots?municipality=0999", "");
  EXPECT_EQ(no_area.status, 400);
  EXPECT_EQ(no_area.body.value("field", ""), "area");
  auto bad_days = get("/api/v1/appointments/slots?municipality=0999&area=passports&days=999", "");
  EXPECT_EQ(bad_days.status, 400);
  auto unknown = get("/api/v1/appointments/slots?municipality=0999&area=nowhere", "");
  EXPECT_EQ(unknown.status, 404);
  auto not_booked = get("/api/v1/appointments/slots?municipality=0999&area=housing_support", "");
  EXPECT_EQ(not_booked.status, 409) << not_booked.text;
  auto bad_date = get("/api/v1/appointments/slots?municipality=0999&area=passports&deadline=2026-02-30", "");
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(bad_date.body.value("field", ""), "deadline");
}

TEST_F(ApiTest, ACitizenBooksMovesAndCancelsAndTheThirdBookingOfATwoSeatSlotIsRefused) {
  auto slots = get("/api/v1/appointments/slots?municipality=0999&area=passports&days=30", "");
  ASSERT_EQ(slots.status, 200);
  // A slot late in the window, so other tests' bookings of the first ones do not meet this one.
  ASSERT_GE(slots.body["slots"].size(), 3u);
  const json& slot = slots.body["slots"][slots.body["slots"].size() - 1];
  ASSERT_EQ(slot["free"], 2) << slot.dump();
  const std::string at = slot["starts_at"];
  const std::string jens = citizen_token("070761-4285"), ida = citizen_token("010190-1234"),
                    ole = citizen_token("020202-2222");
  auto first = call(port(), "POST", "/api/v1/me/appointments", jens, {{"area", "passports"}, {"starts_at", at}});
  ASSERT_EQ(first.status, 201) << first.text;
  expect_documented("POST", "/api/v1/me/appointments", first);
  EXPECT_EQ(first.body["appointment"]["channel"], "digital_self_service");
  EXPECT_TRUE(first.body["appointment"]["citizen"].is_null()) << "the citizen is not shown their own CPR number";
  auto second = call(port(), "POST", "/api/v1/me/appointments", ida, {{"area", "passports"}, {"starts_at", at}});
  ASSERT_EQ(second.status, 201) << second.text;
  auto third = call(port(), "POST", "/api/v1/me/appointments", ole, {{"area", "passports"}, {"starts_at", at}});
  EXPECT_EQ(third.status, 409) << third.text;
  auto mine = get("/api/v1/me/appointments", jens);
  ASSERT_EQ(mine.status, 200);
  expect_documented("GET", "/api/v1/me/appointments", mine);
  const long long id = first.body["appointment"]["id"];
  bool listed = false;
  for (const auto& a : mine.body["appointments"]) listed |= a["id"] == id;
  EXPECT_TRUE(listed);
  // Ida neither cancels nor moves Jens's booking.
  EXPECT_EQ(call(port(), "POST", "/api/v1/me/appointments/" + std::to_string(id) + "/cancel", ida).status, 404);
  // Jens moves to the slot before; Ole can then have the seat he was refused.
  const std::string earlier = slots.body["slots"][slots.body["slots"].size() - 2]["starts_at"];
  auto moved = call(port(), "POST", "/api/v1/me/appointments/" + std::to_string(id) + "/move", jens,
                    {{"starts_at", earlier}});
  ASSERT_EQ(moved.status, 200) << moved.text;
  expect_documented("POST", "/api/v1/me/appointments/{id}/move", moved);
  auto now_ole = call(port(), "POST", "/api/v1/me/appointments", ole, {{"area", "passports"}, {"starts_at", at}});
  EXPECT_EQ(now_ole.status, 201) << now_ole.text;
  const long long moved_id = moved.body["appointment"]["id"];
  auto cancelled = call(port(), "POST", "/api/v1/me/appointments/" + std::to_string(moved_id) + "/cancel", jens);
  ASSERT_EQ(cancelled.status, 200) << cancelled.text;
  expect_documented("POST", "/api/v1/me/appointments/{id}/cancel", cancelled);
  EXPECT_EQ(cancelled.body["appointment"]["state"], "cancelled");
  auto again = call(port(), "POST", "/api/v1/me/appointments/" + std::to_string(moved_id) + "/cancel", jens);
  EXPECT_EQ(again.status, 409);
  // Hostile and wrong inputs.
  auto garbage = call(port(), "POST", "/api/v1/me/appointments", jens, {{"area", "passports"}, {"starts_at", "i morgen"}});
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.body.value("field", ""), "starts_at");
  auto off_grid = call(port(), "POST", "/api/v1/me/appointments", jens,
                       {{"area", "passports"}, {"starts_at", at.substr(0, 14) + "07:00Z"}});
  EXPECT_EQ(off_grid.status, 409) << off_grid.text;
  auto no_area = call(port(), "POST", "/api/v1/me/appointments", jens, {{"starts_at", at}});
  EXPECT_EQ(no_area.status, 400);
  EXPECT_EQ(call(port(), "POST", "/api/v1/me/appointments", staff_token("frida"), {{"area", "passports"}, {"starts_at", at}}).status, 403);
}

TEST_F(ApiTest, StaffBookForACallerAndADaysListIsAnAccessRecordWithTheCprNumberMasked) {
  auto slots = get("/api/v1/appointments/slots?municipality=0999&area=passports&days=30", "");
  ASSERT_EQ(slots.status, 200);
  const json& slot = slots.body["slots"][slots.body["slots"].size() / 2];
  const std::string frida = staff_token("frida");
  auto bad_cpr = call(port(), "POST", "/api/v1/appointments", frida,
                      {{"area", "passports"}, {"starts_at", slot["starts_at"]}, {"cpr", "3201901234"}, {"channel", "phone"}});
  EXPECT_EQ(bad_cpr.status, 400) << bad_cpr.text;
  EXPECT_EQ(bad_cpr.body.value("field", ""), "cpr");
  EXPECT_EQ(bad_cpr.text.find("3201901234"), std::string::npos) << "the refusal does not repeat the number";
  auto bad_channel = call(port(), "POST", "/api/v1/appointments", frida,
                          {{"area", "passports"}, {"starts_at", slot["starts_at"]}, {"cpr", "010190-1234"}, {"channel", "letter"}});
  EXPECT_EQ(bad_channel.status, 400);
  EXPECT_EQ(bad_channel.body.value("field", ""), "channel");
  auto booked = call(port(), "POST", "/api/v1/appointments", frida,
                     {{"area", "passports"}, {"starts_at", slot["starts_at"]}, {"cpr", "010190-1234"}, {"channel", "phone"}});
  ASSERT_EQ(booked.status, 201) << booked.text;
  expect_documented("POST", "/api/v1/appointments", booked);
  EXPECT_EQ(booked.body["appointment"]["citizen"], "010190-XXXX");
  EXPECT_EQ(booked.body["appointment"]["booked_by"], "frida");
  const long long id = booked.body["appointment"]["id"];
  const std::string day = slot["day"];
  auto list = get("/api/v1/appointments?date=" + day, frida);
  ASSERT_EQ(list.status, 200) << list.text;
  expect_documented("GET", "/api/v1/appointments", list);
  bool listed = false;
  for (const auto& a : list.body["appointments"]) listed |= a["id"] == id;
  EXPECT_TRUE(listed);
  EXPECT_EQ(list.text.find("010190-1234"), std::string::npos);
  auto audit = get("/api/v1/admin/audit?actor=frida&limit=50", staff_token("anna"));
  ASSERT_EQ(audit.status, 200) << audit.text;
  bool recorded = false;
  for (const auto& r : audit.body["records"]) recorded |= r["appointment_id"] == id;
  EXPECT_TRUE(recorded) << audit.text;
  auto one = get("/api/v1/appointments/" + std::to_string(id), frida);
  ASSERT_EQ(one.status, 200);
  expect_documented("GET", "/api/v1/appointments/{id}", one);
  auto cancelled = call(port(), "POST", "/api/v1/appointments/" + std::to_string(id) + "/cancel", frida);
  ASSERT_EQ(cancelled.status, 200);
  expect_documented("POST", "/api/v1/appointments/{id}/cancel", cancelled);
  EXPECT_EQ(get("/api/v1/appointments", citizen_token("010190-1234")).status, 403);
  EXPECT_EQ(get("/api/v1/appointments?date=2026-13-01", frida).status, 400);
}

}  // namespace
}  // namespace sagsflow::testing
