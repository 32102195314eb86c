#include <csignal>

#include "api.hpp"
#include "sagsflow/domain/log.hpp"

namespace sagsflow::server {

using nlohmann::json;

json job_json(const Job& j) {
  return {{"id", j.id},
          {"kind", j.kind},
          {"state", j.state},
          {"done", j.done},
          {"total", j.total},
          {"step", j.step},
          {"result", j.result},
          {"error", j.error.empty() ? json() : json(j.error)},
          {"started_by", j.started_by},
          {"started_at", j.started_at},
          {"finished_at", j.finished_at.empty() ? json() : json(j.finished_at)}};
}

Job job_of(const db::JobRecord& r) {
  Job j;
  j.id = r.id;
  j.kind = r.kind;
  j.municipality = r.municipality;
  j.started_by = r.started_by;
  j.state = r.state;
  j.done = r.done;
  j.total = r.total;
  j.step = r.step;
  j.result = json::parse(r.result, nullptr, /*allow_exceptions=*/false);
  if (j.result.is_discarded()) j.result = json();
  j.error = r.error;
  j.started_at = r.started_at;
  j.finished_at = r.finished_at;
  return j;
}

namespace {

db::JobRecord record_of(const Job& j, const std::string& node) {
  db::JobRecord r;
  r.id = j.id;
  r.kind = j.kind;
  r.municipality = j.municipality;
  r.started_by = j.started_by;
  r.state = j.state;
  r.done = j.done;
  r.total = j.total;
  r.step = j.step;
  r.result = j.result.dump();
  r.error = j.error;
  r.started_at = j.started_at;
  r.finished_at = j.finished_at;
  r.node = node;
  return r;
}

}  // namespace

void Jobs::attach(Lanes& lanes, std::string node) {
  lanes_ = &lanes;
  node_ = std::move(node);
}

void Jobs::store(const Job& job) {
  Status stored = Internal("not stored");
  Status committed = lanes_->write([&](app::Installation& i) { stored = i.store->update_job(record_of(job, node_)); });
  if (!committed.ok()) stored = committed;
  if (!stored.ok()) logger()->error("job {}: its progress could not be stored: {}", job.id, stored.message());
}

Result<Job> Jobs::start(app::Installation& writer, Job job, Work work) {
  if (lanes_ == nullptr) return Internal("jobs are not attached to the lanes");
  job.state = "running";
  job.started_at = format_timestamp(system_clock()());
  auto id = writer.store->start_job(record_of(job, node_));
  if (!id.ok()) return id.status();
  job.id = *id;
  MutexLock guard(mutex_);
  ++running_;
  threads_.emplace_back([this, job, work = std::move(work)]() mutable {
    // Progress at most a few times a second: each is a write.
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    const Progress progress = [&](int done, int total, const std::string& step) {
      job.done = done;
      job.total = std::max(1, total);
      const bool new_step = job.step != step;
      job.step = step;
      const auto now = std::chrono::steady_clock::now();
      if (!new_step && now - last < std::chrono::milliseconds(250)) return;
      last = now;
      store(job);
    };
    Result<json> outcome = Internal("the job did not run");
    try {
      outcome = work(progress);
    } catch (const std::exception& e) {
      outcome = Internal(std::string("the job failed: ") + e.what());
    }
    job.finished_at = format_timestamp(system_clock()());
    if (outcome.ok()) {
      job.state = "done";
      job.done = job.total;
      job.result = *outcome;
    } else {
      job.state = "failed";
      job.error = outcome.status().message();
    }
    store(job);
    --running_;
  });
  return job;
}

void Jobs::add_child(long pid) {
  MutexLock guard(mutex_);
  children_.insert(pid);
}

void Jobs::remove_child(long pid) {
  MutexLock guard(mutex_);
  children_.erase(pid);
}

void Jobs::stop_children() {
  MutexLock guard(mutex_);
  for (long pid : children_) ::kill(static_cast<pid_t>(pid), SIGKILL);
}

void Jobs::join() {
  std::vector<std::thread> running;
  {
    MutexLock guard(mutex_);
    running.swap(threads_);
  }
  for (auto& t : running) {
    if (t.joinable()) t.join();
  }
}

}  // namespace sagsflow::server
