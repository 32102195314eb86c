#include "sagsflow/app/kle_import.hpp"

#include <fmt/format.h>

#include <set>

#include "sagsflow/domain/kle.hpp"
#include "sagsflow/config/workflow.hpp"

namespace sagsflow::app {

Result<KleImportReport> import_kle_plan(const std::function<Status(const std::function<Status(db::SqlStore&)>&)>& with_store,
                                        std::string_view xml, const std::string& file_name, Timestamp now,
                                        const ProgressFn& progress) {
  const auto report_progress = [&](int done, int total, const std::string& step) {
    if (progress) progress(done, total, step);
  };
  report_progress(0, 3, "reading the emneplan");
  auto plan = parse_kle_emneplan(xml, file_name);
  if (!plan.ok()) return plan.status();
  KleImportReport report;
  report.file_name = file_name;
  report.published = plan->published;
  report.subjects = plan->subjects.size();
  report_progress(1, 3, fmt::format("storing {} subjects", plan->subjects.size()));
  Status stored = with_store([&](db::SqlStore& store) { return store.replace_kle_plan(*plan, file_name, format_timestamp(now)); });
  if (!stored.ok()) return stored;
  report_progress(2, 3, "checking the deployed workflows' subjects");
  Status checked = with_store([&](db::SqlStore& store) -> Status {
    auto workflows = store.list_workflows();
    if (!workflows.ok()) return workflows.status();
    std::set<std::string> seen;
    for (auto it = workflows->rbegin(); it != workflows->rend(); ++it) {
      if (!seen.insert(it->id).second) continue;
      auto record = store.load_workflow(it->id, it->version);
      if (!record.ok()) continue;
      auto wf = parse_workflow(record->source, record->file_name);
      if (!wf.ok() || it->id == "access_request") continue;  // files under the concerned case's subject
      auto subject = store.kle_subject(wf.definition->subject);
      if (!subject.ok()) return subject.status();
      if (!*subject) {
        report.warnings.push_back(fmt::format("workflow {} uses KLE {}, which the imported emneplan does not have; "
                                              "its cases keep working but show no KLE title or deletion deadline",
                                              it->id, wf.definition->subject));
      } else if (!(*subject)->retired_on.empty()) {
        report.warnings.push_back(fmt::format("workflow {} uses KLE {}, which KL retired on {}; move it to the "
                                              "current number",
                                              it->id, wf.definition->subject, (*subject)->retired_on));
      }
    }
    return Status::Ok();
  });
  if (!checked.ok()) return checked;
  report_progress(3, 3, fmt::format("imported {} subjects", report.subjects));
  return report;
}

}  // namespace sagsflow::app
