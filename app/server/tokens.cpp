#include "sagsflow/server/tokens.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/UUIDGenerator.h>
#include <fmt/format.h>

#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::server {

namespace {

Poco::Timestamp to_poco(Timestamp t) {
  return Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(t.time_since_epoch().count()));
}
Timestamp from_poco(const Poco::Timestamp& t) { return Timestamp(std::chrono::seconds(t.epochTime())); }

}  // namespace

std::string Principal::label() const {
  if (kind == PrincipalKind::kCitizen) return citizen ? "citizen " + citizen->masked() : "citizen";
  return person;
}

Result<std::string> load_signing_key(const std::string& path) {
  if (path.empty()) {
    return InvalidArgument("no signing key: set auth.signing_key_file in the server configuration or --signing-key");
  }
  auto text = read_text_file(path);
  if (!text.ok()) return InvalidArgument(fmt::format("signing key {}: {}", path, text.status().message()));
  std::string key = *text;
  key.erase(key.find_last_not_of(" \t\r\n") + 1);
  if (key.size() < kMinSigningKeyBytes) {
    return InvalidArgument(fmt::format("signing key {} has {} bytes; at least {} are needed (e.g. `head -c 48 "
                                       "/dev/urandom | base64 > {}`)",
                                       path, key.size(), kMinSigningKeyBytes, path));
  }
  return key;
}

Result<std::string> issue_token(const Principal& who, std::chrono::seconds lifetime, const std::string& key,
                                Timestamp now) {
  if (key.size() < kMinSigningKeyBytes) return InvalidArgument("the signing key is too short");
  if (lifetime <= std::chrono::seconds(0)) return InvalidArgument("a token's lifetime must be positive");
  if (who.municipality.empty()) return InvalidArgument("a token is for one municipality: name it");
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setIssuer("sagsflow");
  token.setIssuedAt(to_poco(now));
  token.setExpiration(to_poco(now + lifetime));
  token.setId(Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
  token.payload().set("mun", who.municipality);
  if (who.kind == PrincipalKind::kCitizen) {
    if (!who.citizen) return InvalidArgument("a citizen token needs the citizen's CPR number");
    token.setSubject("citizen");
    token.payload().set("kind", std::string("citizen"));
    token.payload().set("cpr", who.citizen->reveal());
  } else {
    if (who.person.empty()) return InvalidArgument("a staff token needs the person's id");
    token.setSubject(who.person);
    token.payload().set("kind", std::string("staff"));
    token.payload().set("unit", who.unit);
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    for (const auto& r : who.roles) roles->add(r);
    token.payload().set("roles", roles);
  }
  try {
    Poco::JWT::Signer signer(key);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
  } catch (const Poco::Exception& e) {
    return Internal("could not sign the token: " + e.displayText());
  }
}

Result<Principal> verify_token(std::string_view text, const std::string& key, Timestamp now) {
  if (text.empty()) return Forbidden("no bearer token");
  Poco::JWT::Token token;
  try {
    Poco::JWT::Signer signer(key);  // accepts HS256 only
    if (!signer.tryVerify(std::string(text), token)) {
      return Forbidden("the token's signature does not verify (wrong key, altered or not HS256)");
    }
  } catch (const Poco::Exception& e) {
    return Forbidden("the token is not a well-formed JWT: " + e.displayText());
  }
  try {
    const auto& claims = token.payload();
    if (!claims.has("exp")) return Forbidden("the token has no expiry (exp); tokens without one are refused");
    const Timestamp expires = from_poco(token.getExpiration());
    if (expires <= now) return Forbidden(fmt::format("the token expired at {}", format_timestamp(expires)));
    Principal p;
    p.expires = expires;
    p.token_id = token.getId();
    p.municipality = claims.optValue<std::string>("mun", "");
    if (p.municipality.empty()) return Forbidden("the token names no municipality (mun)");
    const std::string kind = claims.optValue<std::string>("kind", "");
    if (kind == "citizen") {
      p.kind = PrincipalKind::kCitizen;
      auto cpr = Cpr::parse(claims.optValue<std::string>("cpr", ""));
      if (!cpr.ok()) return Forbidden("the citizen token's CPR number is not valid");
      p.citizen = *cpr;
    } else if (kind == "staff") {
      p.kind = PrincipalKind::kStaff;
      p.person = token.getSubject();
      p.unit = claims.optValue<std::string>("unit", "");
      if (p.person.empty()) return Forbidden("the staff token names no person (sub)");
      if (auto roles = claims.getArray("roles")) {
        for (unsigned i = 0; i < roles->size(); ++i) p.roles.push_back(roles->getElement<std::string>(i));
      }
    } else {
      return Forbidden(fmt::format("the token's kind '{}' is neither 'staff' nor 'citizen'", kind));
    }
    return p;
  } catch (const Poco::Exception& e) {
    return Forbidden("the token's claims are malformed: " + e.displayText());
  }
}

}  // namespace sagsflow::server
