#include <gtest/gtest.h>

#include "sagsflow/config/municipality.hpp"

using namespace sagsflow;

TEST(MunicipalityFile, ReadsCodeNameAndWorkflowsRelativeToTheFile) {
  auto r = parse_municipality(R"(municipality:
  code: "0101"
  name: Københavns Kommune
workflows:
  - ../workflows/passport.yaml
)", "/etc/sagsflow/municipalities/kbh.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->code, "0101");
  EXPECT_EQ(r.config->name, "Københavns Kommune");
  ASSERT_EQ(r.config->workflow_files.size(), 1u);
  EXPECT_EQ(r.config->workflow_files[0], "/etc/sagsflow/workflows/passport.yaml");
}

TEST(MunicipalityFile, ReportsErrorsWithPositions) {
  auto r = parse_municipality("municipality:\n  code: 101\n  nmae: X\n", "m.yaml");
  ASSERT_FALSE(r.ok());
  std::string text;
  for (const auto& d : r.errors) text += d.to_string() + "\n";
  EXPECT_NE(text.find("m.yaml:2:9: error: municipality.code '101' must be four digits"), std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:3:3: error: municipality has an unknown key 'nmae'"), std::string::npos) << text;
  EXPECT_NE(text.find("has no 'name'"), std::string::npos) << text;
}

TEST(MunicipalityFile, ShippedExampleIsValid) {
  auto r = load_municipality_file(std::string(SAGSFLOW_SOURCE_DIR) +
                                  "/examples/municipalities/eksempel-kommune.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->workflow_files.size(), 2u);
}

namespace {

std::string errors_of(const MunicipalityParseResult& r) {
  std::string text;
  for (const auto& d : r.errors) text += d.to_string() + "\n";
  return text;
}

constexpr const char* kHybrid = R"(municipality: {code: "0101", name: Test Kommune}
organisational_model: hybrid
units:
  - {id: bsc, name: Borgerservice, kind: citizen_service_centre, has_chief: true}
  - {id: social, name: Socialforvaltningen, kind: department}
  - id: ud-bod
    name: Udbetaling Danmarks bod
    kind: booth
    run_by: udbetaling-danmark
    staffed: {days: [monday, wednesday]}
authorities:
  - {id: udbetaling-danmark, name: Udbetaling Danmark, kind: state, phone: "70 12 80 63"}
staff:
  - {id: anne, name: Anne, unit: bsc, roles: [frontdesk], layer: customer_line}
  - {id: bo, name: Bo, unit: social, roles: [caseworker], layer: specialist_group, area: housing_support}
service_areas:
  housing_support:
    split: partial_2
    model: limited_market_square
    tasks:
      decide:
        model: full_market_square
        responsibilities: {professional: department, administrative: department, daily_operations: citizen_service_centre}
  passports: {split: full}
agreements:
  - {municipality: "0147", name: Frederiksberg, service_areas: [passports]}
)";

}  // namespace

TEST(MunicipalityFile, ReadsUnitsBoothsStaffModelsSplitsAndAgreements) {
  auto r = parse_municipality(kHybrid, "hybrid.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& m = *r.config;
  EXPECT_EQ(m.model, OrganisationalModel::kHybrid);
  ASSERT_EQ(m.units.size(), 3u);
  const auto* booth = m.unit("ud-bod");
  ASSERT_NE(booth, nullptr);
  EXPECT_EQ(booth->run_by, "udbetaling-danmark");
  using namespace std::chrono;
  EXPECT_TRUE(booth->staffing->staffed_on(sys_days{year{2026} / 11 / 23}));   // a Monday
  EXPECT_FALSE(booth->staffing->staffed_on(sys_days{year{2026} / 11 / 24}));  // a Tuesday
  EXPECT_EQ(m.staff[1].layer, StaffLayer::kSpecialistGroup);
  EXPECT_EQ(m.service_area("housing_support")->split, ServiceSplit::kPartial2);
  // Models combine per task: task override, then area override, then the municipality's.
  EXPECT_EQ(m.model_for("housing_support", "decide"), OrganisationalModel::kFullMarketSquare);
  EXPECT_EQ(m.model_for("housing_support", "receive"), OrganisationalModel::kLimitedMarketSquare);
  EXPECT_EQ(m.model_for("passports", "decide"), OrganisationalModel::kHybrid);
  EXPECT_EQ(m.service_area("housing_support")->responsibilities.at("decide").administrative, Placement::kDepartment);
  ASSERT_EQ(m.agreements.size(), 1u);
  EXPECT_EQ(m.agreements[0].municipality, "0147");
}

TEST(MunicipalityFile, CrossReferencesAreCheckedWithPositions) {
  std::string text = kHybrid;
  text.replace(text.find("unit: social"), 12, "unit: socail");
  text.replace(text.find("run_by: udbetaling-danmark"), 26, "run_by: skat");
  text.replace(text.find("service_areas: [passports]"), 26, "service_areas: [pas]");
  text.replace(text.find("split: partial_2"), 16, "split: partial_9");
  auto r = parse_municipality(text, "m.yaml");
  ASSERT_FALSE(r.ok());
  const std::string e = errors_of(r);
  EXPECT_NE(e.find("m.yaml:9:13: error: booth 'ud-bod' is run by 'skat', which is neither"), std::string::npos) << e;
  EXPECT_NE(e.find("m.yaml:15:30: error: staff member 'bo' works in unit 'socail', which is not declared"), std::string::npos) << e;
  EXPECT_NE(e.find("m.yaml:18:12: error: service area 'housing_support' split is 'partial_9'"), std::string::npos) << e;
  EXPECT_NE(e.find("covers service area 'pas', which is not declared"), std::string::npos) << e;
}

TEST(MunicipalityFile, TheModelMustFitTheCentre) {
  std::string no_chief = kHybrid;
  no_chief.replace(no_chief.find("organisational_model: hybrid"), 28, "organisational_model: supermarket");
  no_chief.replace(no_chief.find(", has_chief: true"), 17, "");
  EXPECT_NE(errors_of(parse_municipality(no_chief, "m.yaml")).find("m.yaml:2:23: error: the supermarket model gives the centre chief"),
            std::string::npos) << errors_of(parse_municipality(no_chief, "m.yaml"));
  std::string market = kHybrid;
  market.replace(market.find("organisational_model: hybrid"), 28, "organisational_model: full_market_square");
  EXPECT_NE(errors_of(parse_municipality(market, "m.yaml")).find("there is no centre chief"), std::string::npos);
}

TEST(MunicipalityFile, BoothsNeedStaffingAndAuthoritiesNeedContact) {
  std::string text = kHybrid;
  text.replace(text.find("    staffed: {days: [monday, wednesday]}\n"), 41, "");
  text.replace(text.find(", phone: \"70 12 80 63\""), 22, "");
  text.replace(text.find("layer: specialist_group, area: housing_support"), 46, "layer: specialist_group");
  const std::string e = errors_of(parse_municipality(text, "m.yaml"));
  EXPECT_NE(e.find("unit 'ud-bod' is a booth and needs 'staffed'"), std::string::npos) << e;
  EXPECT_NE(e.find("authority 'udbetaling-danmark' needs at least an address, a phone or a web address"), std::string::npos) << e;
  EXPECT_NE(e.find("staff member 'bo' is in a specialist group and needs the 'area'"), std::string::npos) << e;
}
