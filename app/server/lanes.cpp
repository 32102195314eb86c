#include "lanes.hpp"

#include <atomic>
#include <deque>
#include <exception>

#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/thread_annotations.hpp"

namespace sagsflow::server {

namespace {

// One request waiting for a writer. The caller waits on `done`; the writer
// fills in `outcome` and `thrown` and sets `finished`.
struct Ticket {
  const Lanes::Work* work = nullptr;
  Lanes::Grouping grouping = Lanes::Grouping::kGrouped;
  bool finished = false;
  Status outcome;
  std::exception_ptr thrown;
};

}  // namespace

// A lane's installation, and when a failed reopen may be tried again.
struct Slot {
  std::unique_ptr<app::Installation> installation;
  std::chrono::steady_clock::time_point retry_after{};
};

struct Lanes::State {
  Options options;
  app::InstallationOptions reading;  // the readers' (read_only)
  bool group_commit = false;  // SQLite with group_commit_max > 1

  std::vector<Slot> writers;  // one per writer thread; each thread alone touches its slot after open
  std::vector<std::thread> threads;

  // The configuration's generation, as last read (by any lane), and when to read it next.
  std::atomic<long long> latest_generation{0};
  Mutex poll_mutex;
  std::chrono::steady_clock::time_point next_poll GUARDED_BY(poll_mutex){};
  std::atomic<long long> reopened{0};
  std::atomic<long long> reopen_failures{0};
  mutable Mutex warnings_mutex;
  std::vector<std::string> plugin_warnings GUARDED_BY(warnings_mutex);

  Mutex queue_mutex;
  CondVar work_waiting;  // a ticket was queued, or stop
  CondVar work_done;     // a ticket was finished
  std::deque<Ticket*> queue GUARDED_BY(queue_mutex);
  bool stopping GUARDED_BY(queue_mutex) = false;
  Figures figures GUARDED_BY(queue_mutex);

  Mutex readers_mutex;
  CondVar reader_free;
  std::vector<Slot> free_readers GUARDED_BY(readers_mutex);

