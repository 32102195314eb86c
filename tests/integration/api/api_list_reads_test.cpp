// Over HTTP and the CLI: the list routes record the cases they show, the
// citizen's "who has seen my case" includes those list reads, and the loser
// of two simultaneous actions without expected_version is told 409.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <thread>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

int purposes(const json& records, const std::string& purpose, const std::string& via) {
  int n = 0;
  for (const auto& r : records) n += r["purpose"] == purpose && r["via"] == via ? 1 : 0;
  return n;
}

TEST_F(ApiTest, TheListRoutesAndCaseListRecordTheCasesTheyShowAndTheCitizenSeesIt) {
  const std::string cpr = "020490-9982";
  const long long id = passport_case_in_decision(cpr);
  const std::string bo = staff_token("bo");
  auto listed = get("/api/v1/cases", bo);
  ASSERT_EQ(listed.status, 200) << listed.text;
  bool shown = false;
  for (const auto& c : listed.body["cases"]) shown = shown || c["id"] == id;
  ASSERT_TRUE(shown);
  EXPECT_EQ(purposes(access_records(id), "list", "api"), 1);

  // Carl's claimed cases: empty, nothing recorded; once he claims it, it is shown and recorded.
  const std::string carl = staff_token("carl");
  auto before = get("/api/v1/worklists/people/carl", carl);
  ASSERT_EQ(before.status, 200) << before.text;
  for (const auto& c : before.body["cases"]) ASSERT_NE(c["id"], id);
  EXPECT_EQ(purposes(access_records(id), "worklist", "api"), 0) << "a case not shown is not recorded";
  ASSERT_EQ(post("/api/v1/cases/" + std::to_string(id) + "/claim", carl).status, 200);
  auto queue = get("/api/v1/worklists/people/carl", carl);
  ASSERT_EQ(queue.status, 200) << queue.text;
  bool in_worklist = false;
  for (const auto& c : queue.body["cases"]) in_worklist = in_worklist || c["id"] == id;
  EXPECT_TRUE(in_worklist) << queue.text;
  EXPECT_EQ(purposes(access_records(id), "worklist", "api"), 1);

  // The CLI's case list writes the same record, via cli.
  const std::string command =
      std::string(SAGSFLOW_BIN) + " --db " + db_url() + " --municipality 0999 --actor bo case list 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::array<char, 4096> buffer{};
  std::string out;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  ASSERT_EQ(::pclose(pipe), 0) << out;
  EXPECT_EQ(purposes(access_records(id), "list", "cli"), 1) << out;

  auto inquiries = get("/api/v1/inquiries", staff_token("frida"));
  ASSERT_EQ(inquiries.status, 200) << inquiries.text;

  // The citizen's "who has seen my case".
  auto reads = get("/api/v1/me/cases/" + std::to_string(id) + "/access", citizen_token(cpr));
  ASSERT_EQ(reads.status, 200) << reads.text;
  int list_reads = 0;
  for (const auto& r : reads.body["reads"]) list_reads += r["purpose"] == "list" ? 1 : 0;
  EXPECT_EQ(list_reads, 2) << reads.text;
}

TEST_F(ApiTest, TheLoserOfTwoSimultaneousActionsWithoutExpectedVersionGets409) {
  for (int round = 0; round < 5; ++round) {
    const long long id = passport_case_in_decision("030490-9985");
    const std::string path = "/api/v1/cases/" + std::to_string(id) + "/actions/grant";
    const std::string tove = staff_token("tove"), carl = staff_token("carl");
    HttpResult first, second;
    std::thread a([&] { first = post(path, tove); });
    std::thread b([&] { second = post(path, carl); });
    a.join();
    b.join();
    SCOPED_TRACE("round " + std::to_string(round));
    ASSERT_NE(first.status == 200, second.status == 200) << first.text << " / " << second.text;
    const HttpResult& lost = first.status == 200 ? second : first;
    EXPECT_EQ(lost.status, 409) << lost.text;
    EXPECT_NE(lost.text.find("re-read"), std::string::npos) << lost.text;
  }
}

}  // namespace
}  // namespace sagsflow::testing
