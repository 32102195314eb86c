// Citizen self-service over real HTTP (municipality 0991, its moving form and
// the first-party plugins): services and forms, drafts, a move submitted with
// its receipt, every field error at once, a missing lease uploaded by the
// citizen that resumes the clock, a complaint and a withdrawal, the case as
// the citizen sees it, assisted self-service with consent, exemptions, and
// hostile inputs answered with a 4xx naming the field.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

constexpr const char* kCode = "0991";
const std::string kBoundary = "sagsflow-self-service-boundary";

std::string pdf() { return "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% lejekontrakt\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"; }

std::string multipart(const std::string& kind, const std::string& bytes, const std::string& file_name) {
  std::string body = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" + kind + "\r\n";
  body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
          "\"\r\nContent-Type: application/pdf\r\n\r\n" + bytes + "\r\n";
  return body + "--" + kBoundary + "--\r\n";
}

json good_move() {
  // A move within the next days: today's date is the server's.
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return {{"new_address", "Nygade 4, 1. th, 9991 Supermarkedby"}, {"move_date", format_date(Date{today + std::chrono::days(3)})}};
}

// Every API test is in the suite ApiTest (its server is shared and stopped with the suite).
HttpResult call(unsigned port, const std::string& method, const std::string& path, const std::string& token,
                const json& body = json::object()) {
  return http(port, {method, path, token, method == "GET" || method == "DELETE" ? "" : body.dump(), "application/json",
                     false});
}
HttpResult upload(unsigned port, long long id, const std::string& token, const std::string& kind,
                  const std::string& bytes) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/me/cases/" + std::to_string(id) + "/documents";
  r.token = token;
  r.body = multipart(kind, bytes, "lejekontrakt.pdf");
  r.content_type = "multipart/form-data; boundary=" + kBoundary;
  return http(port, r);
}
// A submitted move: the case id.
long long submit_move(unsigned port, const std::string& citizen) {
  auto r = call(port, "POST", "/api/v1/me/cases", citizen, {{"service", "moving"}, {"fields", good_move()}});
  EXPECT_EQ(r.status, 201) << r.text;
  return r.body["case"].value("id", 0LL);
}
HttpResult staff_act(unsigned port, const std::string& staff, long long id, const std::string& action,
                     const json& body = json::object()) {
  return call(port, "POST", "/api/v1/cases/" + std::to_string(id) + "/actions/" + action, staff, body);
}
long long self_service_transactions(unsigned port, const std::string& staff) {
  auto r = call(port, "GET", "/api/v1/reports/channels?from=2020-01-01&to=2100-01-01", staff);
  EXPECT_EQ(r.status, 200) << r.text;
  return r.body.value("self_service_transactions", -1LL);
}

