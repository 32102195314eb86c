// The report's deadline figures kept as events commit (migration 13) give what
// a count of the cases and their deadline_passed events gives, on both
// backends: after opens, passed deadlines, closes in time and after a breach,
// cases closed on other days and in other municipalities, and a unit that
// rolls back; the counts by running deadline ("overdue", "due this week")
// read the due_date column by day.
#include <gtest/gtest.h>

#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

using Counting = db::SqlStore::Counting;

class DeadlineCountsTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    EngineOptions options;
    options.clock = clock_.clock();
    engine_ = std::make_unique<CaseEngine>(*store_, options);
    ASSERT_TRUE(engine_->deploy_workflow(kCounterWorkflow, "counter.yaml").ok());
  }
  long long open_case() {
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = "counter";
    req.actor = frontdesk();
    auto c = engine_->open_case(req);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? c->id : 0;
  }
  void act(long long id, const std::string& action) {
    ActionRequest req{id, action, frontdesk(), {}, {}, std::nullopt, "", false};
    auto done = engine_->act(req);
    ASSERT_TRUE(done.ok()) << action << " on " << id << ": " << done.status().to_string();
  }
  DeadlineCounts kept_equal_recount(const std::string& from, const std::string& to) {
    SCOPED_TRACE(from + ".." + to);
    auto kept = store_->count_deadlines(kMunicipality, from, to, Counting::kKept);
    auto counted = store_->count_deadlines(kMunicipality, from, to, Counting::kRecount);
    EXPECT_TRUE(kept.ok() && counted.ok());
    if (!kept.ok() || !counted.ok()) return {};
    EXPECT_EQ(kept->closed_in_time, counted->closed_in_time);
    EXPECT_EQ(kept->closed_after_breach, counted->closed_after_breach);
    EXPECT_EQ(kept->open_breached, counted->open_breached);
    return *kept;
  }
  ManualClock clock_;
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

TEST_P(DeadlineCountsTest, KeptDeadlineFiguresEqualTheCountOfCasesAndTheirPassedDeadlines) {
  if (not_ready()) return;
  // Monday 23 November 2026: five cases, due five working days later.
  std::vector<long long> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(open_case());
  auto first = store_->load_case(ids[0]);
  ASSERT_TRUE(first.ok() && first->clock);
  const Date due_day = first->clock->due;
  const auto day = [&](int offset) { return due_day + std::chrono::days{offset}; };
  const auto text = [&](int offset) { return format_date(day(offset)); };
  auto due = store_->count_due(kMunicipality, day(-6), 7);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->overdue, 0);
  EXPECT_EQ(due->due_within, 5) << "all due on " << format_date(due_day) << ", the last day of this week";
  due = store_->count_due(kMunicipality, day(-6), 6);
  EXPECT_EQ(due->due_within, 0) << "six days before it hold none of them";
  due = store_->count_due(kMunicipality, day(1), 7);
  EXPECT_EQ(due->overdue, 5) << "the day after, not yet recorded as passed";
  EXPECT_EQ(due->due_within, 0);
  EXPECT_EQ(store_->count_due(kMunicipality, day(0), 0).status().code(), ErrorCode::kInvalidArgument);

  // One closes in time, the day after opening.
  clock_.set(Date{std::chrono::year{2026} / 11 / 24});
  act(ids[0], "finish");
  auto d = kept_equal_recount("2026-11-01", "2026-12-01");
  EXPECT_EQ(d.closed_in_time, 1);
  EXPECT_EQ(d.closed_after_breach, 0);
  EXPECT_EQ(d.open_breached, 0);

  // Two days after the deadline the check records the other four as passed.
  clock_.set(day(2));
  auto recorded = engine_->check_deadlines();
  ASSERT_TRUE(recorded.ok()) << recorded.status().to_string();
  EXPECT_EQ(*recorded, 4);
  d = kept_equal_recount("2026-11-01", "2027-01-01");
  EXPECT_EQ(d.open_breached, 4);
  due = store_->count_due(kMunicipality, day(2), 7);
  EXPECT_EQ(due->overdue, 0) << "a passed deadline is no longer a running one";
  // A note on a breached case changes nothing of the figures.
  act(ids[1], "note");
  EXPECT_EQ(kept_equal_recount("2026-11-01", "2027-01-01").open_breached, 4);

  // Two close after the breach, on two days.
  act(ids[1], "finish");
  clock_.set(day(3));
  act(ids[2], "finish");
  d = kept_equal_recount("2026-11-01", "2027-01-01");
  EXPECT_EQ(d.closed_in_time, 1);
  EXPECT_EQ(d.closed_after_breach, 2);
  EXPECT_EQ(d.open_breached, 2);
  d = kept_equal_recount(text(3), text(4));
  EXPECT_EQ(d.closed_in_time, 0);
  EXPECT_EQ(d.closed_after_breach, 1) << "only the one closed on the later day";
  d = kept_equal_recount("2026-11-24", text(3));
  EXPECT_EQ(d.closed_in_time, 1);
  EXPECT_EQ(d.closed_after_breach, 1);
  kept_equal_recount("2025-01-01", "2026-01-01");

  // A unit that rolls back leaves the figures as they were.
  const Status undone = store_->atomically([&]() -> Status {
    ActionRequest req{ids[3], "finish", frontdesk(), {}, {}, std::nullopt, "", false};
    auto done = engine_->act(req);
    if (!done.ok()) return done.status();
    return Conflict("rolled back on purpose");
  });
  EXPECT_EQ(undone.code(), ErrorCode::kConflict);
  d = kept_equal_recount("2026-11-01", "2027-01-01");
  EXPECT_EQ(d.closed_after_breach, 2);
  EXPECT_EQ(d.open_breached, 2);

  // Another municipality's cases are not counted; a period that is not whole days is counted from the rows.
  auto other = store_->count_deadlines("0101", "2026-01-01", "2027-01-01");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->closed_in_time + other->closed_after_breach + other->open_breached, 0);
  auto precise = store_->count_deadlines(kMunicipality, text(3) + "T00:00:00Z", text(4) + "T00:00:00Z");
  ASSERT_TRUE(precise.ok());
  EXPECT_EQ(precise->closed_after_breach, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeadlineCountsTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
