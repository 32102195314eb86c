#include <gtest/gtest.h>

#include "sagsflow/domain/time.hpp"

using namespace sagsflow;
using namespace std::chrono;

TEST(Timestamps, FormatAndParseRoundTrip) {
  const Timestamp t = sys_days{year{2026} / 11 / 23} + hours{9} + minutes{5} + seconds{7};
  EXPECT_EQ(format_timestamp(t), "2026-11-23T09:05:07Z");
  EXPECT_EQ(*parse_timestamp("2026-11-23T09:05:07Z"), t);
  EXPECT_FALSE(parse_timestamp("2026-11-23 09:05:07").ok());
  EXPECT_FALSE(parse_timestamp("2026-13-23T09:05:07Z").ok());
}

TEST(CopenhagenDate, WinterIsUtcPlusOne) {
  const Timestamp late = sys_days{year{2026} / 11 / 23} + hours{23} + minutes{30};
  EXPECT_EQ(copenhagen_date(late), sys_days{year{2026} / 11 / 24});
  EXPECT_EQ(copenhagen_date(late - hours{1}), sys_days{year{2026} / 11 / 23});
}

TEST(CopenhagenDate, SummerIsUtcPlusTwo) {
  const Timestamp t = sys_days{year{2026} / 6 / 30} + hours{22} + minutes{30};
  EXPECT_EQ(copenhagen_date(t), sys_days{year{2026} / 7 / 1});
  // Summer time 2026 starts 29 March 01:00 UTC.
  const Timestamp before = sys_days{year{2026} / 3 / 29} + minutes{59};
  EXPECT_EQ(copenhagen_date(before + hours{22}), sys_days{year{2026} / 3 / 30});
}
