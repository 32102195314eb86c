// Tokens over HTTP: every malformed or forged token is a 401 problem (never a
// 500), a citizen token carries no CPR number, and a token revoked with
// `sagsflow token revoke` is refused by every server of the installation
// within auth.revocation_refresh_seconds.
#include <Poco/Base64Encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <sstream>
#include <thread>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

std::string b64url(const std::string& text) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  enc << text;
  enc.close();
  return out.str();
}

// A token over any header and payload, signed with the installation's key (as a bug or a stolen key would).
std::string signed_with(const std::string& key, const json& header, const json& payload) {
  const std::string input = b64url(header.dump()) + "." + b64url(payload.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &n);
  return input + "." + b64url(std::string(reinterpret_cast<char*>(mac), n));
}

long long epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json frida_claims() {
  return {{"sub", "frida"}, {"mun", "0999"},     {"kind", "staff"}, {"unit", "bsc"},
          {"iat", epoch_now()}, {"exp", epoch_now() + 600}, {"jti", "handMadeTokenId"}};
}

TEST_F(ApiTest, EveryForgedOrMalformedTokenGets401NeverA500) {
  const json hs256 = {{"alg", "HS256"}, {"typ", "JWT"}};
  const auto with = [](const char* name, json value) {
    json c = frida_claims();
    c[name] = std::move(value);
    return c;
  };
  const std::vector<std::string> tokens = {
      "not.a.token",  // the one that gave a 500
      "not-a-jwt",
      "a.b.c.d",
      "..",
      "%%%.%%%.%%%",
      b64url("{") + "." + b64url("{}") + ".sig",
      b64url(R"({"alg":"none"})") + "." + b64url(frida_claims().dump()) + ".",
      signed_with(key(), {{"alg", "RS256"}}, frida_claims()),
      signed_with(key(), hs256, with("exp", std::to_string(epoch_now() + 600))),
      signed_with(key(), hs256, with("exp", 1e300)),
      signed_with(key(), hs256, with("exp", 18446744073709551615ULL)),
      signed_with(key(), hs256, with("nbf", epoch_now() + 3600)),
      signed_with(key(), hs256, with("iat", epoch_now() + 3600)),
      signed_with(key(), hs256, with("exp", epoch_now() + 400LL * 24 * 3600)),
      signed_with(key(), hs256, with("roles", "admin")),
      signed_with(key(), hs256, with("sub", json::object())),
      std::string(7000, 'A') + "." + std::string(1000, 'A') + "." + std::string(43, 'A'),
  };
  for (const auto& token : tokens) {
    auto r = get("/api/v1/me", token);
    EXPECT_EQ(r.status, 401) << token.substr(0, 120) << ": " << r.text;
    EXPECT_EQ(r.body["code"], "invalid_token") << r.text;
    EXPECT_EQ(r.content_type, "application/problem+json");
  }
  EXPECT_EQ(get("/api/v1/me", staff_token("frida")).status, 200) << "the server keeps serving";
}

TEST_F(ApiTest, ACitizenTokenCarriesAnOpaqueIdAndNoCprNumberYetReadsTheCitizensOwnCases) {
  const std::string token = citizen_token("010490-9989");
  ASSERT_FALSE(token.empty());
  const auto first = token.find('.'), second = token.find('.', first + 1);
  std::string payload_b64 = token.substr(first + 1, second - first - 1);
  std::string padded = payload_b64;
  for (char& c : padded) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (padded.size() % 4 != 0) padded += '=';
  std::string payload(padded.size(), '\0');
  payload.resize(static_cast<std::size_t>(
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(payload.data()),
                      reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()))));
  EXPECT_EQ(payload.find("010490"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("cpr"), std::string::npos) << payload;
  auto me = get("/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me.text;
  EXPECT_EQ(me.body["citizen"], "010490-XXXX");
  const std::string again = citizen_token("010490-9989");
  const std::string again_payload = again.substr(again.find('.') + 1, again.rfind('.') - again.find('.') - 1);
  EXPECT_NE(again_payload, payload_b64) << "each token has its own id";
  // An old citizen token with the CPR number in it, even signed with the right key, is refused.
  json old = frida_claims();
  old["kind"] = "citizen";
  old["sub"] = "citizen";
  old["cpr"] = "010490-9989";
  auto refused = get("/api/v1/me", signed_with(key(), {{"alg", "HS256"}}, old));
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body["detail"].get<std::string>().find("no longer accepted"), std::string::npos) << refused.text;
  EXPECT_EQ(refused.text.find("9989"), std::string::npos) << refused.text;
  // A well-formed subject no citizen has is refused too.
  json stranger = frida_claims();
  stranger["kind"] = "citizen";
  stranger["sub"] = "AAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(get("/api/v1/me", signed_with(key(), {{"alg", "HS256"}}, stranger)).status, 401);
}

