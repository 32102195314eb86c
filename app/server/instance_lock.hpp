// InstanceLock: one `sagsflow serve` per SQLite database file.
//
// Two servers on one SQLite file would each believe they own its writer
// (background jobs, plugin deliveries, deadline checks would run twice), so a
// server holds an exclusive lock on "<database file>.serve.lock" for as long
// as it runs. The lock is an flock(2) on an open file: the kernel releases it
// when the process ends however it ends (kill -9 included), so a stale lock
// file never blocks a restart. PostgreSQL installations need no lock: many
// nodes serve one database by design.
//
// Thread-safety: acquire() may be called from any thread; an InstanceLock is
// owned by one Server and released by its destructor.
#pragma once

#include <string>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::server {

class InstanceLock {
 public:
  InstanceLock() = default;  // holds nothing
  // Takes the lock of the SQLite database at `database_file` ("" or
  // ":memory:": nothing to lock, an empty lock). kFailedPrecondition naming
  // the file (and the holder's process id when it wrote one) when another
  // server holds it; kStorage when the lock file cannot be created.
  static Result<InstanceLock> acquire(const std::string& database_file);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace sagsflow::server
