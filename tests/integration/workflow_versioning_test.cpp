// Deploying a changed workflow creates a new version; running cases stay on theirs.
#include <gtest/gtest.h>

#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

constexpr const char* kV1 = R"(id: sample
subject: 23.05.10
start: receipt
stages:
  receipt:
    kind: receipt
    actions:
      accept: {next: closed}
)";

constexpr const char* kV2 = R"(id: sample
subject: 23.05.10
start: receipt
stages:
  receipt:
    kind: receipt
    actions:
      forward: {next: referral}
  referral:
    kind: referral
    actions:
      forwarded: {next: closed}
)";

class WorkflowVersioningTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    engine_ = std::make_unique<CaseEngine>(*store_);
  }
  CaseState open() {
    OpenCaseRequest r;
    r.municipality = kMunicipality;
    r.workflow_id = "sample";
    r.actor = frontdesk();
    auto c = engine_->open_case(r);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? *c : CaseState{};
  }
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

TEST_P(WorkflowVersioningTest, RunningCasesStayOnTheirVersion) {
  auto v1 = engine_->deploy_workflow(kV1, "sample.yaml");
  ASSERT_TRUE(v1.ok());
  EXPECT_TRUE(v1->created);
  EXPECT_EQ(v1->record.version, 1);
  auto old_case = open();

  auto v2 = engine_->deploy_workflow(kV2, "sample.yaml");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->record.version, 2);
  auto same = engine_->deploy_workflow(kV2, "sample.yaml");
  EXPECT_FALSE(same->created) << "an unchanged definition is not a new version";
  EXPECT_EQ(same->record.version, 2);

  auto new_case = open();
  EXPECT_EQ(old_case.workflow_version, 1);
  EXPECT_EQ(new_case.workflow_version, 2);

  // The old case still follows version 1, the new one version 2.
  EXPECT_EQ(engine_->act({old_case.id, "forward", frontdesk(), {}, {}, std::nullopt, "", false}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->act({old_case.id, "accept", frontdesk(), {}, {}, std::nullopt, "", false})->status,
            CaseStatus::kClosed);
  EXPECT_EQ(engine_->act({new_case.id, "accept", frontdesk(), {}, {}, std::nullopt, "", false}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->act({new_case.id, "forward", frontdesk(), {}, {}, std::nullopt, "", false})->stage, "referral");

  auto versions = store_->list_workflows();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].source, "") << "list_workflows leaves the source out";
  EXPECT_EQ(store_->load_workflow("sample", 1)->source, kV1);
}

TEST_P(WorkflowVersioningTest, ABrokenDefinitionIsNeverDeployed) {
  ASSERT_TRUE(engine_->deploy_workflow(kV1, "sample.yaml").ok());
  std::string broken = kV2;
  broken.replace(broken.find("next: closed"), 12, "next: nowhere");
  auto r = engine_->deploy_workflow(broken, "sample.yaml");
  ASSERT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("sample.yaml:12:7:"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("'nowhere'"), std::string::npos);
  EXPECT_EQ(store_->list_workflows()->size(), 1u);
  EXPECT_EQ(store_->load_workflow("sample", std::nullopt)->version, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkflowVersioningTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
