// ID tokens from an OpenID provider (sagsflow/server/oidc.hpp): signed here
// with RSA and EC keys made for each test (OpenSSL 3), checked as the server
// checks them at the end of a sign-in.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "sagsflow/server/oidc.hpp"

namespace sagsflow::server::oidc {
namespace {

using nlohmann::json;

struct KeyPair {
  std::shared_ptr<EVP_PKEY> key;
  std::string kid;
  std::string alg;  // RS256 or ES256
};

KeyPair rsa_pair(const std::string& kid) {
  return {std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)),
                                    EVP_PKEY_free),
          kid, "RS256"};
}

KeyPair ec_pair(const std::string& kid) {
  return {std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free), kid, "ES256"};
}

std::string bn_bytes(EVP_PKEY* key, const char* param, int width = 0) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, param, &bn), 1);
  std::string out(static_cast<size_t>(width > 0 ? width : BN_num_bytes(bn)), '\0');
  if (width > 0) {
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), width);
  } else {
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  }
  BN_free(bn);
  return out;
}

json jwk(const KeyPair& k) {
  if (k.alg == "RS256") {
    return {{"kty", "RSA"}, {"kid", k.kid}, {"use", "sig"}, {"alg", "RS256"},
            {"n", base64url_encode(bn_bytes(k.key.get(), OSSL_PKEY_PARAM_RSA_N))},
            {"e", base64url_encode(bn_bytes(k.key.get(), OSSL_PKEY_PARAM_RSA_E))}};
  }
  return {{"kty", "EC"}, {"kid", k.kid}, {"use", "sig"}, {"crv", "P-256"}, {"alg", "ES256"},
          {"x", base64url_encode(bn_bytes(k.key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
          {"y", base64url_encode(bn_bytes(k.key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
}

std::string jwks_text(const std::vector<KeyPair>& keys) {
  json out{{"keys", json::array()}};
  for (const auto& k : keys) out["keys"].push_back(jwk(k));
  return out.dump();
}

std::string sign(const KeyPair& k, const std::string& input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t length = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, k.key.get()), 1);
  EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  std::string sig(length, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &length,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  sig.resize(length);
  EVP_MD_CTX_free(ctx);
  if (k.alg != "ES256") return sig;
  // JWS wants r||s, 32 bytes each, not DER.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(ecdsa);
  return raw;
}

std::string token(const KeyPair& k, const json& claims, json header = json::object()) {
  if (!header.contains("alg")) header["alg"] = k.alg;
  if (!header.contains("kid")) header["kid"] = k.kid;
  const std::string input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  return input + "." + base64url_encode(sign(k, input));
}

const Timestamp kNow = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::time_point{} +
                                                                          std::chrono::seconds(1'800'000'000));
long long at(long long offset = 0) { return 1'800'000'000 + offset; }

json claims() {
  return {{"iss", "https://mitid.example"}, {"aud", "sagsflow-citizen"}, {"sub", "jens"},
          {"exp", at(300)}, {"iat", at(-5)}, {"nonce", "n-0S6_WzA2Mj"},
          {"acr", kNsisSubstantial}};
}

Expectations expected() {
  Expectations e;
  e.issuer = "https://mitid.example";
  e.client_id = "sagsflow-citizen";
  e.nonce = "n-0S6_WzA2Mj";
  e.acr = kNsisSubstantial;
  return e;
}

class IdTokenChecks : public ::testing::Test {
 protected:
  KeyPair rsa = rsa_pair("rsa-1");
  KeyPair ec = ec_pair("ec-1");
  Jwks keys = *Jwks::parse(jwks_text({rsa, ec}));

  std::string refusal(const std::string& t, const Expectations& e = expected()) {
    auto r = verify_id_token(t, keys, e, kNow);
    EXPECT_FALSE(r.ok()) << "accepted: " << t;
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), ErrorCode::kForbidden);
    EXPECT_EQ(r.status().message().find(t), std::string::npos) << "the message repeats the token";
    return r.status().message();
  }
};

TEST_F(IdTokenChecks, ATokenSignedWithTheProvidersRsaOrEcKeyAndRightInEveryClaimIsAccepted) {
  auto by_rsa = verify_id_token(token(rsa, claims()), keys, expected(), kNow);
  ASSERT_TRUE(by_rsa.ok()) << by_rsa.status().message();
  EXPECT_EQ((*by_rsa)["sub"], "jens");
  auto by_ec = verify_id_token(token(ec, claims()), keys, expected(), kNow);
  ASSERT_TRUE(by_ec.ok()) << by_ec.status().message();
  EXPECT_EQ(keys.keys().size(), 2u);
}

TEST_F(IdTokenChecks, ASignatureThatDoesNotVerifyIsRefused) {
  std::string t = token(rsa, claims());
  t[t.size() - 5] = t[t.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_NE(refusal(t).find("signature"), std::string::npos);
  // Signed by another key under the provider's kid.
  KeyPair impostor = rsa_pair("rsa-1");
  EXPECT_NE(refusal(token(impostor, claims())).find("signature"), std::string::npos);
  // Claims changed after signing.
  std::string signed_token = token(ec, claims());
  json changed = claims();
  changed["sub"] = "someone-else";
  const auto dot1 = signed_token.find('.'), dot2 = signed_token.rfind('.');
  std::string forged = signed_token.substr(0, dot1 + 1) + base64url_encode(changed.dump()) + signed_token.substr(dot2);
  EXPECT_NE(refusal(forged).find("signature"), std::string::npos);
}

TEST_F(IdTokenChecks, WrongAudienceIssuerAndAuthorizedPartyAreRefusedNamingWhatFailed) {
  json c = claims();
  c["aud"] = "another-client";
  EXPECT_EQ(refusal(token(rsa, c)), "the ID token's audience does not contain sagsflow-citizen");
  c["aud"] = json::array({"another-client", "sagsflow-citizen"});
  EXPECT_NE(refusal(token(rsa, c)).find("azp"), std::string::npos);
  c["azp"] = "sagsflow-citizen";
  EXPECT_TRUE(verify_id_token(token(rsa, c), keys, expected(), kNow).ok());
  c = claims();
  c["iss"] = "https://evil.example";
  EXPECT_EQ(refusal(token(rsa, c)), "the ID token's issuer is not https://mitid.example");
}

TEST_F(IdTokenChecks, AnExpiredTokenOrOneIssuedBeyondTheClockSkewInTheFutureIsRefused) {
  json c = claims();
  c["exp"] = at(-61);
  EXPECT_NE(refusal(token(rsa, c)).find("expired"), std::string::npos);
  c["exp"] = at(-30);  // within the 60 s of skew
  EXPECT_TRUE(verify_id_token(token(rsa, c), keys, expected(), kNow).ok());
  c = claims();
  c["iat"] = at(120);
  EXPECT_NE(refusal(token(rsa, c)).find("future"), std::string::npos);
  c.erase("exp");
  c["iat"] = at(-5);
  EXPECT_NE(refusal(token(rsa, c)).find("exp"), std::string::npos);
}

TEST_F(IdTokenChecks, ANonceOtherThanTheSignInsIsRefused) {
  json c = claims();
  c["nonce"] = "n-0S6_WzA2Mk";
  EXPECT_EQ(refusal(token(rsa, c)), "the ID token's nonce is not this sign-in's");
  c.erase("nonce");
  EXPECT_EQ(refusal(token(rsa, c)), "the ID token's nonce is not this sign-in's");
}

TEST_F(IdTokenChecks, AlgNoneHs256AndAnAlgorithmThatDoesNotFitTheKeyAreRefused) {
  const std::string body = base64url_encode(claims().dump());
  const std::string none = base64url_encode(json{{"alg", "none"}, {"kid", "rsa-1"}}.dump()) + "." + body + ".";
  EXPECT_NE(refusal(none).find("'none' is not allowed"), std::string::npos);
  // HS256 with the RSA key's public modulus as the HMAC secret (the classic confusion attack).
  const std::string hs = base64url_encode(json{{"alg", "HS256"}, {"kid", "rsa-1"}}.dump()) + "." + body + "." +
                         base64url_encode("not a real mac");
  EXPECT_NE(refusal(hs).find("'HS256' is not allowed"), std::string::npos);
  // ES256 in the header of an RSA key's kid.
  EXPECT_NE(refusal(token(ec, claims(), {{"kid", "rsa-1"}})).find("ES256 does not fit"), std::string::npos);
  // An allowed list without ES256 refuses it.
  Expectations rsa_only = expected();
  rsa_only.algorithms = {"RS256"};
  EXPECT_NE(refusal(token(ec, claims()), rsa_only).find("not allowed"), std::string::npos);
}

TEST_F(IdTokenChecks, ALevelOfAssuranceBelowTheRequiredOneOrUnknownIsRefused) {
  json c = claims();
  c["acr"] = kNsisLow;
  EXPECT_NE(refusal(token(rsa, c)).find("below the required"), std::string::npos);
  c["acr"] = "urn:some:other:level";
  EXPECT_NE(refusal(token(rsa, c)).find("not an NSIS level"), std::string::npos);
  c.erase("acr");
  EXPECT_NE(refusal(token(rsa, c)).find("names no level"), std::string::npos);
  c["acr"] = kNsisHigh;
  EXPECT_TRUE(verify_id_token(token(rsa, c), keys, expected(), kNow).ok());
  Expectations any = expected();
  any.acr.clear();
  c.erase("acr");
  EXPECT_TRUE(verify_id_token(token(rsa, c), keys, any, kNow).ok());
  EXPECT_EQ(nsis_level("Substantial"), 2);
  EXPECT_LT(*nsis_level(kNsisLow), *nsis_level(kNsisSubstantial));
  EXPECT_LT(*nsis_level(kNsisSubstantial), *nsis_level(kNsisHigh));
}

TEST(Jwks, KeysItCannotUseAreSkippedAndShortRsaKeysAreNotTrusted) {
  KeyPair small{std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)),
                                          EVP_PKEY_free),
                "small", "RS256"};
  json set{{"keys", {jwk(small), {{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}},
                     {{"kty", "EC"}, {"crv", "P-256"}, {"kid", "off-curve"}, {"x", base64url_encode(std::string(32, '\1'))},
                      {"y", base64url_encode(std::string(32, '\2'))}}}}};
  auto parsed = Jwks::parse(set.dump());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->keys().empty());
  EXPECT_FALSE(Jwks::parse("[]").ok());
}

// The provider as the server uses it: discovery and JWKS through a fetcher
// that counts its calls and serves whatever keys the provider publishes now.
class KeyRotation : public ::testing::Test {
 protected:
  std::string published;
  int fetched = 0;
  Provider provider{[] {
                      ProviderSettings s;
                      s.name = "citizen";
                      s.issuer = "https://mitid.example";
                      s.client_id = "sagsflow-citizen";
                      s.client_secret = "secret";
                      s.acr = "substantial";
                      s.jwks_refetch_interval = std::chrono::seconds(60);
                      return s;
                    }(),
                    Http{[this](const std::string& url) -> Result<std::string> {
                           if (url == "https://mitid.example/.well-known/openid-configuration") {
                             return json{{"issuer", "https://mitid.example"},
                                         {"authorization_endpoint", "https://mitid.example/auth"},
                                         {"token_endpoint", "https://mitid.example/token"},
                                         {"jwks_uri", "https://mitid.example/jwks"}}
                                 .dump();
                           }
                           if (url == "https://mitid.example/jwks") {
                             ++fetched;
                             return published;
                           }
                           return NotFound(url);
                         },
                         nullptr}};
};

TEST_F(KeyRotation, ATokenOfANewKeyIsAcceptedAfterTheJwksChangedAndAnUnknownKidRefetchesAtMostOncePerInterval) {
  KeyPair old_key = rsa_pair("2026-01");
  KeyPair new_key = ec_pair("2026-02");
  published = jwks_text({old_key});
  ASSERT_TRUE(provider.verify(token(old_key, claims()), "n-0S6_WzA2Mj", kNow).ok());
  EXPECT_EQ(fetched, 1);
  ASSERT_TRUE(provider.verify(token(old_key, claims()), "n-0S6_WzA2Mj", kNow).ok());
  EXPECT_EQ(fetched, 1) << "a known kid is served from the cache";

  // The provider rotates; the first token of the new key, more than the interval after the last fetch.
  published = jwks_text({new_key, old_key});
  const Timestamp later = kNow + std::chrono::seconds(61);
  auto rotated = provider.verify(token(new_key, claims()), "n-0S6_WzA2Mj", later);
  ASSERT_TRUE(rotated.ok()) << rotated.status().message();
  EXPECT_EQ(fetched, 2);

  // A hostile stream of tokens with made-up kids: at most one fetch per interval.
  KeyPair stranger = rsa_pair("made-up");
  for (int i = 0; i < 50; ++i) {
    auto r = provider.verify(token(stranger, claims(), {{"kid", "made-up-" + std::to_string(i)}}), "n-0S6_WzA2Mj",
                             later + std::chrono::seconds(61 + i));
    EXPECT_FALSE(r.ok());
  }
  EXPECT_EQ(fetched, 3) << "50 unknown kids within one interval fetched the JWKS once";
  EXPECT_FALSE(provider.verify(token(stranger, claims()), "n-0S6_WzA2Mj", later + std::chrono::seconds(200)).ok());
  EXPECT_EQ(fetched, 4);
  EXPECT_EQ(provider.jwks_fetches(), fetched);
}

TEST_F(KeyRotation, TheAuthorizationUrlCarriesStateNonceS256ChallengeAndTheRequiredLevel) {
  auto url = provider.authorization_url("http://127.0.0.1:8080/auth/callback", "st", "no", pkce_challenge("verifier"));
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->rfind("https://mitid.example/auth?response_type=code&client_id=sagsflow-citizen", 0), 0u);
  EXPECT_NE(url->find("&state=st&nonce=no&code_challenge=" + pkce_challenge("verifier") + "&code_challenge_method=S256"),
            std::string::npos);
  EXPECT_NE(url->find("acr_values=https%3A%2F%2Fdata.gov.dk%2Fconcept%2Fcore%2Fnsis%2Floa%2FSubstantial"),
            std::string::npos);
  EXPECT_NE(url->find("redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fauth%2Fcallback"), std::string::npos);
  // RFC 7636 appendix B: the S256 challenge of its example verifier.
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(GroupRoles, GroupRolePairsParseAndAnEntryWithoutARoleIsNamed) {
  auto roles = parse_group_roles("sf-frontdesk:frontdesk, sf-caseworkers:caseworker,sf-admins:admin,sf-caseworkers:teamleader");
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(roles->count("sf-caseworkers"), 2u);
  auto bad = parse_group_roles("sf-frontdesk:frontdesk,sf-admins");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'sf-admins' is not GROUP:ROLE"), std::string::npos);
}

}  // namespace
}  // namespace sagsflow::server::oidc
