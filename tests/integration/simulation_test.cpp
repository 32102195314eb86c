// `sagsflow simulate` runs a profile's inquiries and cases through the real
// engine and plugins into the installation, and the reports read them back.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sagsflow/app/simulation.hpp"

namespace sagsflow::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CommandResult {
  int exit_code = 0;
  std::string out, err;
};

class SimulationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-sim-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "sim.db").string();
    ASSERT_EQ(run("init --municipality-file " + std::string(SAGSFLOW_SOURCE_DIR) +
                  "/examples/municipalities/eksempel-kommune.yaml").exit_code, 0);
    for (const auto& e : fs::directory_iterator(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR)) {
      if (e.path().extension() == ".so") ASSERT_EQ(run("plugins install " + e.path().string()).exit_code, 0);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  CommandResult run(const std::string& args) {
    const std::string cmd = std::string(SAGSFLOW_BIN) + " --db '" + db_ + "' --actor frida " + args + " >" +
                            (dir_ / "out").string() + " 2>" + (dir_ / "err").string();
    CommandResult r;
    r.exit_code = WEXITSTATUS(std::system(cmd.c_str()));
    std::ifstream o(dir_ / "out"), e(dir_ / "err");
    std::stringstream so, se;
    so << o.rdbuf();
    se << e.rdbuf();
    r.out = so.str();
    r.err = se.str();
    return r;
  }
  fs::path dir_;
  std::string db_;
  const std::string profile_ = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/profiles/koebenhavn-2012.yaml";
};

TEST_F(SimulationTest, AMonthOfTheCopenhagenProfileRunsThroughTheEngineAndShowsInTheReports) {
  auto sim = run("--json simulate " + profile_ + " --scale 0.005 --days 31");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const auto s = json::parse(sim.out);
  // January's share of 2.15 million a year at 0.5 %: about 850 inquiries.
  EXPECT_GT(s["inquiries"].get<long long>(), 600);
  EXPECT_LT(s["inquiries"].get<long long>(), 1100);
  EXPECT_GT(s["cases_opened"].get<long long>(), 50);
  EXPECT_GT(s["cases_closed"].get<long long>(), 40);  // moves and passports decided by the real plugins
  EXPECT_TRUE(s["refusals"].empty()) << s["refusals"].dump();
  // Phone is the biggest channel in the Copenhagen figures (docs/legal.md#copenhagen-figures), and about 80 % are resolved at first contact.
  auto report = run("report channels --from 2025-01-01 --to 2025-02-01 --format json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto r = json::parse(report.out);
  EXPECT_EQ(r["inquiries"], s["inquiries"]);
  EXPECT_NEAR(r["first_contact_share"].get<double>(), 0.8, 0.06);
  long long phone = 0, personal = 0;
  for (const auto& c : r["channels"]) {
    if (c["channel"] == "phone") phone = c["inquiries"];
    if (c["channel"] == "personal_attendance") personal = c["inquiries"];
  }
  EXPECT_GT(phone, personal);
  EXPECT_GT(r["for_other_authorities"].get<long long>(), 0);  // housing support and tax help
}

TEST_F(SimulationTest, AWhatIfComparesBothYearsWithoutTouchingTheInstallation) {
  auto what_if = run("--json simulate " + profile_ + " --scale 0.005 --days 20 --phone-hours 0.5");
  ASSERT_EQ(what_if.exit_code, 0) << what_if.err;
  const auto j = json::parse(what_if.out);
  EXPECT_GT(j["what_if"]["digital_share"].get<double>(), j["as_is"]["digital_share"].get<double>());
  EXPECT_LT(j["what_if"]["cost_kr"].get<double>(), j["as_is"]["cost_kr"].get<double>());
  EXPECT_GT(j["what_if"]["gave_up"].get<long long>(), 0);
  auto report = run("report channels --from 2025-01-01 --to 2026-01-01 --format json");
  EXPECT_EQ(json::parse(report.out)["inquiries"], 0);
}

TEST(SimulationProfileTest, AProfileWithMistakesIsRefusedWithTheirPositions) {
  auto r = app::parse_simulation_profile(
      "volumes: {phone: 10, pigeon: 5}\n"
      "general_share: 1.5\n"
      "areas:\n"
      "  moving: {share: 0.5, steps: [{action: register}]}\n",
      "bad.yaml");
  ASSERT_FALSE(r.ok());
  std::vector<std::string> messages;
  for (const auto& d : r.errors) messages.push_back(d.to_string());
  const std::string all = ::testing::PrintToString(messages);
  EXPECT_NE(all.find("bad.yaml:1:"), std::string::npos) << all;
  EXPECT_NE(all.find("'pigeon' is not a channel"), std::string::npos) << all;
  EXPECT_NE(all.find("general_share must be a number from 0 to 1"), std::string::npos) << all;
  EXPECT_NE(all.find("moving has steps but no workflow"), std::string::npos) << all;
  EXPECT_NE(all.find("add up to 0.500"), std::string::npos) << all;
}

}  // namespace
}  // namespace sagsflow::testing
