#include <gtest/gtest.h>

#include <sstream>

#include "sagsflow/domain/cpr.hpp"

using namespace sagsflow;
using namespace std::chrono;

TEST(Cpr, AcceptsBothWrittenForms) {
  auto with_dash = Cpr::parse("070761-4285");
  auto without = Cpr::parse("0707614285");
  ASSERT_TRUE(with_dash.ok());
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(*with_dash, *without);
  EXPECT_EQ(with_dash->birth_date(), year{1961} / July / 7);
}

TEST(Cpr, ValidCheckDigitPassesModulus11) {
  EXPECT_TRUE(Cpr::parse("070761-4285")->mod11_ok());
}

TEST(Cpr, NumberWithoutValidCheckDigitIsAcceptedWithWarningFlag) {
  // Issued since 2007 without a modulus-11 check digit: must be accepted.
  auto cpr = Cpr::parse("010490-9989");
  ASSERT_TRUE(cpr.ok()) << cpr.status().to_string();
  EXPECT_FALSE(cpr->mod11_ok());
  EXPECT_EQ(cpr->birth_date(), year{1990} / April / 1);
}

TEST(Cpr, CenturyComesFromTheSeventhDigit) {
  struct Case { const char* cpr; int year; };
  for (const auto& c : {Case{"010101-0000", 1901}, Case{"010101-3999", 1901},
                        Case{"010100-4000", 2000}, Case{"010136-4000", 2036},
                        Case{"010137-4000", 1937}, Case{"010136-9000", 2036},
                        Case{"010137-9000", 1937}, Case{"010157-5000", 2057},
                        Case{"010158-5000", 1858}, Case{"010199-8000", 1899}}) {
    auto cpr = Cpr::parse(c.cpr);
    ASSERT_TRUE(cpr.ok()) << c.cpr;
    EXPECT_EQ(static_cast<int>(cpr->birth_date().year()), c.year) << c.cpr;
  }
}

TEST(Cpr, DateMustBeReal) {
  EXPECT_FALSE(Cpr::parse("300290-1234").ok());  // 30 February
  EXPECT_FALSE(Cpr::parse("320190-1234").ok());
  EXPECT_FALSE(Cpr::parse("011390-1234").ok());  // month 13
  EXPECT_TRUE(Cpr::parse("290200-4000").ok());   // 2000 was a leap year
  EXPECT_FALSE(Cpr::parse("290200-0000").ok());  // 1900 was not
}

TEST(Cpr, MalformedInputIsRefusedWithoutEchoingIt) {
  for (const char* bad : {"", "1234", "070761_4285", "07076-14285", "abcdef-ghij", "070761-42851",
                          "0707614285 "}) {
    auto cpr = Cpr::parse(bad);
    ASSERT_FALSE(cpr.ok()) << bad;
    EXPECT_EQ(cpr.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(cpr.status().message().find("DDMMYY-SSSS"), std::string::npos);
  }
  auto bad_date = Cpr::parse("300290-1234");
  EXPECT_EQ(bad_date.status().message().find("1234"), std::string::npos)
      << "the error must not show the serial digits: " << bad_date.status().message();
}

TEST(Cpr, EveryRenderingIsMasked) {
  auto cpr = Cpr::parse("070761-4285");
  EXPECT_EQ(cpr->masked(), "070761-XXXX");
  std::ostringstream os;
  os << *cpr;
  EXPECT_EQ(os.str(), "070761-XXXX");
  EXPECT_EQ(cpr->reveal(), "070761-4285");
}

TEST(Cpr, SexFromLastDigit) {
  EXPECT_TRUE(Cpr::parse("070761-4286")->is_female());
  EXPECT_FALSE(Cpr::parse("070761-4285")->is_female());
}

TEST(CprMasking, MasksBothFormsInFreeText) {
  EXPECT_EQ(mask_cpr_numbers("borger 0104909989 og 070761-4285, tlf 12345678"),
            "borger 010490-XXXX og 070761-XXXX, tlf 12345678");
}

TEST(CprMasking, LeavesOtherNumbersAlone) {
  EXPECT_EQ(mask_cpr_numbers("sag 23.09.02-G01-1234-26 id 12345678901 år 2026"),
            "sag 23.09.02-G01-1234-26 id 12345678901 år 2026");
  // Ten digits that do not start with a date are not a CPR number.
  EXPECT_EQ(mask_cpr_numbers("9999999999"), "9999999999");
}
