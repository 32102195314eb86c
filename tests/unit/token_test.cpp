// Bearer tokens: what verify refuses (every malformed or forged token is a
// kForbidden, never an exception), keys it refuses, checks from 64 threads at
// once, the gate's revocation list and citizen subjects, and the process's
// start-up hardening.
#include <Poco/Crypto/DigestEngine.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sagsflow/app/process_hardening.hpp"
#include "sagsflow/server/config.hpp"
#include "sagsflow/server/token_gate.hpp"
#include "sagsflow/server/tokens.hpp"

namespace sagsflow::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string b64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
  return out;
}

// A key as the docs make it: 32 random bytes, base64.
std::string good_key() { return b64url(random_bytes(32)); }

// A token over arbitrary header and payload text, signed with `key` (an attacker with the key, or a bug).
std::string sign(const std::string& header, const std::string& payload, const std::string& key) {
  const std::string input = b64url(header) + "." + b64url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &n);
  return input + "." + b64url(std::string(reinterpret_cast<char*>(mac), n));
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

Timestamp now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
long long seconds(Timestamp t) { return t.time_since_epoch().count(); }

json staff_claims(Timestamp at) {
  return {{"iss", "sagsflow"}, {"sub", "frida"},  {"mun", "0999"},        {"kind", "staff"},
          {"unit", "bsc"},     {"roles", json::array()}, {"iat", seconds(at)}, {"nbf", seconds(at)},
          {"exp", seconds(at) + 3600}, {"jti", "abcDEF123_-"}};
}

class TokenTest : public ::testing::Test {
 protected:
  std::string key_ = good_key();
  TokenService tokens_ = *TokenService::create(key_);
  Timestamp now_ = now();

  Principal staff() const {
    Principal p;
    p.person = "frida";
    p.municipality = "0999";
    p.unit = "bsc";
    p.roles = {"frontdesk"};
    return p;
  }
  // Refused as forbidden, with a message containing `says`.
  void expect_refused(const std::string& token, const std::string& says) const {
    auto r = tokens_.verify(token, now_);
    ASSERT_FALSE(r.ok()) << "accepted: " << token.substr(0, 200);
    EXPECT_EQ(r.status().code(), ErrorCode::kForbidden) << r.status().message();
    EXPECT_NE(r.status().message().find(says), std::string::npos)
        << "'" << r.status().message() << "' does not say '" << says << "'";
  }
  void expect_claims_refused(const json& claims, const std::string& says) const {
    expect_refused(sign(kHeader, claims.dump(), key_), says);
  }
};

TEST_F(TokenTest, AnIssuedStaffTokenVerifiesWithItsClaimsAndAFreshId) {
  auto token = tokens_.issue(staff(), std::chrono::hours(8), now_);
  ASSERT_TRUE(token.ok()) << token.status().message();
  auto p = tokens_.verify(*token, now_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->kind, PrincipalKind::kStaff);
  EXPECT_EQ(p->person, "frida");
  EXPECT_EQ(p->municipality, "0999");
  EXPECT_EQ(p->unit, "bsc");
  EXPECT_EQ(p->roles, std::vector<std::string>{"frontdesk"});
  EXPECT_EQ(p->expires, now_ + std::chrono::hours(8));
  EXPECT_EQ(p->issued, now_);
  EXPECT_TRUE(is_token_id(p->token_id));
  EXPECT_EQ(p->token_id.size(), 22u);
  auto again = tokens_.verify(*tokens_.issue(staff(), std::chrono::hours(8), now_), now_);
  EXPECT_NE(again->token_id, p->token_id);
}

// `sagsflow token revoke ID` must take every id as an argument, never as an option.
TEST_F(TokenTest, NoTokenIdStartsWithADashOrAnUnderscore) {
  for (int i = 0; i < 4000; ++i) {  // about 125 would start with one if ids were drawn as they fall
    const std::string id = random_token_id();
    ASSERT_EQ(id.size(), 22u);
    ASSERT_TRUE(is_token_id(id)) << id;
    ASSERT_NE(id.front(), '-') << id;
    ASSERT_NE(id.front(), '_') << id;
  }
}

