// SqlStore: the installation's plugin records (migration 0002).
#include "store_impl.hpp"

namespace sagsflow::db {

Status SqlStore::record_plugin(const InstalledPlugin& p) {
  return guarded("recording plugin " + p.id, [&]() -> Status {
    Transaction tx(*impl_);
    const int enabled = p.enabled ? 1 : 0;
    impl_->sql << "DELETE FROM installed_plugins WHERE id = :id", soci::use(p.id);
    impl_->sql << "INSERT INTO installed_plugins (id, version, file_name, sha256, workflow_id, enabled, installed_at) "
                  "VALUES (:id, :v, :f, :s, :w, :e, :at)",
        soci::use(p.id), soci::use(p.version), soci::use(p.file_name), soci::use(p.sha256),
        soci::use(p.workflow_id), soci::use(enabled), soci::use(p.installed_at);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<InstalledPlugin>> SqlStore::installed_plugins() {
  return guarded("listing plugins", [&]() -> Result<std::vector<InstalledPlugin>> {
    std::vector<InstalledPlugin> out;
    InstalledPlugin p;
    int enabled = 0;
    soci::statement st = (impl_->sql.prepare << "SELECT id, version, file_name, sha256, workflow_id, enabled, "
                                                "installed_at FROM installed_plugins ORDER BY id",
                          soci::into(p.id), soci::into(p.version), soci::into(p.file_name), soci::into(p.sha256),
                          soci::into(p.workflow_id), soci::into(enabled), soci::into(p.installed_at));
    st.execute();
    while (st.fetch()) {
      p.enabled = enabled != 0;
      out.push_back(p);
    }
    return out;
  });
}

Status SqlStore::set_plugin_enabled(const std::string& id, bool enabled) {
  return guarded("changing plugin " + id, [&]() -> Status {
    const int value = enabled ? 1 : 0;
    soci::statement st = (impl_->sql.prepare << "UPDATE installed_plugins SET enabled = :e WHERE id = :id",
                          soci::use(value), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() != 1) return NotFound("plugin '" + id + "' is not installed");
    return Status::Ok();
  });
}

Status SqlStore::forget_plugin(const std::string& id) {
  return guarded("removing plugin " + id, [&]() -> Status {
    soci::statement st = (impl_->sql.prepare << "DELETE FROM installed_plugins WHERE id = :id", soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() != 1) return NotFound("plugin '" + id + "' is not installed");
    return Status::Ok();
  });
}

Result<long long> SqlStore::count_open_cases(const std::string& workflow_id) {
  return guarded("counting open cases", [&]() -> Result<long long> {
    long long n = 0;
    impl_->sql << "SELECT COUNT(*) FROM cases WHERE workflow_id = :w AND status = 'open'", soci::use(workflow_id),
        soci::into(n);
    return n;
  });
}

}  // namespace sagsflow::db
