// Importing KL's emneplan into an installation (CLI `kle import`, and the
// admin API as a background job with progress).
// Thread-safety: import_kle_plan may run on any thread; it touches the store
// only inside `with_store`, which must serialise that with the store's other users.
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

// Parses the XML (refusing it with line and column: parse_kle_emneplan's
// kInvalidArgument, and then nothing is stored), replaces the imported plan in
// one transaction, then checks every deployed workflow's subject against it
// (warnings, not errors). kStorage from the store; after a failure of the
// check the new plan stays imported.
// `with_store` runs a piece of work that needs the store; a server passes
// one that takes its lock, so parsing runs beside other requests. `progress`
// is called on the calling thread, 0 of 3 to 3 of 3.
Result<KleImportReport> import_kle_plan(const std::function<Status(const std::function<Status(db::SqlStore&)>&)>& with_store,
                                        std::string_view xml, const std::string& file_name, Timestamp now,
                                        const ProgressFn& progress = {});

}  // namespace sagsflow::app
