// `sagsflow self-service exempt|unexempt|status` through the real CLI binary:
// the CPR number comes on standard input, never on the command line; every
// output shows it masked; an exempt citizen is registered, looked up and
// removed again; a bad CPR number is refused naming the field.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "sagsflow/domain/text_file.hpp"

namespace {
namespace fs = std::filesystem;

struct Ran {
  int exit_code = -1;
  std::string out, err;
};

class CliSelfServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-self-service-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "sagsflow.db").string();
    ASSERT_EQ(run("--actor anna init --municipality-file " + std::string(SAGSFLOW_SOURCE_DIR) +
                  "/examples/municipalities/eksempel-kommune.yaml", "").exit_code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Ran run(const std::string& args, const std::string& stdin_text) {
    const auto in = dir_ / "stdin", out = dir_ / "stdout", err = dir_ / "stderr";
    std::ofstream(in) << stdin_text;
    const std::string cmd = std::string(SAGSFLOW_BIN) + " --db " + db_ + " " + args + " <" + in.string() + " >" +
                            out.string() + " 2>" + err.string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, sagsflow::read_text_file(out.string()).value(),
            sagsflow::read_text_file(err.string()).value()};
  }
  fs::path dir_;
  std::string db_;
};

TEST_F(CliSelfServiceTest, AnExemptionIsRegisteredLookedUpAndRemovedWithTheCprNumberFromStandardInput) {
  auto exempt = run("--actor frida --json self-service exempt --reason \"Ingen computer\"", "070761-4285\n");
  ASSERT_EQ(exempt.exit_code, 0) << exempt.err;
  EXPECT_EQ(nlohmann::json::parse(exempt.out)["exempt"], true);
  EXPECT_EQ(exempt.out.find("070761-4285"), std::string::npos) << exempt.out;
  auto status = run("--actor frida self-service status", "070761-4285\n");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("is exempt"), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("070761-4285"), std::string::npos) << status.out;
  auto removed = run("--actor frida --json self-service unexempt", "070761-4285\n");
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(nlohmann::json::parse(removed.out)["removed"], true);
  auto after = run("--actor frida --json self-service status", "070761-4285\n");
  EXPECT_EQ(nlohmann::json::parse(after.out)["exempt"], false);
}

TEST_F(CliSelfServiceTest, ABadOrMissingCprNumberIsRefusedNamingTheField) {
  auto bad = run("--actor frida self-service status", "31-02-99\n");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("cpr"), std::string::npos) << bad.err;
  auto none = run("--actor frida self-service status", "");
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("standard input"), std::string::npos) << none.err;
  auto stranger = run("--actor mallory self-service exempt --reason x", "070761-4285\n");
  EXPECT_NE(stranger.exit_code, 0);
}

}  // namespace
