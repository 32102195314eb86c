// <sagsflow/plugin_helpers.hpp>, built as C++17 (the SDK's promise to
// vendors): strict dates, Danish time computed from the EU rule for any year,
// and field access that never throws.
#include <gtest/gtest.h>
#include <sagsflow/plugin_helpers.hpp>

#include <string>

#if __cplusplus >= 202002L
#error "this test proves the helpers build as C++17; build it with CXX_STANDARD 17"
#endif

namespace {

using namespace sagsflow::sdk;
using nlohmann::json;

std::string day_text(const std::optional<Days>& d) { return d ? format_date(*d) : "none"; }

TEST(PluginHelpersDates, ParseDateAcceptsOnlyDigitsInTheIsoShapeAndRealDates) {
  EXPECT_EQ(day_text(parse_date("2026-11-23")), "2026-11-23");
  EXPECT_EQ(day_text(parse_date("2024-02-29")), "2024-02-29");
  EXPECT_EQ(day_text(parse_date("2000-02-29")), "2000-02-29");
  for (const char* bad : {"2026- 1- 1", "+026-01-01", "2026-1-1", "2026-02-30", "2025-02-29", "1900-02-29",
                          "2026-13-01", "2026-00-10", "2026-01-00", "2026-11-23x", " 2026-11-23", "2026/11/23",
                          "", "2026-11-2", "-026-01-01", "2026-+1-01"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(PluginHelpersDates, DaysCountLikeTheCalendar) {
  const auto a = parse_date("2026-11-23"), b = parse_date("2026-12-21");
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*b - *a).count(), 28);
  EXPECT_EQ(format_date(*a - Days::duration{23}), "2026-10-31");
  EXPECT_EQ(day_text(parse_date("1970-01-01")), "1970-01-01");
  EXPECT_EQ(parse_date("1970-01-01")->time_since_epoch().count(), 0);
  EXPECT_EQ(day_text(parse_date("1858-03-01")), "1858-03-01");
  EXPECT_EQ(format_date(*parse_date("2024-03-01") - Days::duration{1}), "2024-02-29");
  EXPECT_FALSE(make_date(2026, 2, 29).has_value());
  const CivilDate c = civil_date(*parse_date("1961-07-07"));
  EXPECT_EQ(c.year, 1961);
  EXPECT_EQ(c.month, 7u);
  EXPECT_EQ(c.day, 7u);
}

TEST(PluginHelpersDates, AgeCountsWholeYearsWithTheBirthdayOnItsDay) {
  EXPECT_EQ(age_on(*parse_date("2008-11-23"), *parse_date("2026-11-23")), 18);
  EXPECT_EQ(age_on(*parse_date("2008-11-24"), *parse_date("2026-11-23")), 17);
  EXPECT_EQ(age_on(*parse_date("2008-02-29"), *parse_date("2026-02-28")), 17);
  EXPECT_EQ(age_on(*parse_date("2008-02-29"), *parse_date("2026-03-01")), 18);
}

TEST(PluginHelpersDates, TimestampsAreStrictUtc) {
  EXPECT_TRUE(parse_utc_timestamp("2026-11-23T09:00:00Z").has_value());
  for (const char* bad : {"2026-11-23T09:00:00", "2026-11-23T09:00:00+01:00", "2026-11-23 09:00:00Z",
                          "2026-11-23T24:00:00Z", "2026-11-23T09:60:00Z", "2026-11-23T09:00:60Z",
                          "2026-02-30T09:00:00Z", "2026-11-23T9:00:00Z", "2026-11-23T09:00:00.5Z"}) {
    EXPECT_FALSE(parse_utc_timestamp(bad).has_value()) << bad;
    EXPECT_FALSE(copenhagen_date(bad).has_value()) << bad;
  }
}

TEST(PluginHelpersCopenhagen, WinterIsUtcPlusOneSummerUtcPlusTwo) {
  EXPECT_EQ(day_text(copenhagen_date("2026-11-22T22:59:59Z")), "2026-11-22");
  EXPECT_EQ(day_text(copenhagen_date("2026-11-22T23:00:00Z")), "2026-11-23");
  EXPECT_EQ(day_text(copenhagen_date("2026-07-01T21:59:59Z")), "2026-07-01");
  EXPECT_EQ(day_text(copenhagen_date("2026-07-01T22:00:00Z")), "2026-07-02");
  // New Year in Copenhagen comes an hour before it does in UTC.
  EXPECT_EQ(day_text(copenhagen_date("2026-12-31T23:00:00Z")), "2027-01-01");
}

// The switch is at 01:00 UTC on the last Sunday of March and of October,
// whatever the year: checked against dates looked up in the calendar.
TEST(PluginHelpersCopenhagen, SummerTimeFollowsTheLastSundaysOfMarchAndOctoberInEveryYear) {
  struct Year {
    const char* march_sunday;
    const char* october_sunday;
  };
  for (const Year y : {Year{"2024-03-31", "2024-10-27"}, Year{"2025-03-30", "2025-10-26"},
                       Year{"2026-03-29", "2026-10-25"}, Year{"2027-03-28", "2027-10-31"},
                       Year{"2030-03-31", "2030-10-27"}, Year{"2041-03-31", "2041-10-27"}}) {
    const std::string m = y.march_sunday, o = y.october_sunday;
    EXPECT_EQ(copenhagen_offset(*parse_utc_timestamp(m + "T00:59:59Z")).count(), 1) << m;
    EXPECT_EQ(copenhagen_offset(*parse_utc_timestamp(m + "T01:00:00Z")).count(), 2) << m;
    EXPECT_EQ(copenhagen_offset(*parse_utc_timestamp(o + "T00:59:59Z")).count(), 2) << o;
    EXPECT_EQ(copenhagen_offset(*parse_utc_timestamp(o + "T01:00:00Z")).count(), 1) << o;
    // A week before the last Sunday of March it is still winter time.
    EXPECT_EQ(copenhagen_offset(*parse_utc_timestamp(format_date(*parse_date(m) - Days::duration{7}) + "T12:00:00Z"))
                  .count(),
              1)
        << m;
  }
  // 22:30 UTC on the evening of the October switch day is 23:30 CET, the same day.
  EXPECT_EQ(day_text(copenhagen_date("2026-10-25T22:30:00Z")), "2026-10-25");
  EXPECT_EQ(day_text(copenhagen_date("2026-10-25T23:00:00Z")), "2026-10-26");
  // 22:30 UTC the day before the March switch is 23:30 CET; an hour later it is the Sunday.
  EXPECT_EQ(day_text(copenhagen_date("2026-03-28T22:30:00Z")), "2026-03-28");
  EXPECT_EQ(day_text(copenhagen_date("2026-03-28T23:00:00Z")), "2026-03-29");
}

TEST(PluginHelpersCopenhagen, DateAtReadsAKeyOfTheCase) {
  const json c = {{"opened_at", "2026-11-22T23:30:00Z"}, {"updated_at", 17}, {"bad", "yesterday"}};
  EXPECT_EQ(day_text(date_at(c, "opened_at")), "2026-11-23");
  EXPECT_FALSE(date_at(c, "updated_at").has_value());
  EXPECT_FALSE(date_at(c, "bad").has_value());
  EXPECT_FALSE(date_at(c, "missing").has_value());
  EXPECT_FALSE(date_at(json::array(), "opened_at").has_value());
}

TEST(PluginHelpersJson, FieldAccessFallsBackInsteadOfThrowing) {
  const json c = {{"fields",
                   {{"name", "Jens"}, {"empty", ""}, {"paid", true}, {"no", false}, {"height", 182},
                    {"half", 182.5}, {"as_text", "182"}, {"nothing", nullptr}}}};
  const json& f = fields_of(c);
  EXPECT_EQ(text_of(f, "name"), "Jens");
  EXPECT_EQ(text_of(f, "height"), "");
  EXPECT_EQ(text_of(f, "missing", "?"), "?");
  EXPECT_TRUE(is_true(f, "paid"));
  EXPECT_FALSE(is_true(f, "name"));
  EXPECT_TRUE(is_false(f, "no"));
  EXPECT_FALSE(is_false(f, "missing"));
  EXPECT_FALSE(bool_of(f, "name").has_value());
  EXPECT_EQ(integer_of(f, "height"), std::optional<long long>(182));
  EXPECT_FALSE(integer_of(f, "half").has_value());
  EXPECT_FALSE(integer_of(f, "as_text").has_value());
  EXPECT_EQ(integer_of(f, "missing", 7), 7);
  EXPECT_EQ(number_of(f, "half"), std::optional<double>(182.5));
  EXPECT_EQ(number_of(f, "height"), std::optional<double>(182));
  EXPECT_EQ(number_of(f, "name", -1.0), -1.0);
  EXPECT_TRUE(present(f, "name"));
  EXPECT_FALSE(present(f, "empty"));
  EXPECT_FALSE(present(f, "nothing"));
  EXPECT_FALSE(present(f, "missing"));
  EXPECT_TRUE(present(f, "no")) << "false is an answer";
}

TEST(PluginHelpersJson, AMissingOrMistypedFieldsObjectIsEmpty) {
  EXPECT_TRUE(fields_of(json::object()).is_object());
  EXPECT_TRUE(fields_of(json::object()).empty());
  EXPECT_TRUE(fields_of(json{{"fields", "x"}}).empty());
  EXPECT_TRUE(fields_of(json::array()).empty());
  EXPECT_EQ(text_of(json::array(), "x"), "");
  EXPECT_TRUE(data_of(json{{"data", {{"a", 1}}}}).contains("a"));
  EXPECT_TRUE(data_of(json{{"data", nullptr}}).empty());
}

TEST(PluginHelpersJson, AttachmentsAreFoundByName) {
  const json c = {{"attachments", json::array({{{"name", "photo"}}, {{"kind", "x"}}, "odd", {{"name", 3}}})}};
  EXPECT_TRUE(has_attachment(c, "photo"));
  EXPECT_FALSE(has_attachment(c, "identity_document"));
  EXPECT_FALSE(has_attachment(json{{"attachments", "photo"}}, "photo"));
  EXPECT_FALSE(has_attachment(json::object(), "photo"));
}

TEST(PluginHelpersSettings, AWholeNumberIsDigitsOnly) {
  EXPECT_EQ(whole_number("703"), std::optional<long long>(703));
  EXPECT_EQ(whole_number("0"), std::optional<long long>(0));
  EXPECT_EQ(whole_number("9223372036854775807"), std::optional<long long>(9223372036854775807LL));
  for (const char* bad : {"", "-1", "+1", " 703", "703 ", "7 03", "280,-", "1e3", "703 kr", "9223372036854775808"}) {
    EXPECT_FALSE(whole_number(bad).has_value()) << bad;
  }
}

}  // namespace
