// The fixed-form text parsers of core/domain: dates and timestamps (ISO 8601,
// calendar.hpp and time.hpp), KLE deletion periods (ISO 8601 durations,
// describe_kle_duration in kle.hpp) and case numbers (case_number.hpp).
// Checks: an accepted date or timestamp formats back to exactly its text
// (both parsers take one spelling only); a period is described without
// throwing; an accepted case number has its parts' shapes, a year 20yy, and
// reads back from its to_string().
#include <string>

#include "fuzz_check.hpp"
#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/case_number.hpp"
#include "sagsflow/domain/kle.hpp"
#include "sagsflow/domain/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text = sagsflow::fuzz::text_of(data, size);

  if (auto date = sagsflow::parse_date(text); date.ok()) {
    SAGSFLOW_FUZZ_CHECK(sagsflow::format_date(*date) == text, "an accepted date formats back to its text");
  } else {
    SAGSFLOW_FUZZ_CHECK(date.status().code() == sagsflow::ErrorCode::kInvalidArgument, "a bad date is kInvalidArgument");
  }

  if (auto t = sagsflow::parse_timestamp(text); t.ok()) {
    SAGSFLOW_FUZZ_CHECK(sagsflow::format_timestamp(*t) == text, "an accepted timestamp formats back to its text");
    (void)sagsflow::copenhagen_date(*t);
    (void)sagsflow::format_copenhagen_time(*t);
  } else {
    SAGSFLOW_FUZZ_CHECK(t.status().code() == sagsflow::ErrorCode::kInvalidArgument,
                        "a bad timestamp is kInvalidArgument");
  }

  (void)sagsflow::describe_kle_duration(text);

  if (auto n = sagsflow::CaseNumber::parse(text); n.ok()) {
    SAGSFLOW_FUZZ_CHECK(sagsflow::is_kle_subject(n->subject), "the subject is NN.NN.NN");
    SAGSFLOW_FUZZ_CHECK(sagsflow::is_kle_facet(n->facet), "the facet is FNN");
    SAGSFLOW_FUZZ_CHECK(n->sequence > 0, "the running number is positive");
    SAGSFLOW_FUZZ_CHECK(n->year >= 2000 && n->year <= 2099, "the year is 20yy");
    auto again = sagsflow::CaseNumber::parse(n->to_string());
    SAGSFLOW_FUZZ_CHECK(again.ok() && *again == *n, "a case number reads back from to_string()");
  } else {
    SAGSFLOW_FUZZ_CHECK(n.status().code() == sagsflow::ErrorCode::kInvalidArgument,
                        "a bad case number is kInvalidArgument");
  }
  return 0;
}
