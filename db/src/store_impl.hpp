// Private to db/: the SOCI session behind a SqlStore and its helpers.
#pragma once

#include <fmt/format.h>
#include <soci/soci.h>

#include <stdexcept>

#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::db {

struct SqlStore::Impl {
  soci::session sql;
  Dialect dialect = Dialect::kSqlite;
  std::string display_url;

  // Statements of the hot path (load a case, update it, append its event),
  // prepared once per connection on first use; defined in sql_store.cpp.
  struct Hot;
  std::unique_ptr<Hot> hot;
  Hot& hot_statements();
  ~Impl();

  void begin();
  void commit();
  std::unique_ptr<soci::statement> begin_stmt, commit_stmt;  // SQLite only

  // Transactions nest: only the outermost begins and commits. An inner one
  // that ends without commit (an error) makes the whole unit roll back.
  int depth = 0;
  bool rollback_only = false;
};

// BEGIN IMMEDIATE on SQLite (take the write lock up front, so a transaction
// never fails half-way on a lock upgrade), BEGIN on PostgreSQL. Rolls back
// unless committed.
class Transaction {
 public:
  explicit Transaction(SqlStore::Impl& impl) : impl_(impl) {
    if (impl_.depth == 0) {
      impl_.begin();
      impl_.rollback_only = false;
    }
    ++impl_.depth;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!open_) return;
    --impl_.depth;
    if (impl_.depth > 0) {
      impl_.rollback_only = true;  // the outer unit must not commit half of this one
      return;
    }
    try {
      impl_.sql << "ROLLBACK";
    } catch (...) {  // the connection is gone; the database discards the transaction
    }
  }
  // Commits (the outermost) or hands the work to the enclosing transaction.
  // Throws, and rolls back, when an inner transaction of this unit failed.
  void commit() {
    if (impl_.depth == 1 && impl_.rollback_only) {
      throw std::runtime_error("a part of this unit of work failed; nothing of it was written");
    }
    if (impl_.depth == 1) impl_.commit();
    --impl_.depth;
    open_ = false;
  }

 private:
  SqlStore::Impl& impl_;
  bool open_ = true;
};

// The next value of the installation-wide counter `name` (inside a transaction).
inline long long next_id(soci::session& sql, const std::string& name) {
  long long value = 0;
  sql << "INSERT INTO counters (scope, name, value) VALUES ('*', :n, 1) "
         "ON CONFLICT (scope, name) DO UPDATE SET value = counters.value + 1 RETURNING value",
      soci::use(name), soci::into(value);
  return value;
}

// Runs `f`, turning database exceptions into a kStorage Status naming `what`.
template <typename F>
auto guarded(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const soci::soci_error& e) {
    return StorageError(fmt::format("{}: {}", what, e.get_error_message()));
  } catch (const std::exception& e) {
    return StorageError(fmt::format("{}: {}", what, e.what()));
  }
}

// Applies missing migrations; refuses a newer database.
Result<MigrationReport> apply_migrations(SqlStore::Impl& impl);
Result<int> read_schema_version(SqlStore::Impl& impl);
// Statements of one migration for one dialect (exposed for tests).
std::vector<std::string> migration_statements(const std::string& sql, Dialect dialect);

}  // namespace sagsflow::db