TEST_F(ApiTest, SelfServiceACitizenReportsAMoveOnlineAndGetsAReceiptWithCaseNumberAndDeadline) {
  const std::string citizen = citizen_token("070761-4285", kCode);
  auto services = get("/api/v1/me/services", citizen);
  ASSERT_EQ(services.status, 200) << services.text;
  expect_documented("GET", "/api/v1/me/services", services);
  std::map<std::string, json> by_id;
  for (const auto& s : services.body["services"]) by_id[s["id"]] = s;
  ASSERT_TRUE(by_id.contains("moving"));
  EXPECT_EQ(by_id["moving"]["mode"], "form");
  ASSERT_TRUE(by_id.contains("passport"));
  EXPECT_EQ(by_id["passport"]["mode"], "attendance");
  EXPECT_NE(by_id["passport"]["why"].get<std::string>().find("fingeraftryk"), std::string::npos);

  auto form = get("/api/v1/me/services/moving/form?lang=en", citizen);
  ASSERT_EQ(form.status, 200) << form.text;
  expect_documented("GET", "/api/v1/me/services/{id}/form", form);
  EXPECT_EQ(form.body["fields"][0]["name"], "new_address");
  EXPECT_EQ(form.body["fields"][0]["label"], "New address");
  EXPECT_EQ(form.body["attachments"][0]["name"], "lease");
  EXPECT_EQ(get("/api/v1/me/services/moving/form", citizen).body["fields"][0]["label"], "Ny adresse");

  const long long before = self_service_transactions(port(), staff_token("anna", kCode));
  auto r = post("/api/v1/me/cases", citizen, {{"service", "moving"}, {"fields", good_move()}});
  ASSERT_EQ(r.status, 201) << r.text;
  expect_documented("POST", "/api/v1/me/cases", r);
  const json& receipt = r.body["receipt"];
  EXPECT_EQ(receipt["case_number"], r.body["case"]["case_number"]);
  EXPECT_NE(receipt["processing_deadline"].get<std::string>().find("arbejdsdag"), std::string::npos);
  EXPECT_FALSE(receipt["next_steps"].get<std::string>().empty());
  EXPECT_EQ(self_service_transactions(port(), staff_token("anna", kCode)), before + 1);

  const long long id = r.body["case"]["id"];
  auto mine = get("/api/v1/me/cases/" + std::to_string(id), citizen);
  ASSERT_EQ(mine.status, 200) << mine.text;
  expect_documented("GET", "/api/v1/me/cases/{id}", mine);
  EXPECT_EQ(mine.body["status_text"], "Under behandling");
  EXPECT_TRUE(mine.body["may"]["withdraw"].get<bool>());
  EXPECT_FALSE(mine.body["may"]["complain"].get<bool>());
  // The read is on record, by the citizen.
  auto store = db::SqlStore::open(db_url());
  ASSERT_TRUE(store.ok());
  AccessFilter f;
  f.case_id = id;
  auto reads = (*store)->list_access(f);
  ASSERT_TRUE(reads.ok());
  bool recorded = false;
  for (const auto& a : *reads) recorded |= a.actor == "citizen" && a.purpose == "case";
  EXPECT_TRUE(recorded);
  // Another citizen does not see it.
  EXPECT_EQ(get("/api/v1/me/cases/" + std::to_string(id), citizen_token("010490-9989", kCode)).status, 404);
  EXPECT_EQ(post("/api/v1/me/cases/" + std::to_string(id) + "/withdraw", citizen_token("010490-9989", kCode)).status, 404);
}

TEST_F(ApiTest, SelfServiceInvalidFieldsGetEveryErrorAtOnceNamingEachField) {
  const std::string citizen = citizen_token("070761-4285", kCode);
  auto r = post("/api/v1/me/cases", citizen,
                {{"service", "moving"}, {"fields", {{"move_date", "31-02-2026"}, {"persons_moving", "two"}, {"x", 1}}}});
  ASSERT_EQ(r.status, 400) << r.text;
  expect_documented("POST", "/api/v1/me/cases", r);
  std::set<std::string> fields;
  for (const auto& e : r.body["errors"]) {
    fields.insert(e["field"].get<std::string>());
    EXPECT_FALSE(e["message"].get<std::string>().empty());
  }
  EXPECT_EQ(fields, (std::set<std::string>{"new_address", "move_date", "persons_moving", "x"}));
  EXPECT_EQ(r.body["field"], "fields");
}

TEST_F(ApiTest, SelfServiceHostileInputsGetAClearProblemNamingTheField) {
  const std::string citizen = citizen_token("070761-4285", kCode);
  auto unknown = post("/api/v1/me/cases", citizen, {{"service", "dragon_licence"}, {"fields", json::object()}});
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  EXPECT_EQ(unknown.body["field"], "service");
  auto typed = post("/api/v1/me/cases", citizen, {{"service", 7}});
  EXPECT_EQ(typed.status, 400);
  EXPECT_EQ(typed.body["field"], "service");
  auto not_object = post("/api/v1/me/cases", citizen, {{"service", "moving"}, {"fields", json::array()}});
  EXPECT_EQ(not_object.status, 400);
  EXPECT_EQ(not_object.body["field"], "fields");
  auto huge = post("/api/v1/me/cases", citizen,
                   {{"service", "moving"}, {"fields", {{"new_address", std::string(5000, 'x')}, {"move_date", "2026-12-01"}}}});
  EXPECT_EQ(huge.status, 400) << huge.text;
  EXPECT_EQ(huge.body["errors"][0]["field"], "new_address");
  auto attendance = post("/api/v1/me/cases", citizen, {{"service", "passport"}, {"fields", json::object()}});
  EXPECT_EQ(attendance.status, 403) << attendance.text;
  EXPECT_EQ(get("/api/v1/me/services/moving/form?lang=fr", citizen).body["field"], "lang");
  EXPECT_EQ(get("/api/v1/me/services/Moving!/form", citizen).status, 400);
  EXPECT_EQ(get("/api/v1/me/services", staff_token("anna", kCode)).status, 403);  // a citizen's route
  const long long id = submit_move(port(), citizen);
  auto exe = upload(port(), id, citizen, "lease", std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(100, '\0'));
  EXPECT_EQ(exe.status, 400) << exe.text;
  EXPECT_EQ(exe.body["field"], "file");
  auto kind = upload(port(), id, citizen, "tax_return", pdf());
  EXPECT_EQ(kind.status, 400) << kind.text;
  EXPECT_EQ(kind.body["field"], "kind");
  EXPECT_EQ(get("/healthz", "").status, 200);  // the server keeps serving
}

