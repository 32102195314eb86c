#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>

#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::db {
namespace {

// A value as libpq reads it back in a key=value string: bare when it is
// plain, else in single quotes with ' and \ escaped by a backslash.
std::string conninfo_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \t\n\r\f\v'\\") == std::string::npos) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// libpq's own reading of a PostgreSQL connection string (key=value pairs or
// a postgresql:// URI), written back as key=value pairs with every secret
// field (libpq marks them with dispchar "*": password, sslpassword) as ***.
// An empty result when libpq cannot read the string.
std::optional<std::string> masked_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                       &PQconninfoFree);
  // libpq's message is not passed on: for a URI it quotes the whole string, password and all.
  if (error != nullptr) PQfreemem(error);
  if (!options) return std::nullopt;
  std::string out;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const bool secret = o->dispchar != nullptr && o->dispchar[0] == '*';
    if (!out.empty()) out += ' ';
    out += std::string(o->keyword) + "=" + (secret ? std::string("***") : conninfo_value(o->val));
  }
  return out;
}

}  // namespace

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
    auto masked = masked_conninfo(s);
    if (!masked) {
      return InvalidArgument(
          "the database URL is not a PostgreSQL connection string libpq can read (key=value pairs, values with "
          "spaces in single quotes, or postgresql://user:password@host:port/dbname); it is not shown here because "
          "it may hold a password");
    }
    out.dialect = Dialect::kPostgresql;
    out.connect = s;
    out.display = *masked;
    return out;
  }
  return InvalidArgument("database URL '" + s +
                         "' is neither sqlite:PATH nor a PostgreSQL connection string "
                         "(postgresql://... or host=... dbname=...)");
}

}  // namespace sagsflow::db
