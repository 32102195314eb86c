// Two actions on the same case at the same time cannot both win: the loser
// gets a conflict, nothing is half-written, and the history stays whole.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "forwarding_store.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

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

// A reusable meeting point for two threads, which gives up (and lets the test
// fail) instead of hanging when the other thread never comes.
class Rendezvous {
 public:
  explicit Rendezvous(int parties) : parties_(parties) {}
  bool arrive_and_wait() {
    std::unique_lock lock(mutex_);
    const long long generation = generation_;
    if (++arrived_ == parties_) {
      arrived_ = 0;
      ++generation_;
      met_.notify_all();
      return true;
    }
    return met_.wait_for(lock, std::chrono::seconds(20), [&] { return generation_ != generation; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable met_;
  const int parties_;
  int arrived_ = 0;
  long long generation_ = 0;
};

// The store's compare-and-swap refused it: its own message, not the engine's
// expected-version pre-check ("is at version N, but the action was based on")
// and not a busy database (kStorage).
void expect_store_version_check(const Status& lost, long long based_on) {
  EXPECT_EQ(lost.code(), ErrorCode::kConflict) << lost.to_string();
  EXPECT_NE(lost.message().find(fmt::format("was changed by another action (now at version {}, this action was "
                                            "based on version {})",
                                            based_on + 1, based_on)),
            std::string::npos)
      << lost.message();
  EXPECT_EQ(lost.message().find("but the action was based on"), std::string::npos) << lost.message();
}

constexpr int kRounds = 40;

Status status_of(const Status& s) { return s; }
Status status_of(const Result<CaseState>& r) { return r.status(); }

// In every round both racers based their write on the same version, exactly
// one won, and the loser was refused by the store's own version check.
template <typename Outcome>
void expect_one_winner_per_round(const std::vector<std::vector<Outcome>>& results,
                                 const std::vector<std::vector<long long>>& based_on) {
  ASSERT_EQ(results[0].size(), static_cast<size_t>(kRounds));
  ASSERT_EQ(results[1].size(), static_cast<size_t>(kRounds));
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ASSERT_EQ(based_on[0][round], based_on[1][round]) << "both worked on the same version";
    const Status first = status_of(results[0][round]), second = status_of(results[1][round]);
    ASSERT_NE(first.ok(), second.ok()) << "exactly one of the two wins: " << first.to_string() << " / "
                                       << second.to_string();
    expect_store_version_check(first.ok() ? second : first, based_on[0][round]);
  }
}

// Two threads, each with its own connection, load the same version, meet, and
// only then save: both really reach the store's version check, in every round.
TEST_P(ConcurrentActionsTest, TwoSavesOfTheSameVersionRaceInTheStoreAndExactlyOneWins) {
  Rendezvous loaded(2);
  std::atomic<int> wins{0};
  std::vector<std::vector<Status>> results(2);
  std::vector<std::vector<long long>> based_on(2);
  auto racer = [&](int t) {
    auto store = db::SqlStore::open(url());
    if (!store.ok()) { ADD_FAILURE() << store.status().to_string(); return; }
    for (int round = 0; round < kRounds; ++round) {
      auto seen = (*store)->load_case(case_id_);
      if (!seen.ok()) { ADD_FAILURE() << seen.status().to_string(); return; }
      CaseEvent e{case_id_, seen->version + 1, "2026-11-23T10:00:00Z", t == 0 ? "frida" : "carl", "bsc",
                  kMunicipality, "note", "work", "work", {{"fields", {{"by", t}, {"round", round}}}}};
      CaseState next = *seen;
      if (auto st = apply_event(next, e); !st.ok()) { ADD_FAILURE() << st.to_string(); return; }
      if (!loaded.arrive_and_wait()) { ADD_FAILURE() << "the other thread did not come"; return; }
      auto saved = (*store)->append_event(next, e);
      if (saved.ok()) ++wins;
      results[t].push_back(saved);
      based_on[t].push_back(seen->version);
      // Both have saved (or lost) before the next round's loads.
      if (!loaded.arrive_and_wait()) { ADD_FAILURE() << "the other thread did not come"; return; }
    }
  };
  std::thread a(racer, 0), b(racer, 1);
  a.join();
  b.join();
  expect_one_winner_per_round(results, based_on);
  EXPECT_EQ(wins.load(), kRounds);

  auto store = connect();
  auto state = store->load_case(case_id_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->version, 1 + kRounds) << "every win is stored once, every loss left no trace";
  auto history = store->load_history(case_id_);
  ASSERT_EQ(history->size(), static_cast<size_t>(1 + kRounds));
  EXPECT_EQ(*replay(*history), *state);
}

// The same race through the engine: a store that waits for the other thread
// right before it saves. Both actions pass the engine's checks (the same
// expected version), and the store's version check decides.
class SaveRendezvousStore : public ForwardingStore {
 public:
  SaveRendezvousStore(CaseStore& inner, Rendezvous& before_save) : ForwardingStore(inner), before_save_(before_save) {}
  bool met = true;  // false when the other thread did not come

  Status append_event(const CaseState& s, const CaseEvent& e, const std::optional<CaseQueue>& q) override {
    met = before_save_.arrive_and_wait() && met;
    return inner_.append_event(s, e, q);
  }

 private:
  Rendezvous& before_save_;
};

TEST_P(ConcurrentActionsTest, TwoActionsOnTheSameVersionPassTheEngineAndTheStoreVersionCheckPicksOne) {
  Rendezvous start(2), before_save(2);
  std::vector<std::vector<Result<CaseState>>> results(2);
  std::vector<std::vector<long long>> based_on(2);
  auto racer = [&](int t) {
    auto sql = db::SqlStore::open(url());
    if (!sql.ok()) { ADD_FAILURE() << sql.status().to_string(); return; }
    SaveRendezvousStore store(**sql, before_save);
    CaseEngine engine(store);
    for (int round = 0; round < kRounds; ++round) {
      // Neither loads before both have finished the previous round.
      if (!start.arrive_and_wait()) { ADD_FAILURE() << "the other thread did not come"; return; }
      auto seen = engine.get_case(case_id_);
      if (!seen.ok()) { ADD_FAILURE() << seen.status().to_string(); return; }
      ActionRequest r{case_id_, "note", frontdesk(), {{"by", t}, {"round", round}}, {}, seen->version, "", false};
      results[t].push_back(engine.act(r));
      based_on[t].push_back(seen->version);
      if (!store.met) { ADD_FAILURE() << "the other thread did not reach its save"; return; }
    }
  };
  std::thread a(racer, 0), b(racer, 1);
  a.join();
  b.join();
  expect_one_winner_per_round(results, based_on);
  auto store = connect();
  CaseEngine engine(*store);
  auto state = engine.get_case(case_id_);
  EXPECT_EQ(state->version, 1 + kRounds);
  auto history = engine.history(case_id_);
  ASSERT_EQ(history->size(), static_cast<size_t>(1 + kRounds));
  EXPECT_EQ(*replay(*history), *state);
}

// A case that moves on: intake -> review -> closed.
constexpr const char* kRelayWorkflow = R"(id: relay
subject: 23.05.10
start: intake
stages:
  intake:
    kind: receipt
    actions:
      note: {next: intake}
      accept: {next: review}
  review:
    kind: check
    actions:
      note: {next: review}
      approve: {next: closed}
)";

class MovedOnTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    auto store = connect_seeded();
    CaseEngine engine(*store);
    ASSERT_TRUE(engine.deploy_workflow(kRelayWorkflow, "relay.yaml").ok());
  }
  long long open_relay(CaseEngine& engine) {
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = "relay";
    req.actor = frontdesk();
    auto c = engine.open_case(req);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? c->id : 0;
  }
  static ActionRequest unguarded(long long id, const std::string& action, const Actor& by) {
    return {id, action, by, {}, {}, std::nullopt, "", false};
  }
};

