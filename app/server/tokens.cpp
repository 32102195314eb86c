#include "sagsflow/server/tokens.hpp"

#include <Poco/Crypto/Crypto.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>

#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/server/oidc.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

// Instants a token may name: after 1970 and before the year 10000.
constexpr long long kLatestInstant = 253402300799LL;

// The codec the ID-token checks use too (oidc.hpp): strict base64url without padding.
using oidc::base64url_decode;
using oidc::base64url_encode;

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  // The one-shot HMAC() keeps no state between calls: safe on any number of threads.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac.data(), &length) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

// An integer claim (seconds since 1970) or nothing when absent; refuses
// strings, fractions, booleans and values outside 1970-9999.
Result<std::optional<long long>> instant_claim(const json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::optional<long long>();
  const json& v = *it;
  if (!v.is_number_integer()) {
    return Forbidden(fmt::format("the token's '{}' must be a whole number of seconds since 1970, not {}", name,
                                 v.is_number_float() ? "a fraction" : v.type_name()));
  }
  if (v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(kLatestInstant)) {
    return Forbidden(fmt::format("the token's '{}' lies after the year 9999", name));
  }
  const long long n = v.get<long long>();
  if (n < 0 || n > kLatestInstant) return Forbidden(fmt::format("the token's '{}' is out of range", name));
  return std::optional<long long>(n);
}

// A string claim: "" when absent; refuses another type.
Result<std::string> text_claim(const json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::string();
  if (!it->is_string()) return Forbidden(fmt::format("the token's '{}' must be a string, not {}", name, it->type_name()));
  return it->get<std::string>();
}

Result<json> json_part(std::string_view encoded, const char* what) {
  auto decoded = base64url_decode(encoded);
  if (!decoded) return Forbidden(fmt::format("the token's {} is not base64url", what));
  auto parsed = parse_bounded_json(*decoded, {decoded->size(), 4});
  if (!parsed.ok()) return Forbidden(fmt::format("the token's {} is not JSON: {}", what, parsed.status().message()));
  if (!parsed->is_object()) return Forbidden(fmt::format("the token's {} is not a JSON object", what));
  return std::move(*parsed);
}

Timestamp at(long long seconds) { return Timestamp(std::chrono::seconds(seconds)); }

// The expected number of distinct symbols in `n` independent uniform draws from `alphabet` symbols.
double expected_distinct(double alphabet, double n) { return alphabet * (1.0 - std::pow(1.0 - 1.0 / alphabet, n)); }

}  // namespace

std::string Principal::label() const {
  if (kind == PrincipalKind::kCitizen) return citizen ? "citizen " + citizen->masked() : "citizen";
  return person;
}

void keep_crypto_initialised() {
  // Poco's crypto classes (DigestEngine, the JWT signer, TLS contexts) count
  // initialisations and tear OpenSSL's state down when the count drops to
  // zero, under the feet of other threads; this reference is never dropped.
  static std::once_flag once;
  std::call_once(once, [] { Poco::Crypto::initializeCrypto(); });
}

// 128 random bits in base64url, never starting with '-' or '_': an id is
// typed as a command-line argument (`sagsflow token revoke ID`), where a
// leading '-' would read as an option.
std::string random_token_id() {
  for (;;) {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      // OpenSSL's generator failing is not something to continue after: a predictable id is worse than none.
      std::abort();
    }
    std::string id = base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (id.front() != '-' && id.front() != '_') return id;
  }
}

bool is_token_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (base64url_value(c) < 0) return false;
  }
  return true;
}