TEST_F(TokenTest, ACitizenTokenCarriesTheOpaqueSubjectAndNoCprNumber) {
  Principal c;
  c.kind = PrincipalKind::kCitizen;
  c.municipality = "0999";
  c.citizen = *Cpr::parse("010490-9989");
  EXPECT_EQ(tokens_.issue(c, std::chrono::hours(1), now_).status().code(), ErrorCode::kInvalidArgument)
      << "without its subject a citizen token is not issued";
  c.citizen_subject = random_token_id();
  auto token = tokens_.issue(c, std::chrono::hours(1), now_);
  ASSERT_TRUE(token.ok()) << token.status().message();
  const std::string payload = token->substr(token->find('.') + 1, token->rfind('.') - token->find('.') - 1);
  std::string decoded;
  {  // the payload as anyone who sees the token can read it
    std::string padded = payload;
    std::replace(padded.begin(), padded.end(), '-', '+');
    std::replace(padded.begin(), padded.end(), '_', '/');
    while (padded.size() % 4 != 0) padded += '=';
    decoded.resize(padded.size());
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                  reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
    decoded.resize(static_cast<std::size_t>(std::max(n, 0)));
  }
  EXPECT_EQ(decoded.find("010490"), std::string::npos) << decoded;
  EXPECT_EQ(decoded.find("9989"), std::string::npos) << decoded;
  EXPECT_NE(decoded.find(c.citizen_subject), std::string::npos) << decoded;
  auto p = tokens_.verify(*token, now_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->kind, PrincipalKind::kCitizen);
  EXPECT_EQ(p->citizen_subject, c.citizen_subject);
  EXPECT_FALSE(p->citizen) << "the CPR number comes from the installation, not the token";
}

TEST_F(TokenTest, AnOldCitizenTokenWithACprClaimIsRefused) {
  json claims = staff_claims(now_);
  claims["kind"] = "citizen";
  claims["sub"] = "citizen";
  claims["cpr"] = "0104909989";
  expect_claims_refused(claims, "CPR number are no longer accepted");
}

TEST_F(TokenTest, EveryMalformedOrForgedTokenIsRefusedAsForbidden) {
  const std::string valid = *tokens_.issue(staff(), std::chrono::hours(1), now_);
  const std::string signature = valid.substr(valid.rfind('.') + 1);
  expect_refused("", "no bearer token");
  expect_refused("not.a.token", "base64url");  // the forged token that gave a 500
  expect_refused("not-a-jwt", "not a JWT");
  expect_refused("a.b", "not a JWT");
  expect_refused("a.b.c.d", "not a JWT");
  expect_refused("..", "JSON");
  expect_refused("###.###.###", "base64url");
  expect_refused(b64url("{not json") + ".e30." + signature, "not JSON");
  expect_refused(b64url("[1,2]") + ".e30." + signature, "not a JSON object");
  expect_refused(b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(staff_claims(now_).dump()) + ".", "'none'");
  expect_refused(sign(R"({"alg":"RS256"})", staff_claims(now_).dump(), key_), "'RS256'");
  expect_refused(sign(R"({"alg":"HS512"})", staff_claims(now_).dump(), key_), "'HS512'");
  expect_refused(sign(R"({"typ":"JWT"})", staff_claims(now_).dump(), key_), "algorithm");
  expect_refused(sign(R"({"alg":7})", staff_claims(now_).dump(), key_), "must be a string");
  expect_refused(sign(R"({"alg":"HS256","crit":["exp"]})", staff_claims(now_).dump(), key_), "crit");
  expect_refused(valid.substr(0, valid.rfind('.') + 1), "signature");
  expect_refused(valid.substr(0, valid.size() - 2) + (valid[valid.size() - 2] == 'A' ? "B" : "A") + valid.back(),
                 "signature");
  expect_refused(valid + "=", "signature");
  expect_refused(sign(kHeader, staff_claims(now_).dump(), good_key()), "signature");
  expect_refused(std::string(9000, 'A') + "." + std::string(100, 'A') + ".A", "limit is 8192");
  expect_refused(sign(kHeader, "{not json", key_), "payload is not JSON");
  expect_refused(sign(kHeader, "[]", key_), "payload is not a JSON object");
  expect_refused(sign(kHeader, R"({"a":)" + std::string(500, '[') + std::string(500, ']') + "}", key_), "deeper");
  expect_refused(sign(kHeader, R"({"exp":1e999})", key_), "payload is not JSON");
}

