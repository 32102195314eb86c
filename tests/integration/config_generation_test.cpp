// The configuration's generation (migration 12), on both backends: it moves
// with every stored municipality file, workflow version and installed-plugin
// change, in the same transaction (a change rolled back takes its bump with
// it), and never with case work, so a server re-reads its configuration
// exactly when there is a new one.
#include <gtest/gtest.h>

#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

class ConfigGenerationTest : public DatabaseTest {
 protected:
  long long generation(db::SqlStore& store) {
    auto g = store.config_generation();
    EXPECT_TRUE(g.ok()) << g.status().to_string();
    return g.ok() ? *g : -1;
  }
};

TEST_P(ConfigGenerationTest, MovesWithMunicipalityWorkflowAndPluginRecordsAndNotWithCaseWork) {
  auto store = connect_seeded();
  CaseEngine engine(*store);
  auto other = connect();  // another process or node reads the same number

  long long last = generation(*store);
  ASSERT_GT(last, 0);
  const auto moved = [&](const char* what) {
    const long long now = generation(*other);
    EXPECT_GT(now, last) << what << " did not move the generation";
    last = now;
  };

  ASSERT_TRUE(engine.deploy_workflow(kCounterWorkflow, "counter.yaml").ok());
  moved("deploying a workflow");

  OpenCaseRequest req;
  req.municipality = kMunicipality;
  req.workflow_id = "counter";
  req.actor = frontdesk();
  auto opened = engine.open_case(req);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  ActionRequest note{opened->id, "note", frontdesk(), {}, {}, std::nullopt, "", false};
  (void)engine.act(note);
  EXPECT_EQ(generation(*other), last) << "case work is not configuration";

  db::MunicipalityConfigRecord config{kMunicipality, "kommune.yaml", "municipality: {}", "00", "2026-12-01T10:00:00Z"};
  ASSERT_TRUE(store->save_municipality_config(config).ok());
  moved("storing a municipality file");

  db::InstalledPlugin plugin{"counter_plugin", "1.0.0", "counter.so", "ab", "counter", true, "2026-12-01T10:00:00Z"};
  ASSERT_TRUE(store->record_plugin(plugin).ok());
  moved("installing a plugin");
  ASSERT_TRUE(store->set_plugin_enabled("counter_plugin", false).ok());
  moved("disabling a plugin");
  ASSERT_TRUE(store->set_plugin_enabled("counter_plugin", true).ok());
  moved("enabling a plugin");
  ASSERT_TRUE(store->disable_plugin_for("counter_plugin", "crashed 3 times").ok());
  moved("Sagsflow disabling a crashing plugin");
}

TEST_P(ConfigGenerationTest, AChangeThatRollsBackLeavesTheGenerationAlone) {
  auto store = connect_seeded();
  const long long before = generation(*store);
  // A plugin recorded in a group commit that is then rolled back whole.
  ASSERT_TRUE(store->begin_group().ok());
  db::InstalledPlugin plugin{"counter_plugin", "1.0.0", "counter.so", "ab", "counter", true, "2026-12-01T10:00:00Z"};
  ASSERT_TRUE(store->record_plugin(plugin).ok());
  ASSERT_TRUE(store->abandon_group().ok());
  EXPECT_EQ(generation(*store), before);
  auto listed = store->installed_plugins();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ConfigGenerationTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
