#include "sagsflow/documents/document_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

namespace sagsflow::documents {

namespace {

std::string system_error(const std::string& what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

bool is_sha256(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// fsync of a folder, so a file created or renamed in it survives a power cut.
Status sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return StorageError(system_error("opening the document folder", folder));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return StorageError(system_error("syncing the document folder", folder));
  return Status::Ok();
}

// Creates `folder` (0700) unless it is there; syncs its parent when it made it.
Status ensure_folder(const std::string& folder, const std::string& parent) {
  if (::mkdir(folder.c_str(), 0700) == 0) return sync_folder(parent);
  if (errno != EEXIST) return StorageError(system_error("creating the document folder", folder));
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return StorageError(fmt::format("the document folder {} is not a folder", folder));
  }
  return Status::Ok();
}

std::string parent_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return StorageError(system_error("writing the document file", path));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 15];
  }
  return out;
}

std::string DocumentStore::folder_for(const std::string& sqlite_path) { return sqlite_path + ".documents"; }

Result<std::unique_ptr<DocumentStore>> DocumentStore::open(const std::string& db_url) {
  auto url = db::DatabaseUrl::parse(db_url);
  if (!url.ok()) return url.status();
  if (url->dialect == db::Dialect::kPostgresql) return std::unique_ptr<DocumentStore>(new DocumentStore(""));
  const std::string& path = url->connect;
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) {
    return FailedPrecondition("an in-memory SQLite database has no folder beside it for documents");
  }
  return std::unique_ptr<DocumentStore>(new DocumentStore(folder_for(path)));
}

std::string DocumentStore::path_of(const std::string& sha256) const {
  return folder_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

Result<StagedContent> DocumentStore::stage(std::string bytes) const {
  StagedContent staged;
  staged.sha256 = sha256_hex(bytes);
  staged.size = static_cast<long long>(bytes.size());
  staged.bytes = std::make_shared<const std::string>(std::move(bytes));
  if (in_database()) return staged;  // record() stores the bytes with the row

  const std::string sub = folder_ + "/" + staged.sha256.substr(0, 2);
  const std::string path = path_of(staged.sha256);
  if (auto st = ensure_folder(folder_, parent_of(folder_)); !st.ok()) return st;
  if (auto st = ensure_folder(sub, folder_); !st.ok()) return st;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == staged.size) {
    // Kept once: already durable. Touched, so the garbage collector's grace
    // period covers this upload too while its row is not yet committed.
    ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
    return staged;
  }
  const std::string temporary = sub + "/.tmp-" + staged.sha256 + "-" + random_suffix();
  const int fd = ::open(temporary.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return StorageError(system_error("creating the document file", temporary));
  Status written = write_all(fd, *staged.bytes, temporary);
  if (written.ok() && ::fsync(fd) != 0) written = StorageError(system_error("syncing the document file", temporary));
  if (::close(fd) != 0 && written.ok()) written = StorageError(system_error("closing the document file", temporary));
  if (written.ok() && ::rename(temporary.c_str(), path.c_str()) != 0) {
    written = StorageError(system_error("renaming the document file to", path));
  }
  if (!written.ok()) {
    ::unlink(temporary.c_str());
    return written;
  }
  if (auto synced = sync_folder(sub); !synced.ok()) return synced;
  return staged;
}

Result<db::DocumentRow> DocumentStore::record(db::SqlStore& store, db::DocumentRow row,
                                              const StagedContent& content) const {
  if (content.bytes == nullptr) return Internal("staged document content without its bytes");
  row.sha256 = content.sha256;
  row.size = content.size;
  auto id = store.insert_document(row, in_database() ? content.bytes.get() : nullptr);
  if (!id.ok()) return id.status();
  row.id = *id;
  return row;
}

Result<std::string> DocumentStore::read(db::SqlStore& store, const db::DocumentRow& row) const {
  std::string bytes;
  if (in_database()) {
    auto stored = store.document_content(row.sha256);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return NotFound(fmt::format("the content of document {} is not stored", row.id));
    bytes = std::move(**stored);
  } else {
    const std::string path = path_of(row.sha256);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return NotFound(fmt::format("the content of document {} is missing from {}", row.id, path));
      return StorageError(system_error("opening the document file", path));
    }
    char chunk[65536];
    for (;;) {
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const std::string why = system_error("reading the document file", path);
        ::close(fd);
        return StorageError(why);
      }
      if (n == 0) break;
      bytes.append(chunk, static_cast<size_t>(n));
      if (static_cast<long long>(bytes.size()) > row.size) break;
    }
    ::close(fd);
  }
  if (static_cast<long long>(bytes.size()) != row.size || sha256_hex(bytes) != row.sha256) {
    return StorageError(fmt::format("the content of document {} does not match its SHA-256 (damaged storage); "
                                    "restore it from a backup",
                                    row.id));
  }
  return bytes;
}

Result<GcReport> DocumentStore::collect_garbage(db::SqlStore& store, std::chrono::seconds grace) const {
  GcReport report;
  if (in_database()) return report;
  DIR* top = ::opendir(folder_.c_str());
  if (top == nullptr) {
    if (errno == ENOENT) return report;  // nothing stored yet
    return StorageError(system_error("opening the document folder", folder_));
  }
  std::vector<std::string> subs;
  while (dirent* e = ::readdir(top)) {
    const std::string name = e->d_name;
    if (name.size() == 2 && name.find_first_not_of("0123456789abcdef") == std::string::npos) subs.push_back(name);
  }
  ::closedir(top);
  const auto now = std::chrono::system_clock::now();
  for (const auto& s : subs) {
    const std::string sub = folder_ + "/" + s;
    DIR* d = ::opendir(sub.c_str());
    if (d == nullptr) continue;
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
    bool removed_any = false;
    for (const auto& name : names) {
      if (name == "." || name == "..") continue;
      const std::string path = sub + "/" + name;
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const auto modified = std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec));
      const bool old = now - modified >= grace;
      if (name.rfind(".tmp-", 0) == 0) {
        if (old && ::unlink(path.c_str()) == 0) {
          ++report.temporary_removed;
          removed_any = true;
        }
        continue;
      }
      if (!is_sha256(name) || name.substr(0, 2) != s) continue;  // not ours: left alone
      ++report.examined;
      auto referenced = store.document_referenced(name);
      if (!referenced.ok()) return referenced.status();
      if (*referenced) {
        ++report.kept_referenced;
      } else if (!old) {
        ++report.kept_recent;
      } else if (::unlink(path.c_str()) == 0) {
        ++report.removed;
        removed_any = true;
      }
    }
    if (removed_any) (void)sync_folder(sub);
  }
  return report;
}

}  // namespace sagsflow::documents
