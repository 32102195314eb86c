// OpenID Connect relying party: what Sagsflow needs to sign a browser in
// through an OpenID provider (MitID through NemLog-in or a broker for
// citizens; the municipality's AD FS, Entra ID or KOMBIT for staff) with the
// authorization code flow and PKCE (RFC 7636, S256). docs/signin.md.
//
// - Jwks: a provider's public signing keys (RFC 7517), RSA (n, e) and EC P-256
//   (crv, x, y), made into OpenSSL 3 EVP keys. Keys of other types, curves,
//   or uses ("use": "enc") are skipped; RSA keys under 2048 bits are skipped.
// - verify_id_token: the checks of OpenID Connect Core 1.0 §3.1.3.7 on an ID
//   token: a JWS of three base64url parts; `alg` one of the allowed ones
//   (RS256, ES256; never "none" or an HMAC) and of the key's type; the
//   signature; `iss` equal to the issuer; `aud` containing the client id (and
//   `azp` equal to it when there are several audiences); `exp` in the future
//   and `iat` not beyond the clock skew in the future; `nonce` equal to the
//   sign-in's; and the level of assurance (`acr`, NSIS Low < Substantial <
//   High) at least the required one. Every refusal is kForbidden naming what
//   failed ("the ID token's audience does not contain sagsflow-citizen"); no
//   message repeats the token or a claim's value beyond the names of issuer,
//   audience and levels.
// - Provider: one configured provider: its discovery document
//   (/.well-known/openid-configuration, cached for an hour), its JWKS (cached;
//   a token whose `kid` is not in the cache fetches the JWKS again, at most
//   once per `jwks_refetch_interval`, so a stream of hostile tokens cannot make
//   us hammer the provider), the authorization URL, the token endpoint call
//   (client_secret_basic) and the end-session URL.
//
// Thread-safety: Jwks is an immutable value (its keys are shared, read-only).
// verify_id_token and the free functions are reentrant. A Provider may be
// used from any number of threads: its caches are behind its own mutex, which
// is never held while fetching.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/domain/time.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace sagsflow::server::oidc {

// The NSIS levels of assurance as the Danish eID infrastructure names them
// (docs/legal.md#nsis-levels-of-assurance).
inline constexpr const char* kNsisLow = "https://data.gov.dk/concept/core/nsis/loa/Low";
inline constexpr const char* kNsisSubstantial = "https://data.gov.dk/concept/core/nsis/loa/Substantial";
inline constexpr const char* kNsisHigh = "https://data.gov.dk/concept/core/nsis/loa/High";

// 1 (Low), 2 (Substantial) or 3 (High) for an NSIS level's URI, or for the
// short names "low", "substantial", "high" (any case); nothing otherwise.
std::optional<int> nsis_level(std::string_view acr);

// base64url without padding (RFC 4648 §5), and back: nothing for text with
// other characters, padding, or a length no encoding has.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
// `bytes` random bytes from OpenSSL's CSPRNG, base64url.
std::string random_base64url(std::size_t bytes);
// The PKCE S256 challenge of `verifier`: base64url(SHA-256(verifier)).
std::string pkce_challenge(std::string_view verifier);
// SHA-256 of `text` as lower-case hex.
std::string sha256_hex(std::string_view text);

class Jwks {
 public:
  struct Key {
    std::string kid;
    std::string kty;  // "RSA" or "EC"
    std::string alg;  // as the JWK says ("" when it does not)
    std::shared_ptr<EVP_PKEY> key;
  };
  // kInvalidArgument when the text is not a JSON object with a "keys" array;
  // keys it cannot use are skipped (see above), so a set may be empty.
  static Result<Jwks> parse(std::string_view json_text);
  // The key with this kid; with an empty kid, the only key of `kty` (nothing when there are several).
  const Key* find(std::string_view kid, std::string_view kty) const;
  const std::vector<Key>& keys() const { return keys_; }

 private:
  std::vector<Key> keys_;
};

struct Expectations {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  std::vector<std::string> algorithms{"RS256", "ES256"};
  // The lowest NSIS level accepted (a URI or short name, see nsis_level); empty: any, or none.
  std::string acr;
  std::chrono::seconds clock_skew{60};
};