TEST_F(TokenTest, TimesAreCheckedAsWholeNumbersInRange) {
  const auto with = [&](const char* name, json value) {
    json c = staff_claims(now_);
    if (value.is_null()) {
      c.erase(name);
    } else {
      c[name] = std::move(value);
    }
    return c;
  };
  expect_claims_refused(with("exp", json()), "no expiry");
  expect_claims_refused(with("exp", std::to_string(seconds(now_) + 3600)), "whole number");
  expect_claims_refused(with("exp", static_cast<double>(seconds(now_)) + 3600.5), "fraction");
  expect_claims_refused(with("exp", true), "whole number");
  expect_claims_refused(with("exp", 18446744073709551615ULL), "after the year 9999");
  expect_claims_refused(with("exp", 253402300800LL), "after the year 9999");
  expect_claims_refused(with("exp", -1), "out of range");
  expect_claims_refused(with("exp", seconds(now_) - 1), "expired at");
  expect_claims_refused(with("iat", json()), "issued (iat)");
  expect_claims_refused(with("iat", "yesterday"), "whole number");
  expect_claims_refused(with("iat", seconds(now_) + 3600), "in the future");
  expect_claims_refused(with("nbf", seconds(now_) + 600), "not valid before");
  expect_claims_refused(with("nbf", 1.5), "fraction");
  // Within the clock skew of 60 s, a node that runs a little fast is believed.
  EXPECT_TRUE(tokens_.verify(sign(kHeader, with("nbf", seconds(now_) + 30).dump(), key_), now_).ok());
  EXPECT_TRUE(tokens_.verify(sign(kHeader, with("iat", seconds(now_) + 30).dump(), key_), now_).ok());
  EXPECT_TRUE(tokens_.verify(sign(kHeader, with("nbf", json()).dump(), key_), now_).ok()) << "nbf is optional";
  // A lifetime above the maximum (30 days) is refused even though it is signed.
  expect_claims_refused(with("exp", seconds(now_) + 31 * 24 * 3600), "at most 720");
}

TEST_F(TokenTest, ClaimsOfTheWrongTypeAreRefused) {
  const auto with = [&](const char* name, json value) {
    json c = staff_claims(now_);
    c[name] = std::move(value);
    return c;
  };
  expect_claims_refused(with("sub", 42), "'sub' must be a string");
  expect_claims_refused(with("sub", ""), "names no person");
  expect_claims_refused(with("mun", json::array()), "'mun' must be a string");
  expect_claims_refused(with("mun", ""), "no municipality");
  expect_claims_refused(with("kind", "root"), "neither 'staff' nor 'citizen'");
  expect_claims_refused(with("roles", "admin"), "list of strings");
  expect_claims_refused(with("roles", json::array({1})), "list of strings");
  expect_claims_refused(with("unit", json::object()), "'unit' must be a string");
  expect_claims_refused(with("jti", ""), "jti");
  expect_claims_refused(with("jti", std::string(65, 'a')), "jti");
  expect_claims_refused(with("jti", "has space"), "jti");
  json no_id = staff_claims(now_);
  no_id.erase("jti");
  expect_claims_refused(no_id, "jti");
  json citizen = staff_claims(now_);
  citizen["kind"] = "citizen";
  citizen["sub"] = "010490-9989 x";
  expect_claims_refused(citizen, "not an opaque id");
}

TEST_F(TokenTest, IssueRefusesALifetimeAboveTheMaximumNamingIt) {
  auto refused = tokens_.issue(staff(), std::chrono::hours(1000000), now_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("at most 720 hours"), std::string::npos) << refused.status().message();
  TokenPolicy week;
  week.max_lifetime = std::chrono::hours(24 * 7);
  auto short_lived = *TokenService::create(key_, week);
  EXPECT_FALSE(short_lived.issue(staff(), std::chrono::hours(24 * 8), now_).ok());
  // A token issued under a longer maximum is refused by a node with a shorter one.
  const std::string long_token = *tokens_.issue(staff(), std::chrono::hours(24 * 20), now_);
  auto r = short_lived.verify(long_token, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("at most 168"), std::string::npos) << r.status().message();
  EXPECT_FALSE(tokens_.issue(staff(), std::chrono::seconds(0), now_).ok());
}

