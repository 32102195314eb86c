// mask_cpr_numbers: every spelling of a CPR number is masked, longer numbers
// are left alone, and masking is linear (no recursion, whatever the input).
#include <gtest/gtest.h>

#include <iostream>

#include <chrono>
#include <string>

#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/domain/cpr.hpp"

using namespace sagsflow;
using nlohmann::json;

namespace {

void expect_masked(const std::string& spelled) {
  const std::string text = "borger " + spelled + " ringede";
  EXPECT_EQ(mask_cpr_numbers(text), "borger 010490-XXXX ringede") << spelled;
  EXPECT_EQ(mask_cpr_numbers(spelled), "010490-XXXX") << spelled;
}

}  // namespace

TEST(CprMaskingSpellings, DashAndNoSeparator) {
  expect_masked("010490-9989");
  expect_masked("0104909989");
}

TEST(CprMaskingSpellings, SpaceSlashDotAndSpacedDash) {
  expect_masked("010490 9989");
  expect_masked("010490/9989");
  expect_masked("010490.9989");
  expect_masked("010490 - 9989");
}

TEST(CprMaskingSpellings, UnicodeDashesAndNoBreakSpace) {
  expect_masked("010490\u20139989");        // en dash
  expect_masked("010490\u20149989");        // em dash
  expect_masked("010490\u00a09989");        // no-break space
  expect_masked("010490\u20119989");        // non-breaking hyphen
  expect_masked("010490\u22129989");        // minus sign
}

TEST(CprMaskingSpellings, DottedSpacedAndDashedDates) {
  expect_masked("01.04.90-9989");
  expect_masked("01.04.90 9989");
  expect_masked("01 04 90 9989");
  expect_masked("01-04-90-9989");
}

TEST(CprMaskingSpellings, UrlEncodedAndJsonEscaped) {
  expect_masked("010490%2D9989");
  expect_masked("010490%2d9989");
  expect_masked("010490%209989");
  expect_masked("010490%2F9989");
  expect_masked("010490+9989");
  expect_masked("010490%E2%80%939989");
  expect_masked("010490%C2%A09989");
  expect_masked("010490\\u20139989");
  expect_masked("010490%252D9989");        // encoded twice (a path quoted again in a log line)
  expect_masked("010490%25E2%2580%25939989");
  EXPECT_EQ(mask_cpr_numbers("GET /api/v1/cases/010490%2D9989?x=1"), "GET /api/v1/cases/010490-XXXX?x=1");
  EXPECT_EQ(mask_cpr_numbers("q=%200104909989%20"), "q=%20010490-XXXX%20");
}

TEST(CprMaskingSpellings, EmbeddedInLongerText) {
  EXPECT_EQ(mask_cpr_numbers("cpr:0104909989,"), "cpr:010490-XXXX,");
  EXPECT_EQ(mask_cpr_numbers("x010490-9989y"), "x010490-XXXXy");
  EXPECT_EQ(mask_cpr_numbers("(010490-9989)"), "(010490-XXXX)");
  EXPECT_EQ(mask_cpr_numbers("municipality 0991 has no case 010490-9989"),
            "municipality 0991 has no case 010490-XXXX");
  EXPECT_EQ(mask_cpr_numbers("a 010490-9989 b 070761 4285 c"), "a 010490-XXXX b 070761-XXXX c");
  // Found by the cpr fuzz target: a "%" or a decimal point right before the number hid it.
  EXPECT_EQ(mask_cpr_numbers("%010490-9989"), "%010490-XXXX");
  EXPECT_EQ(mask_cpr_numbers("@ase/`23.010490-9989case7 24.0"), "@ase/`23.010490-XXXXcase7 24.0");
  EXPECT_EQ(mask_cpr_numbers("3.0104909989"), "3.010490-XXXX");
  EXPECT_EQ(mask_cpr_numbers("+50-0104909989"), "+50-010490-XXXX");
  EXPECT_EQ(mask_cpr_numbers("\\u0104909989"), "\\u010490-XXXX");
  EXPECT_EQ(mask_cpr_numbers("84%A010490-9989\t"), "84%A010490-XXXX\t");
  // ... and a dotted date in front swallowed the real number's date.
  EXPECT_EQ(mask_cpr_numbers("case 23.05G01--19.05.010490-9989.10-G01"), "case 23.05G01--XXXXXX-XXXX.10-G01");
  EXPECT_EQ(mask_cpr_numbers("100%2D010490%2D9989"), "100%2D010490-XXXX");
}

TEST(CprMaskingSpellings, LongerNumbersAndPhoneNumbersStayAsTheyAre) {
  for (const char* other : {"123401049099", "0104909989123", "1234567890", "+4512345678",
                            "2026-12-01T09:52:29Z", "23.09.02-G01-1234-26", "tlf 12 34 56 78",
                            "01-04-2026 1234", "1764582000", "0104909989a7" /* letters do not protect */}) {
    const std::string masked = mask_cpr_numbers(other);
    if (std::string(other) == "0104909989a7") {
      EXPECT_EQ(masked, "010490-XXXXa7");
    } else {
      EXPECT_EQ(masked, other);
    }
  }
  EXPECT_EQ(mask_cpr_numbers("3200909989"), "3200909989");  // 32 January is not a date
  EXPECT_EQ(mask_cpr_numbers("010490-99890"), "010490-99890");  // five serial digits
}