// The header of a JWS (not verified): its alg and kid. kForbidden when the
// token is not three base64url parts with a JSON object for a header.
struct JwsHeader {
  std::string alg;
  std::string kid;
};
Result<JwsHeader> peek_header(std::string_view token);

// The ID token's claims once every check above passed; kForbidden otherwise.
Result<nlohmann::json> verify_id_token(std::string_view token, const Jwks& keys, const Expectations& expected,
                                       Timestamp now);

// "sf-frontdesk:frontdesk, sf-admins:admin" -> {sf-frontdesk: [frontdesk], ...}
// (a group may map to several roles by repeating it). kInvalidArgument naming
// the entry that is not GROUP:ROLE.
Result<std::multimap<std::string, std::string>> parse_group_roles(std::string_view text);

// How a Provider reaches the network. get: the body of a 200 answer to GET
// `url`; post_form: the status and body of a POST of an
// application/x-www-form-urlencoded body with an Authorization header. Both
// fail with kStorage naming the URL (never a secret).
struct HttpAnswer {
  int status = 0;
  std::string body;
};
struct Http {
  std::function<Result<std::string>(const std::string& url)> get;
  std::function<Result<HttpAnswer>(const std::string& url, const std::string& form, const std::string& authorization)>
      post_form;
};
// Http over Poco's HTTPClientSession and HTTPSClientSession (certificates
// checked against the system's CAs), each call within `timeout`, answers of
// at most 1 MiB.
Http poco_http(std::chrono::seconds timeout);

struct ProviderSettings {
  std::string name;  // "citizen" or "staff": in messages
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string scope = "openid profile";
  std::string acr;  // required level; sent as acr_values too
  std::vector<std::string> algorithms{"RS256", "ES256"};
  std::chrono::seconds jwks_refetch_interval{10};
  std::chrono::seconds discovery_lifetime{3600};
};

struct Discovery {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string end_session_endpoint;  // empty when the provider has none
};

class Provider {
 public:
  Provider(ProviderSettings settings, Http http);

  const ProviderSettings& settings() const { return settings_; }
  // The discovery document, fetched at the first call and again when older
  // than discovery_lifetime. kStorage when it cannot be fetched;
  // kInvalidArgument when it lacks an endpoint or names another issuer.
  Result<Discovery> discovery() EXCLUDES(mutex_);
  // Where the browser is sent to sign in.
  Result<std::string> authorization_url(const std::string& redirect_uri, const std::string& state,
                                        const std::string& nonce, const std::string& code_challenge) EXCLUDES(mutex_);
  // The token endpoint's id_token for `code` (client_secret_basic). kForbidden
  // when the provider refuses the code (its `error` named); kStorage when it
  // cannot be reached.
  Result<std::string> redeem(const std::string& code, const std::string& code_verifier,
                             const std::string& redirect_uri) EXCLUDES(mutex_);
  // verify_id_token against the cached JWKS; an unknown kid refetches it
  // (rate-limited, `now` is the clock of the limit).
  Result<nlohmann::json> verify(std::string_view id_token, const std::string& nonce, Timestamp now) EXCLUDES(mutex_);
  // The end_session_endpoint with id_token_hint (when not empty),
  // post_logout_redirect_uri and client_id; nothing when the provider has none.
  std::optional<std::string> end_session_url(const std::string& id_token_hint,
                                             const std::string& post_logout_redirect_uri) EXCLUDES(mutex_);
  // How often the JWKS has been fetched (tests, metrics).
  int jwks_fetches() const EXCLUDES(mutex_);

 private:
  Result<Jwks> keys_for(const std::string& kid, const std::string& kty, Timestamp now) EXCLUDES(mutex_);
  const ProviderSettings settings_;
  const Http http_;
  mutable Mutex mutex_;
  std::optional<Discovery> discovery_ GUARDED_BY(mutex_);
  std::chrono::steady_clock::time_point discovered_at_ GUARDED_BY(mutex_){};
  std::optional<Jwks> jwks_ GUARDED_BY(mutex_);
  std::optional<Timestamp> jwks_fetched_at_ GUARDED_BY(mutex_);
  int jwks_fetches_ GUARDED_BY(mutex_) = 0;
};

// application/x-www-form-urlencoded and query strings: one value escaped.
std::string form_escape(std::string_view value);

}  // namespace sagsflow::server::oidc
