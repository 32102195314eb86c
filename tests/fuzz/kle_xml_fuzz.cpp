// parse_kle_emneplan (kle.hpp): KL's emneplan XML, which an admin uploads
// (CLI `kle import`, the admin API's import job). Checks: it never throws; a
// refusal is kInvalidArgument starting with the file name; an accepted plan
// has subjects, each numbered NN.NN.NN, and each deletion period can be
// described (what `case show` and `kle show` print).
#include <string>

#include "fuzz_check.hpp"
#include "sagsflow/domain/case_number.hpp"
#include "sagsflow/domain/kle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  constexpr std::string_view kFile = "fuzz-emneplan.xml";
  auto plan = sagsflow::parse_kle_emneplan(sagsflow::fuzz::text_of(data, size), kFile);
  if (!plan.ok()) {
    SAGSFLOW_FUZZ_CHECK(plan.status().code() == sagsflow::ErrorCode::kInvalidArgument, "a refusal is kInvalidArgument");
    SAGSFLOW_FUZZ_CHECK(plan.status().message().rfind(kFile, 0) == 0, "a refusal starts with the file name");
    return 0;
  }
  SAGSFLOW_FUZZ_CHECK(!plan->subjects.empty(), "an accepted plan has subjects");
  for (const auto& subject : plan->subjects) {
    SAGSFLOW_FUZZ_CHECK(sagsflow::is_kle_subject(subject.number), "every subject is numbered NN.NN.NN");
    (void)sagsflow::describe_kle_duration(subject.deletion);
  }
  return 0;
}
