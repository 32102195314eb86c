// Bearer tokens: signed JWTs (HS256, Poco::JWT) that say who is calling.
//
// A staff token carries the person, municipality, unit and roles; the server
// checks them against the municipality's staff list on every request, so a
// token never grants more than the organisation rules do. A citizen token is
// scoped to one CPR number and reads only that citizen's own cases.
// Expiry is required and checked; only HS256 is accepted (never "none").
// The functions keep no state and may be called from any thread.
#pragma once

#include <chrono>
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
  std::optional<Cpr> citizen;  // citizen tokens only
  std::string token_id;
  Timestamp expires{};
  // Who, for logs and rate limits: the person, or the masked CPR number.
  std::string label() const;
};

// The smallest signing key accepted (bytes).
inline constexpr std::size_t kMinSigningKeyBytes = 32;

// Reads the signing key from a file (trailing whitespace dropped).
// kInvalidArgument for an empty path, a file that cannot be read or a key
// shorter than kMinSigningKeyBytes.
Result<std::string> load_signing_key(const std::string& path);

// A token that expires at now + lifetime. kInvalidArgument for a short key, a
// lifetime that is not positive, no municipality, a citizen token without a
// CPR number or a staff token without a person; kInternal if signing fails.
Result<std::string> issue_token(const Principal& who, std::chrono::seconds lifetime, const std::string& key,
                                Timestamp now);
// Checks signature, algorithm, expiry and claims. Every refusal is kForbidden
// and names what is wrong (no token, bad signature, malformed, no or past
// expiry, missing or malformed claims).
Result<Principal> verify_token(std::string_view token, const std::string& key, Timestamp now);

}  // namespace sagsflow::server
