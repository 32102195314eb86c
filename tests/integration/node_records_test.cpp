// What several server nodes on one database share, on both backends: the
// plugins' outbox (every event leaves its case there, in its transaction;
// claims by two holders never overlap; a claim that ran out is taken over;
// settling removes what the plugin heard and keeps what came since), jobs
// any connection reads, leases one holder has at a time (given up when it
// stops), and ids that stay
// unique when taken from several connections.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
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

TEST_P(NodeRecordsTest, AJobWhoseNodeStoppedItsHeartbeatIsMarkedFailedByAnyNodeAndStaysFailed) {
  db::JobRecord job;
  job.kind = "simulation";
  job.municipality = kMunicipality;
  job.started_by = "anna";
  job.started_at = "2026-11-23T09:00:00Z";
  job.node = "node-a";
  auto alive = store_->start_job(job);
  job.node = "node-c";  // a node that dies right after starting its job: it never beats again
  auto dead = store_->start_job(job);
  ASSERT_TRUE(alive.ok() && dead.ok());
  auto read = store_->load_job(*alive);
  ASSERT_TRUE(read.ok() && *read);
  EXPECT_EQ((*read)->heartbeat_at, "2026-11-23T09:00:00Z") << "its start is its first heartbeat";
  auto a = connect(), b = connect();
  // node-b's sweep 30 s on: nothing is stale yet (a minute without a heartbeat is).
  EXPECT_EQ(*b->fail_stale_jobs("2026-11-23T08:59:30Z", "2026-11-23T09:00:30Z", "the node running it stopped"), 0);
  for (const char* at : {"2026-11-23T09:00:40Z", "2026-11-23T09:01:20Z", "2026-11-23T09:02:00Z"}) {
    auto beat = a->heartbeat_jobs("node-a", at);
    ASSERT_TRUE(beat.ok());
    EXPECT_EQ(*beat, 1) << "node-a beats for its own running job only";
  }
  auto failed = b->fail_stale_jobs("2026-11-23T09:01:05Z", "2026-11-23T09:02:05Z",
                                   "the node running it stopped (no heartbeat for more than 60 s)");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(*failed, 1);
  read = a->load_job(*dead);
  EXPECT_EQ((*read)->state, "failed");
  EXPECT_EQ((*read)->error, "the node running it stopped (no heartbeat for more than 60 s)");
  EXPECT_EQ((*read)->finished_at, "2026-11-23T09:02:05Z");
  EXPECT_EQ((*a->load_job(*alive))->state, "running") << "its node beats";
  // A late word from the dead job's node changes nothing: failed stays failed.
  job.id = *dead;
  job.state = "done";
  job.finished_at = "2026-11-23T09:03:00Z";
  EXPECT_EQ(store_->update_job(job).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ((*b->load_job(*dead))->state, "failed");
  // A heartbeat no longer revives it, and a second sweep marks nothing again.
  EXPECT_EQ(*a->heartbeat_jobs("node-c", "2026-11-23T09:04:00Z"), 0);
  EXPECT_EQ(*b->fail_stale_jobs("2026-11-23T09:01:05Z", "2026-11-23T09:04:05Z", "again"), 0);
  EXPECT_EQ((*b->load_job(*dead))->error, "the node running it stopped (no heartbeat for more than 60 s)");
  // Progress is a heartbeat: the live job's stored progress keeps it from the sweep.
  job.id = *alive;
  job.state = "running";
  job.finished_at.clear();
  ASSERT_TRUE(a->update_job(job).ok());
  EXPECT_NE((*b->load_job(*alive))->heartbeat_at, "2026-11-23T09:02:00Z");
}

TEST_P(NodeRecordsTest, ALeaseWhoseHolderDiedRunsOutAndAnotherNodeTakesIt) {
  {
    auto dying = connect();
    ASSERT_TRUE(*dying->take_lease("deadline_check", "node-a", "2026-11-23T09:00:00Z", "2026-11-23T09:14:00Z"));
  }  // node-a's connection is gone without giving the lease up
  auto b = connect();
  EXPECT_FALSE(*b->take_lease("deadline_check", "node-b", "2026-11-23T09:13:59Z", "2026-11-23T09:27:59Z"));
  EXPECT_TRUE(*b->take_lease("deadline_check", "node-b", "2026-11-23T09:14:00Z", "2026-11-23T09:28:00Z"));
}

TEST_P(NodeRecordsTest, AnIdempotencyKeyIsReservedInItsUnitAndAnswersEveryRetryUntilItExpires) {
  const std::string scope = "0999/frida", route = "POST /api/v1/cases";
  const std::string now = "2026-11-23T09:00:00Z", expires = "2026-11-24T09:00:00Z";
  // A unit that fails takes its reservation with it.
  Status failed = store_->atomically([&]() -> Status {
    auto r = store_->reserve_idempotency_key(scope, route, "k1", "body-a", now, expires);
    if (!r.ok()) return r.status();
    EXPECT_FALSE(*r);
    return Conflict("the creation failed");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kConflict);
  // Reserved and answered in one unit.
  ASSERT_TRUE(store_->atomically([&]() -> Status {
                auto r = store_->reserve_idempotency_key(scope, route, "k1", "body-a", now, expires);
                if (!r.ok()) return r.status();
                EXPECT_FALSE(*r) << "the failed unit's reservation is gone";
                return store_->complete_idempotency_key(scope, route, "k1", {"body-a", 201, "case:7", R"({"id":7})"});
              }).ok());
  auto other = connect();
  auto again = other->reserve_idempotency_key(scope, route, "k1", "body-b", "2026-11-23T10:00:00Z",
                                              "2026-11-24T10:00:00Z");
  ASSERT_TRUE(again.ok() && *again);
  EXPECT_EQ((*again)->body_sha256, "body-a") << "the first body stays; the caller compares";
  EXPECT_EQ((*again)->status, 201);
  EXPECT_EQ((*again)->resource, "case:7");
  EXPECT_EQ((*again)->answer, R"({"id":7})");
  // The same key of another caller, or on another route, is another key.
  EXPECT_FALSE(*other->reserve_idempotency_key("0999/gorm", route, "k1", "body-a", now, expires));
  EXPECT_FALSE(*other->reserve_idempotency_key(scope, "POST /api/v1/inquiries", "k1", "body-a", now, expires));
  EXPECT_EQ(other->complete_idempotency_key(scope, route, "k1", {"body-a", 201, "", "{}"}).code(), ErrorCode::kInternal)
      << "answered already";
  // Once expired, the key is taken over as new, and the clean-up removes expired rows in batches.
  auto later = other->reserve_idempotency_key(scope, route, "k1", "body-c", "2026-11-24T09:00:00Z",
                                              "2026-11-25T09:00:00Z");
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(*later);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(*other->reserve_idempotency_key(scope, route, "old" + std::to_string(i), "b", now, expires) ==
                std::nullopt);
  }
  auto removed = other->remove_expired_idempotency_keys("2026-11-24T09:00:00Z", 3);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 3);
  EXPECT_EQ(*other->remove_expired_idempotency_keys("2026-11-24T09:00:00Z", 10), 4)
      << "2 old ones and the other caller's and route's";
  EXPECT_EQ(*other->remove_expired_idempotency_keys("2026-11-24T09:00:00Z", 10), 0);
  EXPECT_TRUE(*other->reserve_idempotency_key(scope, route, "k1", "body-d", "2026-11-24T10:00:00Z",
                                              "2026-11-25T10:00:00Z"))
      << "the taken-over key is live until its new expiry";
}

