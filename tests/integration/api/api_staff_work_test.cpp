// Over HTTP, the staff's daily work: the search box (a CPR number needs a
// purpose and is recorded; Danish words find their inflections; a case
// number finds its case), case pages addressed by case number, worklists
// with filters, bulk claim and reassignment, notifications, the team
// leader's overview, the CLI's case tasks on the API, and an admin's preview
// and deployment of a workflow with its diff.
#include <gtest/gtest.h>

#include <set>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

// A workflow of one stage, no plugin: what the admin deploys in the diff test.
constexpr const char* kDiffWorkflow = R"(id: diff_counter
subject: 23.05.10
start: work
stages:
  work:
    kind: check
    deadline: {working_days: 5}
    actions:
      note: {next: work}
      finish: {next: closed}
)";

std::set<long long> ids_of(const json& cases) {
  std::set<long long> out;
  for (const auto& c : cases) out.insert(c.value("id", 0LL));
  return out;
}

class ApiStaffWorkTest : public ApiTest {
 protected:
  // The unit whose queue the case waits in.
  std::string queue_of(long long id) {
    auto page = get("/api/v1/cases/" + std::to_string(id), staff_token("carl"));
    EXPECT_EQ(page.status, 200) << page.text;
    EXPECT_TRUE(page.body["queue"].is_object()) << page.text;
    return page.body["queue"].is_object() ? page.body["queue"].value("id", "") : std::string();
  }
  std::string number_of(long long id) {
    auto page = get("/api/v1/cases/" + std::to_string(id), staff_token("carl"));
    EXPECT_EQ(page.status, 200) << page.text;
    return page.body.value("case_number", "");
  }
};

TEST_F(ApiStaffWorkTest, ACprSearchAsksForAPurposeAndRecordsItWithEachCaseShown) {
  const std::string cpr = "030490-9981";
  const long long id = passport_case_in_decision(cpr);
  const std::string frida = staff_token("frida");
  auto refused = get("/api/v1/search?q=0304909981", frida);
  ASSERT_EQ(refused.status, 400) << refused.text;
  EXPECT_EQ(refused.body.value("field", ""), "purpose");
  EXPECT_EQ(refused.text.find("9981"), std::string::npos) << "the answer never repeats the CPR number";
  auto found = get("/api/v1/search?q=030490-9981&purpose=Telefonopkald%20fra%20borgeren&count=true", frida);
  ASSERT_EQ(found.status, 200) << found.text;
  expect_documented("GET", "/api/v1/search", found);
  EXPECT_EQ(found.body.value("kind", ""), "cpr");
  EXPECT_TRUE(ids_of(found.body["cases"]).contains(id));
  EXPECT_EQ(found.text.find("030490-9981"), std::string::npos) << "the citizen is masked";
  bool recorded = false;
  for (const auto& r : access_records(id)) {
    if (r.value("purpose", "") == "search by CPR number: Telefonopkald fra borgeren" && r.value("actor", "") == "frida") {
      recorded = true;
    }
  }
  EXPECT_TRUE(recorded) << access_records(id).dump();
  // The case list's cpr parameter is the same search, never silently ignored.
  auto listed = get("/api/v1/cases?cpr=0304909981", frida);
  EXPECT_EQ(listed.status, 400) << listed.text;
  EXPECT_EQ(listed.body.value("field", ""), "purpose");
  auto bad = get("/api/v1/cases?cpr=12345", frida);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.value("field", ""), "cpr");
  auto by_list = get("/api/v1/cases?cpr=0304909981&purpose=Borgeren%20ved%20skranken", frida);
  ASSERT_EQ(by_list.status, 200) << by_list.text;
  EXPECT_TRUE(ids_of(by_list.body["cases"]).contains(id));
}