// Two people take the same action at once without an expected version; the
// second finds the case already in the next stage (as it does behind the
// API's lock). That is the race's loss, a conflict, not an invalid request.
TEST_P(MovedOnTest, TheLoserOfARaceWithoutAnExpectedVersionGetsAConflictNotAnInvalidRequest) {
  if (not_ready()) return;
  auto store_a = connect();
  auto store_b = connect();
  CaseEngine a(*store_a), b(*store_b);
  const long long id = open_relay(a);
  ASSERT_TRUE(a.act(unguarded(id, "accept", frontdesk())).ok());
  ASSERT_TRUE(a.act(unguarded(id, "note", frontdesk())).ok()) << "a note after the move does not hide it";

  auto lost = b.act(unguarded(id, "accept", caseworker()));
  ASSERT_EQ(lost.status().code(), ErrorCode::kConflict) << lost.status().to_string();
  EXPECT_NE(lost.status().message().find("was changed by another action: 'accept' by frida"), std::string::npos)
      << lost.status().message();
  EXPECT_NE(lost.status().message().find("from stage 'intake' to 'review'"), std::string::npos)
      << lost.status().message();
  EXPECT_NE(lost.status().message().find("re-read the case and try again"), std::string::npos);
  EXPECT_EQ(a.history(id)->size(), 3u) << "open, accept, note: the loser wrote nothing";

  // Closed by the winner: also the race's loss.
  ASSERT_TRUE(a.act(unguarded(id, "approve", frontdesk())).ok());
  auto closed = b.act(unguarded(id, "approve", caseworker()));
  ASSERT_EQ(closed.status().code(), ErrorCode::kConflict) << closed.status().to_string();
  EXPECT_NE(closed.status().message().find("and closed it"), std::string::npos) << closed.status().message();
}