TEST_F(ApiTest, SelfServiceADraftIsSavedResumedAndDeleted) {
  const std::string citizen = citizen_token("120780-4451", kCode);
  auto saved = call(port(), "PUT", "/api/v1/me/drafts/moving", citizen, {{"fields", {{"new_address", "Nygade 4"}}}});
  ASSERT_EQ(saved.status, 200) << saved.text;
  expect_documented("PUT", "/api/v1/me/drafts/{id}", saved);
  EXPECT_TRUE(saved.body["saved_at"].is_string());
  auto form = get("/api/v1/me/services/moving/form", citizen);
  EXPECT_EQ(form.body["draft"]["fields"]["new_address"], "Nygade 4");
  EXPECT_TRUE(get("/api/v1/me/services/moving/form", citizen_token("070761-4285", kCode)).body["draft"].is_null());
  EXPECT_EQ(call(port(), "PUT", "/api/v1/me/drafts/moving", citizen, {{"fields", {{"a", std::string(70000, 'x')}}}}).status, 413);
  auto gone = call(port(), "DELETE", "/api/v1/me/drafts/moving", citizen);
  ASSERT_EQ(gone.status, 200) << gone.text;
  expect_documented("DELETE", "/api/v1/me/drafts/{id}", gone);
  EXPECT_TRUE(gone.body["deleted"].get<bool>());
  EXPECT_TRUE(get("/api/v1/me/services/moving/form", citizen).body["draft"].is_null());
}

TEST_F(ApiTest, SelfServiceACaseworkerAsksForTheLeaseTheCitizenUploadsItAndTheClockResumes) {
  const std::string citizen = citizen_token("070761-4285", kCode);
  const long long id = submit_move(port(), citizen);
  ASSERT_EQ(staff_act(port(), staff_token("dorte", kCode), id, "register").status, 200);
  // The case page says which action asks the citizen (a check's action that pauses the clock), and only that one.
  auto page = get("/api/v1/cases/" + std::to_string(id), staff_token("dorte", kCode));
  ASSERT_EQ(page.status, 200) << page.text;
  for (const auto& a : page.body["actions"]) {
    EXPECT_EQ(a["asks_citizen"].get<bool>(), a["name"] == "request_missing") << a.dump();
  }
  auto not_asking = staff_act(port(), staff_token("dorte", kCode), id, "missing_received", {{"ask_attachments", {"lease"}}});
  EXPECT_EQ(not_asking.status, 400) << not_asking.text;
  auto asked = staff_act(port(), staff_token("dorte", kCode), id, "request_missing", {{"ask_attachments", {"lease"}}});
  ASSERT_EQ(asked.status, 200) << asked.text;
  auto waiting = get("/api/v1/me/cases/" + std::to_string(id), citizen);
  ASSERT_EQ(waiting.status, 200);
  EXPECT_EQ(waiting.body["missing"]["items"][0]["label"], "Lejekontrakt eller skøde");
  EXPECT_TRUE(waiting.body["missing"]["reply_by"].is_string());
  EXPECT_TRUE(waiting.body["deadline"]["paused"].get<bool>());
  auto up = upload(port(), id, citizen, "lease", pdf());
  ASSERT_EQ(up.status, 201) << up.text;
  expect_documented("POST", "/api/v1/me/cases/{id}/documents", up);
  EXPECT_TRUE(up.body["case"]["missing"].is_null());
  EXPECT_FALSE(up.body["case"]["clock_paused"].get<bool>());
  auto history = get("/api/v1/cases/" + std::to_string(id) + "/history", staff_token("dorte", kCode));
  ASSERT_EQ(history.status, 200) << history.text;
  EXPECT_NE(history.text.find("\"borgeren\""), std::string::npos);
  EXPECT_EQ(history.text.find("070761-4285"), std::string::npos);
  EXPECT_EQ(post("/api/v1/me/cases/" + std::to_string(id) + "/missing-answered", citizen).status, 409);
}

