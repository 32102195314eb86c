// Bearer tokens: signed JWTs (HS256, Poco::JWT) that say who is calling.
//
// A staff token carries the person, municipality, unit and roles; the server
// checks them against the municipality's staff list on every request, so a
// token never grants more than the organisation rules do. A citizen token is
// scoped to one CPR number and reads only that citizen's own cases.
// Expiry is required and checked; only HS256 is accepted (never "none").
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

// Reads the signing key from a file (trailing whitespace dropped); refuses a
// missing or short key.
Result<std::string> load_signing_key(const std::string& path);

Result<std::string> issue_token(const Principal& who, std::chrono::seconds lifetime, const std::string& key,
                                Timestamp now);
// Checks signature, algorithm, expiry and claims; the error names what is wrong.
Result<Principal> verify_token(std::string_view token, const std::string& key, Timestamp now);

}  // namespace sagsflow::server
