// Over HTTP, on the shared SQLite server (one group-committing writer): a POST
// that creates something with an Idempotency-Key creates it once. A retry with
// the same key and body gets the first answer (status and resource) and
// creates nothing; the same key with another body is a 422 that creates
// nothing; threads sending one key at once (in the same group commits) get one
// case between them; a key is the caller's and the route's; a request that
// failed leaves its key free; a malformed key is refused; the replayed answer
// is on record as a read.
#include <gtest/gtest.h>

#include <latch>
#include <set>
#include <thread>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

class ApiIdempotencyTest : public ApiTest {
 protected:
  HttpResult keyed_post(const std::string& path, const std::string& token, const json& body, const std::string& key) {
    HttpRequest r{"POST", path, token, body.dump(), "application/json", false, {}};
    r.headers.emplace_back("Idempotency-Key", key);
    return http(port(), r);
  }
  // The id the next case opened gets: nothing was opened in between when it is one more than the last.
  long long next_case_id(const std::string& token) {
    auto opened = post("/api/v1/cases", token, {{"workflow", "passport"}, {"title", "probe"}});
    EXPECT_EQ(opened.status, 201) << opened.text;
    return opened.body.value("id", 0LL);
  }
  static std::string unique_key(const std::string& what) {
    return what + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }
};

TEST_F(ApiIdempotencyTest, ARetryWithTheSameKeyAndBodyGetsTheFirstAnswerAndCreatesNothing) {
  const std::string frida = staff_token("frida");
  const json body{{"workflow", "passport"}, {"citizen_cpr", "010490-9989"}, {"title", "Pas"}};
  const std::string key = unique_key("open");
  auto first = keyed_post("/api/v1/cases", frida, body, key);
  ASSERT_EQ(first.status, 201) << first.text;
  expect_documented("POST", "/api/v1/cases", first);
  EXPECT_EQ(first.headers.count("Idempotent-Replayed"), 0u);
  const long long id = first.body["id"].get<long long>();
  for (int retry = 0; retry < 3; ++retry) {
    auto again = keyed_post("/api/v1/cases", frida, body, key);
    ASSERT_EQ(again.status, 201) << again.text;
    EXPECT_EQ(again.body["id"], id);
    EXPECT_EQ(again.body["case_number"], first.body["case_number"]);
    EXPECT_EQ(again.body, first.body) << "the first answer, as it was";
    EXPECT_EQ(again.headers["Idempotent-Replayed"], "true");
    EXPECT_EQ(again.text.find("010490-9989"), std::string::npos) << "stored and replayed masked";
  }
  EXPECT_EQ(next_case_id(frida), id + 1) << "the retries opened no case";
  // The replayed answer showed the case again: a read on record.
  bool replay_recorded = false;
  for (const auto& r : access_records(id)) {
    if (r.value("purpose", "").find("Idempotency-Key") != std::string::npos) replay_recorded = true;
  }
  EXPECT_TRUE(replay_recorded) << access_records(id).dump();
}

TEST_F(ApiIdempotencyTest, TheSameKeyWithAnotherBodyIsA422AndCreatesNothing) {
  const std::string frida = staff_token("frida");
  const std::string key = unique_key("conflict");
  auto first = keyed_post("/api/v1/cases", frida, {{"workflow", "passport"}, {"title", "Pas"}}, key);
  ASSERT_EQ(first.status, 201) << first.text;
  auto other = keyed_post("/api/v1/cases", frida, {{"workflow", "passport"}, {"title", "Et andet pas"}}, key);
  EXPECT_EQ(other.status, 422) << other.text;
  EXPECT_EQ(other.body["code"], "idempotency_key_reused");
  EXPECT_NE(other.body["detail"].get<std::string>().find("different body"), std::string::npos) << other.text;
  expect_documented("POST", "/api/v1/cases", other);
  EXPECT_EQ(next_case_id(frida), first.body["id"].get<long long>() + 1);
  // The order of the fields is not a different body.
  HttpRequest reordered{"POST", "/api/v1/cases", frida, R"({"title": "Pas", "workflow": "passport"})",
                        "application/json", false, {{"Idempotency-Key", key}}};
  auto same = http(port(), reordered);
  EXPECT_EQ(same.status, 201) << same.text;
  EXPECT_EQ(same.body["id"], first.body["id"]);
}

