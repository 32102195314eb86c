// Worklists and lists are indexed queries on columns of the case row: the
// queue (kind and id, as the engine places the case), the assignee, the
// status, the running deadline and the municipality. These tests read the
// row itself after every kind of change and compare it with what the state
// and the organisation say; they page through lists and check that every
// visible case comes exactly once, in id order; and they move queues by
// changing the organisation.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <set>

#include "example_municipalities.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

// The list columns of one case row, as stored.
struct Row {
  std::optional<std::string> municipality, status, queue_kind, queue_id, assignee, due_date;
};

class WorklistColumnsTest : public ExampleMunicipalitiesTest {
 protected:
  std::unique_ptr<soci::session> raw() {
    auto parsed = db::DatabaseUrl::parse(url());
    if (parsed->dialect == db::Dialect::kSqlite) {
      return std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=" + parsed->connect);
    }
    return std::make_unique<soci::session>(*soci::factory_postgresql(), parsed->connect);
  }
  Row row(long long id) {
    auto sql = raw();
    Row r;
    std::string m, s, qk, qi, a, d;
    soci::indicator mi = soci::i_null, si = soci::i_null, qki = soci::i_null, qii = soci::i_null,
                    ai = soci::i_null, di = soci::i_null;
    *sql << "SELECT municipality, status, queue_kind, queue_id, assignee, due_date FROM cases WHERE id = :id",
        soci::use(id), soci::into(m, mi), soci::into(s, si), soci::into(qk, qki), soci::into(qi, qii),
        soci::into(a, ai), soci::into(d, di);
    const auto opt = [](const std::string& v, soci::indicator i) {
      return i == soci::i_ok ? std::optional<std::string>(v) : std::nullopt;
    };
    return {opt(m, mi), opt(s, si), opt(qk, qki), opt(qi, qii), opt(a, ai), opt(d, di)};
  }
  // The row says what the stored state and the organisation say now.
  void expect_row_follows(long long id, const std::string& after_what) {
    SCOPED_TRACE(after_what);
    auto state = store_->load_case(id);
    ASSERT_TRUE(state.ok()) << state.status().to_string();
    auto queue = engine_->queue_of(*state);
    ASSERT_TRUE(queue.ok());
    const Row r = row(id);
    EXPECT_EQ(r.municipality, state->municipality);
    EXPECT_EQ(r.status, std::string(case_status_key(state->status)));
    EXPECT_EQ(r.queue_kind, queue->kind);
    EXPECT_EQ(r.queue_id, queue->id);
    const std::string holder = state->assignee.is_object() ? state->assignee.value("person", "") : "";
    EXPECT_EQ(r.assignee, holder.empty() ? std::nullopt : std::optional<std::string>(holder));
    const bool running = state->status == CaseStatus::kOpen && state->clock && !state->clock->paused() &&
                         !state->clock->breached;
    EXPECT_EQ(r.due_date, running ? std::optional<std::string>(format_date(state->clock->due)) : std::nullopt);
  }
  CaseState open_passport(const std::string& code, const Actor& by) {
    OpenCaseRequest open{code, "passport", std::nullopt, "070761-4285", "", json::object(), std::nullopt, by};
    auto opened = engine_->open_case(open);
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    return opened.ok() ? *opened : CaseState{};
  }
  Status complete(long long id, const Actor& by) {
    ActionRequest done{id, "complete", by};
    done.fields = {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}};
    done.attachments = {{"photo", "image/jpeg", ""}, {"identity_document", "passport", ""}};
    return engine_->act(done).status();
  }
  // Every case of the unit's queue, page by page.
  std::vector<long long> page_through(const WorklistQuery& base, const Actor& who, int* pages) {
    std::vector<long long> seen;
    WorklistQuery q = base;
    *pages = 0;
    for (;;) {
      auto page = engine_->worklist_page(q, who, {kReadWorklist, "test"});
      EXPECT_TRUE(page.ok()) << page.status().to_string();
      if (!page.ok()) break;
      ++*pages;
      EXPECT_LE(static_cast<int>(page->items.size()), q.limit);
      for (const auto& item : page->items) seen.push_back(item.state.id);
      if (!page->cut) {
        EXPECT_FALSE(page->next_after.has_value());
        break;
      }
      EXPECT_TRUE(page->next_after.has_value());
      EXPECT_GT(*page->next_after, q.after) << "the cursor moves on";
      q.after = *page->next_after;
      if (*pages > 100) break;
    }
    return seen;
  }
};

