// SqlStore: the installation's plugin records (migration 0002).
#include <algorithm>

#include "store_impl.hpp"

namespace sagsflow::db {

// A plugin installed or enabled again hears what it has not heard: the cases
// its cursor is behind on go (back) into the outbox. One pass over the cases,
// at an admin's command, never on a request. Inside the caller's transaction.
void SqlStore::seed_outbox_for(const std::string& plugin) {
  impl_->sql << "INSERT INTO plugin_outbox (case_id, workflow_id, seq) SELECT c.id, c.workflow_id, c.version "
                "FROM cases c LEFT JOIN plugin_deliveries d ON d.plugin_id = :p AND d.case_id = c.id "
                "WHERE c.version > COALESCE(d.delivered_seq, 0) ON CONFLICT (case_id) DO NOTHING",
      soci::use(plugin);
}

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
    seed_outbox_for(p.id);
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
      seed_outbox_for(id);
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
    // From the outbox (migration 10): only cases with events not yet known to be heard.
    const std::string query = fmt::format(
        "SELECT o.case_id, COALESCE(d.delivered_seq, 0), COALESCE(d.attempts, 0), COALESCE(d.next_attempt_at, ''), "
        "COALESCE(d.incident_seq, 0), COALESCE(d.last_error, '') FROM plugin_outbox o LEFT JOIN plugin_deliveries d "
        "ON d.plugin_id = :p AND d.case_id = o.case_id WHERE o.workflow_id = :w AND o.seq > COALESCE(d.delivered_seq, 0) "
        "AND COALESCE(d.next_attempt_at, '') <= :now ORDER BY o.case_id LIMIT {}",
        std::max(1, limit));
    soci::statement st = (impl_->sql.prepare << query, soci::use(plugin), soci::use(workflow_id), soci::use(now),
                          soci::into(d.case_id), soci::into(d.delivered_seq), soci::into(d.attempts),
                          soci::into(d.next_attempt_at), soci::into(d.incident_seq), soci::into(d.last_error));
    st.execute();
    while (st.fetch()) out.push_back(d);
    return out;
  });
}

Result<std::vector<long long>> SqlStore::claim_plugin_outbox(const std::string& workflow_id, const std::string& holder,
                                                             const std::string& now, const std::string& until,
                                                             int limit) {
  return guarded(*impl_, "claiming plugin deliveries", [&]() -> Result<std::vector<long long>> {
    Transaction tx(*impl_);
    // PostgreSQL: a row another node is claiming right now is skipped, not waited for.
    const std::string query = fmt::format(
        "UPDATE plugin_outbox SET claimed_by = :h, claimed_until = :u WHERE case_id IN (SELECT case_id FROM "
        "plugin_outbox WHERE workflow_id = :w AND (claimed_by = '' OR claimed_by = :h2 OR claimed_until <= :now) "
        "ORDER BY case_id LIMIT {}{}) RETURNING case_id",
        std::max(1, limit), impl_->dialect == Dialect::kPostgresql ? " FOR UPDATE SKIP LOCKED" : "");
    std::vector<long long> out;
    long long id = 0;
    soci::statement st = (impl_->sql.prepare << query, soci::use(holder), soci::use(until), soci::use(workflow_id),
                          soci::use(holder), soci::use(now), soci::into(id));
    st.execute();
    while (st.fetch()) out.push_back(id);
    tx.commit();
    std::sort(out.begin(), out.end());
    return out;
  });
}

Status SqlStore::settle_plugin_outbox(const std::string& plugin, const std::vector<long long>& cases,
                                      const std::string& holder) {
  if (cases.empty()) return Status::Ok();
  return guarded(*impl_, "settling plugin deliveries", [&]() -> Status {
    Transaction tx(*impl_);
    long long id = 0;
    soci::statement heard = (impl_->sql.prepare << "DELETE FROM plugin_outbox WHERE case_id = :c AND seq <= "
                                                   "COALESCE((SELECT delivered_seq FROM plugin_deliveries WHERE "
                                                   "plugin_id = :p AND case_id = :c2), 0)",
                             soci::use(id), soci::use(plugin), soci::use(id));
    soci::statement release = (impl_->sql.prepare << "UPDATE plugin_outbox SET claimed_by = '', claimed_until = '' "
                                                     "WHERE case_id = :c AND claimed_by = :h",
                               soci::use(id), soci::use(holder));
    for (long long c : cases) {
      id = c;
      heard.execute(true);
      if (heard.get_affected_rows() == 0) release.execute(true);
    }
    tx.commit();
    return Status::Ok();
  });
}

Status SqlStore::drop_plugin_outbox(const std::string& workflow_id) {
  return guarded(*impl_, "clearing the plugin outbox of workflow " + workflow_id, [&]() -> Status {
    impl_->sql << "DELETE FROM plugin_outbox WHERE workflow_id = :w", soci::use(workflow_id);
    return Status::Ok();
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