TEST_P(NodeRecordsTest, TwoConnectionsReservingOneKeyAtOnceLetOneCreate) {
  const std::string scope = "0999/frida", route = "POST /api/v1/cases";
  const std::string now = "2026-11-23T09:00:00Z", expires = "2026-11-24T09:00:00Z";
  auto a = connect(), b = connect();
  std::atomic<bool> reserved{false};
  std::optional<db::IdempotencyRecord> seen_by_b;
  Status b_done = Internal("not run");
  std::thread first([&] {
    Status st = a->atomically([&]() -> Status {
      auto r = a->reserve_idempotency_key(scope, route, "race", "body", now, expires);
      if (!r.ok()) return r.status();
      if (*r) return Internal("a found a row");
      reserved = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // b tries meanwhile
      return a->complete_idempotency_key(scope, route, "race", {"body", 201, "case:1", R"({"id":1})"});
    });
    EXPECT_TRUE(st.ok()) << st.to_string();
  });
  while (!reserved) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::thread second([&] {
    b_done = b->atomically([&]() -> Status {
      auto r = b->reserve_idempotency_key(scope, route, "race", "body", now, expires);
      if (!r.ok()) return r.status();
      seen_by_b = *r;
      return Status::Ok();
    });
  });
  first.join();
  second.join();
  ASSERT_TRUE(b_done.ok()) << b_done.to_string();
  ASSERT_TRUE(seen_by_b) << "b reserved the key a held: two creations";
  EXPECT_EQ(seen_by_b->status, 201) << "b waited for a's commit and found its answer";
  EXPECT_EQ(seen_by_b->answer, R"({"id":1})");
}

INSTANTIATE_TEST_SUITE_P(Backends, NodeRecordsTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
