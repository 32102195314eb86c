// SqlStore: what several server nodes share (migration 10): jobs and leases.
#include "store_impl.hpp"

namespace sagsflow::db {

Result<long long> SqlStore::start_job(const JobRecord& job) {
  return guarded(*impl_, "starting job " + job.kind, [&]() -> Result<long long> {
    Transaction tx(*impl_);
    const long long id = next_id(*impl_, "job_id");
    impl_->sql << "INSERT INTO jobs (id, kind, municipality, started_by, state, done, total, step, result, error, "
                  "started_at, finished_at, node) VALUES (:id, :k, :m, :b, :s, :d, :t, :st, :r, :e, :sa, :fa, :n)",
        soci::use(id), soci::use(job.kind), soci::use(job.municipality), soci::use(job.started_by),
        soci::use(job.state), soci::use(job.done), soci::use(job.total), soci::use(job.step), soci::use(job.result),
        soci::use(job.error), soci::use(job.started_at), soci::use(job.finished_at), soci::use(job.node);
    tx.commit();
    return id;
  });
}

Status SqlStore::update_job(const JobRecord& job) {
  return guarded(*impl_, fmt::format("recording the progress of job {}", job.id), [&]() -> Status {
    soci::statement st = (impl_->sql.prepare << "UPDATE jobs SET state = :s, done = :d, total = :t, step = :st, "
                                                "result = :r, error = :e, finished_at = :fa WHERE id = :id",
                          soci::use(job.state), soci::use(job.done), soci::use(job.total), soci::use(job.step),
                          soci::use(job.result), soci::use(job.error), soci::use(job.finished_at), soci::use(job.id));
    st.execute(true);
    if (st.get_affected_rows() != 1) return NotFound(fmt::format("no job {}", job.id));
    return Status::Ok();
  });
}

Result<std::optional<JobRecord>> SqlStore::load_job(long long id) {
  return guarded_read(*impl_, fmt::format("reading job {}", id), [&]() -> Result<std::optional<JobRecord>> {
    JobRecord j;
    j.id = id;
    impl_->sql << "SELECT kind, municipality, started_by, state, done, total, step, result, error, started_at, "
                  "finished_at, node FROM jobs WHERE id = :id",
        soci::use(id), soci::into(j.kind), soci::into(j.municipality), soci::into(j.started_by), soci::into(j.state),
        soci::into(j.done), soci::into(j.total), soci::into(j.step), soci::into(j.result), soci::into(j.error),
        soci::into(j.started_at), soci::into(j.finished_at), soci::into(j.node);
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
