// Durable files for first-party plugins (header-only, SDK-free: POSIX only): a file appears whole or not at all,
// and is on disk before the plugin answers "delivered".
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace sagsflow_plugins {

// "" on success, else what failed ("writing /x/y.tmp: No space left on device").
inline std::string fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return "opening " + dir + ": " + std::strerror(errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? std::string() : "syncing " + dir + ": " + std::strerror(err);
}

// Creates `dir` (mode 0700), and the folders above it that are missing, when it does not exist.
inline std::string ensure_directory(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode) ? std::string() : dir + " is not a folder";
  const size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    if (auto err = ensure_directory(dir.substr(0, slash)); !err.empty()) return err;
  }
  if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return {};
  return "creating " + dir + ": " + std::strerror(errno);
}

// Writes `content` to dir/name (mode 0600) through a temporary file: write,
// fsync, rename, fsync the folder. A reader never sees half a file.
inline std::string write_atomically(const std::string& dir, const std::string& name, std::string_view content) {
  const std::string tmp = dir + "/." + name + ".tmp-" + std::to_string(::getpid());
  const std::string target = dir + "/" + name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "creating " + tmp + ": " + std::strerror(errno);
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = "writing " + tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return why;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = "syncing " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return why;
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const std::string why = "renaming " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return why;
  }
  return fsync_directory(dir);
}

inline bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace sagsflow_plugins
