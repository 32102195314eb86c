// SqlStore: the access log (migrations 0005 and 0008) and the figures /metrics reports.
#include "store_impl.hpp"

namespace sagsflow::db {

SqlStore::Impl::AccessInsert& SqlStore::Impl::access_insert_statements() {
  if (!access_insert) access_insert = std::make_unique<AccessInsert>(sql, dialect);
  return *access_insert;
}

Result<long long> SqlStore::record_access(const AccessRecord& r) {
  const std::string what = r.case_id != 0      ? "recording a read of case " + r.case_number
                           : r.inquiry_id != 0 ? fmt::format("recording a read of inquiry {}", r.inquiry_id)
                                               : fmt::format("recording a read of appointment {}", r.appointment_id);
  if (r.case_id == 0 && r.inquiry_id == 0 && r.appointment_id == 0) {
    return InvalidArgument("an access record names the case, the inquiry or the appointment that was read");
  }
  if (impl_->deferred_access != nullptr) {
    impl_->deferred_access->push_back(r);
    return 0;
  }
  return guarded(*impl_, what, [&]() -> Result<long long> {
    // The transaction first: beginning it may re-establish a lost connection,
    // which drops (and so must come before taking) the prepared statements.
    Transaction tx(*impl_);
    auto& a = impl_->access_insert_statements();
    a.r = r;
    // 0 means none: stored as NULL (migration 0008).
    a.case_ind = r.case_id != 0 ? soci::i_ok : soci::i_null;
    a.inquiry_ind = r.inquiry_id != 0 ? soci::i_ok : soci::i_null;
    a.appointment_ind = r.appointment_id != 0 ? soci::i_ok : soci::i_null;
    a.step.execute(true);
    const long long id = a.id;
    // RETURNING leaves the statement open on SQLite until it is stepped past its one row.
    while (a.step.fetch()) {
    }
    a.id = id;
    a.insert.execute(true);
    tx.commit();
    return a.id;
  });
}

Status SqlStore::record_accesses(const std::vector<AccessRecord>& rs) {
  if (rs.empty()) return Status::Ok();
  const size_t n = rs.size();
  std::vector<long long> ids(n), case_ids(n), inquiry_ids(n), appointment_ids(n);
  std::vector<soci::indicator> case_inds(n), inquiry_inds(n), appointment_inds(n);
  std::vector<std::string> at(n), municipality(n), case_number(n), actor(n), unit(n), authority(n), purpose(n), via(n);
  for (size_t i = 0; i < n; ++i) {
    const AccessRecord& r = rs[i];
    if (r.case_id == 0 && r.inquiry_id == 0 && r.appointment_id == 0) {
      return InvalidArgument("an access record names the case, the inquiry or the appointment that was read");
    }
    appointment_ids[i] = r.appointment_id;
    appointment_inds[i] = r.appointment_id != 0 ? soci::i_ok : soci::i_null;
    case_ids[i] = r.case_id;
    case_inds[i] = r.case_id != 0 ? soci::i_ok : soci::i_null;
    inquiry_ids[i] = r.inquiry_id;
    inquiry_inds[i] = r.inquiry_id != 0 ? soci::i_ok : soci::i_null;
    at[i] = r.at;
    municipality[i] = r.municipality;
    case_number[i] = r.case_number;
    actor[i] = r.actor;
    unit[i] = r.unit;
    authority[i] = r.authority;
    purpose[i] = r.purpose;
    via[i] = r.via;
  }
  if (impl_->deferred_access != nullptr) {
    impl_->deferred_access->insert(impl_->deferred_access->end(), rs.begin(), rs.end());
    return Status::Ok();
  }
  return guarded(*impl_, fmt::format("recording the reads of {} cases or inquiries", n), [&]() -> Status {
    Transaction tx(*impl_);
    // The ids of all of them in one step of the counter, then one bulk insert.
    const long long count = static_cast<long long>(n);
    if (impl_->dialect == Dialect::kPostgresql) {
      impl_->sql << "SELECT nextval('access_log_id_seq') FROM generate_series(1, :n)", soci::use(count),
          soci::into(ids);
    } else {
      long long last = 0;
      impl_->sql << "INSERT INTO counters (scope, name, value) VALUES ('*', 'access_log_id', :n) "
                    "ON CONFLICT (scope, name) DO UPDATE SET value = counters.value + :m RETURNING value",
          soci::use(count), soci::use(count), soci::into(last);
      for (size_t i = 0; i < n; ++i) ids[i] = last - count + 1 + static_cast<long long>(i);
    }
    impl_->sql << "INSERT INTO access_log (id, at, municipality, case_id, case_number, actor, unit, authority, "
                  "purpose, via, inquiry_id, appointment_id) VALUES (:id, :at, :m, :c, :n, :a, :u, :au, :p, :v, :i, "
                  ":ap)",
        soci::use(ids), soci::use(at), soci::use(municipality), soci::use(case_ids, case_inds),
        soci::use(case_number), soci::use(actor), soci::use(unit), soci::use(authority), soci::use(purpose),
        soci::use(via), soci::use(inquiry_ids, inquiry_inds), soci::use(appointment_ids, appointment_inds);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<AccessRecord>> SqlStore::list_access(const AccessFilter& f) {
  using List = std::vector<AccessRecord>;
  return guarded_read(*impl_, "reading the access log", [&]() -> Result<List> {
    std::vector<std::string> params;
    params.reserve(5);
    std::string query =
        "SELECT id, at, municipality, case_id, case_number, actor, unit, authority, purpose, via, inquiry_id, "
        "appointment_id FROM access_log WHERE 1 = 1";
    const auto add = [&](const char* condition, std::string value) {
      query += fmt::format(" AND {} :p{}", condition, params.size());
      params.push_back(std::move(value));
    };
    if (f.municipality) add("municipality =", *f.municipality);
    if (f.actor) add("actor =", *f.actor);
    if (f.from) add("at >=", *f.from);
    if (f.to) add("at <", *f.to);
    // Both by an index (access_log_by_case, access_log_by_inquiry).
    if (f.case_id) query += fmt::format(" AND case_id = {}", *f.case_id);
    if (f.inquiry_id) query += fmt::format(" AND inquiry_id = {}", *f.inquiry_id);
    query += fmt::format(" ORDER BY id DESC LIMIT {}", std::max(1, f.limit));

    AccessRecord r;
    soci::indicator case_ind = soci::i_null, inquiry_ind = soci::i_null, appointment_ind = soci::i_null;
    soci::statement st(impl_->sql);
    for (auto& p : params) st.exchange(soci::use(p));
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.at));
    st.exchange(soci::into(r.municipality));
    st.exchange(soci::into(r.case_id, case_ind));
    st.exchange(soci::into(r.case_number));
    st.exchange(soci::into(r.actor));
    st.exchange(soci::into(r.unit));
    st.exchange(soci::into(r.authority));
    st.exchange(soci::into(r.purpose));
    st.exchange(soci::into(r.via));
    st.exchange(soci::into(r.inquiry_id, inquiry_ind));
    st.exchange(soci::into(r.appointment_id, appointment_ind));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    List out;
    while (st.fetch()) {
      AccessRecord row = r;
      if (case_ind != soci::i_ok) row.case_id = 0;
      if (inquiry_ind != soci::i_ok) row.inquiry_id = 0;
      if (appointment_ind != soci::i_ok) row.appointment_id = 0;
      out.push_back(std::move(row));
    }
    return out;
  });
}

Result<std::map<std::string, long long>> SqlStore::count_events_by_action(Counting how) {
  using Counts = std::map<std::string, long long>;
  return guarded_read(*impl_, "counting case events", [&]() -> Result<Counts> {
    // The kept counts: one row per action and shard (migration 11).
    const char* query = how == Counting::kKept
                            ? "SELECT action, CAST(SUM(n) AS BIGINT) FROM case_action_counts GROUP BY action HAVING SUM(n) > 0"
                            : "SELECT action, COUNT(*) FROM case_events GROUP BY action";
    std::string action;
    long long n = 0;
    soci::statement st = (impl_->sql.prepare << query, soci::into(action), soci::into(n));
    st.execute();
    Counts out;
    while (st.fetch()) out[action] = n;
    return out;
  });
}

Result<std::vector<SqlStore::QueueCount>> SqlStore::count_open_cases_by_queue(Counting how) {
  using List = std::vector<QueueCount>;
  return guarded_read(*impl_, "counting open cases by queue", [&]() -> Result<List> {
    const char* query =
        how == Counting::kKept
            ? "SELECT municipality, queue_kind, queue_id, CAST(SUM(n) AS BIGINT) FROM open_case_counts "
              "GROUP BY municipality, queue_kind, queue_id HAVING SUM(n) <> 0 "
              "ORDER BY municipality, queue_kind, queue_id"
            : "SELECT municipality, COALESCE(queue_kind, ''), COALESCE(queue_id, ''), COUNT(*) FROM cases "
              "WHERE status = 'open' GROUP BY municipality, COALESCE(queue_kind, ''), COALESCE(queue_id, '') "
              "ORDER BY 1, 2, 3";
    QueueCount c;
    soci::statement st = (impl_->sql.prepare << query, soci::into(c.municipality), soci::into(c.queue_kind),
                          soci::into(c.queue_id), soci::into(c.count));
    st.execute();
    List out;
    while (st.fetch()) out.push_back(c);
    return out;
  });
}

Result<std::vector<SqlStore::OpenCount>> SqlStore::count_open_cases() {
  using List = std::vector<OpenCount>;
  return guarded_read(*impl_, "counting open cases", [&]() -> Result<List> {
    OpenCount c;
    soci::statement st = (impl_->sql.prepare << "SELECT municipality, workflow_id, stage, COUNT(*) FROM cases "
                                                 "WHERE status = 'open' GROUP BY municipality, workflow_id, stage "
                                                 "ORDER BY municipality, workflow_id, stage",
                          soci::into(c.municipality), soci::into(c.workflow_id), soci::into(c.stage),
                          soci::into(c.count));
    st.execute();
    List out;
    while (st.fetch()) out.push_back(c);
    return out;
  });
}

}  // namespace sagsflow::db
