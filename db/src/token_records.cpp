// SqlStore: revoked bearer tokens and citizens' opaque token subjects (migration 0006).
#include "store_impl.hpp"

namespace sagsflow::db {

Status SqlStore::revoke_token(const RevokedToken& r) {
  return guarded(*impl_, "revoking a token", [&]() -> Status {
    Transaction tx(*impl_);
    std::string by, at;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT revoked_by, revoked_at FROM revoked_tokens WHERE jti = :j", soci::use(r.jti),
        soci::into(by, ind), soci::into(at);
    if (impl_->sql.got_data() && ind == soci::i_ok) {
      return AlreadyExists(fmt::format("token {} was revoked already, at {} by {}", r.jti, at, by));
    }
    impl_->sql << "DELETE FROM revoked_tokens WHERE keep_until <= :now", soci::use(r.revoked_at);
    impl_->sql << "INSERT INTO revoked_tokens (jti, revoked_by, revoked_at, keep_until, reason) "
                  "VALUES (:j, :b, :a, :k, :r)",
        soci::use(r.jti), soci::use(r.revoked_by), soci::use(r.revoked_at), soci::use(r.keep_until),
        soci::use(r.reason);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<RevokedToken>> SqlStore::revoked_tokens(const std::string& now) {
  using List = std::vector<RevokedToken>;
  return guarded_read(*impl_, "reading the revoked tokens", [&]() -> Result<List> {
    RevokedToken r;
    soci::statement st = (impl_->sql.prepare << "SELECT jti, revoked_by, revoked_at, keep_until, reason "
                                                "FROM revoked_tokens WHERE keep_until > :now ORDER BY jti",
                          soci::use(now), soci::into(r.jti), soci::into(r.revoked_by), soci::into(r.revoked_at),
                          soci::into(r.keep_until), soci::into(r.reason));
    st.execute();
    List out;
    while (st.fetch()) out.push_back(r);
    return out;
  });
}

Result<std::string> SqlStore::citizen_subject(const std::string& municipality, const Cpr& cpr,
                                              const std::string& new_subject, const std::string& created_at) {
  return guarded_read(*impl_, "looking up a citizen's token subject", [&]() -> Result<std::string> {
    Transaction tx(*impl_);
    const std::string digits = cpr.reveal();
    std::string subject;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT subject FROM citizen_subjects WHERE municipality = :m AND cpr = :c", soci::use(municipality),
        soci::use(digits), soci::into(subject, ind);
    if (impl_->sql.got_data() && ind == soci::i_ok) return subject;
    long long taken = 0;
    impl_->sql << "SELECT COUNT(*) FROM citizen_subjects WHERE subject = :s", soci::use(new_subject), soci::into(taken);
    if (taken > 0) return AlreadyExists("the new token subject is another citizen's already");
    impl_->sql << "INSERT INTO citizen_subjects (subject, municipality, cpr, created_at) VALUES (:s, :m, :c, :at)",
        soci::use(new_subject), soci::use(municipality), soci::use(digits), soci::use(created_at);
    tx.commit();
    return new_subject;
  });
}

Result<std::optional<Cpr>> SqlStore::citizen_of_subject(const std::string& municipality, const std::string& subject) {
  return guarded_read(*impl_, "looking up a token subject", [&]() -> Result<std::optional<Cpr>> {
    std::string digits;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT cpr FROM citizen_subjects WHERE municipality = :m AND subject = :s", soci::use(municipality),
        soci::use(subject), soci::into(digits, ind);
    if (!impl_->sql.got_data() || ind != soci::i_ok) return std::optional<Cpr>();
    auto cpr = Cpr::parse(digits);
    if (!cpr.ok()) return Internal("a stored token subject's CPR number does not parse");
    return std::optional<Cpr>(*cpr);
  });
}

}  // namespace sagsflow::db
