// SqlStore: self-service drafts and the register of exemptions from
// mandatory digital self-service (migration 18).
#include "store_impl.hpp"

namespace sagsflow::db {

Status SqlStore::put_draft(const Cpr& citizen, const std::string& municipality, const SelfServiceDraft& d) {
  return guarded(*impl_, "saving a self-service draft", [&]() -> Status {
    Transaction tx(*impl_);
    const std::string cpr = citizen.reveal();
    const std::string fields = d.fields.dump();
    impl_->sql << "DELETE FROM self_service_drafts WHERE citizen = :c AND municipality = :m AND service = :s",
        soci::use(cpr), soci::use(municipality), soci::use(d.service);
    impl_->sql << "INSERT INTO self_service_drafts (citizen, municipality, service, fields, saved_at) "
                  "VALUES (:c, :m, :s, :f, :a)",
        soci::use(cpr), soci::use(municipality), soci::use(d.service), soci::use(fields), soci::use(d.saved_at);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::optional<SelfServiceDraft>> SqlStore::load_draft(const Cpr& citizen, const std::string& municipality,
                                                             const std::string& service) {
  using One = std::optional<SelfServiceDraft>;
  return guarded_read(*impl_, "reading a self-service draft", [&]() -> Result<One> {
    const std::string cpr = citizen.reveal();
    std::string fields, saved_at;
    impl_->sql << "SELECT fields, saved_at FROM self_service_drafts WHERE citizen = :c AND municipality = :m AND "
                  "service = :s",
        soci::use(cpr), soci::use(municipality), soci::use(service), soci::into(fields), soci::into(saved_at);
    if (!impl_->sql.got_data()) return One();
    SelfServiceDraft d;
    d.service = service;
    d.fields = nlohmann::json::parse(fields, nullptr, false);
    if (d.fields.is_discarded() || !d.fields.is_object()) d.fields = nlohmann::json::object();
    d.saved_at = saved_at;
    return One(std::move(d));
  });
}

Result<bool> SqlStore::delete_draft(const Cpr& citizen, const std::string& municipality, const std::string& service) {
  return guarded(*impl_, "deleting a self-service draft", [&]() -> Result<bool> {
    Transaction tx(*impl_);
    const std::string cpr = citizen.reveal();
    soci::statement st = (impl_->sql.prepare << "DELETE FROM self_service_drafts WHERE citizen = :c AND "
                                                "municipality = :m AND service = :s",
                          soci::use(cpr), soci::use(municipality), soci::use(service));
    st.execute(true);
    const bool removed = st.get_affected_rows() > 0;
    tx.commit();
    return removed;
  });
}

Status SqlStore::put_self_service_exemption(const SelfServiceExemption& e) {
  return guarded(*impl_, "registering an exemption from digital self-service", [&]() -> Status {
    Transaction tx(*impl_);
    const std::string cpr = e.cpr.reveal();
    impl_->sql << "INSERT INTO self_service_exemptions (cpr, reason, registered_by, registered_at) VALUES (:c, :r, "
                  ":b, :a) ON CONFLICT (cpr) DO UPDATE SET reason = :r2, registered_by = :b2, registered_at = :a2",
        soci::use(cpr), soci::use(e.reason), soci::use(e.registered_by), soci::use(e.registered_at),
        soci::use(e.reason), soci::use(e.registered_by), soci::use(e.registered_at);
    tx.commit();
    return Status::Ok();
  });
}

Result<bool> SqlStore::remove_self_service_exemption(const Cpr& cpr) {
  return guarded(*impl_, "removing an exemption from digital self-service", [&]() -> Result<bool> {
    Transaction tx(*impl_);
    const std::string key = cpr.reveal();
    soci::statement st =
        (impl_->sql.prepare << "DELETE FROM self_service_exemptions WHERE cpr = :c", soci::use(key));
    st.execute(true);
    const bool removed = st.get_affected_rows() > 0;
    tx.commit();
    return removed;
  });
}

Result<std::optional<SelfServiceExemption>> SqlStore::self_service_exemption(const Cpr& cpr) {
  using One = std::optional<SelfServiceExemption>;
  return guarded_read(*impl_, "reading the register of exemptions from digital self-service", [&]() -> Result<One> {
    const std::string key = cpr.reveal();
    SelfServiceExemption e{cpr, {}, {}, {}};
    impl_->sql << "SELECT reason, registered_by, registered_at FROM self_service_exemptions WHERE cpr = :c",
        soci::use(key), soci::into(e.reason), soci::into(e.registered_by), soci::into(e.registered_at);
    if (!impl_->sql.got_data()) return One();
    return One(std::move(e));
  });
}

Result<bool> SqlStore::served_on_paper(const Cpr& cpr) {
  auto post = digital_post_exemption(cpr);
  if (!post.ok()) return post.status();
  if (*post) return true;
  auto self = self_service_exemption(cpr);
  if (!self.ok()) return self.status();
  return self->has_value();
}

}  // namespace sagsflow::db