TEST(CprMaskingSpellings, MaskingTwiceChangesNothing) {
  // Each of these once masked into text that a second masking read differently.
  for (const char* text : {"0104290000-090208%2004000005\xbb" "95-B,o9rge04r 0", "01.04.900101-9989",
                           "19.05.010490-9989", "%200104909989-XXXX", "090208%200400 0005 x",
                           "\\u2010010490 9989", "01 04 90 0101 04 90 9989"}) {
    const std::string once = mask_cpr_numbers(text);
    EXPECT_EQ(mask_cpr_numbers(once), once) << text;
  }
  // Overlapping readings: one's date is another's serial, so none of their digits show.
  EXPECT_EQ(mask_cpr_numbers("01.04.010490-9989"), "XXXXXX-XXXX");
  EXPECT_EQ(mask_cpr_numbers("010490%200400 0005 x"), "XXXXXX-XXXX x");
  EXPECT_EQ(mask_cpr_numbers("%2004000005"), "%200400-XXXX");  // the number starts inside the escape
}

TEST(CprMaskingSpellings, MaskedNumbersAreLeftAsTheyAre) {
  EXPECT_EQ(mask_cpr_numbers("010490-XXXX og 010490-XXXX"), "010490-XXXX og 010490-XXXX");
  EXPECT_EQ(mask_cpr_numbers("01.04.010490-XXXX"), "01.04.010490-XXXX");  // not read into
  // Six digits of a longer number before "-XXXX" are no masked number: the CPR number is masked.
  EXPECT_EQ(mask_cpr_numbers("0104909989-XXXX"), "010490-XXXX-XXXX");
  EXPECT_EQ(mask_cpr_numbers("12010490-XXXX"), "12010490-XXXX");
}

TEST(CprMaskingSpellings, OverlappingReadingsStayLinear) {
  // Escapes and dotted dates that make many readings overlap, 4 MB of them.
  std::string text;
  const std::string piece = "01.04.%2001.04.90%2D0101%2004000005.19.05.01";
  while (text.size() < 4 * 1024 * 1024) text += piece;
  // Readings that overlap the next one all the way along, 1 MB of them: no
  // chain longer than a few numbers, no deep recursion.
  std::string chained;
  while (chained.size() < 1024 * 1024) chained += "%200400";
  const std::string masked_chain = mask_cpr_numbers(chained);
  EXPECT_EQ(mask_cpr_numbers(masked_chain), masked_chain);
  EXPECT_EQ(masked_chain.find("0400%"), std::string::npos) << "every reading's digits are masked";
  const auto start = std::chrono::steady_clock::now();
  const std::string once = mask_cpr_numbers(text);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(mask_cpr_numbers(once), once);
  std::cout << "masked 4 MB of overlapping readings in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
}

TEST(CprMaskingSpellings, TenMegabytesAreMaskedInLinearTime) {
  std::string text;
  text.reserve(10 * 1024 * 1024 + 64);
  const std::string piece = "010490 9989 01.04.90-9989 1234567890123 %2D - ";
  while (text.size() < 10 * 1024 * 1024) text += piece;
  std::string digits(10 * 1024 * 1024, '7');  // one long digit run
  std::string spaces(10 * 1024 * 1024, ' ');
  const auto start = std::chrono::steady_clock::now();
  const std::string masked = mask_cpr_numbers(text);
  const std::string masked_digits = mask_cpr_numbers(digits);
  const std::string masked_spaces = mask_cpr_numbers(spaces);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(masked.find("9989"), std::string::npos);
  EXPECT_EQ(masked_digits, digits);
  EXPECT_EQ(masked_spaces, spaces);
  // No wall-clock bound (machines and sanitizers differ): a quadratic masker
  // would not finish 30 MB within ctest's timeout; the time is printed.
  std::cout << "masked 30 MB in " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
}

TEST(CprMaskingSpellings, JsonTenThousandLevelsDeepIsMaskedWithoutRecursion) {
  json doc = "010490-9989";
  for (int i = 0; i < 10000; ++i) {
    json list = json::array();
    list.push_back(std::move(doc));
    json outer = json::object();
    outer[i % 2 == 0 ? "010490 9989" : "k"] = std::move(list);
    doc = std::move(outer);
  }
  const auto start = std::chrono::steady_clock::now();
  mask_cpr_numbers_in(doc);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 2000);
  // Walk down iteratively: every key and the innermost string are masked.
  const json* node = &doc;
  int levels = 0;
  while (node->is_object()) {
    ASSERT_EQ(node->size(), 1u);
    EXPECT_TRUE(node->begin().key() == "k" || node->begin().key() == "010490-XXXX") << node->begin().key();
    node = &node->begin().value().at(0);
    ++levels;
  }
  EXPECT_EQ(levels, 10000);
  EXPECT_EQ(node->get<std::string>(), "010490-XXXX");
  // The value checker sees the depth without recursing, and stops early.
  auto st = check_json_value(doc, "field 'x'", {1024 * 1024, 16});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("field 'x' is nested deeper than 16 levels"), std::string::npos) << st.message();
  // nlohmann's destructor takes a deep tree apart without recursing.
}

TEST(CprMaskingSpellings, ValueCheckerCountsSize) {
  json big = json::object();
  big["a"] = std::string(2000, 'x');
  EXPECT_TRUE(check_json_value(big, "the fields", {4096, 4}).ok());
  auto st = check_json_value(big, "the fields", {1000, 4});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("the fields holds more than 1000 bytes"), std::string::npos) << st.message();
  EXPECT_TRUE(check_json_value(json(5), "n", {16, 0}).ok());
  EXPECT_FALSE(check_json_value(json::array(), "n", {16, 0}).ok());
}