TEST_F(ApiTest, SelfServiceARefusedMoveIsComplainedAboutOnlineAndWithdrawalAfterTheDecisionIsRefused) {
  const std::string citizen = citizen_token("070761-4285", kCode);
  const long long id = submit_move(port(), citizen);
  ASSERT_EQ(staff_act(port(), staff_token("dorte", kCode), id, "register").status, 200);
  ASSERT_EQ(staff_act(port(), staff_token("dorte", kCode), id, "complete").status, 200);
  auto refused = staff_act(port(), staff_token("dorte", kCode), id, "refuse", {{"fields", {{"reasons", "Adressen findes ikke i BBR."}}}});
  ASSERT_EQ(refused.status, 200) << refused.text;
  const std::string base = "/api/v1/me/cases/" + std::to_string(id);
  auto mine = get(base, citizen);
  EXPECT_TRUE(mine.body["may"]["complain"].get<bool>());
  EXPECT_FALSE(mine.body["may"]["withdraw"].get<bool>());
  EXPECT_EQ(mine.body["decision"]["outcome"], "refused");
  EXPECT_EQ(mine.body["decision"]["reasons"], "Adressen findes ikke i BBR.");
  EXPECT_TRUE(mine.body["decision"]["complaint_guidance"].is_object());
  auto withdraw = post(base + "/withdraw", citizen, {{"reason", "fortrudt"}});
  EXPECT_EQ(withdraw.status, 409) << withdraw.text;
  EXPECT_EQ(post(base + "/complaint", citizen, {{"text", ""}}).body["field"], "text");
  auto complaint = post(base + "/complaint", citizen, {{"text", "Adressen findes; se skødet."}});
  ASSERT_EQ(complaint.status, 201) << complaint.text;
  expect_documented("POST", "/api/v1/me/cases/{id}/complaint", complaint);
  EXPECT_FALSE(complaint.body["late"].get<bool>());
  EXPECT_EQ(complaint.body["case"]["stage"], "reconsideration");
}

TEST_F(ApiTest, SelfServiceACitizenWithdrawsBeforeADecisionAndRepliesInAHearing) {
  const std::string citizen = citizen_token("010490-9989", kCode);
  const long long heard = submit_move(port(), citizen);
  auto started = post("/api/v1/cases/" + std::to_string(heard) + "/hearing", staff_token("dorte", kCode),
                      {{"facts", "BBR viser ingen bolig på adressen."}});
  if (started.status == 200 || started.status == 201) {
    auto reply = post("/api/v1/me/cases/" + std::to_string(heard) + "/hearing-reply", citizen,
                      {{"text", "Huset er nybygget."}});
    ASSERT_EQ(reply.status, 200) << reply.text;
    expect_documented("POST", "/api/v1/me/cases/{id}/hearing-reply", reply);
  } else {
    ADD_FAILURE() << "the hearing could not be started: " << started.text;
  }
  EXPECT_EQ(post("/api/v1/me/cases/" + std::to_string(heard) + "/hearing-reply", citizen, {{"text", "igen"}}).status,
            409);
  const long long id = submit_move(port(), citizen);
  auto w = post("/api/v1/me/cases/" + std::to_string(id) + "/withdraw", citizen, {{"reason", "Jeg flytter ikke."}});
  ASSERT_EQ(w.status, 200) << w.text;
  expect_documented("POST", "/api/v1/me/cases/{id}/withdraw", w);
  EXPECT_EQ(w.body["case"]["status"], "closed");
  EXPECT_EQ(w.body["case"]["status_text"], "Trukket tilbage");
}

