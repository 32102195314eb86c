// SqlStore: the counts the channel reports are built from.
#include "sagsflow/reports/channel_report.hpp"
#include "sagsflow/domain/time.hpp"
#include "store_impl.hpp"

namespace sagsflow::db {

namespace {

// A YYYY-MM-DD day: the daily aggregates serve a period of whole days.
bool is_day(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

Result<std::vector<InquiryCount>> SqlStore::count_inquiries(const InquiryCountFilter& f, Counting how) {
  using List = std::vector<InquiryCount>;
  return guarded_read(*impl_, "counting inquiries", [&]() -> Result<List> {
    std::vector<std::string> params{f.municipality, f.from, f.to};
    // For days, `at >= from AND at < to` selects exactly the inquiries whose
    // day (the first ten characters of `at`) is in [from, to): the aggregates
    // of migration 11 give the same counts from one row per day and group.
    const bool kept = how == Counting::kKept && is_day(f.from) && is_day(f.to);
    // Without a unit or area the totals (one row a day per channel, type and
    // outcome) serve; a filter needs the rows by unit and area.
    const char* aggregate = f.unit || f.area ? "inquiry_day_counts" : "inquiry_day_totals";
    std::string query =
        kept ? fmt::format("SELECT day, channel, inquiry_type, resolved_on_the_spot, with_form, other_authority, "
                           "forwarded, CAST(SUM(n) AS BIGINT) FROM {} WHERE municipality = :p0 AND day >= :p1 "
                           "AND day < :p2",
                           aggregate)
             : "SELECT substr(at, 1, 10), channel, inquiry_type, resolved_on_the_spot, with_form, "
               "CASE WHEN acting_authority <> owning_authority THEN 1 ELSE 0 END, "
               "CASE WHEN forwarded_to <> '' THEN 1 ELSE 0 END, COUNT(*) "
               "FROM inquiries WHERE municipality = :p0 AND at >= :p1 AND at < :p2";
    if (f.unit) {
      query += fmt::format(" AND unit = :p{}", params.size());
      params.push_back(*f.unit);
    }
    if (f.area) {
      query += fmt::format(" AND area = :p{}", params.size());
      params.push_back(*f.area);
    }
    query += " GROUP BY 1, 2, 3, 4, 5, 6, 7";
    if (kept) query += " HAVING SUM(n) <> 0";
    query += " ORDER BY 1, 2, 3, 4, 5, 6, 7";
    std::string day, channel, type;
    int resolved = 0, with_form = 0, other = 0, forwarded = 0;
    long long n = 0;
    soci::statement st(impl_->sql);
    for (auto& p : params) st.exchange(soci::use(p));
    st.exchange(soci::into(day));
    st.exchange(soci::into(channel));
    st.exchange(soci::into(type));
    st.exchange(soci::into(resolved));
    st.exchange(soci::into(with_form));
    st.exchange(soci::into(other));
    st.exchange(soci::into(forwarded));
    st.exchange(soci::into(n));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    List out;
    while (st.fetch()) {
      auto c = channel_from_key(channel);
      auto t = inquiry_type_from_key(type);
      if (!c || !t) return Internal(fmt::format("the inquiry register has an unknown channel or type ({}, {})", channel, type));
      out.push_back({day, *c, *t, resolved != 0, with_form != 0, other != 0, forwarded != 0, n});
    }
    return out;
  });
}

namespace {

// " AND unit = :pN AND area = :pN+1" for the filter's unit and area, their values added to `params`.
std::string unit_and_area(const InquiryCountFilter& f, std::vector<std::string>& params, const char* prefix = "") {
  std::string where;
  if (f.unit) {
    where += fmt::format(" AND {}unit = :p{}", prefix, params.size());
    params.push_back(*f.unit);
  }
  if (f.area) {
    where += fmt::format(" AND {}area = :p{}", prefix, params.size());
    params.push_back(*f.area);
  }
  return where;
}

}  // namespace

Result<std::vector<InquiryHourCount>> SqlStore::count_inquiries_by_hour(const InquiryCountFilter& f) {
  using List = std::vector<InquiryHourCount>;
  return guarded_read(*impl_, "counting inquiries by hour", [&]() -> Result<List> {
    std::vector<std::string> params{f.municipality, f.from, f.to};
    std::string query = "SELECT substr(at, 1, 13), channel, COUNT(*) FROM inquiries WHERE municipality = :p0 "
                        "AND at >= :p1 AND at < :p2";
    query += unit_and_area(f, params);
    query += " GROUP BY 1, 2 ORDER BY 1, 2";
    std::string hour, channel;
    long long n = 0;
    soci::statement st(impl_->sql);
    for (auto& p : params) st.exchange(soci::use(p));
    st.exchange(soci::into(hour));
    st.exchange(soci::into(channel));
    st.exchange(soci::into(n));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    List out;
    while (st.fetch()) {
      auto c = channel_from_key(channel);
      if (!c) return Internal(fmt::format("the inquiry register has an unknown channel ({})", channel));
      out.push_back({hour, *c, n});
    }
    return out;
  });
}

Result<std::vector<InquiryAreaCount>> SqlStore::count_inquiries_by_area(const InquiryCountFilter& f, Counting how) {
  using List = std::vector<InquiryAreaCount>;
  return guarded_read(*impl_, "counting inquiries by area", [&]() -> Result<List> {
    std::vector<std::string> params{f.municipality, f.from, f.to};
    const bool kept = how == Counting::kKept && is_day(f.from) && is_day(f.to);
    std::string query = kept ? "SELECT day, area, channel, CAST(SUM(n) AS BIGINT) FROM inquiry_day_counts "
                               "WHERE municipality = :p0 AND day >= :p1 AND day < :p2"
                             : "SELECT substr(at, 1, 10), area, channel, COUNT(*) FROM inquiries "
                               "WHERE municipality = :p0 AND at >= :p1 AND at < :p2";
    query += unit_and_area(f, params);
    query += " GROUP BY 1, 2, 3";
    if (kept) query += " HAVING SUM(n) <> 0";
    query += " ORDER BY 1, 2, 3";
    std::string day, area, channel;
    long long n = 0;
    soci::statement st(impl_->sql);
    for (auto& p : params) st.exchange(soci::use(p));
    st.exchange(soci::into(day));
    st.exchange(soci::into(area));
    st.exchange(soci::into(channel));
    st.exchange(soci::into(n));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    List out;
    while (st.fetch()) {
      auto c = channel_from_key(channel);
      if (!c) return Internal(fmt::format("the inquiry register has an unknown channel ({})", channel));
      out.push_back({day, area, *c, n});
    }
    return out;
  });
}

Result<std::vector<CaseAnswer>> SqlStore::case_answers(const InquiryCountFilter& f, const std::vector<Channel>& channels) {
  using List = std::vector<CaseAnswer>;
  if (channels.empty()) return List{};
  return guarded_read(*impl_, "reading when cases were answered", [&]() -> Result<List> {
    // A decision's event data holds {"decision":{...}} (case_state.hpp); the
    // text is matched, so a form field of that name could match too: each
    // candidate's data is parsed below before it counts.
    // The placeholders are bound in the order they occur in the text.
    std::vector<std::string> params{"%\"decision\":{%", f.municipality, f.from, f.to};
    std::string in;
    for (Channel c : channels) {
      in += fmt::format("{}:p{}", in.empty() ? "" : ", ", params.size());
      params.push_back(channel_key(c));
    }
    std::string query =
        "SELECT i.id, i.channel, i.area, i.at, c.status, c.updated_at, COALESCE(e.at, ''), COALESCE(e.data, '') "
        "FROM inquiries i JOIN cases c ON c.id = i.case_id "
        "LEFT JOIN case_events e ON e.case_id = c.id AND e.data LIKE :p0 "
        "WHERE i.municipality = :p1 AND i.at >= :p2 AND i.at < :p3 AND i.channel IN (" + in + ")";
    query += unit_and_area(f, params, "i.");
    query += " ORDER BY i.at, i.id, e.seq";
    long long id = 0;
    std::string channel, area, at, status, updated_at, event_at, event_data;
    soci::statement st(impl_->sql);
    for (auto& p : params) st.exchange(soci::use(p));
    st.exchange(soci::into(id));
    st.exchange(soci::into(channel));
    st.exchange(soci::into(area));
    st.exchange(soci::into(at));
    st.exchange(soci::into(status));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(event_at));
    st.exchange(soci::into(event_data));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    List out;
    // One row per inquiry and candidate event, in event order: the inquiry's
    // first decision answers it; without one its closing does.
    long long last_id = 0;
    bool decided = false;
    while (st.fetch()) {
      auto c = channel_from_key(channel);
      if (!c) return Internal(fmt::format("the inquiry register has an unknown channel ({})", channel));
      if (id != last_id || out.empty()) {
        last_id = id;
        decided = false;
        out.push_back({*c, area, at, status == "closed" ? updated_at : std::string()});
      }
      if (decided || event_at.empty()) continue;
      const auto data = nlohmann::json::parse(event_data, nullptr, false);
      if (data.is_object() && data.contains("decision")) {
        out.back().answered_at = event_at;
        decided = true;
      }
    }
    return out;
  });
}

Result<std::vector<SqlStore::OpenCaseGroup>> SqlStore::count_open_cases_by_day(const std::string& municipality,
                                                                               Counting how) {
  using List = std::vector<OpenCaseGroup>;
  return guarded_read(*impl_, "counting open cases by age", [&]() -> Result<List> {
    const char* query =
        how == Counting::kKept
            ? "SELECT queue_kind, queue_id, workflow_id, workflow_version, opened_day, CAST(SUM(n) AS BIGINT) "
              "FROM open_case_counts WHERE municipality = :m "
              "GROUP BY queue_kind, queue_id, workflow_id, workflow_version, opened_day HAVING SUM(n) <> 0 "
              "ORDER BY 1, 2, 3, 4, 5"
            : "SELECT COALESCE(queue_kind, ''), COALESCE(queue_id, ''), workflow_id, workflow_version, "
              "substr(opened_at, 1, 10), COUNT(*) FROM cases WHERE municipality = :m AND status = 'open' "
              "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5";
    std::string m = municipality;
    OpenCaseGroup g;
    soci::statement st = (impl_->sql.prepare << query, soci::use(m), soci::into(g.queue_kind), soci::into(g.queue_id),
                          soci::into(g.workflow_id), soci::into(g.workflow_version), soci::into(g.opened_day),
                          soci::into(g.count));
    st.execute();
    List out;
    while (st.fetch()) out.push_back(g);
    return out;
  });
}

Result<DeadlineCounts> SqlStore::count_deadlines(const std::string& municipality, const std::string& from,
                                                 const std::string& to, Counting how) {
  return guarded_read(*impl_, "counting deadlines", [&]() -> Result<DeadlineCounts> {
    DeadlineCounts d;
    if (how == Counting::kKept && is_day(from) && is_day(to)) {
      // For days, `updated_at >= from AND updated_at < to` selects exactly the
      // cases whose closing day (the first ten characters) is in [from, to).
      impl_->sql << "SELECT CAST(COALESCE(SUM(CASE WHEN breached = 0 THEN n ELSE 0 END), 0) AS BIGINT), "
                    "CAST(COALESCE(SUM(CASE WHEN breached = 1 THEN n ELSE 0 END), 0) AS BIGINT) FROM deadline_counts "
                    "WHERE municipality = :m AND status = 'closed' AND day >= :f AND day < :t",
          soci::use(municipality), soci::use(from), soci::use(to), soci::into(d.closed_in_time),
          soci::into(d.closed_after_breach);
      impl_->sql << "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM deadline_counts WHERE municipality = :m "
                    "AND status = 'open' AND day = '' AND breached = 1",
          soci::use(municipality), soci::into(d.open_breached);
      return d;
    }
    const std::string breached = "EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'deadline_passed')";
    impl_->sql << "SELECT COUNT(*) FROM cases c WHERE c.municipality = :m AND c.status = 'closed' AND c.updated_at >= :f "
                  "AND c.updated_at < :t AND NOT " + breached,
        soci::use(municipality), soci::use(from), soci::use(to), soci::into(d.closed_in_time);
    impl_->sql << "SELECT COUNT(*) FROM cases c WHERE c.municipality = :m AND c.status = 'closed' AND c.updated_at >= :f "
                  "AND c.updated_at < :t AND " + breached,
        soci::use(municipality), soci::use(from), soci::use(to), soci::into(d.closed_after_breach);
    impl_->sql << "SELECT COUNT(*) FROM cases c WHERE c.municipality = :m AND c.status = 'open' AND " + breached,
        soci::use(municipality), soci::into(d.open_breached);
    return d;
  });
}

Result<SqlStore::DueCounts> SqlStore::count_due(const std::string& municipality, Date today, int days) {
  if (days < 1) return InvalidArgument(fmt::format("a period of {} days: it must be at least 1", days));
  return guarded_read(*impl_, "counting cases by their deadlines", [&]() -> Result<DueCounts> {
    DueCounts d;
    const std::string from = format_date(today);
    const std::string until = format_date(today + std::chrono::days{days});
    // Both are ranges of cases_due_by_municipality (municipality, status, due_date).
    impl_->sql << "SELECT COUNT(*) FROM cases WHERE municipality = :m AND status = 'open' AND due_date IS NOT NULL "
                  "AND due_date < :d",
        soci::use(municipality), soci::use(from), soci::into(d.overdue);
    impl_->sql << "SELECT COUNT(*) FROM cases WHERE municipality = :m AND status = 'open' AND due_date >= :f "
                  "AND due_date < :t",
        soci::use(municipality), soci::use(from), soci::use(until), soci::into(d.due_within);
    return d;
  });
}

Result<std::vector<SqlStore::WorkloadRow>> SqlStore::count_workload(const std::string& municipality, Date today,
                                                                    Date soon) {
  using List = std::vector<WorkloadRow>;
  return guarded_read(*impl_, "counting the workload", [&]() -> Result<List> {
    // A deadline recorded as passed leaves due_date empty (the deadline
    // check no longer looks at it): the state says so.
    const char* breached = impl_->dialect == Dialect::kSqlite
                               ? "json_extract(state, '$.clock.breached') = 1"
                               : "(state::jsonb -> 'clock' ->> 'breached') = 'true'";
    const std::string query = fmt::format(
        "SELECT COALESCE(queue_kind, ''), COALESCE(queue_id, ''), COALESCE(assignee, ''), COUNT(*), "
        "SUM(CASE WHEN (due_date IS NOT NULL AND due_date < :t1) OR {} THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN due_date >= :t2 AND due_date < :s THEN 1 ELSE 0 END), MIN(opened_at) "
        "FROM cases WHERE municipality = :m AND status = 'open' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        breached);
    std::string t1 = format_date(today), t2 = t1, s = format_date(soon), m = municipality;
    WorkloadRow r;
    long long passed = 0, due = 0;
    soci::statement st = (impl_->sql.prepare << query, soci::use(t1), soci::use(t2), soci::use(s), soci::use(m),
                          soci::into(r.queue_kind), soci::into(r.queue_id), soci::into(r.assignee), soci::into(r.open),
                          soci::into(passed), soci::into(due), soci::into(r.oldest_opened_at));
    st.execute();
    List out;
    while (st.fetch()) {
      r.passed = passed;
      r.due_soon = due;
      out.push_back(r);
    }
    return out;
  });
}

}  // namespace sagsflow::db
