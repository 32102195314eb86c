#include <optional>
#include <sstream>

#include "migrations.hpp"
#include "sagsflow/domain/time.hpp"
#include "store_impl.hpp"

namespace sagsflow::db {

int latest_schema_version() { return migrations().empty() ? 0 : migrations().back().version; }

std::vector<std::string> migration_statements(const std::string& sql, Dialect dialect) {
  std::vector<std::string> out;
  std::istringstream in(sql);
  std::string line, current;
  bool active = true;
  while (std::getline(in, line)) {
    if (line.rfind("-- @dialect ", 0) == 0) {
      const std::string which = line.substr(12);
      active = which == "all" || (which == "sqlite" && dialect == Dialect::kSqlite) ||
               (which == "postgresql" && dialect == Dialect::kPostgresql);
      continue;
    }
    if (!active || line.rfind("--", 0) == 0) continue;
    const auto last = line.find_last_not_of(" \t\r");
    if (last == std::string::npos) continue;
    current += line.substr(0, last + 1);
    if (line[last] == ';') {
      current.pop_back();
      out.push_back(current);
      current.clear();
    } else {
      current += '\n';
    }
  }
  if (current.find_first_not_of(" \n") != std::string::npos) out.push_back(current);
  return out;
}

namespace {
void ensure_migrations_table(soci::session& sql) {
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
         "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
}
}  // namespace

// Reads without DDL: a database without the migrations table is at version 0
// (so a role without DDL rights can check it, and a read never takes a write lock).
Result<int> read_schema_version(SqlStore::Impl& impl) {
  return guarded_read(impl, "reading the schema version", [&]() -> Result<int> {
    long long tables = 0;
    if (impl.dialect == Dialect::kSqlite) {
      impl.sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
          soci::into(tables);
    } else {
      impl.sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                  "AND table_name = 'schema_migrations'",
          soci::into(tables);
    }
    if (tables == 0) return 0;
    int version = 0;
    soci::indicator ind = soci::i_null;
    impl.sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
    return ind == soci::i_ok ? version : 0;
  });
}

namespace {

// PostgreSQL: one migrating process at a time (several nodes may start at
// once), held from before the version is read until the last migration is
// in; released when this ends (or with the connection). SQLite serialises
// each migration's transaction itself (BEGIN IMMEDIATE), and each checks
// inside it that no other process applied it meanwhile.
class MigrationLock {
 public:
  explicit MigrationLock(SqlStore::Impl& impl) : impl_(impl) {
    if (impl_.dialect == Dialect::kPostgresql) impl_.sql << "SELECT pg_advisory_lock(" << kKey << ")";
  }
  ~MigrationLock() {
    if (impl_.dialect != Dialect::kPostgresql) return;
    try {
      impl_.sql << "SELECT pg_advisory_unlock(" << kKey << ")";
    } catch (...) {  // the connection is gone: PostgreSQL released the lock with it
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  static constexpr long long kKey = 7328601;  // "sagsflow migrations"
  SqlStore::Impl& impl_;
};

}  // namespace

Result<MigrationReport> apply_migrations(SqlStore::Impl& impl) {
  std::optional<MigrationLock> lock;
  if (auto st = guarded(impl, "waiting for other migrations", [&]() -> Status {
        lock.emplace(impl);
        return Status::Ok();
      });
      !st.ok()) {
    return st;
  }
  const int connection = impl.reconnects;
  auto current = read_schema_version(impl);
  if (!current.ok()) return current.status();
  if (impl.reconnects != connection) {  // the lock went with the old connection
    return StorageError("migrating: the connection to the database was lost while taking the migration lock; "
                        "run `sagsflow db migrate` again");
  }
  MigrationReport report;
  report.from_version = report.to_version = *current;
  if (*current > latest_schema_version()) {
    return Status(ErrorCode::kSchemaTooNew,
                  fmt::format("database {} is at schema version {}, newer than this sagsflow "
                              "(which knows up to {}); use a newer sagsflow, the database is left "
                              "untouched", impl.display_url, *current, latest_schema_version()));
  }
  for (const auto& m : migrations()) {
    if (m.version <= *current) continue;
    const std::string label = fmt::format("{:04d}_{}", m.version, m.name);
    bool applied_here = false;
    auto st = guarded(impl, "migration " + label, [&]() -> Status {
      Transaction tx(impl);
      ensure_migrations_table(impl.sql);
      long long done = 0;
      impl.sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(m.version), soci::into(done);
      if (done > 0) {  // another process applied it after this one read the version
        tx.commit();
        return Status::Ok();
      }
      for (const auto& statement : migration_statements(m.sql, impl.dialect)) impl.sql << statement;
      // A migration whose rows only C++ can compute.
      if (m.version == kSearchMigration) fill_search_index(impl);
      const std::string name = m.name;
      const std::string now = format_timestamp(system_clock()());
      impl.sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)",
          soci::use(m.version), soci::use(name), soci::use(now);
      tx.commit();
      applied_here = true;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    if (applied_here) report.applied.push_back(label);
    report.to_version = m.version;
  }
  return report;
}

}  // namespace sagsflow::db