// The revocation is stored by the CLI (another process) and reaches the running server.
TEST_F(ApiTest, ATokenRevokedOnTheCommandLineIsRefusedByTheRunningServerWithinTheRefreshInterval) {
  const std::string url = plain_installation("revocation");
  server::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.db_url = url;
  config.requests_per_minute = 100000;
  config.revocation_refresh_seconds = 1;
  auto one = server::Server::start(config, key());
  ASSERT_TRUE(one.ok()) << one.status().message();
  const std::string token = staff_token("frida");
  const std::string other = staff_token("frida");
  auto p = server::verify_token(token, key(), std::chrono::time_point_cast<std::chrono::seconds>(
                                                  std::chrono::system_clock::now()));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(http((*one)->port(), {"GET", "/api/v1/me", token}).status, 200);

  const std::string revoke = std::string(SAGSFLOW_BIN) + " --db " + url + " --actor anna token revoke " + p->token_id +
                             " --reason test >/dev/null";
  ASSERT_EQ(std::system(revoke.c_str()), 0);
  const auto revoked_at = std::chrono::steady_clock::now();
  HttpResult r;
  while ((r = http((*one)->port(), {"GET", "/api/v1/me", token})).status == 200) {
    ASSERT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::seconds(10)) << "never refused";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body["detail"].get<std::string>().find("revoked"), std::string::npos) << r.text;
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - revoked_at).count();
  std::cout << "[ figures  ] the revocation bit " << took << " s after it was stored (refresh 1 s)\n";
  EXPECT_LE(took, 3.0) << "the refresh interval (1 s) plus one reload; slack for a busy machine";
  EXPECT_EQ(http((*one)->port(), {"GET", "/api/v1/me", other}).status, 200) << "only the revoked token";
}

// One server per SQLite file (a lock beside it, released however the server
// ends), and a port another server listens on is refused, not shared.
TEST_F(ApiTest, ASecondServerOnTheSameSqliteFileOrPortIsRefusedNamingWhy) {
  const std::string url = plain_installation("one-server");
  server::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.db_url = url;
  auto one = server::Server::start(config, key());
  ASSERT_TRUE(one.ok()) << one.status().message();
  auto two = server::Server::start(config, key());
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(two.status().message().find("already serves the SQLite database"), std::string::npos)
      << two.status().message();
  EXPECT_NE(two.status().message().find(".serve.lock"), std::string::npos) << two.status().message();
  EXPECT_EQ(http((*one)->port(), {"GET", "/healthz/live", ""}).status, 200) << "the first one serves on";

  server::ServerConfig other = config;
  other.db_url = plain_installation("same-port");
  other.port = (*one)->port();
  auto same_port = server::Server::start(other, key());
  ASSERT_FALSE(same_port.ok()) << "two servers listening on one port";
  EXPECT_NE(same_port.status().message().find(std::to_string((*one)->port())), std::string::npos)
      << same_port.status().message();

  (*one)->stop();
  one->reset();
  auto again = server::Server::start(config, key());
  ASSERT_TRUE(again.ok()) << "the lock is released when the server ends: " << again.status().message();
}

}  // namespace
}  // namespace sagsflow::testing