TEST_P(WorklistColumnsTest, TheQueueAndAssigneeColumnsFollowEveryKindOfChange) {
  if (not_ready()) return;
  // A passport case of 0991, drafted for it by 0992 under their agreement, decided by 0991.
  const Actor anna = person("anna"), bent = person("bent"), gitte = person("gitte"), jonas = person("jonas");
  const CaseState c = open_passport(kSupermarket, anna);
  expect_row_follows(c.id, "open");
  ASSERT_TRUE(engine_->act({c.id, "register", anna}).ok());
  expect_row_follows(c.id, "act to the check stage");
  ASSERT_TRUE(complete(c.id, anna).ok());
  expect_row_follows(c.id, "act to the decision stage");
  ASSERT_EQ(store_->load_case(c.id)->stage, "decision");

  ASSERT_TRUE(engine_->claim(c.id, bent).ok());
  expect_row_follows(c.id, "claim");
  EXPECT_EQ(row(c.id).assignee, "bent");
  ASSERT_TRUE(engine_->release(c.id, bent).ok());
  expect_row_follows(c.id, "release");
  EXPECT_EQ(row(c.id).assignee, std::nullopt);
  // gitte leads the team (the staff list gives her the role).
  auto file = load_municipality_file(std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/supermarked.yaml");
  ASSERT_TRUE(file.ok());
  for (auto& s : file.config->staff) {
    if (s.id == "gitte") s.roles.push_back(kTeamLeaderRole);
  }
  org_.add(std::move(*file.config));
  const Actor lead = person("gitte");
  ASSERT_TRUE(engine_->claim(c.id, bent).ok());
  auto handed = engine_->reassign(c.id, lead, gitte);
  ASSERT_TRUE(handed.ok()) << handed.status().to_string();
  expect_row_follows(c.id, "reassign");
  EXPECT_EQ(row(c.id).assignee, "gitte");

  const Row before_draft = row(c.id);
  auto drafted = engine_->draft_decision(c.id, jonas, "granted", "Alle betingelser er opfyldt");
  ASSERT_TRUE(drafted.ok()) << drafted.status().to_string();
  expect_row_follows(c.id, "draft: the task is now to decide");
  auto decided = engine_->act({c.id, "grant", gitte});
  ASSERT_TRUE(decided.ok()) << decided.status().to_string();
  expect_row_follows(c.id, "decide");
  EXPECT_EQ(row(c.id).assignee, std::nullopt) << "a claim ends with its stage";
  EXPECT_NE(before_draft.queue_kind, std::nullopt);

  // To the end: the case closes and its row says so; it is on no worklist.
  auto state = store_->load_case(c.id);
  for (int step = 0; step < 6 && state->status == CaseStatus::kOpen; ++step) {
    auto actions = engine_->available_actions(*state, gitte);
    ASSERT_TRUE(actions.ok());
    ASSERT_FALSE(actions->empty()) << "stage " << state->stage;
    const auto& a = actions->back();
    ActionRequest req{c.id, a.name, gitte};
    for (const auto& f : a.requires_.fields) req.fields[f] = "x";
    for (const auto& att : a.requires_.attachments) req.attachments.push_back({att, "application/pdf", ""});
    auto next = engine_->act(req);
    ASSERT_TRUE(next.ok()) << a.name << ": " << next.status().to_string();
    expect_row_follows(c.id, "act " + a.name);
    state = store_->load_case(c.id);
  }
  ASSERT_EQ(state->status, CaseStatus::kClosed);
  EXPECT_EQ(row(c.id).status, "closed");
  EXPECT_EQ(row(c.id).due_date, std::nullopt);
}

TEST_P(WorklistColumnsTest, AQueueMovesWithTheStageAndTheWorklistFollowsIt) {
  if (not_ready()) return;
  // In the hybrid model the booth receives passports; escalation hands the
  // case to the specialist group, which is a queue of its own.
  const Actor aksel = person("aksel");
  const CaseState c = open_passport(kHybrid, aksel);
  auto first = engine_->queue_of(c);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->kind, "unit");
  const auto in_queue = [&](const std::string& unit) {
    auto items = engine_->worklist({kHybrid, unit, std::nullopt}, aksel, {kReadWorklist, "test"});
    EXPECT_TRUE(items.ok()) << items.status().to_string();
    if (!items.ok()) return false;
    return std::any_of(items->begin(), items->end(), [&](const WorklistItem& i) { return i.state.id == c.id; });
  };
  EXPECT_TRUE(in_queue(first->id));
  auto escalated = engine_->escalate(c.id, aksel, "a complex case");
  ASSERT_TRUE(escalated.ok()) << escalated.status().to_string();
  expect_row_follows(c.id, "escalate");
  EXPECT_EQ(row(c.id).queue_kind, "specialist_group");
  EXPECT_FALSE(in_queue(first->id)) << "the case left the unit's queue with its task";
}

