// A running server takes up a changed configuration without a restart: a
// person added to the staff list by `sagsflow init` (the CLI, beside the
// server) may work within about database.config_refresh_milliseconds, one
// removed is refused as soon, and /metrics counts the lanes reopened.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

long long metric(const std::string& text, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("\n" + name + " ([0-9]+)"))) return -1;
  return std::stoll(m[1]);
}

std::string example_file() {
  std::ifstream in(std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/eksempel-kommune.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ApiConfigReloadTest : public ApiTest {};

TEST_F(ApiConfigReloadTest, AStaffListChangedByInitBitesOnTheRunningServerWithoutARestart) {
  const std::string url = plain_installation("reload");
  server::ServerConfig config;
  config.port = 0;
  config.threads = 4;
  config.db_url = url;
  config.requests_per_minute = 100000;
  config.config_refresh_milliseconds = 100;
  auto running = server::Server::start(config, key());
  ASSERT_TRUE(running.ok()) << running.status().message();
  const unsigned port = (*running)->port();
  const std::string zoe = staff_token("zoe");
  const std::string frida = staff_token("frida");
  ASSERT_EQ(http(port, {"GET", "/api/v1/cases", frida}).status, 200);
  const auto refused = http(port, {"GET", "/api/v1/cases", zoe});
  ASSERT_EQ(refused.status, 403) << refused.text;
  const long long reopens_before = metric(http(port, {"GET", "/metrics", ""}).text, "sagsflow_lane_reopens_total");
  ASSERT_GE(reopens_before, 0);

  // Zoe joins the front desk; Frida leaves.
  std::string file = example_file();
  const std::string frida_line = "  - {id: frida, name: Frida Hansen, unit: bsc, roles: [frontdesk], layer: customer_line}\n";
  const auto at = file.find(frida_line);
  ASSERT_NE(at, std::string::npos);
  file.replace(at, frida_line.size(),
               "  - {id: zoe, name: Zoe Holm, unit: bsc, roles: [frontdesk], layer: customer_line}\n");
  // Frida's place in the queue's passport group goes to Zoe too (the file names no one who is not on the staff).
  for (size_t p; (p = file.find("[frida, ")) != std::string::npos;) file.replace(p, 7, "[zoe, ");
  // Written elsewhere than the example: its workflows by their full paths.
  for (size_t p; (p = file.find("../../workflows/")) != std::string::npos;) {
    file.replace(p, 16, std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/");
  }
  const std::string path = dir() + "/reload-kommune.yaml";
  std::ofstream(path) << file;
  const std::string init = std::string(SAGSFLOW_BIN) + " --db " + url + " --actor anna init --municipality-file " + path +
                           " >/dev/null 2>&1";
  ASSERT_EQ(std::system(init.c_str()), 0);
  const auto changed_at = std::chrono::steady_clock::now();

  // Every lane (reads and writes) takes the new staff list up; none keeps the old one.
  HttpResult listed, opened;
  for (;;) {
    listed = http(port, {"GET", "/api/v1/cases", zoe});
    opened = http(port, {"POST", "/api/v1/cases", zoe,
                         R"({"workflow": "access_request", "title": "Aktindsigt", "citizen_cpr": "010490-9989"})"});
    if (listed.status == 200 && opened.status == 201) break;
    ASSERT_LT(std::chrono::steady_clock::now() - changed_at, std::chrono::seconds(10))
        << "the running server never took the new staff list up: " << listed.text << " " << opened.text;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Readers are reopened as they are taken: ask often enough to meet each one.
  for (int i = 0; i < 16; ++i) {
    const auto again = http(port, {"GET", "/api/v1/cases", zoe});
    EXPECT_EQ(again.status, 200) << "a lane still on the old staff list: " << again.text;
    const auto gone = http(port, {"GET", "/api/v1/cases", frida});
    EXPECT_EQ(gone.status, 403) << "a lane still knows frida: " << gone.text;
  }
  const std::string metrics = http(port, {"GET", "/metrics", ""}).text;
  EXPECT_GT(metric(metrics, "sagsflow_lane_reopens_total"), reopens_before);
  EXPECT_EQ(metric(metrics, "sagsflow_lane_reopen_failures_total"), 0);
  (*running)->stop();
}

}  // namespace
}  // namespace sagsflow::testing