TEST_F(ApiTest, SelfServiceAssistedNeedsConsentAndIsCountedAsAssisted) {
  const std::string anna = staff_token("anna", kCode);
  auto form = get("/api/v1/services/moving/form?lang=da", anna);
  ASSERT_EQ(form.status, 200) << form.text;
  expect_documented("GET", "/api/v1/services/{id}/form", form);
  EXPECT_FALSE(form.body.contains("draft"));
  const long long before = self_service_transactions(port(), staff_token("anna", kCode));
  json body = {{"service", "moving"}, {"cpr", "070761-4285"}, {"fields", good_move()}};
  auto refused = post("/api/v1/self-service/assisted", anna, body);
  EXPECT_EQ(refused.status, 400) << refused.text;
  EXPECT_EQ(refused.body["field"], "consent");
  body["consent"] = true;
  auto r = post("/api/v1/self-service/assisted", anna, body);
  ASSERT_EQ(r.status, 201) << r.text;
  expect_documented("POST", "/api/v1/self-service/assisted", r);
  EXPECT_EQ(r.text.find("070761-4285"), std::string::npos);
  EXPECT_EQ(self_service_transactions(port(), staff_token("anna", kCode)), before);  // assisted, not the citizen's own
  EXPECT_EQ(post("/api/v1/self-service/assisted", citizen_token("070761-4285", kCode), body).status, 403);
}

TEST_F(ApiTest, SelfServiceStaffSeeTheServicesByTitleAndHowEachIsAppliedFor) {
  auto r = get("/api/v1/services", staff_token("anna", kCode));
  ASSERT_EQ(r.status, 200) << r.text;
  expect_documented("GET", "/api/v1/services", r);
  bool moving = false;
  for (const auto& s : r.body["services"]) {
    EXPECT_FALSE(s["title"].get<std::string>().empty()) << s.dump();
    if (s["id"] == "moving") {
      moving = true;
      EXPECT_EQ(s["mode"], "form");
      EXPECT_EQ(s["title"], "Anmeldelse af flytning");
    }
  }
  EXPECT_TRUE(moving) << r.text;
  EXPECT_EQ(get("/api/v1/services", citizen_token("070761-4285", kCode)).status, 403);
}

TEST_F(ApiTest, SelfServiceAnExemptCitizenIsToldTheyMayUsePaperAndTheRegisterShowsNoCprInClear) {
  const std::string anna = staff_token("anna", kCode);
  auto e = post("/api/v1/self-service/exemptions", anna, {{"cpr", "251248-4242"}, {"reason", "Ingen computer"}});
  ASSERT_EQ(e.status, 201) << e.text;
  expect_documented("POST", "/api/v1/self-service/exemptions", e);
  EXPECT_EQ(e.text.find("251248-4242"), std::string::npos);
  auto services = get("/api/v1/me/services", citizen_token("251248-4242", kCode));
  ASSERT_EQ(services.status, 200);
  for (const auto& s : services.body["services"]) {
    EXPECT_NE(s["why"].get<std::string>().find("papir"), std::string::npos) << s.dump();
  }
  auto found = post("/api/v1/self-service/exemptions/lookup", anna, {{"cpr", "251248-4242"}});
  EXPECT_TRUE(found.body["exempt"].get<bool>());
  expect_documented("POST", "/api/v1/self-service/exemptions/lookup", found);
  auto removed = post("/api/v1/self-service/exemptions/remove", anna, {{"cpr", "251248-4242"}});
  EXPECT_TRUE(removed.body["removed"].get<bool>());
  expect_documented("POST", "/api/v1/self-service/exemptions/remove", removed);
  EXPECT_EQ(post("/api/v1/self-service/exemptions", anna, {{"cpr", "not a cpr"}, {"reason", "x"}}).body["field"], "cpr");
}

}  // namespace
}  // namespace sagsflow::testing
