// SqlStore: sign-in attempts and sessions (migration 17).
#include <sstream>

#include "store_impl.hpp"

namespace sagsflow::db {

namespace {

std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

std::vector<std::string> split_roles(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string r; std::getline(in, r, ',');) {
    if (!r.empty()) out.push_back(r);
  }
  return out;
}

}  // namespace

Status SqlStore::put_login_attempt(const LoginAttempt& r) {
  return guarded(*impl_, "storing a sign-in attempt", [&]() -> Status {
    Transaction tx(*impl_);
    impl_->sql << "DELETE FROM login_attempts WHERE expires_at <= :now", soci::use(r.created_at);
    long long taken = 0;
    impl_->sql << "SELECT COUNT(*) FROM login_attempts WHERE state_sha256 = :s", soci::use(r.state_sha256),
        soci::into(taken);
    if (taken > 0) return AlreadyExists("a sign-in attempt with this state is stored already");
    impl_->sql << "INSERT INTO login_attempts (state_sha256, provider, nonce, code_verifier, return_to, created_at, "
                  "expires_at) VALUES (:s, :p, :n, :v, :r, :c, :e)",
        soci::use(r.state_sha256), soci::use(r.provider), soci::use(r.nonce), soci::use(r.code_verifier),
        soci::use(r.return_to), soci::use(r.created_at), soci::use(r.expires_at);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::optional<LoginAttempt>> SqlStore::take_login_attempt(const std::string& state_sha256,
                                                                 const std::string& now) {
  using Found = std::optional<LoginAttempt>;
  return guarded(*impl_, "taking a sign-in attempt", [&]() -> Result<Found> {
    Transaction tx(*impl_);
    LoginAttempt r;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT state_sha256, provider, nonce, code_verifier, return_to, created_at, expires_at "
                  "FROM login_attempts WHERE state_sha256 = :s",
        soci::use(state_sha256), soci::into(r.state_sha256, ind), soci::into(r.provider), soci::into(r.nonce),
        soci::into(r.code_verifier), soci::into(r.return_to), soci::into(r.created_at), soci::into(r.expires_at);
    if (!impl_->sql.got_data() || ind != soci::i_ok) return Found();
    impl_->sql << "DELETE FROM login_attempts WHERE state_sha256 = :s", soci::use(state_sha256);
    tx.commit();
    if (r.expires_at <= now) return Found();
    return Found(std::move(r));
  });
}

Status SqlStore::put_session(const SessionRecord& r) {
  return guarded(*impl_, "storing a session", [&]() -> Status {
    Transaction tx(*impl_);
    long long taken = 0;
    impl_->sql << "SELECT COUNT(*) FROM sessions WHERE id_sha256 = :s", soci::use(r.id_sha256), soci::into(taken);
    if (taken > 0) return AlreadyExists("a session with this id is stored already");
    const std::string roles = join_roles(r.roles);
    impl_->sql << "INSERT INTO sessions (id_sha256, kind, provider, municipality, person, unit, roles, "
                  "citizen_subject, name, csrf_token, id_token, created_at, last_seen_at, idle_expires_at, "
                  "expires_at, ended_at) VALUES (:i, :k, :p, :m, :pe, :u, :r, :cs, :n, :csrf, :it, :c, :l, :ie, "
                  ":e, :en)",
        soci::use(r.id_sha256), soci::use(r.kind), soci::use(r.provider), soci::use(r.municipality),
        soci::use(r.person), soci::use(r.unit), soci::use(roles), soci::use(r.citizen_subject), soci::use(r.name),
        soci::use(r.csrf_token), soci::use(r.id_token), soci::use(r.created_at), soci::use(r.last_seen_at),
        soci::use(r.idle_expires_at), soci::use(r.expires_at), soci::use(r.ended_at);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::optional<SessionRecord>> SqlStore::session(const std::string& id_sha256) {
  using Found = std::optional<SessionRecord>;
  return guarded_read(*impl_, "reading a session", [&]() -> Result<Found> {
    SessionRecord r;
    std::string roles;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT id_sha256, kind, provider, municipality, person, unit, roles, citizen_subject, name, "
                  "csrf_token, id_token, created_at, last_seen_at, idle_expires_at, expires_at, ended_at "
                  "FROM sessions WHERE id_sha256 = :i",
        soci::use(id_sha256), soci::into(r.id_sha256, ind), soci::into(r.kind), soci::into(r.provider),
        soci::into(r.municipality), soci::into(r.person), soci::into(r.unit), soci::into(roles),
        soci::into(r.citizen_subject), soci::into(r.name), soci::into(r.csrf_token), soci::into(r.id_token),
        soci::into(r.created_at), soci::into(r.last_seen_at), soci::into(r.idle_expires_at),
        soci::into(r.expires_at), soci::into(r.ended_at);
    if (!impl_->sql.got_data() || ind != soci::i_ok) return Found();
    r.roles = split_roles(roles);
    return Found(std::move(r));
  });
}

Result<bool> SqlStore::touch_session(const std::string& id_sha256, const std::string& last_seen_at,
                                     const std::string& idle_expires_at) {
  return guarded(*impl_, "refreshing a session", [&]() -> Result<bool> {
    Transaction tx(*impl_);
    soci::statement st = (impl_->sql.prepare << "UPDATE sessions SET last_seen_at = :l, idle_expires_at = :ie "
                                                "WHERE id_sha256 = :i AND ended_at = ''",
                          soci::use(last_seen_at), soci::use(idle_expires_at), soci::use(id_sha256));
    st.execute(true);
    const bool found = st.get_affected_rows() > 0;
    tx.commit();
    return found;
  });
}

Result<bool> SqlStore::end_session(const std::string& id_sha256, const std::string& now) {
  return guarded(*impl_, "ending a session", [&]() -> Result<bool> {
    Transaction tx(*impl_);
    soci::statement st = (impl_->sql.prepare << "UPDATE sessions SET ended_at = :n, id_token = '' "
                                                "WHERE id_sha256 = :i AND ended_at = ''",
                          soci::use(now), soci::use(id_sha256));
    st.execute(true);
    const bool found = st.get_affected_rows() > 0;
    tx.commit();
    return found;
  });
}

Result<long long> SqlStore::remove_expired_sessions(const std::string& now, int limit) {
  return guarded(*impl_, "removing expired sessions", [&]() -> Result<long long> {
    Transaction tx(*impl_);
    soci::statement st =
        (impl_->sql.prepare << "DELETE FROM sessions WHERE id_sha256 IN (SELECT id_sha256 FROM sessions WHERE "
                               "ended_at <> '' OR expires_at <= :n OR idle_expires_at <= :n2 LIMIT :l)",
         soci::use(now), soci::use(now), soci::use(limit));
    st.execute(true);
    const long long removed = st.get_affected_rows();
    tx.commit();
    return removed;
  });
}

}  // namespace sagsflow::db
