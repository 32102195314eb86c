#include "instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace sagsflow::server {

Result<InstanceLock> InstanceLock::acquire(const std::string& database_file) {
  InstanceLock lock;
  if (database_file.empty() || database_file == ":memory:" || database_file.rfind("file:", 0) == 0) return lock;
  // The file itself, however it is named (a relative path, a symbolic link): one lock per database.
  std::error_code ec;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(database_file, ec);
  lock.path_ = (ec ? database_file : canonical.string()) + ".serve.lock";
  lock.fd_ = ::open(lock.path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock.fd_ < 0) {
    return StorageError(fmt::format("cannot create the server lock file {}: {}", lock.path_, std::strerror(errno)));
  }
  if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(lock.fd_, holder, sizeof holder - 1, 0);
    std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : std::string();
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    if (error == EWOULDBLOCK) {
      return FailedPrecondition(fmt::format(
          "another sagsflow serve{} already serves the SQLite database {} (it holds {}); one server per SQLite "
          "file: stop it first, or use PostgreSQL for several nodes",
          pid.empty() ? "" : " (process " + pid + ")", database_file, lock.path_));
    }
    return StorageError(fmt::format("cannot lock {}: {}", lock.path_, std::strerror(error)));
  }
  // The holder's process id, for the message a second server prints.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock.fd_, 0) == 0) (void)!::pwrite(lock.fd_, pid.data(), pid.size(), 0);
  return lock;
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock; the file stays (removing it would race a starting server)
}

}  // namespace sagsflow::server
