// Importing KL's emneplan into an installation (CLI `kle import`, and the
// admin API as a background job with progress).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::app {

struct KleImportReport {
  std::string file_name;
  std::string published;
  std::size_t subjects = 0;
  // Deployed workflows whose subject the plan lacks or KL retired: their cases keep working.
  std::vector<std::string> warnings;
};

// (steps done, steps in all, what is being done now)
using ProgressFn = std::function<void(int, int, const std::string&)>;

// Parses the XML (refusing it with line and column), replaces the imported
// plan, then checks every deployed workflow's subject against it.
// `with_store` runs a piece of work that needs the store; a server passes
// one that takes its lock, so parsing runs beside other requests.
Result<KleImportReport> import_kle_plan(const std::function<Status(const std::function<Status(db::SqlStore&)>&)>& with_store,
                                        std::string_view xml, const std::string& file_name, Timestamp now,
                                        const ProgressFn& progress = {});

}  // namespace sagsflow::app
