// SqlStore: the installation's plugin records (migration 0002).
#include "store_impl.hpp"

namespace sagsflow::db {

Status SqlStore::record_plugin(const InstalledPlugin& p) {
  return guarded(*impl_, "recording plugin " + p.id, [&]() -> Status {
    Transaction tx(*impl_);
    const int enabled = p.enabled ? 1 : 0;
    impl_->sql << "DELETE FROM installed_plugins WHERE id = :id", soci::use(p.id);
    impl_->sql << "INSERT INTO installed_plugins (id, version, file_name, sha256, workflow_id, enabled, installed_at, "
                  "disabled_reason) VALUES (:id, :v, :f, :s, :w, :e, :at, :r)",
        soci::use(p.id), soci::use(p.version), soci::use(p.file_name), soci::use(p.sha256),
        soci::use(p.workflow_id), soci::use(enabled), soci::use(p.installed_at), soci::use(p.disabled_reason);
    impl_->sql << "UPDATE plugin_deliveries SET next_attempt_at = '' WHERE plugin_id = :id", soci::use(p.id);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<InstalledPlugin>> SqlStore::installed_plugins() {
  return guarded_read(*impl_, "listing plugins", [&]() -> Result<std::vector<InstalledPlugin>> {
    std::vector<InstalledPlugin> out;
    InstalledPlugin p;
    int enabled = 0;
    soci::statement st = (impl_->sql.prepare << "SELECT id, version, file_name, sha256, workflow_id, enabled, "
                                                "installed_at, disabled_reason FROM installed_plugins ORDER BY id",
                          soci::into(p.id), soci::into(p.version), soci::into(p.file_name), soci::into(p.sha256),
                          soci::into(p.workflow_id), soci::into(enabled), soci::into(p.installed_at),
                          soci::into(p.disabled_reason));
    st.execute();
    while (st.fetch()) {
      p.enabled = enabled != 0;
      out.push_back(p);
    }
    return out;
  });
}

Status SqlStore::set_plugin_enabled(const std::string& id, bool enabled) {
  return guarded(*impl_, "changing plugin " + id, [&]() -> Status {
    Transaction tx(*impl_);
    const int value = enabled ? 1 : 0;
    soci::statement st = (impl_->sql.prepare << "UPDATE installed_plugins SET enabled = :e, disabled_reason = '' "
                                                "WHERE id = :id",
                          soci::use(value), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() != 1) return NotFound("plugin '" + id + "' is not installed");
    if (enabled) {
      impl_->sql << "UPDATE plugin_deliveries SET next_attempt_at = '' WHERE plugin_id = :id", soci::use(id);
    }
    tx.commit();
    return Status::Ok();
  });
}

Status SqlStore::disable_plugin_for(const std::string& id, const std::string& reason) {
  return guarded(*impl_, "disabling plugin " + id, [&]() -> Status {
    soci::statement st = (impl_->sql.prepare << "UPDATE installed_plugins SET enabled = 0, disabled_reason = :r "
                                                "WHERE id = :id",
                          soci::use(reason), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() != 1) return NotFound("plugin '" + id + "' is not installed");
    return Status::Ok();
  });
}

Result<PluginDelivery> SqlStore::plugin_delivery(const std::string& plugin, long long case_id) {
  return guarded_read(*impl_, "reading the plugin delivery of a case", [&]() -> Result<PluginDelivery> {
    auto& f = impl_->frequent_statements();
    f.delivery = PluginDelivery{plugin, case_id, 0, 0, "", 0, ""};
    f.delivered_ind = soci::i_null;
    const bool found = f.delivery_load.execute(true);
    while (f.delivery_load.fetch()) {  // stepped to its end: no read snapshot left open
    }
    if (!found) return PluginDelivery{plugin, case_id, 0, 0, "", 0, ""};
    if (f.delivered_ind != soci::i_ok) f.delivery.delivered_seq = 0;
    return f.delivery;
  });
}

Status SqlStore::save_plugin_delivery(const PluginDelivery& d) {
  return guarded(*impl_, "recording the plugin delivery of a case", [&]() -> Status {
    // The transaction first: beginning it may re-establish a lost connection,
    // which drops (and so must come before taking) the prepared statements.
    Transaction tx(*impl_);
    auto& f = impl_->frequent_statements();
    f.delivery = d;
    f.delivery_remove.execute(true);
    f.delivery_insert.execute(true);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<PluginDelivery>> SqlStore::pending_plugin_deliveries(const std::string& plugin,
                                                                        const std::string& workflow_id,
                                                                        const std::string& now, int limit) {
  return guarded_read(*impl_, "listing pending plugin deliveries", [&]() -> Result<std::vector<PluginDelivery>> {
    std::vector<PluginDelivery> out;
    PluginDelivery d;
    d.plugin = plugin;
    const std::string query = fmt::format(
        "SELECT c.id, COALESCE(d.delivered_seq, 0), COALESCE(d.attempts, 0), COALESCE(d.next_attempt_at, ''), "
        "COALESCE(d.incident_seq, 0), COALESCE(d.last_error, '') FROM cases c LEFT JOIN plugin_deliveries d "
        "ON d.plugin_id = :p AND d.case_id = c.id WHERE c.workflow_id = :w AND c.version > COALESCE(d.delivered_seq, 0) "
        "AND COALESCE(d.next_attempt_at, '') <= :now ORDER BY c.id LIMIT {}",
        std::max(1, limit));
    soci::statement st = (impl_->sql.prepare << query, soci::use(plugin), soci::use(workflow_id), soci::use(now),
                          soci::into(d.case_id), soci::into(d.delivered_seq), soci::into(d.attempts),
                          soci::into(d.next_attempt_at), soci::into(d.incident_seq), soci::into(d.last_error));
    st.execute();
    while (st.fetch()) out.push_back(d);
    return out;
  });
}

Status SqlStore::forget_plugin(const std::string& id) {
  return guarded(*impl_, "removing plugin " + id, [&]() -> Status {
    soci::statement st = (impl_->sql.prepare << "DELETE FROM installed_plugins WHERE id = :id", soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() != 1) return NotFound("plugin '" + id + "' is not installed");
    return Status::Ok();
  });
}

Result<long long> SqlStore::count_open_cases(const std::string& workflow_id) {
  return guarded_read(*impl_, "counting open cases", [&]() -> Result<long long> {
    long long n = 0;
    impl_->sql << "SELECT COUNT(*) FROM cases WHERE workflow_id = :w AND status = 'open'", soci::use(workflow_id),
        soci::into(n);
    return n;
  });
}

}  // namespace sagsflow::db
