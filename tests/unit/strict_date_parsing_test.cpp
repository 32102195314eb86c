// Dates and timestamps are read strictly: exactly YYYY-MM-DD and
// YYYY-MM-DDTHH:MM:SSZ in ASCII digits, fields in range, dates that exist,
// nothing before or after.
#include <gtest/gtest.h>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/time.hpp"

using namespace sagsflow;
using namespace std::chrono;

TEST(StrictDateParsing, AcceptsExistingDatesIncludingLeapDays) {
  EXPECT_EQ(*parse_date("2026-01-01"), Date{year{2026} / 1 / 1});
  EXPECT_EQ(*parse_date("2024-02-29"), Date{year{2024} / 2 / 29});
  EXPECT_EQ(*parse_date("2000-02-29"), Date{year{2000} / 2 / 29});
  EXPECT_EQ(*parse_date("2026-12-31"), Date{year{2026} / 12 / 31});
}

TEST(StrictDateParsing, RefusesDatesThatDoNotExist) {
  for (const char* text : {"2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31",
                           "2026-01-32"}) {
    EXPECT_FALSE(parse_date(text).ok()) << text;
  }
}

TEST(StrictDateParsing, RefusesSpacesSignsShortFieldsAndTrailingText) {
  for (const char* text : {"2026- 1- 1", "+026-01-01", "-026-01-01", " 2026-01-01", "2026-01-01 ", "2026-1-1",
                           "2026-01-1", "26-01-01", "2026-01-01x", "2026-01-01T00:00:00Z", "2026/01/01",
                           "2026-01-+1", "", "20260101", "02026-01-01"}) {
    EXPECT_FALSE(parse_date(text).ok()) << "'" << text << "'";
  }
}

TEST(StrictDateParsing, DateRefusalsSayWhatIsWrong) {
  EXPECT_EQ(parse_date("2026- 1- 1").status().message(), "date '2026- 1- 1' is not of the form YYYY-MM-DD");
  EXPECT_EQ(parse_date("2026-02-29").status().message(), "date '2026-02-29' does not exist");
}

TEST(StrictTimestampParsing, AcceptsTheStoredUtcForm) {
  EXPECT_EQ(*parse_timestamp("2026-03-29T01:00:00Z"), sys_days{year{2026} / 3 / 29} + hours{1});
  EXPECT_EQ(*parse_timestamp("2024-02-29T23:59:59Z"), sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59});
  EXPECT_EQ(*parse_timestamp("2026-01-01T00:00:00Z"), sys_days{year{2026} / 1 / 1});
}

TEST(StrictTimestampParsing, RoundTripsThroughFormat) {
  const Timestamp t = sys_days{year{2026} / 10 / 25} + hours{1} + seconds{7};
  EXPECT_EQ(*parse_timestamp(format_timestamp(t)), t);
}

TEST(StrictTimestampParsing, RefusesFieldsOutOfRange) {
  for (const char* text : {"2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-01-01T24:00:00Z",
                           "2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z", "2026-01-01T23:59:61Z"}) {
    EXPECT_FALSE(parse_timestamp(text).ok()) << text;
  }
}

TEST(StrictTimestampParsing, RefusesOtherFormsAndTrailingText) {
  for (const char* text : {"2026-01-01T10:00:00Z ", " 2026-01-01T10:00:00Z", "2026-01-01T10:00:00", "2026-01-01 10:00:00Z",
                           "2026-01-01T10:00:00z", "2026-01-01T10:00:00+01:00", "2026-01-01T10:00Z",
                           "2026-01-01T9:00:00Z", "2026-01-01T 9:00:00Z", "+026-01-01T10:00:00Z",
                           "2026- 1- 1T10:00:00Z", "2026-01-01T10:00:00.5Z", "2026-01-01T10:00:00ZZ", "2026-01-01"}) {
    EXPECT_FALSE(parse_timestamp(text).ok()) << "'" << text << "'";
  }
}
