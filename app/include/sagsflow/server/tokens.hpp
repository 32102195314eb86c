// Bearer tokens: signed JWTs (HS256, RFC 7519) that say who is calling.
//
// A staff token carries the person, municipality, unit and roles; the server
// checks them against the municipality's staff list on every request, so a
// token never grants more than the organisation rules do. A citizen token
// carries an opaque subject id (`sub`), never the CPR number: the server maps
// it back to the citizen through the installation's table of citizen subjects
// (see token_records.hpp), so whoever sees a token learns nothing personal.
//
// What verify refuses, always with kForbidden naming what is wrong: a token
// longer than TokenPolicy::max_token_bytes, not three base64url parts, a
// header or payload that is not a JSON object, any algorithm but HS256 (so
// never "none"), a `crit` header, a bad signature, `exp`/`iat`/`nbf` missing
// (nbf may be absent) or not whole numbers in range, an `exp` that has passed,
// an `nbf` or `iat` in the future (beyond TokenPolicy::clock_skew), a lifetime
// (exp - iat) above TokenPolicy::max_lifetime, no `jti`, claims of the wrong
// type, and citizen tokens of the old form that carried a `cpr` claim.
//
// The HMAC is OpenSSL's one-shot HMAC() over a key held by value: a
// TokenService keeps no mutable state, so one instance may be shared by any
// number of threads (verify and issue are const and reentrant). Poco's crypto
// library is never initialised and uninitialised per call (that raced and
// crashed under concurrent checks): keep_crypto_initialised() holds it for the
// life of the process.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow::server {

enum class PrincipalKind { kStaff, kCitizen };

struct Principal {
  PrincipalKind kind = PrincipalKind::kStaff;
  std::string person;        // staff: their id; citizen: empty
  std::string municipality;  // the municipality the token is for
  std::string unit;
  std::vector<std::string> roles;
  // Citizen tokens: the opaque id the token carries (its `sub`), and the
  // citizen it stands for once the server has looked it up (TokenGate).
  std::string citizen_subject;
  std::optional<Cpr> citizen;
  std::string token_id;  // the token's jti (revocation, rate limits)
  Timestamp issued{};
  Timestamp expires{};
  // Who, for logs and rate limits: the person, or the masked CPR number.
  std::string label() const;
};

// The smallest signing key accepted: 32 bytes of randomness.
inline constexpr std::size_t kMinSigningKeyBytes = 32;

struct TokenPolicy {
  // No token lives longer than this (issue refuses, verify refuses exp - iat above it).
  std::chrono::seconds max_lifetime = std::chrono::hours(24 * 30);
  // How far `iat` and `nbf` may lie in the future (clocks of nodes differ a little).
  std::chrono::seconds clock_skew = std::chrono::seconds(60);
  // Longer tokens are refused before any decoding.
  std::size_t max_token_bytes = 8 * 1024;
};

// Whether `key` holds at least kMinSigningKeyBytes of randomness, judged by
// what it is written in: 64+ hex digits, 43+ base64/base64url characters, or
// 32+ raw bytes of which not all are printable; other printable text (a
// passphrase) is refused. Keys that repeat a short pattern or use far fewer
// distinct characters than random text of their length would are refused.
// kInvalidArgument naming `what` (the file) and the fix. A check catches
// mistakes; it cannot prove randomness: make keys with a random generator.
Status check_signing_key(std::string_view key, const std::string& what);

// Reads the signing key from a file (trailing whitespace dropped) and checks
// it: kInvalidArgument for an empty path, a file that cannot be read, one
// readable or writable by group or others (mode & 077; the message names the
// mode and the chmod that fixes it), or a key check_signing_key refuses.
Result<std::string> load_signing_key(const std::string& path);

// Holds Poco::Crypto initialised until the process ends (idempotent, any thread).
void keep_crypto_initialised();

class TokenService {
 public:
  // kInvalidArgument when check_signing_key refuses the key, or the policy's
  // limits are not positive.
  static Result<TokenService> create(std::string key, TokenPolicy policy = {});

  // A token valid from `now` until now + lifetime, with a fresh random jti.
  // kInvalidArgument for a lifetime that is not positive or above
  // policy.max_lifetime (the message names the limit), no municipality, a
  // citizen token without its opaque subject, or a staff token without a person.
  Result<std::string> issue(const Principal& who, std::chrono::seconds lifetime, Timestamp now) const;
  // The token's principal (a citizen's `citizen` left empty: the subject is
  // resolved by the server), or kForbidden as listed at the top of this file.
  Result<Principal> verify(std::string_view token, Timestamp now) const;

  const TokenPolicy& policy() const { return policy_; }

 private:
  TokenService(std::string key, TokenPolicy policy) : key_(std::move(key)), policy_(policy) {}
  Result<Principal> verify_unguarded(std::string_view token, Timestamp now) const;
  std::string key_;
  TokenPolicy policy_;
};

// One-off forms of the above with the default policy (tests, tools).
Result<std::string> issue_token(const Principal& who, std::chrono::seconds lifetime, const std::string& key,
                                Timestamp now);
Result<Principal> verify_token(std::string_view token, const std::string& key, Timestamp now);

// A new random id (16 bytes from OpenSSL's CSPRNG, base64url, 22 characters):
// token ids and citizen subjects.
std::string random_token_id();
// Whether `id` can be a token id: 1-64 characters of A-Z a-z 0-9 - _.
bool is_token_id(std::string_view id);

}  // namespace sagsflow::server