TEST(SigningKeyTest, KeysWithFewerThan32RandomBytesAreRefused) {
  const auto refused = [](const std::string& key, const std::string& says) {
    auto st = check_signing_key(key, "k.key");
    EXPECT_FALSE(st.ok()) << "accepted: " << key;
    EXPECT_NE(st.message().find(says), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("head -c 32 /dev/urandom"), std::string::npos) << "the fix is named: " << st.message();
  };
  refused("too short", "passphrase");
  refused(b64url(random_bytes(31)), "fewer than 32 random bytes");            // 42 base64 characters
  refused(std::string(63, 'a') , "fewer than 32 random bytes");               // 63 hex digits
  refused(std::string(48, 'q'), "repeats a pattern of 1");
  refused(std::string(100, 'k'), "repeats a pattern of 1");
  std::string pattern;
  for (int i = 0; i < 12; ++i) pattern += "abcd1234";
  refused(pattern, "repeats a pattern of 8");
  refused(std::string(48, 'k') + "-the-tests-own-signing-key", "different");
  refused("correct horse battery staple and some more words", "passphrase");
  std::string binary(32, '\x01');
  binary[5] = '\x02';
  refused(binary, "different");
  refused(std::string(31, '\x07') + '\x08', "raw bytes");
  EXPECT_TRUE(check_signing_key(good_key(), "k").ok());
  EXPECT_TRUE(check_signing_key(b64url(random_bytes(48)), "k").ok());
  std::string hex;
  for (unsigned char c : random_bytes(32)) hex += fmt::format("{:02x}", c);
  EXPECT_TRUE(check_signing_key(hex, "k").ok()) << hex;
  std::string raw = random_bytes(32);
  raw[0] = '\x01';  // not all printable
  EXPECT_TRUE(check_signing_key(raw, "k").ok());
  EXPECT_FALSE(TokenService::create("short").ok());
}

TEST(SigningKeyTest, AKeyFileReadableByGroupOrOthersIsRefusedNamingModeAndFix) {
  const fs::path dir = fs::temp_directory_path() / ("sagsflow-key-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "signing.key").string();
  std::ofstream(path) << good_key() << "\n";
  ::chmod(path.c_str(), 0644);
  auto open = load_signing_key(path);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("mode 0644"), std::string::npos) << open.status().message();
  EXPECT_NE(open.status().message().find("chmod 600 " + path), std::string::npos) << open.status().message();
  ::chmod(path.c_str(), 0640);
  EXPECT_FALSE(load_signing_key(path).ok());
  ::chmod(path.c_str(), 0600);
  auto key = load_signing_key(path);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->size(), 43u) << "the trailing newline is dropped";
  std::ofstream(path) << std::string(48, 'q');
  EXPECT_NE(load_signing_key(path).status().message().find("repeats"), std::string::npos);
  EXPECT_FALSE(load_signing_key((dir / "missing.key").string()).ok());
  EXPECT_FALSE(load_signing_key("").ok());
  fs::remove_all(dir);
}