TEST_P(MovedOnTest, AnActionTheCaseNeverOfferedIsStillInvalidAndAClosedCaseStillClosed) {
  if (not_ready()) return;
  auto store = connect();
  CaseEngine engine(*store);
  const long long id = open_relay(engine);
  // Nothing moved the case: a wrong action name is the request's own fault.
  auto wrong = engine.act(unguarded(id, "approve", frontdesk()));
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidArgument) << wrong.status().to_string();
  ASSERT_TRUE(engine.act(unguarded(id, "accept", frontdesk())).ok());
  // The previous stage did not have it either.
  auto unknown = engine.act(unguarded(id, "fly", frontdesk()));
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidArgument) << unknown.status().to_string();
  EXPECT_NE(unknown.status().message().find("has no action 'fly'"), std::string::npos);
  // Based on the current version, the previous stage's action is simply not offered.
  ActionRequest seen = unguarded(id, "accept", frontdesk());
  seen.expected_version = engine.get_case(id)->version;
  EXPECT_EQ(engine.act(seen).status().code(), ErrorCode::kInvalidArgument);
  // Based on an older version: the expected-version conflict, as before.
  seen.expected_version = 1;
  EXPECT_EQ(engine.act(seen).status().code(), ErrorCode::kConflict);
  // Closed by an action of another stage than the one asked for: closed, as before.
  ASSERT_TRUE(engine.act(unguarded(id, "approve", frontdesk())).ok());
  auto after = engine.act(unguarded(id, "accept", frontdesk()));
  EXPECT_EQ(after.status().code(), ErrorCode::kFailedPrecondition) << after.status().to_string();
}

// Two threads on two connections take the same stage-changing action on a
// fresh case at the same moment, without an expected version: whichever way
// the race runs (both load the same version and the store's check decides,
// or one loads after the other's commit), exactly one wins and the other is
// told of a conflict.
TEST_P(MovedOnTest, TwoRacingActionsWithoutAnExpectedVersionGiveOneWinAndOneConflict) {
  if (not_ready()) return;
  constexpr int kCases = 20;
  std::vector<long long> ids;
  {
    auto store = connect();
    CaseEngine engine(*store);
    for (int i = 0; i < kCases; ++i) ids.push_back(open_relay(engine));
  }
  Rendezvous start(2);
  std::vector<std::vector<Status>> results(2);
  auto racer = [&](int t) {
    auto store = db::SqlStore::open(url());
    if (!store.ok()) { ADD_FAILURE() << store.status().to_string(); return; }
    CaseEngine engine(**store);
    for (long long id : ids) {
      if (!start.arrive_and_wait()) { ADD_FAILURE() << "the other thread did not come"; return; }
      results[t].push_back(engine.act(unguarded(id, "accept", t == 0 ? frontdesk() : caseworker())).status());
    }
  };
  std::thread a(racer, 0), b(racer, 1);
  a.join();
  b.join();
  ASSERT_EQ(results[0].size(), ids.size());
  ASSERT_EQ(results[1].size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(ids[i]));
    const Status& first = results[0][i];
    const Status& second = results[1][i];
    ASSERT_NE(first.ok(), second.ok()) << first.to_string() << " / " << second.to_string();
    const Status& lost = first.ok() ? second : first;
    EXPECT_EQ(lost.code(), ErrorCode::kConflict) << lost.to_string();
    EXPECT_NE(lost.message().find("re-read the case and try again"), std::string::npos) << lost.message();
  }
  auto store = connect();
  for (long long id : ids) EXPECT_EQ(store->load_case(id)->version, 2) << "one accept per case";
}

