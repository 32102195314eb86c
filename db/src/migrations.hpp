// The numbered schema migrations, embedded from db/migrations/*.sql at build time.
#pragma once

#include <string>
#include <vector>

namespace sagsflow::db {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Sorted by version.
const std::vector<Migration>& migrations();

}  // namespace sagsflow::db
