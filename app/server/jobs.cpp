#include <csignal>

#include "api.hpp"

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

Job Jobs::start(Job job, Work work) {
  MutexLock guard(mutex_);
  job.id = next_id_++;
  job.state = "running";
  job.started_at = format_timestamp(system_clock()());
  jobs_[job.id] = job;
  const long long id = job.id;
  threads_.emplace_back([this, id, work = std::move(work)] {
    const Progress progress = [this, id](int done, int total, const std::string& step) {
      MutexLock inner(mutex_);
      auto& j = jobs_[id];
      j.done = done;
      j.total = std::max(1, total);
      j.step = step;
    };
    Result<json> outcome = Internal("the job did not run");
    try {
      outcome = work(progress);
    } catch (const std::exception& e) {
      outcome = Internal(std::string("the job failed: ") + e.what());
    }
    MutexLock inner(mutex_);
    auto& j = jobs_[id];
    j.finished_at = format_timestamp(system_clock()());
    if (outcome.ok()) {
      j.state = "done";
      j.done = j.total;
      j.result = *outcome;
    } else {
      j.state = "failed";
      j.error = outcome.status().message();
    }
  });
  return job;
}

std::optional<Job> Jobs::find(long long id) const {
  MutexLock guard(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
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