TEST_P(WorklistColumnsTest, PagingShowsEveryVisibleCaseOnceInIdOrderAndACutListSaysSo) {
  if (not_ready()) return;
  const Actor anna = person("anna");
  std::vector<long long> opened;
  for (int i = 0; i < 23; ++i) opened.push_back(open_passport(kSupermarket, anna).id);
  // Cases of another municipality between them: not on 0991's queue, and not visible to anna.
  for (int i = 0; i < 5; ++i) ASSERT_NE(open_passport(kLimited, person("peter")).id, 0);
  for (int i = 0; i < 4; ++i) opened.push_back(open_passport(kSupermarket, anna).id);
  auto where = engine_->queue_of(*store_->load_case(opened.front()));
  ASSERT_TRUE(where.ok());

  WorklistQuery q{kSupermarket, where->id, std::nullopt};
  q.limit = 5;
  int pages = 0;
  const auto seen = page_through(q, anna, &pages);
  EXPECT_EQ(seen, opened) << "every case once, oldest first";
  EXPECT_EQ(pages, 6);

  // A cut page says so and counts the whole list when asked.
  q.count = true;
  auto first = engine_->worklist_page(q, anna, {kReadWorklist, "test"});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->cut);
  EXPECT_EQ(first->next_after, opened[4]);
  EXPECT_EQ(first->total, static_cast<long long>(opened.size()));
  // The last page exactly full: not cut.
  q.count = false;
  q.after = opened[opened.size() - 6];
  auto last = engine_->worklist_page(q, anna, {kReadWorklist, "test"});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->items.size(), 5u);
  EXPECT_FALSE(last->cut);
  EXPECT_EQ(last->next_after, std::nullopt);

  // The list of cases, with all municipalities' cases in the store: anna's
  // pages fill past the cases she may not see, and show each of hers once.
  std::vector<long long> listed;
  CaseFilter f;
  f.limit = 4;
  for (int n = 0; n < 50; ++n) {
    auto page = engine_->list_cases_page(f, anna, {kReadCaseList, "test"}, n == 0);
    ASSERT_TRUE(page.ok()) << page.status().to_string();
    if (n == 0) EXPECT_EQ(page->total, static_cast<long long>(opened.size())) << "only what anna may see";
    if (page->cut) EXPECT_EQ(page->cases.size(), 4u) << "a page is filled while visible cases follow";
    for (const auto& s : page->cases) listed.push_back(s.id);
    if (!page->cut) break;
    f.after = *page->next_after;
  }
  EXPECT_EQ(listed, opened);

  // Exactly the cases shown are recorded: every page's cases, once per showing.
  AccessFilter all;
  all.limit = 100000;
  std::multiset<long long> recorded;
  for (const auto& r : *engine_->access_log(all)) {
    if (r.purpose == kReadCaseList) recorded.insert(r.case_id);
  }
  EXPECT_EQ(recorded, std::multiset<long long>(opened.begin(), opened.end()));
}

