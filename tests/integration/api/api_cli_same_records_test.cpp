// The CLI and the API are two front ends of one core: the same reads and
// changes of a case write the same access records (who, in which unit, for
// which authority, why), told apart only by `via`.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

// Runs the real `sagsflow` binary on the shared installation; returns stdout, fails the test on a non-zero exit.
std::string cli(const std::string& args, const std::string& db_url) {
  const std::string command = std::string(SAGSFLOW_BIN) + " --db " + db_url + " --municipality 0999 " + args + " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return out;
  }
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  const int rc = ::pclose(pipe);
  EXPECT_EQ(rc, 0) << command << "\n" << out;
  return out;
}

// The records of a case, oldest first, without what differs by nature (time, id, via).
std::vector<std::string> records_without_via(const json& newest_first) {
  std::vector<std::string> out;
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    out.push_back((*it)["actor"].get<std::string>() + " | " + (*it)["unit"].get<std::string>() + " | " +
                  (*it)["authority"].get<std::string>() + " | " + (*it)["purpose"].get<std::string>());
  }
  return out;
}

std::vector<std::string> vias(const json& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r["via"].get<std::string>());
  return out;
}

TEST_F(ApiTest, TheCliAndTheApiWriteTheSameAccessRecordsForTheSameReadsAndChanges) {
  // Through the API: frida opens and completes a passport application; bo reads the case and its history.
  const std::string frida = staff_token("frida");
  auto opened = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"citizen_cpr", "010490-9989"}});
  ASSERT_EQ(opened.status, 201) << opened.text;
  const long long by_api = opened.body["id"].get<long long>();
  const std::string base = "/api/v1/cases/" + std::to_string(by_api);
  ASSERT_EQ(post(base + "/actions/register", frida).status, 200);
  auto complete = post(base + "/actions/complete", frida,
                       {{"fields", {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}}},
                        {"attachments", {{{"name", "photo"}, {"kind", "image/jpeg"}},
                                         {{"name", "identity_document"}, {"kind", "passport"}}}}});
  ASSERT_EQ(complete.status, 200) << complete.text;
  ASSERT_EQ(get(base, staff_token("bo")).status, 200);
  ASSERT_EQ(get(base + "/history", staff_token("bo")).status, 200);

  // The same through the CLI, on the same installation.
  const std::string& url = db_url();
  const std::string out = cli("--actor frida --json case open --workflow passport --cpr 010490-9989", url);
  const json shown = json::parse(out.substr(out.find('{')), nullptr, false);
  ASSERT_TRUE(shown.is_object() && shown.contains("id")) << out;
  const long long by_cli = shown["id"].get<long long>();
  const std::string ref = std::to_string(by_cli);
  cli("--actor frida case act " + ref + " register", url);
  cli("--actor frida case act " + ref +
          " complete -f full_name=Jens\\ Hansen -f height_cm:=182 -f fee_paid:=true"
          " --attach photo:image/jpeg --attach identity_document:passport",
      url);
  cli("--actor bo case show " + ref, url);
  cli("--actor bo case history " + ref, url);

  const json api_records = access_records(by_api);
  const json cli_records = access_records(by_cli);
  const std::vector<std::string> expected = {
      "frida | bsc | 0999 | answer to open",
      "frida | bsc | 0999 | answer to act register",
      "frida | bsc | 0999 | answer to act complete",
      "bo | bsc | 0999 | case",
      "bo | bsc | 0999 | history",
  };
  EXPECT_EQ(records_without_via(api_records), expected);
  EXPECT_EQ(records_without_via(cli_records), records_without_via(api_records));
  EXPECT_EQ(vias(api_records), std::vector<std::string>(api_records.size(), "api"));
  EXPECT_EQ(vias(cli_records), std::vector<std::string>(cli_records.size(), "cli"));
}

}  // namespace
}  // namespace sagsflow::testing
