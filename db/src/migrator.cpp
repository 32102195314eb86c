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

Result<int> read_schema_version(SqlStore::Impl& impl) {
  return guarded("reading the schema version", [&]() -> Result<int> {
    ensure_migrations_table(impl.sql);
    int version = 0;
    soci::indicator ind = soci::i_null;
    impl.sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
    return ind == soci::i_ok ? version : 0;
  });
}

Result<MigrationReport> apply_migrations(SqlStore::Impl& impl) {
  auto current = read_schema_version(impl);
  if (!current.ok()) return current.status();
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
    auto st = guarded("migration " + label, [&]() -> Status {
      Transaction tx(impl);
      for (const auto& statement : migration_statements(m.sql, impl.dialect)) impl.sql << statement;
      const std::string name = m.name;
      const std::string now = format_timestamp(system_clock()());
      impl.sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)",
          soci::use(m.version), soci::use(name), soci::use(now);
      tx.commit();
      return Status::Ok();
    });
    if (!st.ok()) return st;
    report.applied.push_back(label);
    report.to_version = m.version;
  }
  return report;
}

}  // namespace sagsflow::db