  void run_writer(Slot& slot, bool first);
  // Reads the stored generation through `installation` when it is due (at
  // most once per config_refresh over all lanes); a failed read is logged and
  // tried again at the next due time.
  void poll_generation(app::Installation& installation);
  // Reopens the slot's installation (with `opening`) when it is older than
  // the latest generation read; on failure keeps it and waits config_refresh.
  void refresh(Slot& slot, const app::InstallationOptions& opening, bool first_writer);
  // The next batch for a writer: one kAlone ticket, or the grouped tickets at
  // the queue's head (at most group_commit_max; one when not grouping).
  std::vector<Ticket*> next_batch() REQUIRES(queue_mutex);
  void finish(const std::vector<Ticket*>& batch);
};

namespace {

void run_one(Ticket& t, app::Installation& installation) {
  try {
    (*t.work)(installation);
  } catch (...) {
    t.thrown = std::current_exception();
  }
}

}  // namespace

std::vector<Ticket*> Lanes::State::next_batch() {
  std::vector<Ticket*> batch;
  if (queue.empty()) return batch;
  if (queue.front()->grouping == Grouping::kAlone || !group_commit) {
    batch.push_back(queue.front());
    queue.pop_front();
    return batch;
  }
  const auto most = static_cast<size_t>(options.group_commit_max);
  while (!queue.empty() && batch.size() < most && queue.front()->grouping == Grouping::kGrouped) {
    batch.push_back(queue.front());
    queue.pop_front();
  }
  return batch;
}

void Lanes::State::finish(const std::vector<Ticket*>& batch) {
  {
    MutexLock lock(queue_mutex);
    for (Ticket* t : batch) t->finished = true;
    if (batch.size() > 1 || (group_commit && !batch.empty() && batch.front()->grouping == Grouping::kGrouped)) {
      ++figures.groups;
      figures.grouped_requests += static_cast<long long>(batch.size());
    }
  }
  work_done.notify_all();
}

void Lanes::State::poll_generation(app::Installation& installation) {
  {
    MutexLock lock(poll_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (now < next_poll) return;
    next_poll = now + options.config_refresh;
  }
  auto generation = installation.store->config_generation();
  if (!generation.ok()) {
    logger()->warn("the configuration's generation could not be read: {}", generation.status().message());
    return;
  }
  long long seen = latest_generation.load();
  while (*generation > seen && !latest_generation.compare_exchange_weak(seen, *generation)) {
  }
}

void Lanes::State::refresh(Slot& slot, const app::InstallationOptions& opening, bool first_writer) {
  poll_generation(*slot.installation);
  const long long wanted = latest_generation.load();
  if (slot.installation->config_generation >= wanted) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < slot.retry_after) return;
  auto fresh = app::open_installation(opening);
  if (!fresh.ok()) {
    slot.retry_after = now + options.config_refresh;
    ++reopen_failures;
    logger()->error("the configuration changed (generation {}), but a {} lane could not be reopened on it and keeps "
                    "generation {}: {}",
                    wanted, opening.read_only ? "read" : "write", slot.installation->config_generation,
                    fresh.status().message());
    return;
  }
  logger()->info("the configuration changed: a {} lane now runs generation {} (was {})",
                 opening.read_only ? "read" : "write", fresh->config_generation, slot.installation->config_generation);
  auto previous = std::move(slot.installation);  // closed (its plugins stopped) at the end of this scope
  slot.installation = std::make_unique<app::Installation>(std::move(*fresh));
  slot.retry_after = {};
  ++reopened;
  if (first_writer) {
    MutexLock lock(warnings_mutex);
    plugin_warnings = slot.installation->plugin_warnings;
  }
}

void Lanes::State::run_writer(Slot& slot, bool first) {
  for (;;) {
    std::vector<Ticket*> batch;
    {
      MutexLock lock(queue_mutex);
      while (queue.empty() && !stopping) work_waiting.wait(queue_mutex);
      if (queue.empty()) return;  // stopping, and everything queued is done
      batch = next_batch();
    }
    refresh(slot, options.installation, first);
    app::Installation& installation = *slot.installation;
    const bool grouped = group_commit && batch.front()->grouping == Grouping::kGrouped;
    if (!grouped) {
      run_one(*batch.front(), installation);
      finish(batch);
      continue;
    }
    // One transaction for the whole batch; each request's units are savepoints in it.
    Status begun = installation.store->begin_group();
    if (!begun.ok()) {
      for (Ticket* t : batch) t->outcome = begun;
      finish(batch);
      continue;
    }
    for (Ticket* t : batch) run_one(*t, installation);
    Status committed = installation.store->end_group();
    if (!committed.ok()) {
      logger()->error("a group commit of {} request(s) failed: {}", batch.size(), committed.message());
      for (Ticket* t : batch) t->outcome = committed;
    }
    finish(batch);
  }
}

Result<std::unique_ptr<Lanes>> Lanes::open(const Options& options) {
  auto url = db::DatabaseUrl::parse(options.installation.db_url);
  if (!url.ok()) return url.status();
  std::unique_ptr<Lanes> lanes(new Lanes());
  lanes->dialect_ = url->dialect;
  auto state = std::make_unique<State>();
  state->options = options;
  // Every lane is reopened on a new configuration generation, so its engine may keep the configuration.
  state->options.installation.cache_configuration = true;
  const bool sqlite = url->dialect == db::Dialect::kSqlite;
  state->group_commit = sqlite && options.group_commit_max > 1;
  const int writers = sqlite ? 1 : std::max(1, options.writers);
  for (int i = 0; i < writers; ++i) {
    auto installation = app::open_installation(state->options.installation);
    if (!installation.ok()) return installation.status();
    state->writers.push_back({std::make_unique<app::Installation>(std::move(*installation)), {}});
  }
  state->reading = state->options.installation;
  state->reading.read_only = true;
  {
    MutexLock lock(state->readers_mutex);
    for (int i = 0; i < std::max(1, options.readers); ++i) {
      auto installation = app::open_installation(state->reading);
      if (!installation.ok()) return installation.status();
      state->free_readers.push_back({std::make_unique<app::Installation>(std::move(*installation)), {}});
    }
  }
  state->latest_generation = state->writers.front().installation->config_generation;
  {
    MutexLock lock(state->warnings_mutex);
    state->plugin_warnings = state->writers.front().installation->plugin_warnings;
  }
  {
    MutexLock lock(state->poll_mutex);
    state->next_poll = std::chrono::steady_clock::now() + options.config_refresh;
  }
  State* raw = state.get();
  for (size_t i = 0; i < state->writers.size(); ++i) {
    Slot* slot = &state->writers[i];
    state->threads.emplace_back([raw, slot, i] { raw->run_writer(*slot, i == 0); });
  }
  lanes->state_ = std::move(state);
  return lanes;
}

Lanes::~Lanes() { stop(); }

void Lanes::stop() {
  if (!state_) return;
  {
    MutexLock lock(state_->queue_mutex);
    state_->stopping = true;
  }
  state_->work_waiting.notify_all();
  for (auto& t : state_->threads) {
    if (t.joinable()) t.join();
  }
}

Status Lanes::write(const Work& work, Grouping grouping) {
  Ticket ticket;
  ticket.work = &work;
  ticket.grouping = grouping;
  {
    MutexLock lock(state_->queue_mutex);
    if (state_->stopping) return StorageError("the server is stopping; nothing was stored");
    state_->queue.push_back(&ticket);
  }
  state_->work_waiting.notify_one();
  {
    MutexLock lock(state_->queue_mutex);
    while (!ticket.finished) state_->work_done.wait(state_->queue_mutex);
  }
  if (ticket.thrown) std::rethrow_exception(ticket.thrown);
  return ticket.outcome;
}

Status Lanes::read(const Work& work) {
  Slot slot;
  {
    MutexLock lock(state_->readers_mutex);
    while (state_->free_readers.empty()) state_->reader_free.wait(state_->readers_mutex);
    slot = std::move(state_->free_readers.back());
    state_->free_readers.pop_back();
  }
  state_->refresh(slot, state_->reading, false);
  app::Installation* reader = slot.installation.get();
  std::vector<AccessRecord> shown;
  reader->store->defer_access_records(&shown);
  std::exception_ptr thrown;
  try {
    work(*reader);
  } catch (...) {
    thrown = std::current_exception();
  }
  reader->store->defer_access_records(nullptr);
  {
    MutexLock lock(state_->readers_mutex);
    state_->free_readers.push_back(std::move(slot));
  }
  state_->reader_free.notify_one();
  if (thrown) std::rethrow_exception(thrown);
  if (shown.empty()) return Status::Ok();
  // No record, no data: the read is shown only once what it showed is stored.
  Status recorded;
  Status committed = write([&](app::Installation& installation) { recorded = installation.store->record_accesses(shown); });
  return committed.ok() ? recorded : committed;
}

std::vector<std::string> Lanes::plugin_warnings() const {
  MutexLock lock(state_->warnings_mutex);
  return state_->plugin_warnings;
}

Lanes::Figures Lanes::figures() const {
  Figures out;
  {
    MutexLock lock(state_->queue_mutex);
    out = state_->figures;
  }
  out.reopened = state_->reopened.load();
  out.reopen_failures = state_->reopen_failures.load();
  out.config_generation = state_->latest_generation.load();
  return out;
}

}  // namespace sagsflow::server
