// A database with the five example municipalities of examples/municipalities/
// (one per organisational model) and their workflows, an engine and a front
// desk that apply their organisation, the first-party plugins the workflows
// call, and a clock fixed on Tuesday 24 November 2026 at 10:00 Danish time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/organisation/organisation.hpp"
#include "sagsflow/plugins/plugin_host.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {

class ExampleMunicipalitiesTest : public DatabaseTest {
 protected:
  static constexpr const char* kSupermarket = "0991";
  static constexpr const char* kCooperation = "0992";  // has an agreement: passports for 0991
  static constexpr const char* kLimited = "0993";
  static constexpr const char* kHybrid = "0994";       // Skattestyrelsen's booth: Tue, Thu, appointment
  static constexpr const char* kFull = "0995";         // Skattestyrelsen's booth: Wed, appointment

  void SetUp() override;

  // Everyone on the municipality's staff list, as they would sign in.
  std::vector<Actor> staff(const std::string& code) const;
  // One person, by id, as they would sign in.
  Actor person(const std::string& id) const;
  // The first person at the citizen-service centre (unit "bsc").
  Actor front_desk(const std::string& code) const;
  // The staff who may take one of `actions` on the case now.
  std::vector<Actor> may_take(long long id, const std::string& code, const std::vector<std::string>& actions);

  void TearDown() override;

  std::unique_ptr<db::SqlStore> store_;
  ManualClock clock_;
  Organisation org_;
  // The first-party plugins (build/plugins), with each municipality's settings.
  std::unique_ptr<PluginHost> plugins_;
  std::unique_ptr<CaseEngine> engine_;
  std::unique_ptr<FrontDesk> desk_;
  std::vector<std::string> codes_;  // in model order
};

}  // namespace sagsflow::testing
