// A history written by an older binary still replays to the state it had.
//
// tests/fixtures/schema5/installation.db was made by the sagsflow of commit
// 3a3b916 (schema 5; its README says how). The current code opens a copy (its
// migrations run), folds every case's events with apply_event, and must arrive
// at the stored state and at the state the old binary stored
// (tests/fixtures/schema5/expected/case-N.json).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "sagsflow/cases/case_state.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/engine/engine.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kFixture = fs::path(SAGSFLOW_SOURCE_DIR) / "tests/fixtures/schema5";

// expected/case-N.json by case id.
std::map<long long, json> expected_states() {
  std::map<long long, json> out;
  const std::regex name(R"(case-([0-9]+)\.json)");
  for (const auto& entry : fs::directory_iterator(kFixture / "expected")) {
    std::smatch m;
    const std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    out[std::stoll(m[1])] = json::parse(read_text_file(entry.path().string()).value());
  }
  return out;
}

class ReplayOfSchema5History : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-schema5-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_TRUE(fs::exists(kFixture / "installation.db")) << kFixture;
    ASSERT_FALSE(fs::exists(kFixture / "installation.db-wal")) << "the fixture must be one file";
    fs::copy_file(kFixture / "installation.db", dir_ / "installation.db");
    auto store = db::SqlStore::open("sqlite:" + (dir_ / "installation.db").string());
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  std::unique_ptr<db::SqlStore> store_;
};

TEST_F(ReplayOfSchema5History, EveryCaseOfTheOldBinaryReplaysToTheStateItStored) {
  auto migrated = store_->migrate();
  ASSERT_TRUE(migrated.ok()) << migrated.status().to_string();
  EXPECT_EQ(migrated->from_version, 5) << "the fixture was written at schema 5";
  EXPECT_EQ(migrated->to_version, db::latest_schema_version());
  ASSERT_TRUE(store_->check_schema().ok());

  const auto expected = expected_states();
  ASSERT_EQ(expected.size(), 6u) << "one expected state per case of the fixture";
  CaseFilter all;
  all.limit = 1000;
  auto cases = store_->list_cases(all);
  ASSERT_TRUE(cases.ok()) << cases.status().to_string();
  std::set<long long> stored_ids, expected_ids;
  for (const auto& c : *cases) stored_ids.insert(c.id);
  for (const auto& [id, _] : expected) expected_ids.insert(id);
  ASSERT_EQ(stored_ids, expected_ids) << "every stored case has its expected state, and no more";

  std::set<std::string> actions;
  for (const auto& [id, want] : expected) {
    SCOPED_TRACE("case " + std::to_string(id));
    auto stored = store_->load_case(id);
    ASSERT_TRUE(stored.ok()) << stored.status().to_string();
    auto history = store_->load_history(id);
    ASSERT_TRUE(history.ok()) << history.status().to_string();
    ASSERT_FALSE(history->empty());

    // The fold, one event at a time, so a refused event names itself.
    CaseState replayed;
    for (const auto& e : *history) {
      auto applied = apply_event(replayed, e);
      ASSERT_TRUE(applied.ok()) << "event " << e.seq << " (" << e.action << "): " << applied.to_string();
      actions.insert(e.action);
    }
    EXPECT_EQ(replayed.version, static_cast<long long>(history->size()));
    EXPECT_TRUE(replayed == *stored) << "replayed:\n" << to_json(replayed, true).dump(2)
                                     << "\nstored:\n" << to_json(*stored, true).dump(2);

    // The state the old binary stored, read by the current code, is the same state.
    auto old = case_state_from_json(want);
    ASSERT_TRUE(old.ok()) << old.status().to_string();
    EXPECT_TRUE(*old == replayed) << "the old binary's state, read now:\n" << to_json(*old, true).dump(2);

    // Field by field, for readable failures: each the old binary stored is
    // there with the same value (stage, status, version, fields, attachments,
    // clock, decision, complaint deadline, assignee, owning authority ...).
    const json now = to_json(replayed, true);
    for (const auto& [key, value] : want.items()) {
      ASSERT_TRUE(now.contains(key)) << key << " is no longer part of a case's state";
      EXPECT_EQ(now[key], value) << key;
    }
  }

  // The fixture covers the kinds of events it is meant to.
  for (const char* kind : {"open", "register", "request_missing", "missing_received", "complete", "note",
                           "decision_proposed", "letter", "grant", "refuse", "complain", "uphold",
                           "escalated", "plugin_event", "claimed", "released", "incident"}) {
    EXPECT_TRUE(actions.count(kind)) << "no '" << kind << "' event in the fixture";
  }
}