TEST_F(ApiStaffWorkTest, WordsFindTheirDanishInflectionsAndNotesAreSearchable) {
  const std::string frida = staff_token("frida");
  auto opened = post("/api/v1/cases", frida,
                     {{"workflow", "moving"}, {"citizen_cpr", "070761-4285"}, {"title", "Flytninger i opgang B"}});
  ASSERT_EQ(opened.status, 201) << opened.text;
  const long long id = opened.body["id"].get<long long>();
  auto found = get("/api/v1/search?q=flytning%20opgang", frida);
  ASSERT_EQ(found.status, 200) << found.text;
  EXPECT_EQ(found.body.value("kind", ""), "text");
  EXPECT_TRUE(ids_of(found.body["cases"]).contains(id));
  auto noted = post("/api/v1/cases/" + std::to_string(id) + "/notes", frida, {{"text", "Udlejeren ringede om nøglerne"}});
  ASSERT_EQ(noted.status, 200) << noted.text;
  expect_documented("POST", "/api/v1/cases/{id}/notes", noted);
  auto by_note = get("/api/v1/search?q=n%C3%B8gle%20udlejer", frida);
  ASSERT_EQ(by_note.status, 200) << by_note.text;
  EXPECT_TRUE(ids_of(by_note.body["cases"]).contains(id));
  auto only_common = get("/api/v1/search?q=og%20i", frida);
  EXPECT_EQ(only_common.status, 400);
  EXPECT_EQ(only_common.body.value("field", ""), "q");
  auto empty = get("/api/v1/search?q=", frida);
  EXPECT_EQ(empty.status, 400);
}

TEST_F(ApiStaffWorkTest, ACasePageIsAddressedByItsCaseNumber) {
  const long long id = passport_case_in_decision("070761-4285");
  const std::string number = number_of(id);
  ASSERT_FALSE(number.empty());
  auto page = get("/api/v1/cases/" + number, staff_token("carl"));
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_EQ(page.body.value("id", 0LL), id);
  auto history = get("/api/v1/cases/" + number + "/history", staff_token("carl"));
  EXPECT_EQ(history.status, 200) << history.text;
  auto searched = get("/api/v1/search?q=" + number, staff_token("carl"));
  ASSERT_EQ(searched.status, 200) << searched.text;
  EXPECT_EQ(searched.body.value("kind", ""), "case_number");
  EXPECT_EQ(ids_of(searched.body["cases"]), std::set<long long>{id});
  auto unknown = get("/api/v1/cases/99.99.99-G01-9999-26", staff_token("carl"));
  EXPECT_EQ(unknown.status, 404) << unknown.text;
}

TEST_F(ApiStaffWorkTest, WorklistsFilterByAreaAndSortAndRefuseWhatTheyDoNotKnow) {
  const long long a = passport_case_in_decision("070761-4285");
  const long long b = passport_case_in_decision("070761-4285");
  const std::string carl = staff_token("carl");
  const std::string unit = "/api/v1/worklists/units/" + queue_of(a);
  auto newest = get(unit + "?area=passports&sort=newest&limit=1000", carl);
  ASSERT_EQ(newest.status, 200) << newest.text;
  expect_documented("GET", "/api/v1/worklists/units/{unit}", newest);
  const auto& cases = newest.body["cases"];
  ASSERT_GE(cases.size(), 2u);
  EXPECT_GT(cases[0]["id"].get<long long>(), cases[1]["id"].get<long long>()) << "newest first";
  EXPECT_TRUE(ids_of(cases).contains(a));
  EXPECT_TRUE(ids_of(cases).contains(b));
  for (const auto& c : cases) EXPECT_EQ(c.value("workflow", ""), "passport");
  auto moving_only = get(unit + "?area=moving", carl);
  ASSERT_EQ(moving_only.status, 200) << moving_only.text;
  EXPECT_FALSE(ids_of(moving_only.body["cases"]).contains(a));
  auto unknown = get(unit + "?area=no_such_area", carl);
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  auto bad_sort = get(unit + "?sort=sideways", carl);
  EXPECT_EQ(bad_sort.status, 400);
  EXPECT_EQ(bad_sort.body.value("field", ""), "sort");
  auto bad_date = get(unit + "?due_before=tomorrow", carl);
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(bad_date.body.value("field", ""), "due_before");
}