TEST_P(WorklistColumnsTest, APersonsWorklistIsTheirClaimedCasesInPages) {
  if (not_ready()) return;
  const Actor anna = person("anna"), bent = person("bent");
  std::vector<long long> claimed;
  for (int i = 0; i < 7; ++i) {
    const CaseState c = open_passport(kSupermarket, anna);
    ASSERT_TRUE(engine_->act({c.id, "register", anna}).ok());
    ASSERT_TRUE(complete(c.id, anna).ok());
    if (i % 2 == 0) {
      ASSERT_TRUE(engine_->claim(c.id, bent).ok());
      claimed.push_back(c.id);
    }
  }
  WorklistQuery q{kSupermarket, std::nullopt, "bent"};
  q.limit = 3;
  int pages = 0;
  EXPECT_EQ(page_through(q, bent, &pages), claimed);
  EXPECT_EQ(pages, 2);
}

TEST_P(WorklistColumnsTest, CasesStoredWithoutAQueueArePlacedAndAChangedModelMovesTheQueues) {
  if (not_ready()) return;
  const Actor aksel = person("aksel");
  const CaseState c = open_passport(kHybrid, aksel);
  // A row as an older binary left it: no queue (the migration cannot place cases).
  {
    auto sql = raw();
    *sql << "UPDATE cases SET queue_kind = NULL, queue_id = NULL WHERE id = :id", soci::use(c.id);
  }
  auto where = engine_->queue_of(c);
  ASSERT_TRUE(where.ok());
  auto before = engine_->worklist({kHybrid, where->id, std::nullopt}, aksel, {kReadWorklist, "test"});
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->empty()) << "an unplaced case is on no worklist until it is placed";
  auto placed = engine_->place_open_cases("", /*all=*/false);
  ASSERT_TRUE(placed.ok()) << placed.status().to_string();
  EXPECT_EQ(*placed, 1);
  expect_row_follows(c.id, "placed");
  EXPECT_EQ(*engine_->place_open_cases("", false), 0) << "nothing left to place";
  EXPECT_EQ(*engine_->place_open_cases("", true), 0) << "recomputing an unchanged model changes nothing";

  // The municipality moves passports from the booth to the department that
  // runs it: the same model file with the area's unit named, loaded as
  // `sagsflow init` loads it.
  const std::string path = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/hybrid.yaml";
  std::string text = *read_text_file(path);
  const auto area = text.find("\n  passports:", text.find("service_areas:"));
  ASSERT_NE(area, std::string::npos);
  text.insert(text.find('\n', area + 1) + 1, "    unit: pas\n");
  auto changed = parse_municipality(text, path);
  ASSERT_TRUE(changed.ok()) << changed.errors.front().to_string();
  Organisation moved_org;
  for (const char* f : {"supermarked", "samarbejde", "begraenset-torv", "fuldt-torv"}) {
    auto other = load_municipality_file(std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/" + f + ".yaml");
    ASSERT_TRUE(other.ok());
    moved_org.add(std::move(*other.config));
  }
  for (const auto& wf_file : changed.config->workflow_files) {
    moved_org.add_workflow(*parse_workflow(*read_text_file(wf_file), wf_file).definition);
  }
  moved_org.add(std::move(*changed.config));
  EngineOptions options{DanishCalendar{}, clock_.clock()};
  options.organisation = &moved_org;
  CaseEngine after_init(*store_, options);
  auto new_queue = after_init.queue_of(c);
  ASSERT_TRUE(new_queue.ok());
  ASSERT_NE(new_queue->id, where->id) << "the changed model places passports elsewhere";
  auto requeued = after_init.place_open_cases("", /*all=*/true);
  ASSERT_TRUE(requeued.ok()) << requeued.status().to_string();
  EXPECT_GE(*requeued, 1);
  EXPECT_EQ(row(c.id).queue_id, new_queue->id);
  // Someone of the unit the case now waits in reads its queue.
  std::optional<Actor> colleague;
  for (const auto& s : moved_org.find(kHybrid)->staff) {
    if (s.unit == new_queue->id && !colleague) colleague = Actor{s.id, s.unit, kHybrid, s.roles};
  }
  ASSERT_TRUE(colleague.has_value()) << new_queue->id;
  auto theirs = after_init.worklist({kHybrid, new_queue->id, std::nullopt}, *colleague, {kReadWorklist, "test"});
  ASSERT_TRUE(theirs.ok()) << theirs.status().to_string();
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ(theirs->front().state.id, c.id);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorklistColumnsTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
