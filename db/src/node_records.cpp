// SqlStore: what several server nodes share (migration 10): jobs and leases.
#include <algorithm>

#include "sagsflow/domain/time.hpp"
#include "store_impl.hpp"

namespace sagsflow::db {

Result<long long> SqlStore::start_job(const JobRecord& job) {
  return guarded(*impl_, "starting job " + job.kind, [&]() -> Result<long long> {
    Transaction tx(*impl_);
    const long long id = next_id(*impl_, "job_id");
    impl_->sql << "INSERT INTO jobs (id, kind, municipality, started_by, state, done, total, step, result, error, "
                  "started_at, finished_at, node, heartbeat_at) VALUES (:id, :k, :m, :b, :s, :d, :t, :st, :r, :e, :sa, :fa, :n, "
                  ":hb)",
        soci::use(id), soci::use(job.kind), soci::use(job.municipality), soci::use(job.started_by),
        soci::use(job.state), soci::use(job.done), soci::use(job.total), soci::use(job.step), soci::use(job.result),
        soci::use(job.error), soci::use(job.started_at), soci::use(job.finished_at), soci::use(job.node),
        soci::use(job.started_at);
    tx.commit();
    return id;
  });
}

Status SqlStore::update_job(const JobRecord& job) {
  return guarded(*impl_, fmt::format("recording the progress of job {}", job.id), [&]() -> Status {
    // Progress is a heartbeat too. Only a running job changes: one another
    // node marked failed (its heartbeat had stopped) stays failed.
    const std::string now = format_timestamp(system_clock()());
    soci::statement st = (impl_->sql.prepare << "UPDATE jobs SET state = :s, done = :d, total = :t, step = :st, "
                                                "result = :r, error = :e, finished_at = :fa, heartbeat_at = :hb "
                                                "WHERE id = :id AND state = 'running'",
                          soci::use(job.state), soci::use(job.done), soci::use(job.total), soci::use(job.step),
                          soci::use(job.result), soci::use(job.error), soci::use(job.finished_at), soci::use(now),
                          soci::use(job.id));
    st.execute(true);
    if (st.get_affected_rows() == 1) return Status::Ok();
    std::string state, error;
    impl_->sql << "SELECT state, error FROM jobs WHERE id = :id", soci::use(job.id), soci::into(state),
        soci::into(error);
    if (!impl_->sql.got_data()) return NotFound(fmt::format("no job {}", job.id));
    return FailedPrecondition(fmt::format("job {} is {} already ({}); its progress was not stored", job.id, state,
                                          error.empty() ? "no error" : error));
  });
}

Result<long long> SqlStore::heartbeat_jobs(const std::string& node, const std::string& now) {
  return guarded(*impl_, "refreshing the heartbeat of this node's jobs", [&]() -> Result<long long> {
    soci::statement st = (impl_->sql.prepare << "UPDATE jobs SET heartbeat_at = :hb WHERE state = 'running' "
                                                "AND node = :n AND heartbeat_at < :hb2",
                          soci::use(now), soci::use(node), soci::use(now));
    st.execute(true);
    return static_cast<long long>(st.get_affected_rows());
  });
}

Result<long long> SqlStore::fail_stale_jobs(const std::string& cutoff, const std::string& now,
                                            const std::string& reason) {
  return guarded(*impl_, "marking jobs whose node stopped", [&]() -> Result<long long> {
    soci::statement st = (impl_->sql.prepare << "UPDATE jobs SET state = 'failed', error = :e, finished_at = :now "
                                                "WHERE state = 'running' AND heartbeat_at < :cutoff",
                          soci::use(reason), soci::use(now), soci::use(cutoff));
    st.execute(true);
    return static_cast<long long>(st.get_affected_rows());
  });
}

Result<std::optional<IdempotencyRecord>> SqlStore::reserve_idempotency_key(const std::string& scope,
                                                                           const std::string& route,
                                                                           const std::string& key,
                                                                           const std::string& body_sha256,
                                                                           const std::string& now,
                                                                           const std::string& expires_at) {
  using Found = std::optional<IdempotencyRecord>;
  return guarded(*impl_, "reserving the Idempotency-Key", [&]() -> Result<Found> {
    // A row past its expiry is taken over as if it were not there; a live
    // one (committed, or this unit's own) is left as it is. On PostgreSQL an
    // uncommitted insert of another connection makes this wait for its end.
    soci::statement st =
        (impl_->sql.prepare << "INSERT INTO idempotency_keys (scope, route, idempotency_key, body_sha256, status, "
                               "resource, answer, created_at, expires_at) VALUES (:s, :r, :k, :b, 0, '', '', :c, :x) "
                               "ON CONFLICT (scope, route, idempotency_key) DO UPDATE SET "
                               "body_sha256 = excluded.body_sha256, status = 0, resource = '', answer = '', "
                               "created_at = excluded.created_at, expires_at = excluded.expires_at "
                               "WHERE idempotency_keys.expires_at <= :now",
         soci::use(scope), soci::use(route), soci::use(key), soci::use(body_sha256), soci::use(now),
         soci::use(expires_at), soci::use(now));
    st.execute(true);
    if (st.get_affected_rows() == 1) return Found();
    IdempotencyRecord found;
    impl_->sql << "SELECT body_sha256, status, resource, answer FROM idempotency_keys WHERE scope = :s "
                  "AND route = :r AND idempotency_key = :k",
        soci::use(scope), soci::use(route), soci::use(key), soci::into(found.body_sha256), soci::into(found.status),
        soci::into(found.resource), soci::into(found.answer);
    if (!impl_->sql.got_data()) return Internal("the Idempotency-Key was neither reserved nor found");
    return Found(std::move(found));
  });
}

Status SqlStore::complete_idempotency_key(const std::string& scope, const std::string& route, const std::string& key,
                                          const IdempotencyRecord& answer) {
  return guarded(*impl_, "storing the answer of the Idempotency-Key", [&]() -> Status {
    soci::statement st = (impl_->sql.prepare << "UPDATE idempotency_keys SET status = :st, resource = :res, "
                                                "answer = :a WHERE scope = :s AND route = :r AND idempotency_key = :k "
                                                "AND status = 0",
                          soci::use(answer.status), soci::use(answer.resource), soci::use(answer.answer),
                          soci::use(scope), soci::use(route), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() != 1) return Internal("the Idempotency-Key was not reserved by this unit of work");
    return Status::Ok();
  });
}

Result<long long> SqlStore::remove_expired_idempotency_keys(const std::string& now, int limit) {
  return guarded(*impl_, "removing expired Idempotency-Keys", [&]() -> Result<long long> {
    const int batch = std::max(1, limit);
    soci::statement st =
        (impl_->sql.prepare << fmt::format("DELETE FROM idempotency_keys WHERE (scope, route, idempotency_key) IN "
                                           "(SELECT scope, route, idempotency_key FROM idempotency_keys "
                                           "WHERE expires_at <= :now ORDER BY expires_at LIMIT {})",
                                           batch),
         soci::use(now));
    st.execute(true);
    return static_cast<long long>(st.get_affected_rows());
  });
}

Result<std::optional<JobRecord>> SqlStore::load_job(long long id) {
  return guarded_read(*impl_, fmt::format("reading job {}", id), [&]() -> Result<std::optional<JobRecord>> {
    JobRecord j;
    j.id = id;
    impl_->sql << "SELECT kind, municipality, started_by, state, done, total, step, result, error, started_at, "
                  "finished_at, node, heartbeat_at FROM jobs WHERE id = :id",
        soci::use(id), soci::into(j.kind), soci::into(j.municipality), soci::into(j.started_by), soci::into(j.state),
        soci::into(j.done), soci::into(j.total), soci::into(j.step), soci::into(j.result), soci::into(j.error),
        soci::into(j.started_at), soci::into(j.finished_at), soci::into(j.node), soci::into(j.heartbeat_at);
    if (!impl_->sql.got_data()) return std::optional<JobRecord>();
    return std::optional<JobRecord>(std::move(j));
  });
}

Result<bool> SqlStore::take_lease(const std::string& name, const std::string& holder, const std::string& now,
                                  const std::string& until) {
  return guarded(*impl_, "taking the lease " + name, [&]() -> Result<bool> {
    soci::statement st =
        (impl_->sql.prepare << "INSERT INTO leases (name, holder, until) VALUES (:n, :h, :u) ON CONFLICT (name) "
                               "DO UPDATE SET holder = excluded.holder, until = excluded.until "
                               "WHERE leases.until <= :now OR leases.holder = excluded.holder",
         soci::use(name), soci::use(holder), soci::use(until), soci::use(now));
    st.execute(true);
    return st.get_affected_rows() == 1;
  });
}

Status SqlStore::release_lease(const std::string& name, const std::string& holder) {
  return guarded(*impl_, "giving up the lease " + name, [&]() -> Status {
    impl_->sql << "DELETE FROM leases WHERE name = :n AND holder = :h", soci::use(name), soci::use(holder);
    return Status::Ok();
  });
}

}  // namespace sagsflow::db
