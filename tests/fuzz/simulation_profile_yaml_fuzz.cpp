// parse_simulation_profile (app, simulation_profile.hpp): the profile of
// `sagsflow simulate` and of the admin API's simulation job. Besides
// diagnostics_check.hpp: an accepted profile's numbers are in their ranges.
#include "diagnostics_check.hpp"
#include "sagsflow/app/simulation_profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parsed =
      sagsflow::app::parse_simulation_profile(sagsflow::fuzz::text_of(data, size), sagsflow::fuzz::kFileName);
  sagsflow::fuzz::check_diagnostics(parsed.profile.has_value(), parsed.errors);
  if (!parsed.ok()) return 0;
  const auto& p = *parsed.profile;
  SAGSFLOW_FUZZ_CHECK(p.year >= 2000 && p.year <= 2100, "the year is from 2000 to 2100");
  SAGSFLOW_FUZZ_CHECK(p.seasonality.size() == 12, "twelve monthly weights");
  SAGSFLOW_FUZZ_CHECK(p.general_share >= 0 && p.general_share <= 1, "general_share is a share");
  double shares = 0;
  for (const auto& area : p.areas) {
    shares += area.share;
    SAGSFLOW_FUZZ_CHECK(area.steps.empty() || !area.workflow.empty(), "an area with steps names its workflow");
    for (const auto& step : area.steps) {
      SAGSFLOW_FUZZ_CHECK(step.after_days >= 0 && step.after_days <= 365, "after_days is from 0 to 365");
      SAGSFLOW_FUZZ_CHECK(step.per_working_day >= 0, "per_working_day is not negative");
    }
  }
  SAGSFLOW_FUZZ_CHECK(shares > 0.999 && shares < 1.001, "the areas' shares add up to 1");
  return 0;
}
