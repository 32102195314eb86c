// The staff search box on SQLite and PostgreSQL: Danish words find their
// inflections ("flytning" finds "flytninger") on both, a CPR number needs a
// purpose and each case it shows is an access record with that purpose,
// notes are searchable, a case number and a KLE subject find their cases,
// nobody finds what the organisation does not let them see, and worklists
// narrow by stage, service area and deadline.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "example_municipalities.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

class CaseSearchTest : public ExampleMunicipalitiesTest {
 protected:
  CaseState open(const std::string& code, const std::string& workflow, const std::string& cpr, const std::string& title,
                 json fields = json::object()) {
    OpenCaseRequest req{code, workflow, std::nullopt, cpr, title, std::move(fields), std::nullopt, front_desk(code)};
    auto opened = engine_->open_case(req);
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    return opened.ok() ? *opened : CaseState{};
  }
  Result<CaseSearchPage> search(const std::string& code, const std::string& text, const std::string& purpose = "",
                                const Actor* as = nullptr) {
    CaseSearch s;
    s.municipality = code;
    s.text = text;
    s.purpose = purpose;
    s.count = true;
    return engine_->search_cases(s, as ? *as : front_desk(code), "test");
  }
  std::set<long long> found(const std::string& code, const std::string& text, const std::string& purpose = "") {
    auto r = search(code, text, purpose);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().to_string();
    std::set<long long> ids;
    if (r.ok()) {
      for (const auto& c : r->page.cases) ids.insert(c.id);
    }
    return ids;
  }
};

TEST_P(CaseSearchTest, ADanishWordFindsItsInflectionsInTitlesAndFields) {
  if (not_ready()) return;
  const CaseState moves = open(kSupermarket, "moving", "070761-4285", "Flere flytninger i samme husstand");
  const CaseState passport = open(kSupermarket, "passport", "010490-9989", "Nyt pas", {{"full_name", "Bodil Ærøskøbing"}});
  EXPECT_EQ(found(kSupermarket, "flytning"), (std::set<long long>{moves.id}));
  EXPECT_EQ(found(kSupermarket, "flytninger"), (std::set<long long>{moves.id}));
  EXPECT_EQ(found(kSupermarket, "FLYT"), (std::set<long long>{moves.id})) << "a word matches the beginning of a stem";
  EXPECT_EQ(found(kSupermarket, "husstande"), (std::set<long long>{moves.id}));
  EXPECT_EQ(found(kSupermarket, "ærøskøbing"), (std::set<long long>{passport.id})) << "a name in the form fields";
  EXPECT_EQ(found(kSupermarket, "bodil flytning"), std::set<long long>{}) << "every word must match";
  EXPECT_EQ(found(kSupermarket, "flytninger og husstand"), (std::set<long long>{moves.id})) << "common words left out";
  EXPECT_EQ(found(kSupermarket, "cykel"), std::set<long long>{});
  // Another municipality's case is never found.
  open(kCooperation, "moving", "070761-4285", "Flytninger");
  EXPECT_EQ(found(kSupermarket, "flytning"), (std::set<long long>{moves.id}));
}

TEST_P(CaseSearchTest, AFieldChangedByAnActionIsFoundByItsNewValueOnly) {
  if (not_ready()) return;
  const Actor anna = person("anna");
  const CaseState c = open(kSupermarket, "passport", "070761-4285", "Pas", {{"full_name", "Karen Blixen"}});
  ASSERT_TRUE(engine_->act({c.id, "register", anna}).ok());
  ActionRequest complete{c.id, "complete", anna};
  complete.fields = {{"full_name", "Karen Dinesen"}, {"height_cm", 170}, {"fee_paid", true}};
  complete.attachments = {{"photo", "image/jpeg", ""}, {"identity_document", "passport", ""}};
  auto done = engine_->act(complete);
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  EXPECT_EQ(found(kSupermarket, "dinesen"), (std::set<long long>{c.id}));
  EXPECT_EQ(found(kSupermarket, "blixen"), std::set<long long>{});
}

TEST_P(CaseSearchTest, NotesOnACaseAreSearchable) {
  if (not_ready()) return;
  const CaseState c = open(kSupermarket, "moving", "070761-4285", "Flytning");
  auto noted = engine_->add_note(c.id, front_desk(kSupermarket), "Borgeren ringede om nøglerne til lejligheden");
  ASSERT_TRUE(noted.ok()) << noted.status().to_string();
  EXPECT_EQ(found(kSupermarket, "nøgle lejlighed"), (std::set<long long>{c.id}));
  auto again = engine_->add_note(c.id, front_desk(kSupermarket), "Viceværten bekræfter");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(found(kSupermarket, "nøglerne vicevært"), (std::set<long long>{c.id})) << "every note is kept";
}

TEST_P(CaseSearchTest, ACprSearchNeedsAPurposeAndRecordsItWithEveryCaseShown) {
  if (not_ready()) return;
  const CaseState a = open(kSupermarket, "moving", "070761-4285", "Flytning");
  const CaseState b = open(kSupermarket, "passport", "070761-4285", "Pas");
  open(kSupermarket, "passport", "010490-9989", "Pas");
  auto refused = search(kSupermarket, "070761-4285");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("purpose"), std::string::npos);
  EXPECT_EQ(refused.status().message().find("4285"), std::string::npos);
  auto r = search(kSupermarket, "0707614285", "Telefonopkald fra borgeren");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->kind, SearchKind::kCpr);
  ASSERT_EQ(r->page.cases.size(), 2u);
  EXPECT_EQ(r->page.cases[0].id, b.id) << "newest first";
  EXPECT_EQ(r->page.cases[1].id, a.id);
  ASSERT_TRUE(r->page.total.has_value());
  EXPECT_EQ(*r->page.total, 2);
  AccessFilter f;
  f.limit = 1000;
  auto log = engine_->access_log(f);
  ASSERT_TRUE(log.ok());
  std::set<long long> recorded;
  for (const auto& rec : *log) {
    if (rec.purpose == "search by CPR number: Telefonopkald fra borgeren") {
      recorded.insert(rec.case_id);
      EXPECT_EQ(rec.via, "test");
      EXPECT_EQ(rec.actor, front_desk(kSupermarket).id);
    }
  }
  EXPECT_EQ(recorded, (std::set<long long>{a.id, b.id}));
}

