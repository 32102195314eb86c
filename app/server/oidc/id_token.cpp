// ID token verification and JWKs (sagsflow/server/oidc.hpp), on OpenSSL 3 EVP.
#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "sagsflow/server/oidc.hpp"

namespace sagsflow::server::oidc {

using nlohmann::json;

namespace {

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxIdTokenBytes = 16 * 1024;

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::shared_ptr<EVP_PKEY> shared_key(EVP_PKEY* k) { return std::shared_ptr<EVP_PKEY>(k, PkeyFree{}); }

std::optional<std::string> member(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) return std::nullopt;
  return j[name].get<std::string>();
}

// An RSA public key from the JWK's n and e (big-endian bytes).
std::shared_ptr<EVP_PKEY> rsa_key(const std::string& n, const std::string& e) {
  if (n.size() < 256 || n.size() > 1024 || e.empty() || e.size() > 8) return nullptr;  // 2048 bits at least
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  if (bn_n != nullptr && bn_e != nullptr && bld != nullptr && ctx != nullptr &&
      BN_num_bits(bn_n) >= 2048 && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
      (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return key != nullptr ? shared_key(key) : nullptr;
}

// A P-256 public key from the JWK's x and y (32 bytes each).
std::shared_ptr<EVP_PKEY> ec_key(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::string point = "\x04" + x + y;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  if (bld != nullptr && ctx != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1 &&
      (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  if (key == nullptr) return nullptr;
  // The point must lie on the curve.
  EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  const bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
  EVP_PKEY_CTX_free(check);
  if (!valid) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return shared_key(key);
}

// The raw r||s of a JWS ES256 signature as the DER OpenSSL verifies.
std::optional<std::string> ecdsa_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool verify_signature(EVP_PKEY* key, std::string_view alg, std::string_view signed_part, std::string_view signature) {
  std::string sig(signature);
  if (alg == "ES256") {
    auto der = ecdsa_der(signature);
    if (!der) return false;
    sig = std::move(*der);
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// A NumericDate claim (seconds since 1970) as a whole number.
std::optional<long long> numeric_date(const json& claims, const char* name) {
  if (!claims.contains(name)) return std::nullopt;
  const json& v = claims[name];
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<long long>();
  if (v.is_number_float()) return static_cast<long long>(v.get<double>());
  return std::nullopt;
}

}  // namespace

std::optional<int> nsis_level(std::string_view acr) {
  const std::string a = lower(acr);
  if (a == lower(kNsisLow) || a == "low") return 1;
  if (a == lower(kNsisSubstantial) || a == "substantial") return 2;
  if (a == lower(kNsisHigh) || a == "high") return 3;
  return std::nullopt;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Url[(v >> 18) & 63];
    out += kBase64Url[(v >> 12) & 63];
    out += kBase64Url[(v >> 6) & 63];
    out += kBase64Url[v & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64Url[(v >> 18) & 63];
    out += kBase64Url[(v >> 12) & 63];
    if (rest == 2) out += kBase64Url[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string random_base64url(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    std::abort();  // a predictable session id is worse than none
  }
  return base64url_encode(raw);
}

std::string pkce_challenge(std::string_view verifier) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest.data());
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string form_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<Jwks> Jwks::parse(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return InvalidArgument("the JWKS is not a JSON object with a \"keys\" array");
  }
  Jwks out;
  for (const json& k : doc["keys"]) {
    if (!k.is_object()) continue;
    const std::string kty = member(k, "kty").value_or("");
    const std::string use = member(k, "use").value_or("sig");
    if (use != "sig") continue;
    Key key{member(k, "kid").value_or(""), kty, member(k, "alg").value_or(""), nullptr};
    if (kty == "RSA") {
      auto n = base64url_decode(member(k, "n").value_or(""));
      auto e = base64url_decode(member(k, "e").value_or(""));
      if (n && e) key.key = rsa_key(*n, *e);
    } else if (kty == "EC" && member(k, "crv").value_or("") == "P-256") {
      auto x = base64url_decode(member(k, "x").value_or(""));
      auto y = base64url_decode(member(k, "y").value_or(""));
      if (x && y) key.key = ec_key(*x, *y);
    }
    if (key.key) out.keys_.push_back(std::move(key));
  }
  return out;
}

const Jwks::Key* Jwks::find(std::string_view kid, std::string_view kty) const {
  const Key* only = nullptr;
  int of_type = 0;
  for (const auto& k : keys_) {
    if (!kid.empty() && k.kid == kid) return &k;
    if (k.kty == kty) {
      only = &k;
      ++of_type;
    }
  }
  return kid.empty() && of_type == 1 ? only : nullptr;
}

Result<JwsHeader> peek_header(std::string_view token) {
  if (token.size() > kMaxIdTokenBytes) {
    return Forbidden(fmt::format("the ID token has {} bytes; at most {} are accepted", token.size(), kMaxIdTokenBytes));
  }
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Forbidden("the ID token is not a signed JWT (three base64url parts)");
  }
  auto header_text = base64url_decode(token.substr(0, first));
  if (!header_text) return Forbidden("the ID token's header is not base64url");
  json header = json::parse(*header_text, nullptr, false);
  if (header.is_discarded() || !header.is_object()) return Forbidden("the ID token's header is not a JSON object");
  JwsHeader out;
  if (!header.contains("alg") || !header["alg"].is_string()) return Forbidden("the ID token's header names no alg");
  out.alg = header["alg"].get<std::string>();
  out.kid = member(header, "kid").value_or("");
  if (header.contains("crit")) return Forbidden("the ID token's header has a crit member, which is not supported");
  return out;
}

Result<json> verify_id_token(std::string_view token, const Jwks& keys, const Expectations& expected, Timestamp now) {
  auto header = peek_header(token);
  if (!header.ok()) return header.status();
  const std::string& alg = header->alg;
  if (std::find(expected.algorithms.begin(), expected.algorithms.end(), alg) == expected.algorithms.end()) {
    return Forbidden(fmt::format("the ID token's algorithm '{}' is not allowed (allowed: {})", alg.substr(0, 20),
                                 fmt::join(expected.algorithms, ", ")));
  }
  const std::string kty = alg == "RS256" ? "RSA" : alg == "ES256" ? "EC" : "";
  if (kty.empty()) return Forbidden(fmt::format("the ID token's algorithm '{}' is not supported", alg));
  const Jwks::Key* key = keys.find(header->kid, kty);
  if (key == nullptr) {
    return Forbidden(header->kid.empty()
                         ? fmt::format("the ID token names no key (kid) and the provider has not exactly one {} key", kty)
                         : fmt::format("the ID token is signed by a key (kid {}) the provider does not publish",
                                       header->kid.substr(0, 64)));
  }
  if (key->kty != kty) {
    return Forbidden(fmt::format("the ID token's algorithm {} does not fit its key's type {}", alg, key->kty));
  }
  if (!key->alg.empty() && key->alg != alg) {
    return Forbidden(fmt::format("the ID token's algorithm {} is not its key's ({})", alg, key->alg));
  }
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature) return Forbidden("the ID token's signature is not base64url");
  if (!verify_signature(key->key.get(), alg, token.substr(0, second), *signature)) {
    return Forbidden("the ID token's signature does not verify with the provider's key");
  }
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) return Forbidden("the ID token's payload is not base64url");
  json claims = json::parse(*payload, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return Forbidden("the ID token's payload is not a JSON object");

  if (member(claims, "iss").value_or("") != expected.issuer) {
    return Forbidden(fmt::format("the ID token's issuer is not {}", expected.issuer));
  }
  std::vector<std::string> audiences;
  if (claims.contains("aud") && claims["aud"].is_string()) {
    audiences.push_back(claims["aud"].get<std::string>());
  } else if (claims.contains("aud") && claims["aud"].is_array()) {
    for (const auto& a : claims["aud"]) {
      if (a.is_string()) audiences.push_back(a.get<std::string>());
    }
  }
  if (std::find(audiences.begin(), audiences.end(), expected.client_id) == audiences.end()) {
    return Forbidden(fmt::format("the ID token's audience does not contain {}", expected.client_id));
  }
  if (audiences.size() > 1 && member(claims, "azp").value_or("") != expected.client_id) {
    return Forbidden(fmt::format("the ID token has several audiences and its authorized party (azp) is not {}",
                                 expected.client_id));
  }
  if (claims.contains("azp") && member(claims, "azp").value_or("") != expected.client_id) {
    return Forbidden(fmt::format("the ID token's authorized party (azp) is not {}", expected.client_id));
  }
  const long long at = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const long long skew = expected.clock_skew.count();
  const auto exp = numeric_date(claims, "exp");
  if (!exp) return Forbidden("the ID token has no expiry (exp)");
  if (*exp + skew <= at) return Forbidden("the ID token has expired");
  const auto iat = numeric_date(claims, "iat");
  if (!iat) return Forbidden("the ID token has no issue time (iat)");
  if (*iat > at + skew) return Forbidden("the ID token was issued in the future (iat; are the clocks right?)");
  if (const auto nbf = numeric_date(claims, "nbf"); nbf && *nbf > at + skew) {
    return Forbidden("the ID token is not valid yet (nbf)");
  }
  if (!member(claims, "sub") || member(claims, "sub")->empty()) return Forbidden("the ID token has no subject (sub)");
  const std::string nonce = member(claims, "nonce").value_or("");
  if (expected.nonce.empty() || nonce.size() != expected.nonce.size() ||
      CRYPTO_memcmp(nonce.data(), expected.nonce.data(), nonce.size()) != 0) {
    return Forbidden("the ID token's nonce is not this sign-in's");
  }
  if (!expected.acr.empty()) {
    const auto wanted = nsis_level(expected.acr);
    if (!wanted) return Internal(fmt::format("the required level of assurance '{}' is not an NSIS level", expected.acr));
    const std::string acr = member(claims, "acr").value_or("");
    if (acr.empty()) return Forbidden(fmt::format("the ID token names no level of assurance (acr); {} is required",
                                                  expected.acr));
    const auto got = nsis_level(acr);
    if (!got) return Forbidden(fmt::format("the ID token's level of assurance '{}' is not an NSIS level; {} is required",
                                           acr.substr(0, 100), expected.acr));
    if (*got < *wanted) {
      return Forbidden(fmt::format("the ID token's level of assurance {} is below the required {}", acr, expected.acr));
    }
  }
  return claims;
}

Result<std::multimap<std::string, std::string>> parse_group_roles(std::string_view text) {
  std::multimap<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string entry; std::getline(in, entry, ',');) {
    const std::string e = trim(entry);
    if (e.empty()) continue;
    const auto colon = e.rfind(':');
    if (colon == std::string::npos || trim(e.substr(0, colon)).empty() || trim(e.substr(colon + 1)).empty()) {
      return InvalidArgument(fmt::format("'{}' is not GROUP:ROLE", e));
    }
    out.emplace(trim(e.substr(0, colon)), trim(e.substr(colon + 1)));
  }
  return out;
}

}  // namespace sagsflow::server::oidc
