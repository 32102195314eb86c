// Sign-in: bearer tokens are checked for signature, algorithm, expiry and
// against the staff list; citizens and staff reach only their own routes.
#include <Poco/Base64Encoder.h>

#include <sstream>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

std::string base64url(const std::string& text) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  enc << text;
  enc.close();
  return out.str();
}

Timestamp now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

TEST_F(ApiTest, RequestWithoutTokenGets401ProblemJson) {
  auto r = get("/api/v1/cases", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body["code"], "unauthenticated");
  EXPECT_NE(r.headers["WWW-Authenticate"].find("Bearer"), std::string::npos);
  expect_documented("GET", "/api/v1/cases", r);
}

TEST_F(ApiTest, TokenWithAlteredClaimsIsRefused) {
  std::string token = staff_token("frida");
  // Swap the payload for one that claims the admin role, keeping the signature.
  const auto first = token.find('.'), second = token.find('.', first + 1);
  const std::string forged = token.substr(0, first + 1) +
                             base64url(R"({"sub":"anna","mun":"0999","kind":"staff","roles":["admin"],"exp":4102444800})") +
                             token.substr(second);
  auto r = get("/api/v1/admin/plugins", forged);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "invalid_token");
  EXPECT_NE(r.body["detail"].get<std::string>().find("signature"), std::string::npos);
}

TEST_F(ApiTest, ExpiredTokenIsRefusedNamingWhenItExpired) {
  server::Principal p;
  p.person = "frida";
  p.municipality = "0999";
  auto token = server::issue_token(p, std::chrono::seconds(60), key(), now() - std::chrono::hours(2));
  ASSERT_TRUE(token.ok());
  auto r = get("/api/v1/me", *token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "invalid_token");
  EXPECT_NE(r.body["detail"].get<std::string>().find("expired"), std::string::npos);
}

TEST_F(ApiTest, TokenSignedWithAnotherKeyIsRefused) {
  server::Principal p;
  p.person = "frida";
  p.municipality = "0999";
  auto token = server::issue_token(p, std::chrono::hours(1), random_signing_key(), now());
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(get("/api/v1/me", *token).status, 401);
}

TEST_F(ApiTest, UnsignedAlgNoneTokenIsRefused) {
  const std::string token = base64url(R"({"alg":"none","typ":"JWT"})") + "." +
                            base64url(R"({"sub":"anna","mun":"0999","kind":"staff","roles":["admin"],"exp":4102444800})") +
                            ".";
  auto r = get("/api/v1/admin/plugins", token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "invalid_token");
}

TEST_F(ApiTest, MalformedAuthorizationHeaderIsRefused) {
  auto r = http(port(), {"GET", "/api/v1/me", "", "", "application/json", false});
  EXPECT_EQ(r.status, 401);
  HttpRequest basic{"GET", "/api/v1/me", "", "", "application/json", false};
  // A token that is not a JWT at all.
  basic.token = "not-a-jwt";
  auto garbage = http(port(), basic);
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(garbage.body["code"], "invalid_token");
}

TEST_F(ApiTest, ValidTokenForSomeoneNotOnTheStaffListIsForbidden) {
  auto r = get("/api/v1/cases", staff_token("mallory"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body["detail"].get<std::string>().find("mallory"), std::string::npos);
}

TEST_F(ApiTest, TokenClaimingARoleTheStaffListDoesNotGiveIsForbidden) {
  server::Principal p;
  p.person = "frida";
  p.municipality = "0999";
  p.roles = {"admin"};
  auto token = server::issue_token(p, std::chrono::hours(1), key(), now());
  ASSERT_TRUE(token.ok());
  auto r = get("/api/v1/admin/plugins", *token);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body["detail"].get<std::string>().find("admin"), std::string::npos);
}

TEST_F(ApiTest, CitizenTokenCannotUseStaffRoutesAndStaffTokenCannotUseCitizenRoutes) {
  auto citizen = get("/api/v1/cases", citizen_token("010490-9989"));
  EXPECT_EQ(citizen.status, 403);
  expect_documented("GET", "/api/v1/cases", citizen);
  auto staff = get("/api/v1/me/cases", staff_token("frida"));
  EXPECT_EQ(staff.status, 403);
  expect_documented("GET", "/api/v1/me/cases", staff);
}

TEST_F(ApiTest, MeSaysWhoTheTokenIsFor) {
  auto staff = get("/api/v1/me", staff_token("frida"));
  ASSERT_EQ(staff.status, 200);
  EXPECT_EQ(staff.body["name"], "Frida Hansen");
  EXPECT_EQ(staff.body["unit"], "bsc");
  EXPECT_EQ(staff.body["admin"], false);
  expect_documented("GET", "/api/v1/me", staff);
  auto citizen = get("/api/v1/me", citizen_token("010490-9989"));
  ASSERT_EQ(citizen.status, 200);
  EXPECT_EQ(citizen.body["citizen"], "010490-XXXX");  // masked, even to its owner's page
  expect_documented("GET", "/api/v1/me", citizen);
}

}  // namespace
}  // namespace sagsflow::testing