TEST_P(CaseSearchTest, ACaseNumberAndAKleSubjectFindTheirCases) {
  if (not_ready()) return;
  const CaseState moves = open(kSupermarket, "moving", "070761-4285", "Flytning");
  const CaseState passport = open(kSupermarket, "passport", "070761-4285", "Pas");
  auto by_number = search(kSupermarket, passport.case_number);
  ASSERT_TRUE(by_number.ok()) << by_number.status().to_string();
  EXPECT_EQ(by_number->kind, SearchKind::kCaseNumber);
  ASSERT_EQ(by_number->page.cases.size(), 1u);
  EXPECT_EQ(by_number->page.cases[0].id, passport.id);
  EXPECT_EQ(found(kSupermarket, moves.subject), (std::set<long long>{moves.id}));
  EXPECT_EQ(found(kSupermarket, moves.subject.substr(0, 5)), (std::set<long long>{moves.id}));
  auto id = engine_->case_id_by_number(kSupermarket, moves.case_number);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, moves.id);
  EXPECT_EQ(engine_->case_id_by_number(kSupermarket, "99.99.99-G01-1-26").status().code(), ErrorCode::kNotFound);
}

TEST_P(CaseSearchTest, TheSearchShowsOnlyWhatThePersonMaySee) {
  if (not_ready()) return;
  // In the limited market square (0993) the front desk and the departments
  // see different cases; whoever searches finds only what they may see.
  const std::string code = kLimited;
  const CaseState c = open(code, "housing_support", "070761-4285", "Boligstøtte til flytning");
  std::set<std::string> saw, missed;
  for (const Actor& a : staff(code)) {
    auto r = search(code, "boligstøtte", "", &a);
    if (!r.ok()) continue;  // someone the organisation cannot place
    const bool shown = std::any_of(r->page.cases.begin(), r->page.cases.end(),
                                   [&](const CaseState& s) { return s.id == c.id; });
    auto view = engine_->view_case(c.id, a, {"test", "test"});
    EXPECT_EQ(shown, view.ok()) << a.id << " in " << a.unit;
    (shown ? saw : missed).insert(a.id);
  }
  EXPECT_FALSE(saw.empty());
}

TEST_P(CaseSearchTest, WorklistsNarrowByStageServiceAreaAndDeadline) {
  if (not_ready()) return;
  const Actor anna = person("anna");
  const CaseState moves = open(kSupermarket, "moving", "070761-4285", "Flytning");
  const CaseState passport = open(kSupermarket, "passport", "070761-4285", "Pas");
  ASSERT_TRUE(engine_->act({passport.id, "register", anna}).ok());
  WorklistQuery q;
  q.municipality = kSupermarket;
  q.unit = anna.unit;
  q.count = true;
  const auto ids = [&](const WorklistQuery& query) {
    auto page = engine_->worklist_page(query, anna, {kReadWorklist, "test"});
    EXPECT_TRUE(page.ok()) << page.status().to_string();
    std::vector<long long> out;
    if (page.ok()) {
      for (const auto& item : page->items) out.push_back(item.state.id);
    }
    return out;
  };
  const auto all = ids(q);
  ASSERT_NE(std::find(all.begin(), all.end(), moves.id), all.end());
  ASSERT_NE(std::find(all.begin(), all.end(), passport.id), all.end());
  WorklistQuery by_area = q;
  by_area.filters.service_area = "moving";
  EXPECT_EQ(ids(by_area), (std::vector<long long>{moves.id}));
  WorklistQuery newest = q;
  newest.filters.newest_first = true;
  auto reversed = all;
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(ids(newest), reversed);
  auto page = engine_->worklist_page(q, anna, {kReadWorklist, "test"});
  ASSERT_TRUE(page.ok());
  const CaseState& registered = [&]() -> const CaseState& {
    for (const auto& item : page->items) {
      if (item.state.id == passport.id) return item.state;
    }
    return page->items.front().state;
  }();
  WorklistQuery by_stage = q;
  by_stage.filters.stage = registered.stage;
  EXPECT_EQ(ids(by_stage), (std::vector<long long>{passport.id}));
  if (registered.clock) {
    WorklistQuery due = q;
    due.filters.due_before = registered.clock->due + std::chrono::days(1);
    const auto soon = ids(due);
    EXPECT_NE(std::find(soon.begin(), soon.end(), passport.id), soon.end());
    due.filters.due_before = registered.clock->due;
    const auto before = ids(due);
    EXPECT_EQ(std::find(before.begin(), before.end(), passport.id), before.end());
  }
  WorklistQuery unknown = q;
  unknown.filters.service_area = "no_such_area";
  auto refused = engine_->worklist_page(unknown, anna, {kReadWorklist, "test"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(refused.status().message().find("no_such_area"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseSearchTest, AllBackends(), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sagsflow::testing
