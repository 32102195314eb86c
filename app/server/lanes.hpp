// Lanes: where the server's domain work runs, so that no request waits on a
// process-wide lock.
//
// Reads run on a pool of read-only installations (database.read_connections),
// in parallel, on the requesting thread; they see committed state only. The
// access records a read makes are held back (SqlStore::defer_access_records)
// and stored through a writer before the read returns: what was shown is on
// record, or the read fails.
//
// Writes run on writer lanes, each with its own installation (connection,
// engine, plugins):
//  - SQLite: one writer thread takes every request waiting for it (up to
//    database.group_commit_max) and runs them in one transaction, each unit of
//    work of each request under its own SAVEPOINT (a conflict or refusal in
//    one fails that one alone), then commits once; each caller returns only
//    after that commit's sync (group commit).
//  - PostgreSQL: database.write_connections writer threads take one request
//    each; every unit is its own transaction and the version-guarded update
//    decides races between lanes (and between nodes).
// Work asked for kAlone (plugin deliveries, deadline checks, imports: long,
// or calling plugins) runs by itself, outside any group.
//
// Configuration changes: every lane's installation holds the organisation,
// workflows and plugins of one configuration generation
// (SqlStore::config_generation). At most once per config_refresh the lanes
// read the stored generation (on the installation a request is about to
// use); a lane whose installation is older is reopened before it takes its
// next work (a writer between groups, a reader when it is taken), so `sagsflow
// init`, `workflow deploy` and `plugins` changes made by the CLI, another node
// or this server itself bite within about config_refresh. A reopen that fails
// keeps the lane on its previous configuration (logged) and is tried again
// after config_refresh.
//
// Thread-safety: read() and write() may be called from any thread, at once;
// the installations themselves are used by one thread at a time. A work item
// must not call read() or write() itself (it would wait for its own lane).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sagsflow/app/installation.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow::server {

class Lanes {
 public:
  struct Options {
    app::InstallationOptions installation;  // the writers'; readers get the same with read_only
    int readers = 4;
    int writers = 4;          // PostgreSQL; SQLite has one
    int group_commit_max = 64;  // SQLite; 1: every request commits alone
    std::chrono::milliseconds config_refresh{1000};  // how often the configuration's generation is read
  };
  using Work = std::function<void(app::Installation&)>;
  enum class Grouping { kGrouped, kAlone };

  // Opens every lane's installation (open_installation's errors) and starts
  // the writer threads.
  static Result<std::unique_ptr<Lanes>> open(const Options& options);
  ~Lanes();
  Lanes(const Lanes&) = delete;
  Lanes& operator=(const Lanes&) = delete;

  // Runs `work` on a writer and returns when what it stored is committed:
  // ok, or why the commit failed (kStorage; then nothing `work` stored in it
  // is kept, and the caller must not report its outcome as done). An
  // exception thrown by `work` is rethrown here, on the caller's thread.
  // kStorage ("the server is stopping") once stop() has begun.
  Status write(const Work& work, Grouping grouping = Grouping::kGrouped);
  // Runs `work` on a free read installation (waiting for one), on this
  // thread, then stores the access records it made through write(). Returns
  // that storing's failure (then what was read must not be shown); an
  // exception thrown by `work` is rethrown, and its records are dropped.
  Status read(const Work& work);

  // The plugin warnings of the configuration the writers run (the first
  // writer's, as last opened): plugins installed that did not load or were
  // disabled. A copy, safe from any thread.
  std::vector<std::string> plugin_warnings() const;
  db::Dialect dialect() const { return dialect_; }
  // Groups committed and requests in them since start (for /metrics).
  struct Figures {
    long long groups = 0;
    long long grouped_requests = 0;
    long long reopened = 0;        // lane installations reopened on a newer configuration
    long long reopen_failures = 0; // reopens that failed (the lane kept its configuration)
    long long config_generation = 0;  // the newest generation read
  };
  Figures figures() const;

  // Lets queued work finish, then ends the writer threads. Later write()s
  // return kStorage. Idempotent.
  void stop();

  struct State;

 private:
  Lanes() = default;
  std::unique_ptr<State> state_;
  db::Dialect dialect_ = db::Dialect::kSqlite;
};

}  // namespace sagsflow::server
