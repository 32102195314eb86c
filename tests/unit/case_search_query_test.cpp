// The staff search box: what a query is taken for, Danish stemming, and that
// the search text of a case never holds a CPR number.
#include <gtest/gtest.h>

#include "sagsflow/search/case_search.hpp"

namespace sagsflow {
namespace {

TEST(CaseSearchQuery, ACprNumberInAnySpellingIsACprSearch) {
  for (const char* text : {"070761-4285", "0707614285", " 070761 4285 "}) {
    auto q = parse_search_query(text);
    ASSERT_TRUE(q.ok()) << text << ": " << q.status().to_string();
    EXPECT_EQ(q->kind, SearchKind::kCpr) << text;
    ASSERT_TRUE(q->cpr.has_value());
    EXPECT_EQ(q->cpr->masked(), "070761-XXXX");
  }
}

TEST(CaseSearchQuery, TenDigitsThatAreNoDateAreWords) {
  auto q = parse_search_query("9999999999");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->kind, SearchKind::kText);
}

TEST(CaseSearchQuery, ACaseNumberFindsThatCase) {
  auto q = parse_search_query("23.05.10-G01-2-26");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->kind, SearchKind::kCaseNumber);
  EXPECT_EQ(q->case_number, "23.05.10-G01-2-26");
  auto lower = parse_search_query("23.05.10-g01-2-26");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->kind, SearchKind::kCaseNumber);
  EXPECT_EQ(lower->case_number, "23.05.10-G01-2-26");
}

TEST(CaseSearchQuery, AKleSubjectOrItsPrefixFindsItsCases) {
  for (const char* text : {"23", "23.05", "23.05.10"}) {
    auto q = parse_search_query(text);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->kind, SearchKind::kKleSubject) << text;
    EXPECT_EQ(q->kle_prefix, text);
  }
  auto odd = parse_search_query("23.5");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->kind, SearchKind::kText);
}

TEST(CaseSearchQuery, WordsAreLowerCasedAndCommonWordsLeftOut) {
  auto q = parse_search_query("Flytning OG Ærø på Østerbro");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->kind, SearchKind::kText);
  EXPECT_EQ(q->words, (std::vector<std::string>{"flytning", "ærø", "østerbro"}));
}

TEST(CaseSearchQuery, AnEmptyQueryOrOneOfOnlyCommonWordsIsRefusedWithTheReason) {
  for (const char* text : {"", "   ", "--..", "og i på"}) {
    auto q = parse_search_query(text);
    ASSERT_FALSE(q.ok()) << text;
    EXPECT_EQ(q.status().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_NE(parse_search_query("og").status().message().find("common words"), std::string::npos);
}

TEST(CaseSearchQuery, ATooLongOrBrokenQueryIsRefused) {
  EXPECT_FALSE(parse_search_query(std::string(kMaxSearchQueryBytes + 1, 'a')).ok());
  EXPECT_FALSE(parse_search_query("flyt\xC3").ok());
  EXPECT_FALSE(parse_search_query("\xC0\xAF").ok());
}

TEST(CaseSearchQuery, AQueryKeepsAtMostTheFirstWords) {
  std::string many;
  for (int i = 0; i < 30; ++i) many += "ord" + std::to_string(i) + " ";
  auto q = parse_search_query(many);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->words.size(), kMaxSearchWords);
}

TEST(DanishStemming, APluralAndItsSingularShareAStem) {
  EXPECT_EQ(danish_stem("flytninger"), danish_stem("flytning"));
  EXPECT_EQ(danish_stem("boliger"), danish_stem("bolig"));
  EXPECT_EQ(danish_stem("pas"), "pas");
  EXPECT_EQ(danish_stems("Flytninger, boliger!"), danish_stem("flytning") + " " + danish_stem("bolig"));
}

TEST(CaseSearchText, HoldsNumberTitleSubjectAndFieldsButNoCprNumber) {
  CaseState s;
  s.case_number = "23.05.10-G01-2-26";
  s.title = "Flytning til Østerbro";
  s.subject = "23.05.10";
  s.fields = {{"full_name", "Jens Hansen"},
              {"partner", "0707614285"},
              {"note", "ægtefælle 070761-4285 flytter med"},
              {"address", {{"street", "Nørregade 1"}, {"floor", 2}}},
              {"fee_paid", true}};
  const std::string text = case_search_text(s);
  for (const char* part : {"23.05.10-G01-2-26", "Flytning til Østerbro", "Jens Hansen", "Nørregade 1", "ægtefælle"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(text.find("4285"), std::string::npos) << text;
  EXPECT_EQ(text.find("070761"), std::string::npos) << text;
  EXPECT_EQ(text.find("0707614285"), std::string::npos) << text;
  EXPECT_EQ(text.find("true"), std::string::npos) << "booleans are no words";
}

TEST(CaseSearchText, SameSearchTextFollowsTheTextItself) {
  CaseState a;
  a.case_number = "23.05.10-G01-2-26";
  a.title = "Flytning";
  a.fields = {{"full_name", "Jens Hansen"}};
  CaseState b = a;
  b.stage = "check";
  b.version = 7;
  EXPECT_TRUE(same_search_text(a, b));
  EXPECT_EQ(case_search_text(a), case_search_text(b));
  b.fields["full_name"] = "Jens Jensen";
  EXPECT_FALSE(same_search_text(a, b));
  EXPECT_NE(case_search_text(a), case_search_text(b));
}

TEST(CaseSearchText, TheNoteOfAnEventIsSearchableWithoutItsCprNumber) {
  CaseEvent e;
  e.data = {{"note", "Borgeren (0707614285) ringede om nøglerne"}};
  const std::string note = event_search_note(e);
  EXPECT_NE(note.find("nøglerne"), std::string::npos);
  EXPECT_EQ(note.find("4285"), std::string::npos);
  CaseEvent none;
  EXPECT_EQ(event_search_note(none), "");
}

TEST(SearchWords, SplitOnPunctuationAndLowerCaseDanishLetters) {
  EXPECT_EQ(search_words("ÆBLE-Øl, Å!"), (std::vector<std::string>{"æble", "øl", "å"}));
  EXPECT_EQ(search_words("010490-9989 og 0104909989"), (std::vector<std::string>{"og"}));
}

}  // namespace
}  // namespace sagsflow
