#include <gtest/gtest.h>

#include "sagsflow/core/municipality.hpp"

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