TEST_F(ReplayOfSchema5History, TheMigratedInstallationKeepsWorkingOnTheOldCases) {
  ASSERT_TRUE(store_->migrate().ok());
  // Case 5 waits in its check stage with the clock paused: one more event on
  // top of the old history is stored, and the whole history still replays.
  auto before = store_->load_case(5);
  ASSERT_TRUE(before.ok()) << before.status().to_string();
  ASSERT_EQ(before->stage, "check");
  ASSERT_TRUE(before->clock.has_value());
  ASSERT_TRUE(before->clock->paused_since.has_value()) << "the fixture's case 5 waits with its clock paused";
  CaseEvent e{5, before->version + 1, "2026-12-02T09:00:00Z", "frida", "bsc", "0999", "note", "check",
              "check", {{"note", "Borgeren har ringet"}}};
  CaseState next = *before;
  ASSERT_TRUE(apply_event(next, e).ok());
  ASSERT_TRUE(store_->append_event(next, e).ok());
  auto history = store_->load_history(5);
  ASSERT_TRUE(history.ok());
  auto replayed = replay(*history);
  ASSERT_TRUE(replayed.ok()) << replayed.status().to_string();
  EXPECT_EQ(*replayed, *store_->load_case(5));
  EXPECT_EQ(replayed->version, before->version + 1);
}

// Migration 9 makes the queue and the assignee columns of the case row. It
// fills the assignee from the stored state itself; the queues of the old
// open cases are stored by the engine's placement (what opening the
// installation runs), after which the worklists find them.
TEST_F(ReplayOfSchema5History, MigrationNineFillsTheAssigneeAndThePlacementStoresTheOldOpenCasesQueues) {
  ASSERT_TRUE(store_->migrate().ok());
  soci::session raw(*soci::factory_sqlite3(), "db=" + (dir_ / "installation.db").string());
  const auto column = [&](long long id, const char* name) {
    std::string value;
    soci::indicator ind = soci::i_null;
    raw << fmt::format("SELECT {} FROM cases WHERE id = :id", name), soci::use(id), soci::into(value, ind);
    return ind == soci::i_ok ? std::optional<std::string>(value) : std::nullopt;
  };
  CaseFilter all;
  all.limit = 1000;
  auto cases = store_->list_cases(all);
  ASSERT_TRUE(cases.ok());
  std::vector<long long> open;
  for (const auto& c : *cases) {
    const std::string holder = c.assignee.is_object() ? c.assignee.value("person", "") : "";
    EXPECT_EQ(column(c.id, "assignee"), holder.empty() ? std::nullopt : std::optional<std::string>(holder))
        << "case " << c.id;
    EXPECT_EQ(column(c.id, "queue_kind"), std::nullopt) << "a migration cannot place case " << c.id;
    if (c.status == CaseStatus::kOpen) open.push_back(c.id);
  }
  EXPECT_EQ(column(4, "assignee"), "bo") << "the fixture's case 4 is claimed by bo";
  ASSERT_FALSE(open.empty());

  // The organisation as the installation loads it: the stored municipality file and workflows.
  Organisation org;
  auto configs = store_->municipality_configs();
  ASSERT_TRUE(configs.ok());
  for (const auto& record : *configs) {
    auto parsed = parse_municipality(record.source, record.file_name);
    ASSERT_TRUE(parsed.ok()) << record.code;
    org.add(std::move(*parsed.config));
  }
  auto workflows = store_->list_workflows();
  ASSERT_TRUE(workflows.ok());
  for (const auto& w : *workflows) {
    auto record = store_->load_workflow(w.id, w.version);
    ASSERT_TRUE(record.ok());
    if (auto parsed = parse_workflow(record->source, record->file_name); parsed.ok()) org.add_workflow(*parsed.definition);
  }
  EngineOptions options;
  options.organisation = &org;
  CaseEngine engine(*store_, options);
  auto placed = engine.place_open_cases("", /*all=*/false);
  ASSERT_TRUE(placed.ok()) << placed.status().to_string();
  EXPECT_EQ(*placed, static_cast<long long>(open.size())) << "every old open case, once";
  EXPECT_EQ(*engine.place_open_cases("", false), 0);
  for (long long id : open) {
    auto state = store_->load_case(id);
    ASSERT_TRUE(state.ok());
    auto queue = engine.queue_of(*state);
    ASSERT_TRUE(queue.ok());
    EXPECT_EQ(column(id, "queue_kind"), queue->kind) << "case " << id;
    EXPECT_EQ(column(id, "queue_id"), queue->id) << "case " << id;
  }
  // bo's claimed cases: the old case 4, through the assignee column the migration filled.
  ASSERT_NE(std::find(open.begin(), open.end(), 4), open.end()) << "the fixture's case 4 is open";
  auto bo = org.actor_for({"bo"}, "0999");
  ASSERT_TRUE(bo.ok()) << bo.status().to_string();
  auto claimed = engine.worklist({"0999", std::nullopt, "bo"}, *bo, {kReadWorklist, "test"});
  ASSERT_TRUE(claimed.ok()) << claimed.status().to_string();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().state.id, 4);
}

}  // namespace
}  // namespace sagsflow::testing
