// Fresh databases for integration tests, one per test and backend:
// - sqlite: a new file in a temporary folder;
// - postgresql: a new schema on the server named by SAGSFLOW_TEST_POSTGRES (a
//   libpq keyword string; ./scripts/test starts a throwaway server and sets it).
//   Without it the PostgreSQL variants are skipped, unless
//   SAGSFLOW_REQUIRE_POSTGRES=1, when they fail.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "sagsflow/engine/engine.hpp"
#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::testing {

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A new connection to this test's database (migrated in SetUp).
  std::unique_ptr<db::SqlStore> connect();
  // connect(), with the test municipality set up.
  std::unique_ptr<db::SqlStore> connect_seeded();
  // For fixtures deriving from this one: SetUp stopped early.
  bool not_ready() const { return IsSkipped() || HasFatalFailure(); }
  const std::string& url() const { return url_; }
  bool is_postgres() const { return GetParam() == "postgresql"; }

 private:
  std::string url_;
  std::string schema_;  // postgresql only
  std::string dir_;     // sqlite only
};

// Returns backend names for INSTANTIATE_TEST_SUITE_P.
inline auto AllBackends() { return ::testing::Values(std::string("sqlite"), std::string("postgresql")); }

// A clock the test moves by hand.
struct ManualClock {
  std::shared_ptr<Timestamp> now = std::make_shared<Timestamp>(
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{9});
  Clock clock() const {
    auto p = now;
    return [p] { return *p; };
  }
  void advance(std::chrono::days d) { *now += d; }
  void set(Date day) { *now = day + std::chrono::hours{9}; }
};

// A workflow of one stage whose `note` keeps the case there (any number of
// versions to race on) and whose `finish` closes it; no plugin.
inline constexpr const char* kCounterWorkflow = R"(id: counter
subject: 23.05.10
start: work
stages:
  work:
    kind: check
    deadline: {working_days: 5}
    actions:
      note: {next: work}
      finish: {next: closed}
)";

// The municipality most tests use, and the passport workflow from workflows/.
inline constexpr const char* kMunicipality = "0999";
void seed_municipality(CaseStore& store, const std::string& code = kMunicipality);
std::string read_repo_file(const std::string& relative);
// A workflow file without its plugin (no `plugin:`, no `validate_form:`), for
// tests of the engine's own rules.
std::string without_plugin(const std::string& workflow_yaml);

Actor frontdesk();
Actor caseworker();

}  // namespace sagsflow::testing
