// The KLE reader on hostile or unlucky input: linear whitespace handling,
// bounded periods, no entity expansion, bounded nesting, lines named.
#include <gtest/gtest.h>

#include <string>

#include "sagsflow/domain/kle.hpp"

using namespace sagsflow;

namespace {

std::string plan_with(const std::string& title, const std::string& deletion) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KLE-Emneplan><UdgivelsesDato>2026-01-01</UdgivelsesDato>\n"
         "<Hovedgruppe><HovedgruppeNr>23</HovedgruppeNr><HovedgruppeTitel>Borgerservice</HovedgruppeTitel>\n"
         "<Gruppe><GruppeNr>23.09</GruppeNr><GruppeTitel>Pas</GruppeTitel>\n"
         "<Emne><EmneNr>23.09.02</EmneNr><EmneTitel>" +
         title + "</EmneTitel><SletningJaevnfoerPersondataloven>" + deletion +
         "</SletningJaevnfoerPersondataloven></Emne></Gruppe></Hovedgruppe></KLE-Emneplan>\n";
}

}  // namespace

TEST(KleBounds, ATitleWith65kBOfWhitespaceIsCollapsedNotACrash) {
  const std::string title = "Pas" + std::string(65 * 1024, ' ') + "\n\t" + std::string(65 * 1024, '\n') + "og ID";
  auto plan = parse_kle_emneplan(plan_with(title, "P5Y"), "emneplan.xml");
  ASSERT_TRUE(plan.ok()) << plan.status().to_string();
  ASSERT_EQ(plan->subjects.size(), 1u);
  EXPECT_EQ(plan->subjects[0].title, "Pas og ID");
}

TEST(KleBounds, AnAbsurdDeletionPeriodIsRefusedNamingSubjectAndValue) {
  auto plan = parse_kle_emneplan(plan_with("Pas", "P99999999999Y"), "emneplan.xml");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("23.09.02"), std::string::npos) << plan.status().message();
  EXPECT_NE(plan.status().message().find("P99999999999Y"), std::string::npos) << plan.status().message();
  EXPECT_TRUE(parse_kle_emneplan(plan_with("Pas", "P1825D"), "emneplan.xml").ok());
}

TEST(KleBounds, DurationsAreRangeCheckedAndDescribingNeverThrows) {
  EXPECT_EQ(describe_kle_duration("P5Y"), "5 år");
  EXPECT_EQ(describe_kle_duration("P1M"), "1 måned");
  EXPECT_EQ(describe_kle_duration("P1825D"), "1825 dage");
  EXPECT_EQ(describe_kle_duration("P99999999999Y"), "P99999999999Y");  // stored before the bound: shown as is
  EXPECT_EQ(describe_kle_duration("P201Y"), "P201Y");
  EXPECT_EQ(describe_kle_duration("P-1Y"), "P-1Y");
  EXPECT_EQ(describe_kle_duration(""), "");
  EXPECT_FALSE(parse_kle_duration("P1Y6M"));
  EXPECT_FALSE(parse_kle_duration("P+5Y"));
  ASSERT_TRUE(parse_kle_duration("P200Y"));
  EXPECT_EQ(parse_kle_duration("P200Y")->count, 200);
  EXPECT_EQ(describe_kle_duration(std::string(100000, '9')).size(), 40u);
}

TEST(KleBounds, EntityDeclarationsAreRefusedWithTheLine) {
  const std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<KLE-Emneplan>&lol2;</KLE-Emneplan>\n";
  auto plan = parse_kle_emneplan(laughs, "lol.xml");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("lol.xml:2:"), std::string::npos) << plan.status().message();
  EXPECT_NE(plan.status().message().find("entity"), std::string::npos) << plan.status().message();
}

TEST(KleBounds, DeepNestingIsRefusedBeforeATreeIsBuilt) {
  std::string xml = "<KLE-Emneplan>\n";
  for (int i = 0; i < 100000; ++i) xml += "<a>";
  for (int i = 0; i < 100000; ++i) xml += "</a>";
  xml += "</KLE-Emneplan>";
  auto plan = parse_kle_emneplan(xml, "deep.xml");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("deep.xml:2: error: elements are nested deeper than 32"), std::string::npos)
      << plan.status().message();
}

TEST(KleBounds, CommentsCdataAndSelfClosingTagsDoNotCountAsNesting) {
  std::string title = "<![CDATA[<a><b><c>]]>Pas<!-- <x><y> --><br/>";
  for (int i = 0; i < 40; ++i) title += "<e/>";
  auto plan = parse_kle_emneplan(plan_with(title, "P5Y"), "ok.xml");
  ASSERT_TRUE(plan.ok()) << plan.status().to_string();
}

TEST(KleBounds, AFileOverTheSizeLimitIsRefused) {
  std::string xml(kKleMaxBytes + 1, ' ');
  auto plan = parse_kle_emneplan(xml, "big.xml");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("big.xml: error: the file has"), std::string::npos);
}
