// Two actions on the same case at the same time cannot both win: the loser
// gets a conflict, nothing is half-written, and the history stays whole.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

constexpr const char* kCounterWorkflow = R"(id: counter
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

class ConcurrentActionsTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    auto store = connect_seeded();
    CaseEngine engine(*store);
    ASSERT_TRUE(engine.deploy_workflow(kCounterWorkflow, "counter.yaml").ok());
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = "counter";
    req.actor = frontdesk();
    auto c = engine.open_case(req);
    ASSERT_TRUE(c.ok());
    case_id_ = c->id;
  }
  long long case_id_ = 0;
};

TEST_P(ConcurrentActionsTest, TheSecondOfTwoActionsOnTheSameVersionGetsAConflict) {
  auto store_a = connect();
  auto store_b = connect();
  CaseEngine a(*store_a), b(*store_b);
  const long long seen = a.get_case(case_id_)->version;  // both read version 1

  ActionRequest first{case_id_, "note", frontdesk(), {{"by", "a"}}, {}, seen, "", false};
  ActionRequest second{case_id_, "finish", caseworker(), {{"by", "b"}}, {}, seen, "", false};
  ASSERT_TRUE(a.act(first).ok());
  auto lost = b.act(second);
  ASSERT_EQ(lost.status().code(), ErrorCode::kConflict);
  EXPECT_NE(lost.status().message().find("re-read the case"), std::string::npos) << lost.status().message();

  auto state = a.get_case(case_id_);
  EXPECT_EQ(state->version, 2);
  EXPECT_EQ(state->status, CaseStatus::kOpen) << "the losing 'finish' must not have closed the case";
  EXPECT_EQ(state->fields["by"], "a");
  EXPECT_EQ(a.history(case_id_)->size(), 2u);
}

TEST_P(ConcurrentActionsTest, StaleStateIsRefusedByTheStoreItself) {
  // Even without an expected version, a write based on an old state loses.
  auto store = connect();
  CaseEngine engine(*store);
  auto old_state = *engine.get_case(case_id_);
  ASSERT_TRUE(engine.act({case_id_, "note", frontdesk(), {}, {}, std::nullopt, "", false}).ok());

  CaseState stale = old_state;
  CaseEvent e;
  e.case_id = case_id_;
  e.seq = old_state.version + 1;
  e.at = "2026-11-23T10:00:00Z";
  e.actor = "intruder";
  e.authority = kMunicipality;
  e.action = "note";
  e.from_stage = e.to_stage = "work";
  ASSERT_TRUE(apply_event(stale, e).ok());
  EXPECT_EQ(store->append_event(stale, e).code(), ErrorCode::kConflict);
  for (const auto& ev : *engine.history(case_id_)) EXPECT_NE(ev.actor, "intruder");
}

TEST_P(ConcurrentActionsTest, RacingThreadsEachWinOrConflictAndTheHistoryStaysWhole) {
  constexpr int kThreads = 4;
  constexpr int kAttempts = 25;
  std::atomic<int> wins{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto store = db::SqlStore::open(url());
      if (!store.ok()) { ++other; ADD_FAILURE() << store.status().to_string(); return; }
      CaseEngine engine(**store);
      for (int i = 0; i < kAttempts; ++i) {
        auto seen = engine.get_case(case_id_);
        if (!seen.ok()) { ++other; ADD_FAILURE() << seen.status().to_string(); continue; }
        ActionRequest r{case_id_, "note", frontdesk(), {{"thread", t}, {"i", i}}, {}, seen->version, "", false};
        auto done = engine.act(r);
        if (done.ok()) ++wins;
        else if (done.status().code() == ErrorCode::kConflict) ++conflicts;
        else { ++other; ADD_FAILURE() << done.status().to_string(); }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(wins + conflicts, kThreads * kAttempts);
  EXPECT_GT(wins.load(), 0);

  auto store = connect();
  CaseEngine engine(*store);
  auto state = engine.get_case(case_id_);
  EXPECT_EQ(state->version, 1 + wins.load()) << "every win is stored, every conflict left no trace";
  auto history = engine.history(case_id_);
  ASSERT_EQ(history->size(), static_cast<size_t>(1 + wins.load()));
  EXPECT_EQ(*replay(*history), *state);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrentActionsTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
