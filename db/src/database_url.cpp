#include <regex>
#include <set>

#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::db {

Result<DatabaseUrl> DatabaseUrl::parse(std::string_view url) {
  const std::string s(url);
  DatabaseUrl out;
  if (s.rfind("sqlite:", 0) == 0) {
    const std::string path = s.substr(7);
    if (path.empty()) return InvalidArgument("database URL 'sqlite:' needs a file path, e.g. sqlite:sagsflow.db");
    out.dialect = Dialect::kSqlite;
    out.connect = path;
    out.display = s;
    return out;
  }
  if (s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0 ||
      s.find('=') != std::string::npos) {
    out.dialect = Dialect::kPostgresql;
    out.connect = s;
    // Hide passwords in both URL and keyword forms.
    static const std::regex url_password(R"((://[^:/@]*:)[^@]*@)");
    static const std::regex kw_password(R"((password\s*=\s*)(\S+))");
    out.display = std::regex_replace(std::regex_replace(s, url_password, "$1***@"), kw_password, "$1***");
    return out;
  }
  return InvalidArgument("database URL '" + s +
                         "' is neither sqlite:PATH nor a PostgreSQL connection string "
                         "(postgresql://... or host=... dbname=...)");
}

}  // namespace sagsflow::db