TEST_F(ApiIdempotencyTest, ThreadsSendingOneKeyAtOnceThroughTheGroupCommitWriterOpenOneCase) {
  const std::string frida = staff_token("frida");
  const json body{{"workflow", "passport"}, {"title", "Samtidig"}};
  for (int round = 0; round < 3; ++round) {
    const std::string key = unique_key("race" + std::to_string(round));
    constexpr int kThreads = 10;
    std::latch start(kThreads);
    std::vector<HttpResult> answers(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        answers[t] = keyed_post("/api/v1/cases", frida, body, key);
      });
    }
    for (auto& t : threads) t.join();
    std::set<long long> ids;
    int replayed = 0;
    for (const auto& a : answers) {
      ASSERT_EQ(a.status, 201) << a.text;
      ids.insert(a.body["id"].get<long long>());
      if (a.headers.count("Idempotent-Replayed")) ++replayed;
    }
    ASSERT_EQ(ids.size(), 1u) << "round " << round << ": several cases for one key";
    EXPECT_EQ(replayed, kThreads - 1);
    EXPECT_EQ(next_case_id(frida), *ids.begin() + 1) << "round " << round;
  }
}

TEST_F(ApiIdempotencyTest, AKeyIsTheCallersAndTheRoutesAndAFailedRequestLeavesItFree) {
  const std::string frida = staff_token("frida"), bo = staff_token("bo");
  const std::string key = unique_key("scoped");
  const json body{{"workflow", "passport"}, {"title", "Pas"}};
  auto by_frida = keyed_post("/api/v1/cases", frida, body, key);
  auto by_bo = keyed_post("/api/v1/cases", bo, body, key);
  ASSERT_EQ(by_frida.status, 201);
  ASSERT_EQ(by_bo.status, 201) << by_bo.text;
  EXPECT_NE(by_frida.body["id"], by_bo.body["id"]) << "another caller's key is another key";
  EXPECT_EQ(by_bo.headers.count("Idempotent-Replayed"), 0u);

  // A refused request stores nothing, its key neither: the corrected request with the key creates.
  const std::string retry_key = unique_key("failed");
  auto refused = keyed_post("/api/v1/cases", frida, {{"workflow", "no-such-workflow"}}, retry_key);
  EXPECT_EQ(refused.status, 404) << refused.text;
  auto corrected = keyed_post("/api/v1/cases", frida, body, retry_key);
  EXPECT_EQ(corrected.status, 201) << corrected.text;
  EXPECT_EQ(corrected.headers.count("Idempotent-Replayed"), 0u);

  // An inquiry with the key of a case is another key (another route); its retry registers nothing.
  const json inquiry{{"channel", "phone"}, {"type", "general_information"}, {"area", "passports"}};
  const auto before = get("/api/v1/inquiries", frida).body["inquiries"].size();
  auto registered = keyed_post("/api/v1/inquiries", frida, inquiry, key);
  ASSERT_EQ(registered.status, 201) << registered.text;
  expect_documented("POST", "/api/v1/inquiries", registered);
  auto again = keyed_post("/api/v1/inquiries", frida, inquiry, key);
  ASSERT_EQ(again.status, 201) << again.text;
  EXPECT_EQ(again.body["inquiry"]["id"], registered.body["inquiry"]["id"]);
  EXPECT_EQ(again.headers["Idempotent-Replayed"], "true");
  EXPECT_EQ(get("/api/v1/inquiries", frida).body["inquiries"].size(), before + 1);
}

TEST_F(ApiIdempotencyTest, AMalformedKeyIsRefusedNamingTheHeaderAndOtherRoutesIgnoreIt) {
  const std::string frida = staff_token("frida");
  const json body{{"workflow", "passport"}, {"title", "Pas"}};
  for (const std::string& bad : {std::string("has space"), std::string(256, 'k'), std::string("tab\tkey")}) {
    auto r = keyed_post("/api/v1/cases", frida, body, bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.body["code"], "invalid_idempotency_key") << r.text;
    EXPECT_NE(r.body["detail"].get<std::string>().find("Idempotency-Key"), std::string::npos);
    expect_documented("POST", "/api/v1/cases", r);
  }
  const std::string longest(255, 'k');
  EXPECT_EQ(keyed_post("/api/v1/cases", frida, body, longest).status, 201);
  // An action on a case is not a creation: the header changes nothing there.
  auto opened = post("/api/v1/cases", frida, body);
  ASSERT_EQ(opened.status, 201);
  const std::string act = "/api/v1/cases/" + std::to_string(opened.body["id"].get<long long>()) + "/actions/register";
  auto acted = keyed_post(act, frida, {{"expected_version", opened.body["version"]}}, "has space");
  EXPECT_EQ(acted.status, 200) << acted.text;
}

}  // namespace
}  // namespace sagsflow::testing
