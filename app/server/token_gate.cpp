#include "sagsflow/server/token_gate.hpp"

#include <fmt/format.h>

#include "sagsflow/domain/log.hpp"

namespace sagsflow::server {

TokenGate::TokenGate(TokenService tokens, RevokedSource revoked, SubjectSource subjects,
                     std::chrono::milliseconds refresh)
    : tokens_(std::move(tokens)),
      revoked_source_(std::move(revoked)),
      subject_source_(std::move(subjects)),
      refresh_(refresh) {}

Status TokenGate::load_revocations(Timestamp now) {
  auto list = revoked_source_(now);
  if (!list.ok()) return list.status();
  MutexLock lock(mutex_);
  revoked_ = std::move(*list);
  loaded_at_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

bool TokenGate::revoked(const std::string& jti, Timestamp now) {
  {
    MutexLock lock(mutex_);
    const bool stale = std::chrono::steady_clock::now() - loaded_at_ >= refresh_;
    // One thread reloads; the others go on with the list as it was (at most one reload older).
    if (!stale || reloading_) return revoked_.contains(jti);
    reloading_ = true;
  }
  Result<std::set<std::string>> list = Internal("not loaded");
  try {
    list = revoked_source_(now);  // without the lock: the source takes the installation's
  } catch (const std::exception& e) {
    list = Internal(std::string("the source threw: ") + e.what());
  }
  MutexLock lock(mutex_);
  reloading_ = false;
  loaded_at_ = std::chrono::steady_clock::now();
  if (list.ok()) {
    revoked_ = std::move(*list);
  } else {
    logger()->error("the list of revoked tokens could not be reloaded (the last one stays in use): {}",
                    list.status().message());
  }
  return revoked_.contains(jti);
}

Result<Cpr> TokenGate::citizen(const std::string& municipality, const std::string& subject) {
  const auto key = std::make_pair(municipality, subject);
  {
    MutexLock lock(mutex_);
    if (const auto it = subjects_.find(key); it != subjects_.end()) return it->second;
  }
  auto found = subject_source_(municipality, subject);
  if (!found.ok()) return StorageError("the citizen behind the token cannot be looked up: " + found.status().message());
  if (!*found) return Forbidden(fmt::format("the citizen token's subject is unknown to municipality {}", municipality));
  MutexLock lock(mutex_);
  if (subjects_.size() >= kMaxCachedSubjects) subjects_.clear();
  subjects_.emplace(key, **found);
  return **found;
}

Result<Principal> TokenGate::authenticate(std::string_view token, Timestamp now) {
  try {
    return authenticate_unguarded(token, now);
  } catch (const std::exception& e) {  // a source that throws: the request is refused, the server keeps serving
    return StorageError(std::string("the token could not be checked: ") + e.what());
  }
}

Result<Principal> TokenGate::authenticate_unguarded(std::string_view token, Timestamp now) {
  auto who = tokens_.verify(token, now);
  if (!who.ok()) return who.status();
  if (revoked(who->token_id, now)) return Forbidden(fmt::format("the token {} has been revoked", who->token_id));
  if (who->kind == PrincipalKind::kCitizen) {
    auto cpr = citizen(who->municipality, who->citizen_subject);
    if (!cpr.ok()) return cpr.status();
    who->citizen = *cpr;
  }
  return who;
}

}  // namespace sagsflow::server
