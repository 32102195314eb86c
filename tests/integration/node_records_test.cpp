// What several server nodes on one database share, on both backends: the
// plugins' outbox (every event leaves its case there, in its transaction;
// claims by two holders never overlap; a claim that ran out is taken over;
// settling removes what the plugin heard and keeps what came since), jobs
// any connection reads, leases one holder has at a time (given up when it
// stops), and ids that stay
// unique when taken from several connections.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

class NodeRecordsTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    engine_ = std::make_unique<CaseEngine>(*store_);
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
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

TEST_P(NodeRecordsTest, TwoHoldersClaimDisjointOutboxRowsAndSettlingKeepsWhatCameSince) {
  std::vector<long long> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(open_case());
  const std::string now = "2026-11-23T09:00:00Z", until = "2026-11-23T09:10:00Z";
  auto a = connect(), b = connect();
  auto first = a->claim_plugin_outbox("counter", "node-a", now, until, 4);
  auto second = b->claim_plugin_outbox("counter", "node-b", now, until, 4);
  ASSERT_TRUE(first.ok() && second.ok()) << first.status().to_string() << second.status().to_string();
  EXPECT_EQ(first->size(), 4u);
  EXPECT_EQ(second->size(), 2u) << "only the rows node-a does not hold";
  std::set<long long> all(first->begin(), first->end());
  for (long long id : *second) EXPECT_TRUE(all.insert(id).second) << "case " << id << " claimed twice";
  EXPECT_EQ(all, std::set<long long>(ids.begin(), ids.end()));
  EXPECT_TRUE(b->claim_plugin_outbox("counter", "node-b", now, until, 10)->size() == 2u) << "its own claims again";

  // node-a's plugin hears its first two cases; a new event comes on the second meanwhile.
  for (int i = 0; i < 2; ++i) {
    PluginDelivery d{"counter_plugin", (*first)[i], 1, 0, "", 0, ""};
    ASSERT_TRUE(a->save_plugin_delivery(d).ok());
  }
  ActionRequest note{(*first)[1], "note", frontdesk(), {}, {}, std::nullopt, "", false};
  ASSERT_TRUE(engine_->act(note).ok());
  ASSERT_TRUE(a->settle_plugin_outbox("counter_plugin", *first, "node-a").ok());
  // Left: the noted case (seq 2 > heard 1) and node-a's two unheard ones, released; node-b's two, still held.
  auto after = b->claim_plugin_outbox("counter", "node-c", now, until, 10);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(std::set<long long>(after->begin(), after->end()),
            (std::set<long long>{(*first)[1], (*first)[2], (*first)[3]}));
  // node-b's claim runs out: another takes it over.
  auto later = a->claim_plugin_outbox("counter", "node-c", "2026-11-23T09:10:00Z", "2026-11-23T09:20:00Z", 10);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 5u);
  // Rows of a workflow no plugin hears go at once.
  ASSERT_TRUE(a->drop_plugin_outbox("counter").ok());
  EXPECT_TRUE(a->claim_plugin_outbox("counter", "node-c", "2026-11-23T10:00:00Z", until, 10)->empty());
}

TEST_P(NodeRecordsTest, AnOutboxRowIsWrittenOnlyWithItsEvent) {
  const long long id = open_case();
  ASSERT_TRUE(store_->drop_plugin_outbox("counter").ok());
  ASSERT_TRUE(store_->begin_group().ok());
  Status failed = store_->atomically([&]() -> Status {
    ActionRequest note{id, "note", frontdesk(), {}, {}, std::nullopt, "", false};
    if (auto done = engine_->act(note); !done.ok()) return done.status();
    return Internal("the unit fails after its event");
  });
  EXPECT_FALSE(failed.ok());
  ASSERT_TRUE(store_->end_group().ok());
  EXPECT_TRUE(connect()->claim_plugin_outbox("counter", "n", "2026-11-23T09:00:00Z", "2026-11-23T09:10:00Z", 10)->empty())
      << "the rolled-back event left no outbox row";
}

