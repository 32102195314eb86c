#include <gtest/gtest.h>

#include "sagsflow/domain/case_number.hpp"

using namespace sagsflow;

TEST(CaseNumber, FormatsInKleJournalStyle) {
  EXPECT_EQ((CaseNumber{"32.03.12", "G01", 36, 2019}.to_string()), "32.03.12-G01-36-19");
  EXPECT_EQ((CaseNumber{"23.09.02", "A53", 1, 2026}.to_string()), "23.09.02-A53-1-26");
  EXPECT_EQ((CaseNumber{"23.09.02", "G01", 7, 2005}.to_string()), "23.09.02-G01-7-05");
}

TEST(CaseNumber, ParsesWhatItFormats) {
  auto n = CaseNumber::parse("32.03.12-G01-36-19");
  ASSERT_TRUE(n.ok()) << n.status().to_string();
  EXPECT_EQ(*n, (CaseNumber{"32.03.12", "G01", 36, 2019}));
}

TEST(CaseNumber, RefusesMalformedNumbers) {
  for (const char* bad : {"", "32.03.12", "32.03.1-G01-1-19", "32.03.12-g01-1-19", "32.03.12-G01--19",
                          "32.03.12-G01-0-19", "32.03.12-G01-1-2019", "32.03.12-G01-x-19"}) {
    EXPECT_FALSE(CaseNumber::parse(bad).ok()) << bad;
  }
}

TEST(Kle, SubjectAndFacetShapes) {
  EXPECT_TRUE(is_kle_subject("23.05.10"));
  EXPECT_FALSE(is_kle_subject("23.05"));
  EXPECT_FALSE(is_kle_subject("23-05-10"));
  EXPECT_TRUE(is_kle_facet("K02"));
  EXPECT_FALSE(is_kle_facet("K2"));
}
