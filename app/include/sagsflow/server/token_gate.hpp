// TokenGate: what the server asks of a bearer token before a request goes on.
//
// authenticate() verifies the token (TokenService), refuses it when its jti
// is on the installation's revocation list, and turns a citizen token's
// opaque subject back into the citizen's CPR number. Both come from the
// installation's database through the sources the gate is given:
// - the revocation list is held in memory and reloaded when it is older than
//   `refresh` at the next request; a revocation written by any node is
//   honoured by every node at most `refresh` (plus the few milliseconds of one
//   reload) after it was stored. While a reload fails (the database is away)
//   the last list stays in use and the failure is logged; it is retried after
//   another `refresh`.
// - citizen subjects are looked up on first use and then cached (a subject
//   never changes its citizen); unknown subjects are not cached. The cache
//   holds at most kMaxCachedSubjects and starts over when full.
//
// Every refusal is kForbidden naming what is wrong (the server answers 401);
// a source's failure while looking up a subject is kStorage (503).
//
// Thread-safety: all methods may be called from any number of threads. The
// sources are called without the gate's lock held (they may take locks of
// their own), and by one thread at a time for reloads of the revocation list.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/server/tokens.hpp"

namespace sagsflow::server {

class TokenGate {
 public:
  // The jtis still to refuse at `now`.
  using RevokedSource = std::function<Result<std::set<std::string>>(Timestamp now)>;
  // The citizen with this subject in this municipality, or nothing.
  using SubjectSource =
      std::function<Result<std::optional<Cpr>>(const std::string& municipality, const std::string& subject)>;

  static constexpr std::size_t kMaxCachedSubjects = 100000;

  TokenGate(TokenService tokens, RevokedSource revoked, SubjectSource subjects, std::chrono::milliseconds refresh);

  // Loads the revocation list now: the server calls it at start, and does not
  // start when it fails (the source's status).
  Status load_revocations(Timestamp now) EXCLUDES(mutex_);
  // The caller behind `token` at `now`: kForbidden as above; kStorage when a
  // citizen's subject cannot be looked up.
  Result<Principal> authenticate(std::string_view token, Timestamp now) EXCLUDES(mutex_);

  // The citizen with `subject` in `municipality`, through the same cache as
  // citizen tokens (sign-in sessions hold the subject): kForbidden when the
  // subject is unknown, kStorage when it cannot be looked up.
  Result<Cpr> citizen_of(const std::string& municipality, const std::string& subject) EXCLUDES(mutex_) {
    return citizen(municipality, subject);
  }

  const TokenService& tokens() const { return tokens_; }
  std::chrono::milliseconds refresh_interval() const { return refresh_; }

 private:
  Result<Principal> authenticate_unguarded(std::string_view token, Timestamp now) EXCLUDES(mutex_);
  bool revoked(const std::string& jti, Timestamp now) EXCLUDES(mutex_);
  Result<Cpr> citizen(const std::string& municipality, const std::string& subject) EXCLUDES(mutex_);

  const TokenService tokens_;
  const RevokedSource revoked_source_;
  const SubjectSource subject_source_;
  const std::chrono::milliseconds refresh_;

  Mutex mutex_;
  std::set<std::string> revoked_ GUARDED_BY(mutex_);
  std::chrono::steady_clock::time_point loaded_at_ GUARDED_BY(mutex_){};
  bool reloading_ GUARDED_BY(mutex_) = false;
  std::map<std::pair<std::string, std::string>, Cpr> subjects_ GUARDED_BY(mutex_);
};

}  // namespace sagsflow::server
