// Over HTTP, on the shared SQLite server (one group-committing writer):
// requests racing on one case land in the same group commits, and still
// exactly one of them wins each version; the losers get 409, the history has
// one event per version and no gaps, and reads run beside the writes.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <regex>
#include <thread>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

long long metric(const std::string& text, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("\n" + name + " ([0-9]+)"))) return -1;
  return std::stoll(m[1]);
}

class ApiGroupCommitTest : public ApiTest {};

TEST_F(ApiGroupCommitTest, ThreadsRacingOnOneCaseThroughTheGroupCommitWriterGiveExactlyOneWinnerPerVersion) {
  const std::string frida = staff_token("frida");
  auto opened = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"citizen_cpr", "010490-9989"}, {"title", "Pas"}});
  ASSERT_EQ(opened.status, 201) << opened.text;
  const long long id = opened.body["id"].get<long long>();
  const std::string base = "/api/v1/cases/" + std::to_string(id);
  auto registered = post(base + "/actions/register", frida, {{"expected_version", opened.body["version"]}});
  ASSERT_EQ(registered.status, 200) << registered.text;
  long long version = registered.body["version"].get<long long>();
  const long long first_version = version;
  const auto groups_before = get("/metrics", "");

  constexpr int kThreads = 12;
  constexpr int kRounds = 12;
  int reads_failed = 0;
  for (int round = 0; round < kRounds; ++round) {
    // The clock pauses and resumes in turn: each round's action is offered once, at one version.
    const std::string action = round % 2 == 0 ? "request_missing" : "missing_received";
    std::latch start(kThreads + 1);
    std::vector<HttpResult> answers(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        answers[t] = post(base + "/actions/" + action, frida, {{"expected_version", version}});
      });
    }
    // A reader beside the writers: served from a read lane, it sees a committed version.
    std::thread reader([&] {
      start.arrive_and_wait();
      auto page = get(base, frida);
      if (page.status != 200 || page.body["version"].get<long long>() < version) ++reads_failed;
    });
    for (auto& t : threads) t.join();
    reader.join();
    int won = 0, conflicts = 0;
    for (const auto& a : answers) {
      if (a.status == 200) {
        ++won;
        EXPECT_EQ(a.body["version"].get<long long>(), version + 1) << a.text;
      } else if (a.status == 409) {
        ++conflicts;
      } else {
        ADD_FAILURE() << "round " << round << ": " << a.status << " " << a.text;
      }
    }
    ASSERT_EQ(won, 1) << "round " << round << " (" << action << " at version " << version << ")";
    EXPECT_EQ(conflicts, kThreads - 1);
    ++version;
  }
  EXPECT_EQ(reads_failed, 0);

  // One event per version, in order, none lost and none twice.
  auto history = get(base + "/history", frida);
  ASSERT_EQ(history.status, 200) << history.text;
  const auto& events = history.body["events"];
  ASSERT_EQ(static_cast<long long>(events.size()), version) << history.text;
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i]["seq"].get<long long>(), static_cast<long long>(i + 1));
  int toggles = 0;
  for (const auto& e : events) {
    if (e["action"] == "request_missing" || e["action"] == "missing_received") ++toggles;
  }
  EXPECT_EQ(toggles, kRounds);
  EXPECT_EQ(version - first_version, kRounds);
  auto page = get(base, frida);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["version"].get<long long>(), version);

  // The racing requests were committed together: some group held more than one.
  const auto groups_after = get("/metrics", "");
  const long long groups = metric(groups_after.text, "sagsflow_write_groups_total") -
                           metric(groups_before.text, "sagsflow_write_groups_total");
  const long long grouped = metric(groups_after.text, "sagsflow_grouped_requests_total") -
                            metric(groups_before.text, "sagsflow_grouped_requests_total");
  EXPECT_GT(groups, 0) << groups_after.text;
  EXPECT_GT(grouped, groups) << "no group commit held more than one request";
}

}  // namespace
}  // namespace sagsflow::testing
