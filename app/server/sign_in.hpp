// Sign-in through OpenID Connect and the sessions it makes (docs/signin.md).
//
// The routes under /auth (the server's dispatch calls them; they answer
// pages and redirects, not JSON resources):
//   GET  /auth/login/citizen|staff?return_to=/path  302 to the provider
//   GET  /auth/callback?code&state (or error)       303 to return_to, Set-Cookie
//   POST /auth/logout                               {"redirect": provider's end-session URL}
// and the session behind the cookie `sagsflow_session` on every request.
//
// What it decides is the core's where the core has a rule: a staff member
// signs in only when the municipality's staff list has them
// (Organisation::person), and their roles are those their groups map to
// (oidc.staff.group_roles) that the staff list also gives them, checked by
// Organisation::actor_for. A citizen's session holds their opaque subject
// (citizen_subjects, as citizen tokens do), never the CPR number; no CPR
// number goes into a cookie, URL, redirect, page or log line.
//
// Sessions live in the database (migration 17) so any node answers for
// them; the cookie holds 32 random bytes and the database their SHA-256. A
// node keeps what it read of a session for at most kCacheFor; a sign-out on
// this node bites at once, on others within kCacheFor. Use slides the idle
// expiry, written at most once a minute (or a quarter of the idle time when
// that is shorter).
//
// Thread-safety: every method may be called from any number of threads.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api.hpp"
#include "sagsflow/server/oidc.hpp"

namespace sagsflow::server {

inline constexpr const char* kSessionCookie = "sagsflow_session";

struct AuthAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class SignIn {
 public:
  static constexpr std::chrono::seconds kCacheFor{2};
  static constexpr std::chrono::minutes kAttemptLifetime{10};

  // The providers of api.config (their client secrets read from their files:
  // kInvalidArgument for a file that cannot be read, is empty, or that group
  // or others may read). Nothing is fetched from the providers here.
  static Result<std::shared_ptr<SignIn>> create(Api& api, oidc::Http http);

  bool offers(const std::string& kind) const { return provider(kind) != nullptr; }
  // The origin browsers reach this server at (oidc.public_url's scheme, host and port).
  const std::string& origin() const { return origin_; }

  AuthAnswer login(const std::string& kind, const std::map<std::string, std::string>& query) EXCLUDES(mutex_);
  AuthAnswer callback(const std::map<std::string, std::string>& query, bool tls) EXCLUDES(mutex_);
  // Ends `session` (the caller checked its CSRF token) and answers where the browser goes next.
  AuthAnswer logout(const SessionView& session) EXCLUDES(mutex_);

  struct Signed {
    Principal principal;
    SessionView session;
  };
  // The session whose cookie carries `session_id` at `now`: kForbidden
  // naming why it is refused (unknown, ended, expired idle or absolutely);
  // kStorage when it cannot be read.
  Result<Signed> authenticate(const std::string& session_id, Timestamp now) EXCLUDES(mutex_);

  // The cookie's value in a Cookie header, or empty.
  static std::string cookie_value(const std::string& cookie_header);
  // Whether a state-changing request authenticated by `session` may go on:
  // its X-CSRF-Token equals the session's (constant-time) and its Origin,
  // when there is one, is origin(). Forbidden naming what is wrong.
  Status check_csrf(const SessionView& session, const std::string& csrf_header, const std::string& origin_header) const;

 private:
  SignIn(Api& api) : api_(api) {}
  oidc::Provider* provider(const std::string& kind) const;
  const OidcProviderConfig& settings_of(const std::string& kind) const;
  Result<db::SessionRecord> session_for(const std::string& kind, const nlohmann::json& claims,
                                        const std::string& id_token, Timestamp now);
  std::string redirect_uri() const { return api_.config.oidc_public_url + "/auth/callback"; }

  Api& api_;
  std::string origin_;
  std::unique_ptr<oidc::Provider> citizen_, staff_;
  std::multimap<std::string, std::string> group_roles_;

  struct Cached {
    db::SessionRecord record;
    std::optional<Cpr> citizen;
    std::chrono::steady_clock::time_point read_at;
  };
  Mutex mutex_;
  std::map<std::string, Cached> cache_ GUARDED_BY(mutex_);
};

}  // namespace sagsflow::server