Status check_signing_key(std::string_view key, const std::string& what) {
  const std::string fix = "make one with `head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE`";
  const auto all_of = [&](auto pred) { return std::all_of(key.begin(), key.end(), pred); };
  const bool hex = all_of([](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  const bool base64 = all_of([](char c) { return base64url_value(c) >= 0 || c == '+' || c == '/' || c == '='; });
  const bool printable = all_of([](char c) { return c >= 0x20 && c < 0x7f; });
  // The symbols the key is written in, and how many of them make 32 random bytes.
  std::size_t symbols = key.size();
  double alphabet = 256;
  std::size_t needed = kMinSigningKeyBytes;
  std::string form = "raw bytes";
  if (hex) {
    alphabet = 16, needed = 2 * kMinSigningKeyBytes, form = "hex digits";
  } else if (base64) {
    symbols = key.size() - static_cast<std::size_t>(std::count(key.begin(), key.end(), '='));
    alphabet = 64, needed = (kMinSigningKeyBytes * 8 + 5) / 6, form = "base64 characters";
  } else if (printable) {
    return InvalidArgument(fmt::format("signing key {} is text that is neither hex nor base64 (a passphrase?): a "
                                       "key must be {} random bytes; {}",
                                       what, kMinSigningKeyBytes, fix));
  }
  if (symbols < needed) {
    return InvalidArgument(fmt::format("signing key {} has {} {}, which hold fewer than {} random bytes (at least {} "
                                       "are needed); {}",
                                       what, symbols, form, kMinSigningKeyBytes, needed, fix));
  }
  // A short pattern repeated (including one character throughout).
  for (std::size_t period = 1; period <= key.size() / 2; ++period) {
    bool repeats = true;
    for (std::size_t i = period; i < key.size() && repeats; ++i) repeats = key[i] == key[i - period];
    if (repeats) {
      return InvalidArgument(fmt::format("signing key {} repeats a pattern of {} character(s): it is not random; {}",
                                         what, period, fix));
    }
  }
  // Random text of this length uses about expected_distinct() different
  // symbols; fewer than half of that is no random key.
  const std::set<char> distinct(key.begin(), key.end());
  const double expected = expected_distinct(alphabet, static_cast<double>(symbols));
  if (static_cast<double>(distinct.size()) < expected / 2) {
    return InvalidArgument(fmt::format("signing key {} uses only {} different {} where random ones would use about "
                                       "{:.0f}: it is not random; {}",
                                       what, distinct.size(), form, expected, fix));
  }
  return Status::Ok();
}

Result<std::string> load_signing_key(const std::string& path) {
  if (path.empty()) {
    return InvalidArgument("no signing key: set auth.signing_key_file in the server configuration or --signing-key");
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return InvalidArgument(fmt::format("signing key {} is not a regular file", path));
    if ((st.st_mode & 077) != 0) {
      return InvalidArgument(fmt::format("signing key {} has mode {:04o}: group or others may read it, and whoever "
                                         "reads it can sign tokens for anyone; make it private with `chmod 600 {}`",
                                         path, st.st_mode & 07777, path));
    }
  }
  auto text = read_text_file(path);
  if (!text.ok()) return InvalidArgument(fmt::format("signing key {}: {}", path, text.status().message()));
  std::string key = *text;
  key.erase(key.find_last_not_of(" \t\r\n") + 1);
  if (auto ok = check_signing_key(key, path); !ok.ok()) return ok;
  return key;
}

Result<TokenService> TokenService::create(std::string key, TokenPolicy policy) {
  if (auto ok = check_signing_key(key, "(given)"); !ok.ok()) return ok;
  if (policy.max_lifetime <= std::chrono::seconds(0) || policy.max_token_bytes < 64 ||
      policy.clock_skew < std::chrono::seconds(0)) {
    return InvalidArgument("the token policy's limits must be positive");
  }
  return TokenService(std::move(key), policy);
}

Result<std::string> TokenService::issue(const Principal& who, std::chrono::seconds lifetime, Timestamp now) const {
  if (lifetime <= std::chrono::seconds(0)) return InvalidArgument("a token's lifetime must be positive");
  if (lifetime > policy_.max_lifetime) {
    return InvalidArgument(fmt::format("a token may live at most {} hours (auth.token_max_lifetime_hours); {} hours "
                                       "were asked for",
                                       policy_.max_lifetime.count() / 3600, (lifetime.count() + 3599) / 3600));
  }
  if (who.municipality.empty()) return InvalidArgument("a token is for one municipality: name it");
  const long long iat = now.time_since_epoch().count();
  json claims = {{"iss", "sagsflow"},
                 {"iat", iat},
                 {"nbf", iat},
                 {"exp", iat + lifetime.count()},
                 {"jti", random_token_id()},
                 {"mun", who.municipality}};
  if (who.kind == PrincipalKind::kCitizen) {
    if (who.citizen_subject.empty()) {
      return InvalidArgument("a citizen token carries the citizen's opaque subject id (citizen_subject), never the "
                             "CPR number: look it up first");
    }
    claims["sub"] = who.citizen_subject;
    claims["kind"] = "citizen";
  } else {
    if (who.person.empty()) return InvalidArgument("a staff token needs the person's id");
    claims["sub"] = who.person;
    claims["kind"] = "staff";
    claims["unit"] = who.unit;
    claims["roles"] = who.roles;
  }
  const std::string signing_input =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims.dump());
  const std::string mac = hmac_sha256(key_, signing_input);
  if (mac.empty()) return Internal("could not sign the token (OpenSSL's HMAC failed)");
  return signing_input + "." + base64url_encode(mac);
}

Result<Principal> TokenService::verify(std::string_view text, Timestamp now) const {
  // Every check above returns a Status; anything thrown all the same (a bug, memory) is a refusal, never a 500.
  try {
    return verify_unguarded(text, now);
  } catch (const std::exception& e) {
    return Forbidden(std::string("the token could not be checked: ") + e.what());
  }
}

Result<Principal> TokenService::verify_unguarded(std::string_view text, Timestamp now) const {
  if (text.empty()) return Forbidden("no bearer token");
  if (text.size() > policy_.max_token_bytes) {
    return Forbidden(fmt::format("the token has {} bytes; the limit is {}", text.size(), policy_.max_token_bytes));
  }
  const auto first = text.find('.');
  const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos) {
    return Forbidden("the token is not a JWT (three base64url parts separated by '.')");
  }
  auto header = json_part(text.substr(0, first), "header");
  if (!header.ok()) return header.status();
  auto alg = text_claim(*header, "alg");
  if (!alg.ok()) return alg.status();
  if (*alg != "HS256") {
    return Forbidden(fmt::format("the token's algorithm '{}' is not accepted; only HS256 is", alg->substr(0, 16)));
  }
  if (header->contains("crit")) return Forbidden("the token's header has critical extensions (crit); none are known");
  const std::string mac = hmac_sha256(key_, text.substr(0, second));
  auto signature = base64url_decode(text.substr(second + 1));
  if (mac.empty() || !signature || signature->size() != mac.size() ||
      CRYPTO_memcmp(signature->data(), mac.data(), mac.size()) != 0) {
    return Forbidden("the token's signature does not verify (wrong key, altered or not HS256)");
  }
  // Signed by this installation's key; the claims are still checked as carefully.
  auto payload = json_part(text.substr(first + 1, second - first - 1), "payload");
  if (!payload.ok()) return payload.status();
  const json& claims = *payload;
  auto exp = instant_claim(claims, "exp");
  auto iat = instant_claim(claims, "iat");
  auto nbf = instant_claim(claims, "nbf");
  for (const auto* r : {&exp, &iat, &nbf}) {
    if (!r->ok()) return r->status();
  }
  if (!*exp) return Forbidden("the token has no expiry (exp); tokens without one are refused");
  if (!*iat) return Forbidden("the token does not say when it was issued (iat)");
  const long long t = now.time_since_epoch().count();
  if (**exp <= t) return Forbidden(fmt::format("the token expired at {}", format_timestamp(at(**exp))));
  if (**iat > t + policy_.clock_skew.count()) {
    return Forbidden(fmt::format("the token says it was issued at {}, in the future", format_timestamp(at(**iat))));
  }
  if (*nbf && **nbf > t + policy_.clock_skew.count()) {
    return Forbidden(fmt::format("the token is not valid before {} (nbf)", format_timestamp(at(**nbf))));
  }
  if (**exp - **iat > policy_.max_lifetime.count()) {
    return Forbidden(fmt::format("the token lives {} hours; at most {} are accepted (auth.token_max_lifetime_hours)",
                                 (**exp - **iat) / 3600, policy_.max_lifetime.count() / 3600));
  }
  Principal p;
  p.issued = at(**iat);
  p.expires = at(**exp);
  auto jti = text_claim(claims, "jti");
  auto mun = text_claim(claims, "mun");
  auto kind = text_claim(claims, "kind");
  auto sub = text_claim(claims, "sub");
  for (const auto* r : {&jti, &mun, &kind, &sub}) {
    if (!r->ok()) return r->status();
  }
  if (!is_token_id(*jti)) return Forbidden("the token has no usable id (jti), so it could not be revoked: refused");
  p.token_id = *jti;
  p.municipality = *mun;
  if (p.municipality.empty()) return Forbidden("the token names no municipality (mun)");
  if (*kind == "citizen") {
    if (claims.contains("cpr")) {
      return Forbidden("citizen tokens that carry the CPR number are no longer accepted (anyone who sees one can "
                       "read it); ask for a new token");
    }
    p.kind = PrincipalKind::kCitizen;
    p.citizen_subject = *sub;
    if (!is_token_id(p.citizen_subject)) return Forbidden("the citizen token's subject (sub) is not an opaque id");
  } else if (*kind == "staff") {
    p.kind = PrincipalKind::kStaff;
    p.person = *sub;
    if (p.person.empty()) return Forbidden("the staff token names no person (sub)");
    auto unit = text_claim(claims, "unit");
    if (!unit.ok()) return unit.status();
    p.unit = *unit;
    if (const auto roles = claims.find("roles"); roles != claims.end()) {
      if (!roles->is_array()) return Forbidden("the token's 'roles' must be a list of strings");
      for (const auto& r : *roles) {
        if (!r.is_string()) return Forbidden("the token's 'roles' must be a list of strings");
        p.roles.push_back(r.get<std::string>());
      }
    }
  } else {
    return Forbidden(fmt::format("the token's kind '{}' is neither 'staff' nor 'citizen'", kind->substr(0, 32)));
  }
  return p;
}

Result<std::string> issue_token(const Principal& who, std::chrono::seconds lifetime, const std::string& key,
                                Timestamp now) {
  auto service = TokenService::create(key);
  if (!service.ok()) return service.status();
  return service->issue(who, lifetime, now);
}

Result<Principal> verify_token(std::string_view token, const std::string& key, Timestamp now) {
  auto service = TokenService::create(key);
  if (!service.ok()) return Forbidden("tokens cannot be checked: " + service.status().message());
  return service->verify(token, now);
}

}  // namespace sagsflow::server