// The crash of the issue: Poco's JWT signer, built per call, initialised and
// uninitialised OpenSSL under other threads' feet (segfault in ~DigestEngine).
// 64 threads check valid and forged tokens against one shared TokenService
// for three seconds, and build Poco digest engines meanwhile: no crash, and
// every answer is the right one.
TEST_F(TokenTest, SixtyFourThreadsCheckingTokensAtOnceGetEveryAnswerRight) {
  keep_crypto_initialised();
  const std::string valid = *tokens_.issue(staff(), std::chrono::hours(1), now_);
  const std::vector<std::string> forged = {
      "not.a.token",
      sign(kHeader, staff_claims(now_).dump(), good_key()),
      valid.substr(0, valid.size() - 1) + (valid.back() == 'A' ? 'B' : 'A'),
      b64url(R"({"alg":"none"})") + "." + b64url(staff_claims(now_).dump()) + ".",
      sign(kHeader, R"({"exp":"4102444800","iat":1,"jti":"x","mun":"0999","kind":"staff","sub":"anna"})", key_),
  };
  std::atomic<long long> checks{0}, wrong{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      long long i = t;
      while (!stop.load(std::memory_order_relaxed)) {
        if (i % 2 == 0) {
          auto p = tokens_.verify(valid, now_);
          if (!p.ok() || p->person != "frida") ++wrong;
        } else {
          auto p = tokens_.verify(forged[static_cast<std::size_t>(i / 2) % forged.size()], now_);
          if (p.ok() || p.status().code() != ErrorCode::kForbidden) ++wrong;
        }
        if (i % 64 == 0) {
          Poco::Crypto::DigestEngine sha("SHA256");  // what the old signer built per call
          sha.update(valid);
          if (sha.digest().size() != 32) ++wrong;
          if (!tokens_.issue(staff(), std::chrono::hours(1), now_).ok()) ++wrong;
        }
        ++i;
        ++checks;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  stop = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(checks.load(), 64 * 100) << "every thread checked many tokens";
  std::cout << "[ figures  ] " << checks.load() << " token checks by 64 threads in 3 s\n";
}

// A gate over in-memory sources, as the server's are over its store.
class TokenGateTest : public TokenTest {
 protected:
  Mutex mutex_;
  std::set<std::string> revoked_ GUARDED_BY(mutex_);
  Status revoked_status_ GUARDED_BY(mutex_);
  int subject_calls_ GUARDED_BY(mutex_) = 0;
  bool subjects_fail_ GUARDED_BY(mutex_) = false;
  std::unique_ptr<TokenGate> gate(std::chrono::milliseconds refresh) {
    auto g = std::make_unique<TokenGate>(
        tokens_,
        [this](Timestamp) -> Result<std::set<std::string>> {
          MutexLock lock(mutex_);
          if (!revoked_status_.ok()) return revoked_status_;
          return revoked_;
        },
        [this](const std::string& m, const std::string& s) -> Result<std::optional<Cpr>> {
          MutexLock lock(mutex_);
          ++subject_calls_;
          if (subjects_fail_) return StorageError("database away");
          if (m == "0999" && s == "subjectOfJens") return std::optional<Cpr>(*Cpr::parse("010490-9989"));
          return std::optional<Cpr>();
        },
        refresh);
    EXPECT_TRUE(g->load_revocations(now_).ok());
    return g;
  }
  std::string citizen_token(const std::string& subject) {
    Principal c;
    c.kind = PrincipalKind::kCitizen;
    c.municipality = "0999";
    c.citizen_subject = subject;
    return *tokens_.issue(c, std::chrono::hours(1), now_);
  }
};

TEST_F(TokenGateTest, ARevokedTokenIsRefusedOnceTheListIsReloaded) {
  auto g = gate(std::chrono::milliseconds(100));
  const std::string token = *tokens_.issue(staff(), std::chrono::hours(1), now_);
  const std::string other = *tokens_.issue(staff(), std::chrono::hours(1), now_);
  auto who = g->authenticate(token, now_);
  ASSERT_TRUE(who.ok()) << who.status().message();
  {
    MutexLock lock(mutex_);
    revoked_.insert(who->token_id);
  }
  const auto revoked_at = std::chrono::steady_clock::now();
  while (g->authenticate(token, now_).ok()) {
    ASSERT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::seconds(2)) << "never refused";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // At most the refresh interval (100 ms) plus one reload; the slack is for a busy test machine.
  EXPECT_LE(std::chrono::steady_clock::now() - revoked_at, std::chrono::milliseconds(400));
  auto refused = g->authenticate(token, now_);
  EXPECT_EQ(refused.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(refused.status().message().find("revoked"), std::string::npos);
  EXPECT_TRUE(g->authenticate(other, now_).ok()) << "only that token";
}

TEST_F(TokenGateTest, AFailedReloadKeepsTheLastListAndIsRetried) {
  auto g = gate(std::chrono::milliseconds(20));
  const std::string token = *tokens_.issue(staff(), std::chrono::hours(1), now_);
  const std::string jti = g->authenticate(token, now_)->token_id;
  {
    MutexLock lock(mutex_);
    revoked_.insert(jti);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(g->authenticate(token, now_).ok());
  {
    MutexLock lock(mutex_);
    revoked_status_ = StorageError("database away");
    revoked_.clear();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(g->authenticate(token, now_).ok()) << "the last list stays while the database is away";
  {
    MutexLock lock(mutex_);
    revoked_status_ = Status::Ok();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_TRUE(g->authenticate(token, now_).ok()) << "reloaded once the database is back";
}

TEST_F(TokenGateTest, ACitizenSubjectIsResolvedOnceAndCachedAndAnUnknownOneRefused) {
  auto g = gate(std::chrono::seconds(5));
  const std::string token = citizen_token("subjectOfJens");
  for (int i = 0; i < 3; ++i) {
    auto who = g->authenticate(token, now_);
    ASSERT_TRUE(who.ok()) << who.status().message();
    ASSERT_TRUE(who->citizen);
    EXPECT_EQ(who->citizen->reveal(), "010490-9989");
    EXPECT_EQ(who->label(), "citizen 010490-XXXX");
  }
  {
    MutexLock lock(mutex_);
    EXPECT_EQ(subject_calls_, 1);
    subjects_fail_ = true;
  }
  EXPECT_TRUE(g->authenticate(token, now_).ok()) << "from the cache";
  auto unknown = g->authenticate(citizen_token("someoneElse"), now_);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kStorage) << "the database is away: not the token's fault";
  {
    MutexLock lock(mutex_);
    subjects_fail_ = false;
  }
  unknown = g->authenticate(citizen_token("someoneElse"), now_);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(unknown.status().message().find("unknown"), std::string::npos);
}

TEST(ServerConfigTokenTest, TheMaximumLifetimeAndTheRefreshAreChecked) {
  ServerConfig c;
  EXPECT_EQ(c.token_max_lifetime_hours, 720);
  EXPECT_EQ(c.revocation_refresh_seconds, 5);
  EXPECT_FALSE(c.core_dumps);
  EXPECT_TRUE(c.check().ok());
  c.token_lifetime_hours = 721;
  EXPECT_NE(c.check().message().find("auth.token_max_lifetime_hours"), std::string::npos);
  c.token_lifetime_hours = 8;
  c.token_max_lifetime_hours = 9000;
  EXPECT_FALSE(c.check().ok());
  c.token_max_lifetime_hours = 24;
  c.revocation_refresh_seconds = 0;
  EXPECT_NE(c.check().message().find("auth.revocation_refresh_seconds"), std::string::npos);
}

// In a child process (umask, the dumpable flag and limits are per process).
template <typename F>
int in_child(F&& f) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(f());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(ProcessHardeningTest, WithoutLeaveTheProcessIsUndumpableWithNoCoreAndUmask077) {
  EXPECT_EQ(in_child([] {
              if (!app::harden_process(false).ok()) return 1;
              if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 2;
              rlimit core{};
              ::getrlimit(RLIMIT_CORE, &core);
              if (core.rlim_cur != 0) return 3;
              const mode_t mask = ::umask(0);
              if (mask != 077) return 4;
              return 0;
            }),
            0);
  EXPECT_EQ(in_child([] {
              if (!app::harden_process(false).ok() || !app::harden_process(true).ok()) return 1;
              if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1) return 2;  // the operator allowed dumps
              rlimit core{};
              ::getrlimit(RLIMIT_CORE, &core);
              return core.rlim_cur == core.rlim_max ? 0 : 3;
            }),
            0);
  EXPECT_EQ(in_child([] {
              ::setenv(app::kCoreDumpsVariable, "1", 1);
              if (!app::core_dumps_requested_by_environment()) return 1;
              ::setenv(app::kCoreDumpsVariable, "0", 1);
              return app::core_dumps_requested_by_environment() ? 2 : 0;
            }),
            0);
}

}  // namespace
}  // namespace sagsflow::server
