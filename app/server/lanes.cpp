#include "lanes.hpp"

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

struct Lanes::State {
  Options options;
  bool group_commit = false;  // SQLite with group_commit_max > 1

  std::vector<std::unique_ptr<app::Installation>> writers;  // one per writer thread
  std::vector<std::thread> threads;

  Mutex queue_mutex;
  CondVar work_waiting;  // a ticket was queued, or stop
  CondVar work_done;     // a ticket was finished
  std::deque<Ticket*> queue GUARDED_BY(queue_mutex);
  bool stopping GUARDED_BY(queue_mutex) = false;
  Figures figures GUARDED_BY(queue_mutex);

  Mutex readers_mutex;
  CondVar reader_free;
  std::vector<std::unique_ptr<app::Installation>> free_readers GUARDED_BY(readers_mutex);

  void run_writer(app::Installation& installation);
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

void Lanes::State::run_writer(app::Installation& installation) {
  for (;;) {
    std::vector<Ticket*> batch;
    {
      MutexLock lock(queue_mutex);
      while (queue.empty() && !stopping) work_waiting.wait(queue_mutex);
      if (queue.empty()) return;  // stopping, and everything queued is done
      batch = next_batch();
    }
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
  const bool sqlite = url->dialect == db::Dialect::kSqlite;
  state->group_commit = sqlite && options.group_commit_max > 1;
  const int writers = sqlite ? 1 : std::max(1, options.writers);
  for (int i = 0; i < writers; ++i) {
    auto installation = app::open_installation(options.installation);
    if (!installation.ok()) return installation.status();
    state->writers.push_back(std::make_unique<app::Installation>(std::move(*installation)));
  }
  app::InstallationOptions reading = options.installation;
  reading.read_only = true;
  {
    MutexLock lock(state->readers_mutex);
    for (int i = 0; i < std::max(1, options.readers); ++i) {
      auto installation = app::open_installation(reading);
      if (!installation.ok()) return installation.status();
      state->free_readers.push_back(std::make_unique<app::Installation>(std::move(*installation)));
    }
  }
  State* raw = state.get();
  for (auto& w : state->writers) {
    app::Installation* installation = w.get();
    state->threads.emplace_back([raw, installation] { raw->run_writer(*installation); });
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
  std::unique_ptr<app::Installation> reader;
  {
    MutexLock lock(state_->readers_mutex);
    while (state_->free_readers.empty()) state_->reader_free.wait(state_->readers_mutex);
    reader = std::move(state_->free_readers.back());
    state_->free_readers.pop_back();
  }
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
    state_->free_readers.push_back(std::move(reader));
  }
  state_->reader_free.notify_one();
  if (thrown) std::rethrow_exception(thrown);
  if (shown.empty()) return Status::Ok();
  // No record, no data: the read is shown only once what it showed is stored.
  Status recorded;
  Status committed = write([&](app::Installation& installation) { recorded = installation.store->record_accesses(shown); });
  return committed.ok() ? recorded : committed;
}

app::Installation& Lanes::primary() { return *state_->writers.front(); }

Lanes::Figures Lanes::figures() const {
  MutexLock lock(state_->queue_mutex);
  return state_->figures;
}

}  // namespace sagsflow::server