TEST_P(NodeRecordsTest, AJobStoredOnOneConnectionIsReadOnAnotherAndIdsStayUnique) {
  db::JobRecord job;
  job.kind = "kle_import";
  job.municipality = kMunicipality;
  job.started_by = "anna";
  job.started_at = "2026-11-23T09:00:00Z";
  job.node = "node-a";
  auto id = store_->start_job(job);
  ASSERT_TRUE(id.ok()) << id.status().to_string();
  auto other = connect();
  auto read = other->load_job(*id);
  ASSERT_TRUE(read.ok() && *read);
  EXPECT_EQ((*read)->state, "running");
  EXPECT_EQ((*read)->node, "node-a");
  job.id = *id;
  job.state = "done";
  job.done = job.total = 7;
  job.result = R"({"subjects":7})";
  job.finished_at = "2026-11-23T09:01:00Z";
  ASSERT_TRUE(store_->update_job(job).ok());
  read = other->load_job(*id);
  EXPECT_EQ((*read)->state, "done");
  EXPECT_EQ((*read)->result, R"({"subjects":7})");
  EXPECT_FALSE(*other->load_job(*id + 1000));
  job.id = *id + 1000;
  EXPECT_EQ(store_->update_job(job).code(), ErrorCode::kNotFound);

  // Ids from four connections at once never repeat.
  std::vector<std::vector<long long>> taken(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto mine = connect();
      for (int i = 0; i < 20; ++i) {
        auto next = mine->start_job(job);
        if (next.ok()) taken[t].push_back(*next);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<long long> unique{*id};
  size_t count = 1;
  for (const auto& list : taken) {
    count += list.size();
    unique.insert(list.begin(), list.end());
  }
  EXPECT_EQ(count, 81u);
  EXPECT_EQ(unique.size(), count);
}

TEST_P(NodeRecordsTest, ALeaseHasOneHolderUntilItRunsOut) {
  auto a = connect(), b = connect();
  EXPECT_TRUE(*a->take_lease("deadline_check", "node-a", "2026-11-23T09:00:00Z", "2026-11-23T09:14:00Z"));
  EXPECT_FALSE(*b->take_lease("deadline_check", "node-b", "2026-11-23T09:05:00Z", "2026-11-23T09:19:00Z"));
  EXPECT_TRUE(*a->take_lease("deadline_check", "node-a", "2026-11-23T09:10:00Z", "2026-11-23T09:24:00Z"))
      << "the holder renews it";
  EXPECT_FALSE(*b->take_lease("deadline_check", "node-b", "2026-11-23T09:20:00Z", "2026-11-23T09:34:00Z"));
  EXPECT_TRUE(*b->take_lease("deadline_check", "node-b", "2026-11-23T09:24:00Z", "2026-11-23T09:38:00Z"))
      << "it ran out: another takes it";
  EXPECT_FALSE(*a->take_lease("deadline_check", "node-a", "2026-11-23T09:30:00Z", "2026-11-23T09:44:00Z"));
  EXPECT_TRUE(*a->take_lease("other_work", "node-a", "2026-11-23T09:30:00Z", "2026-11-23T09:44:00Z"));
  // A node that stops gives its lease up: another takes it before it would run out.
  ASSERT_TRUE(a->release_lease("deadline_check", "node-a").ok()) << "not node-a's: nothing happens";
  EXPECT_FALSE(*a->take_lease("deadline_check", "node-a", "2026-11-23T09:31:00Z", "2026-11-23T09:45:00Z"));
  ASSERT_TRUE(b->release_lease("deadline_check", "node-b").ok());
  EXPECT_TRUE(*a->take_lease("deadline_check", "node-a", "2026-11-23T09:31:00Z", "2026-11-23T09:45:00Z"));
}

INSTANTIATE_TEST_SUITE_P(Backends, NodeRecordsTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
