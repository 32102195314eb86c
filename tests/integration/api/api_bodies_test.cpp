// Hostile and malformed requests get a problem+json naming what is wrong and
// where, and nothing already stored changes.
#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

HttpRequest raw_post(const std::string& path, const std::string& token, const std::string& body,
                     const std::string& type = "application/json") {
  return {"POST", path, token, body, type, false};
}

TEST_F(ApiTest, MalformedJsonIsRefusedWithItsPosition) {
  auto r = http(port(), raw_post("/api/v1/cases", staff_token("frida"), R"({"workflow": "passport",)"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body["code"], "malformed_body");
  EXPECT_NE(r.body["detail"].get<std::string>().find("byte"), std::string::npos);
  expect_documented("POST", "/api/v1/cases", r);
}

TEST_F(ApiTest, BodyThatIsNotAnObjectIsRefused) {
  auto r = http(port(), raw_post("/api/v1/cases", staff_token("frida"), "[1, 2, 3]"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["code"], "malformed_body");
}

TEST_F(ApiTest, OversizedBodyGets413AndOpensNothing) {
  const std::string frida = staff_token("frida");
  const auto before = get("/api/v1/cases?status=all", frida).body["cases"].size();
  json big = {{"workflow", "passport"}, {"citizen_cpr", "010490-9989"}, {"title", std::string(70 * 1024, 'x')}};
  auto declared = http(port(), raw_post("/api/v1/cases", frida, big.dump()));
  EXPECT_EQ(declared.status, 413);
  EXPECT_EQ(declared.body["code"], "body_too_large");
  expect_documented("POST", "/api/v1/cases", declared);
  HttpRequest chunked = raw_post("/api/v1/cases", frida, big.dump());
  chunked.chunked = true;  // no Content-Length: the server must stop reading at the limit
  auto streamed = http(port(), chunked);
  EXPECT_EQ(streamed.status, 413);
  EXPECT_EQ(get("/api/v1/cases?status=all", frida).body["cases"].size(), before);
}

TEST_F(ApiTest, BodyThatIsNotJsonGets415) {
  auto r = http(port(), raw_post("/api/v1/cases", staff_token("frida"), "workflow=passport",
                                 "application/x-www-form-urlencoded"));
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.body["code"], "unsupported_media_type");
}

TEST_F(ApiTest, WrongCprNamesTheField) {
  auto r = post("/api/v1/cases", staff_token("frida"), {{"workflow", "passport"}, {"citizen_cpr", "320190-1234"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["code"], "invalid_argument");
  EXPECT_EQ(r.body["field"], "citizen_cpr");
  expect_documented("POST", "/api/v1/cases", r);
}

TEST_F(ApiTest, WrongTypesNameTheField) {
  const std::string frida = staff_token("frida");
  auto wf = post("/api/v1/cases", frida, {{"workflow", 42}});
  EXPECT_EQ(wf.status, 400);
  EXPECT_EQ(wf.body["field"], "workflow");
  auto fields = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"fields", "full_name=Jens"}});
  EXPECT_EQ(fields.body["field"], "fields");
  const long long id = passport_case_in_decision("010490-9989");
  auto attachments = post("/api/v1/cases/" + std::to_string(id) + "/actions/grant", staff_token("bo"),
                          {{"attachments", {{{"kind", "x"}}}}});
  EXPECT_EQ(attachments.status, 400);
  EXPECT_EQ(attachments.body["field"], "attachments[0]");
  auto channel = post("/api/v1/inquiries", frida, {{"channel", "pigeon"}, {"type", "general_information"}, {"area", "passports"}});
  EXPECT_EQ(channel.status, 400);
  EXPECT_EQ(channel.body["field"], "channel");
  auto id_in_path = get("/api/v1/cases/abc", frida);
  EXPECT_EQ(id_in_path.status, 400);
  EXPECT_EQ(id_in_path.body["field"], "id");
}

TEST_F(ApiTest, UnknownRouteGets404AndWrongMethodGets405NamingTheAllowedOnes) {
  auto missing = get("/api/v1/nothing-here", staff_token("frida"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body["code"], "no_such_route");
  auto wrong = http(port(), {"DELETE", "/api/v1/cases/1", staff_token("frida"), "", "application/json", false});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["Allow"], "GET, HEAD, OPTIONS");  // HEAD goes with GET (RFC 9110 §9.3.2), OPTIONS everywhere
}

TEST_F(ApiTest, ActionRefusedByTheWorkflowNamesWhatIsMissingAndChangesNothing) {
  const std::string frida = staff_token("frida");
  auto opened = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"citizen_cpr", "010490-9989"}});
  const std::string base = "/api/v1/cases/" + std::to_string(opened.body["id"].get<long long>());
  ASSERT_EQ(post(base + "/actions/register", frida).status, 200);
  auto refused = post(base + "/actions/complete", frida);
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.body["code"], "guard_failed");
  EXPECT_NE(refused.body["detail"].get<std::string>().find("photo"), std::string::npos);
  expect_documented("POST", "/api/v1/cases/{id}/actions/{action}", refused);
  auto after = get(base, frida);
  EXPECT_EQ(after.body["stage"], "check");
  auto stale = post(base + "/actions/request_missing", frida, {{"expected_version", 1}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body["code"], "conflict");
}

TEST_F(ApiTest, TooManyRequestsGet429WithRetryAfter) {
  server::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.db_url = plain_installation("rate-limited");
  config.requests_per_minute = 3;
  auto limited = server::Server::start(config, key());
  ASSERT_TRUE(limited.ok()) << limited.status().message();
  const std::string frida = staff_token("frida");
  int refused = 0;
  HttpResult last;
  for (int i = 0; i < 6; ++i) {
    last = http((*limited)->port(), {"GET", "/api/v1/me", frida, "", "application/json", false});
    if (last.status == 429) ++refused;
  }
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(last.body["code"], "rate_limited");
  EXPECT_GE(std::stoi(last.headers["Retry-After"]), 1);
  expect_documented("GET", "/api/v1/me", last);
  // Another caller has their own allowance.
  EXPECT_EQ(http((*limited)->port(), {"GET", "/api/v1/me", staff_token("bo"), "", "application/json", false}).status,
            200);
}

}  // namespace
}  // namespace sagsflow::testing