// A group commit: the units of several requests in one transaction, each a
// savepoint. The one that conflicts and the one that fails half-way are
// undone alone; the others are stored by the one commit; a second connection
// sees nothing of the group before that commit.
TEST_P(ConcurrentActionsTest, InAGroupCommitEachUnitSucceedsOrFailsOnItsOwn) {
  auto store = connect();
  auto other = connect();
  CaseEngine engine(*store);
  const long long seen = engine.get_case(case_id_)->version;
  ASSERT_TRUE(store->begin_group().ok());
  EXPECT_EQ(store->begin_group().code(), ErrorCode::kInternal) << "groups do not nest";
  // 1: wins the version.
  ActionRequest first{case_id_, "note", frontdesk(), {{"by", "first"}}, {}, seen, "", false};
  ASSERT_TRUE(engine.act(first).ok());
  // 2: the same version again, inside the same group: it sees the first and loses.
  ActionRequest second{case_id_, "finish", caseworker(), {{"by", "second"}}, {}, seen, "", false};
  EXPECT_EQ(engine.act(second).status().code(), ErrorCode::kConflict);
  // 3: a unit that writes, then fails: none of it stays.
  const long long before_failed = engine.get_case(case_id_)->version;
  Status failed = store->atomically([&]() -> Status {
    ActionRequest note{case_id_, "note", frontdesk(), {{"by", "failed"}}, {}, std::nullopt, "", false};
    if (auto done = engine.act(note); !done.ok()) return done.status();
    return Internal("the request failed after its action");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kInternal);
  EXPECT_EQ(engine.get_case(case_id_)->version, before_failed) << "the failed unit was rolled back";
  // 4: acts on the state the first left (the cache must not hold the failed unit's state).
  ActionRequest fourth{case_id_, "note", frontdesk(), {{"by", "fourth"}}, {}, seen + 1, "", false};
  auto stored = engine.act(fourth);
  ASSERT_TRUE(stored.ok()) << stored.status().to_string();
  EXPECT_EQ(stored->fields["by"], "fourth");
  // Nothing of the group is visible to another connection yet.
  EXPECT_EQ(other->load_case(case_id_)->version, seen);
  ASSERT_TRUE(store->end_group().ok());
  EXPECT_EQ(store->end_group().code(), ErrorCode::kInternal) << "no group is open any more";

  auto state = other->load_case(case_id_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->version, seen + 2);
  EXPECT_EQ(state->status, CaseStatus::kOpen) << "the losing 'finish' must not have closed the case";
  EXPECT_EQ(state->fields["by"], "fourth");
  auto history = other->load_history(case_id_);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), static_cast<size_t>(seen + 2));
  for (size_t i = 0; i < history->size(); ++i) EXPECT_EQ((*history)[i].seq, static_cast<long long>(i + 1));
  for (const auto& e : *history) EXPECT_EQ(e.data.dump().find("failed"), std::string::npos) << e.data.dump();
}

// A read-only connection (a server's read lane) refuses every write, and
// defers access records to the caller instead of storing them.
TEST_P(ConcurrentActionsTest, AReadLaneConnectionRefusesWritesAndDefersItsAccessRecords) {
  auto reader = connect();
  ASSERT_TRUE(reader->make_read_only().ok());
  CaseEngine engine(*reader);
  auto state = engine.get_case(case_id_);
  ASSERT_TRUE(state.ok()) << state.status().to_string();
  ActionRequest note{case_id_, "note", frontdesk(), {{"by", "reader"}}, {}, std::nullopt, "", false};
  EXPECT_EQ(engine.act(note).status().code(), ErrorCode::kStorage);
  std::vector<AccessRecord> shown;
  reader->defer_access_records(&shown);
  AccessRecord r;
  r.at = "2026-11-23T09:00:00Z";
  r.municipality = kMunicipality;
  r.case_id = case_id_;
  r.case_number = state->case_number;
  r.actor = "frida";
  r.purpose = "case";
  r.via = "api";
  EXPECT_TRUE(reader->record_access(r).ok());
  EXPECT_TRUE(reader->record_accesses({r, r}).ok());
  EXPECT_EQ(shown.size(), 3u);
  reader->defer_access_records(nullptr);
  EXPECT_EQ(reader->record_access(r).status().code(), ErrorCode::kStorage) << "stored again, and refused";
  auto writer = connect();
  AccessFilter all;
  all.case_id = case_id_;
  EXPECT_TRUE(writer->list_access(all)->empty()) << "nothing deferred was stored by the reader";
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrentActionsTest, AllBackends());
INSTANTIATE_TEST_SUITE_P(Backends, MovedOnTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