TEST_F(ApiStaffWorkTest, BulkClaimAndATeamLeadersBulkReassignmentGoCaseByCaseAndTellThePerson) {
  const long long a = passport_case_in_decision("070761-4285");
  const long long b = passport_case_in_decision("070761-4285");
  const std::string carl = staff_token("carl"), tove = staff_token("tove");
  auto claimed = post("/api/v1/cases/claim", carl, {{"cases", {a, number_of(b), "nonsense"}}});
  ASSERT_EQ(claimed.status, 200) << claimed.text;
  expect_documented("POST", "/api/v1/cases/claim", claimed);
  EXPECT_EQ(claimed.body.value("done", 0), 2);
  EXPECT_EQ(claimed.body.value("failed", 0), 1);
  EXPECT_FALSE(claimed.body["results"][2].value("ok", true));
  // Carl is no team leader: each case is refused.
  auto not_his = post("/api/v1/cases/reassign", carl, {{"cases", {a, b}}, {"to", "tove"}});
  ASSERT_EQ(not_his.status, 200) << not_his.text;
  EXPECT_EQ(not_his.body.value("done", -1), 0);
  EXPECT_EQ(not_his.body["results"][0].value("code", ""), "forbidden");
  // Tove takes both, then hands both back to Carl.
  auto to_tove = post("/api/v1/cases/reassign", tove, {{"cases", {a, b}}, {"to", "tove"}});
  ASSERT_EQ(to_tove.status, 200) << to_tove.text;
  EXPECT_EQ(to_tove.body.value("done", 0), 2);
  auto to_carl = post("/api/v1/cases/reassign", tove, {{"cases", {a, b}}, {"to", "carl"}});
  ASSERT_EQ(to_carl.status, 200) << to_carl.text;
  expect_documented("POST", "/api/v1/cases/reassign", to_carl);
  EXPECT_EQ(to_carl.body.value("done", 0), 2);
  EXPECT_EQ(to_carl.body["results"][0].value("assignee", ""), "carl");
  auto told = get("/api/v1/notifications?unread=true", carl);
  ASSERT_EQ(told.status, 200) << told.text;
  expect_documented("GET", "/api/v1/notifications", told);
  std::set<std::string> numbers;
  for (const auto& n : told.body["notifications"]) {
    if (n.value("kind", "") == "assigned") numbers.insert(n.value("case_number", ""));
  }
  EXPECT_TRUE(numbers.contains(number_of(a)) && numbers.contains(number_of(b))) << told.text;
  EXPECT_GE(told.body.value("unread", 0), 2);
  // Tove acted herself: nothing about handing them to herself.
  for (const auto& n : get("/api/v1/notifications", tove).body["notifications"]) {
    EXPECT_NE(n.value("kind", ""), "assigned") << n.dump();
  }
  auto bad = post("/api/v1/cases/claim", carl, {{"cases", json::array()}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.value("field", ""), "cases");
  auto read = post("/api/v1/notifications/read", carl, json::object());
  ASSERT_EQ(read.status, 200) << read.text;
  EXPECT_EQ(get("/api/v1/notifications?unread=true", carl).body.value("unread", -1), 0);
}

TEST_F(ApiStaffWorkTest, TheTeamLeadersOverviewCountsTheUnitsAndPeopleButOnlyForTeamLeadersAndAdmins) {
  const long long a = passport_case_in_decision("070761-4285");
  passport_case_in_decision("070761-4285");
  ASSERT_EQ(post("/api/v1/cases/" + std::to_string(a) + "/claim", staff_token("carl")).status, 200);
  const std::string unit = queue_of(a);
  auto overview = get("/api/v1/reports/team?days=14", staff_token("tove"));
  ASSERT_EQ(overview.status, 200) << overview.text;
  expect_documented("GET", "/api/v1/reports/team", overview);
  const json* pas = nullptr;
  for (const auto& u : overview.body["units"]) {
    if (u.value("id", "") == unit) pas = &u;
  }
  ASSERT_NE(pas, nullptr) << overview.text;
  EXPECT_GE((*pas)["waiting"].value("open", 0), 1);
  EXPECT_GE((*pas)["claimed"].value("open", 0), 1);
  long long aged = 0;
  for (const auto& bucket : (*pas)["by_age"]) aged += bucket.value("count", 0LL);
  EXPECT_EQ(aged, (*pas)["waiting"].value("open", 0LL) + (*pas)["claimed"].value("open", 0LL));
  bool carl_listed = false;
  for (const auto& p : overview.body["people"]) {
    if (p.value("id", "") == "carl") carl_listed = p["claimed"].value("open", 0) >= 1;
  }
  EXPECT_TRUE(carl_listed) << overview.text;
  EXPECT_EQ(overview.text.find("Jens"), std::string::npos) << "counts only";
  EXPECT_EQ(get("/api/v1/reports/team", staff_token("carl")).status, 403);
  EXPECT_EQ(get("/api/v1/reports/team", staff_token("anna")).status, 200);
  EXPECT_EQ(get("/api/v1/reports/team?days=0", staff_token("tove")).status, 400);
}

TEST_F(ApiStaffWorkTest, AnAdminReadsTheDiffOfAWorkflowBeforeDeployingItAndACompetingDeployIsRefused) {
  const std::string anna = staff_token("anna");
  const std::string v1 = kDiffWorkflow;
  // Not an admin: refused.
  EXPECT_EQ(post("/api/v1/admin/workflows/preview", staff_token("carl"), {{"source", v1}}).status, 403);
  // A broken file: the validator's errors with their lines.
  auto broken = post("/api/v1/admin/workflows/preview", anna, {{"source", "id: x\nstart: nowhere\nstages: {}\n"}});
  ASSERT_EQ(broken.status, 200) << broken.text;
  expect_documented("POST", "/api/v1/admin/workflows/preview", broken);
  EXPECT_FALSE(broken.body.value("valid", true));
  ASSERT_FALSE(broken.body["errors"].empty());
  EXPECT_GT(broken.body["errors"][0].value("line", 0), 0);
  EXPECT_EQ(post("/api/v1/admin/workflows", anna, {{"source", "id: x\nstart: nowhere\nstages: {}\n"}}).status, 400);
  // A new workflow: all of it is added; deployed as version 1.
  auto fresh = post("/api/v1/admin/workflows/preview", anna, {{"source", v1}, {"file_name", "diff_counter.yaml"}});
  ASSERT_EQ(fresh.status, 200) << fresh.text;
  EXPECT_TRUE(fresh.body.value("new_workflow", false));
  EXPECT_EQ(fresh.body.value("next_version", 0), 1);
  auto first = post("/api/v1/admin/workflows", anna, {{"source", v1}, {"file_name", "diff_counter.yaml"}, {"replaces_version", 0}});
  ASSERT_EQ(first.status, 201) << first.text;
  expect_documented("POST", "/api/v1/admin/workflows", first);
  EXPECT_EQ(first.body.value("version", 0), 1);
  // The same file again: unchanged, no new version.
  auto same = post("/api/v1/admin/workflows/preview", anna, {{"source", v1}});
  ASSERT_EQ(same.status, 200);
  EXPECT_TRUE(same.body.value("unchanged", false));
  // A longer deadline: the diff shows the line removed and added, the stage change says what.
  std::string v2 = v1;
  v2.replace(v2.find("{working_days: 5}"), 17, "{working_days: 10}");
  auto preview = post("/api/v1/admin/workflows/preview", anna, {{"source", v2}, {"file_name", "diff_counter.yaml"}});
  ASSERT_EQ(preview.status, 200) << preview.text;
  expect_documented("POST", "/api/v1/admin/workflows/preview", preview);
  EXPECT_EQ(preview.body.value("running_version", 0), 1);
  EXPECT_EQ(preview.body.value("next_version", 0), 2);
  bool removed = false, added = false;
  for (const auto& l : preview.body["diff"]) {
    const std::string text = l.value("text", "");
    if (l.value("op", "") == "-" && text.find("working_days: 5") != std::string::npos) removed = true;
    if (l.value("op", "") == "+" && text.find("working_days: 10") != std::string::npos) added = true;
  }
  EXPECT_TRUE(removed && added) << preview.body["diff"].dump();
  ASSERT_EQ(preview.body["changes"].size(), 1u) << preview.body["changes"].dump();
  EXPECT_EQ(preview.body["changes"][0].value("stage", ""), "work");
  EXPECT_NE(preview.body["changes"][0]["details"].dump().find("deadline"), std::string::npos);
  auto deployed = post("/api/v1/admin/workflows", anna, {{"source", v2}, {"replaces_version", 1}});
  ASSERT_EQ(deployed.status, 201) << deployed.text;
  EXPECT_EQ(deployed.body.value("version", 0), 2);
  // Someone previewed version 1 and deploys over version 2: refused, nothing deployed.
  std::string v3 = v1;
  v3.replace(v3.find("{working_days: 5}"), 17, "{working_days: 3}");
  auto late = post("/api/v1/admin/workflows", anna, {{"source", v3}, {"replaces_version", 1}});
  EXPECT_EQ(late.status, 409) << late.text;
  EXPECT_EQ(late.body.value("field", ""), "replaces_version");
  auto listed = get("/api/v1/admin/workflows/diff_counter", anna);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.value("version", 0), 2);
}

}  // namespace
}  // namespace sagsflow::testing
