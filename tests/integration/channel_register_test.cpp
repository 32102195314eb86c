// The inquiry register counted by the real store (SQLite and PostgreSQL) gives
// the hand-checked figures of tests/unit/channel_report_test.cpp.
#include <gtest/gtest.h>

#include "sagsflow/reports/channel_report.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

class ChannelRegisterTest : public DatabaseTest {};

InquiryRecord inquiry(const std::string& at, Channel channel, InquiryType type, bool resolved, bool with_form,
                      const std::string& unit, const std::string& area) {
  InquiryRecord r;
  r.municipality = kMunicipality;
  r.channel = channel;
  r.type = type;
  r.area = area;
  r.service = "general_guidance";
  r.with_form = with_form;
  r.resolved_on_the_spot = resolved;
  r.handled_by = "frida";
  r.unit = unit;
  r.acting_authority = kMunicipality;
  r.owning_authority = kMunicipality;
  r.at = at;
  return r;
}

TEST_P(ChannelRegisterTest, TheRegisterCountedByTheStoreGivesTheHandCheckedFigures) {
  if (not_ready()) return;
  auto store = connect_seeded();
  using C = Channel;
  using T = InquiryType;
  auto udk = inquiry("2026-03-03T09:00:00Z", C::kPhone, T::kTransaction, false, false, "bsc", "housing_support");
  udk.owning_authority = "udbetaling-danmark";
  udk.forwarded_to = "udbetaling-danmark";
  udk.forwarded_on = "2026-03-03";
  const std::vector<InquiryRecord> rows{
      inquiry("2026-03-02T08:00:00Z", C::kPersonalAttendance, T::kGeneralInformation, true, false, "bsc", "passports"),
      inquiry("2026-03-02T09:00:00Z", C::kPhone, T::kCaseInformation, true, false, "bsc", "passports"),
      udk,
      inquiry("2026-03-09T10:00:00Z", C::kDigitalSelfService, T::kTransaction, false, false, "web", "moving"),
      inquiry("2026-04-06T10:00:00Z", C::kDigitalSelfService, T::kTransaction, false, false, "web", "moving"),
      inquiry("2026-04-06T11:00:00Z", C::kLetter, T::kTransaction, false, true, "bsc", "passports"),
      inquiry("2026-04-07T12:00:00Z", C::kEmail, T::kGeneralInformation, true, false, "bsc", "passports"),
      inquiry("2026-04-07T13:00:00Z", C::kPersonalAttendance, T::kTransaction, true, true, "bsc", "passports"),
      inquiry("2026-05-01T08:00:00Z", C::kPhone, T::kTransaction, true, false, "bsc", "passports"),  // after the period
  };
  for (const auto& r : rows) ASSERT_TRUE(store->add_inquiry(r).ok());

  auto counts = store->count_inquiries({kMunicipality, "2026-03-01", "2026-05-01", std::nullopt, std::nullopt});
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  auto deadlines = store->count_deadlines(kMunicipality, "2026-03-01", "2026-05-01");
  ASSERT_TRUE(deadlines.ok());
  ReportRequest req;
  req.municipality = kMunicipality;
  req.from = "2026-03-01";
  req.to = "2026-05-01";
  const auto r = build_channel_report(req, default_channel_strategy(), *counts, *deadlines, {});
  EXPECT_EQ(r.inquiries, 8);
  EXPECT_EQ(r.transactions, 5);
  EXPECT_DOUBLE_EQ(r.self_service_rate(), 0.4);
  EXPECT_DOUBLE_EQ(r.first_contact_share(), 0.5);
  EXPECT_EQ(r.with_form, 2);
  EXPECT_EQ(r.for_other_authorities, 1);
  EXPECT_EQ(r.forwarded, 1);
  EXPECT_DOUBLE_EQ(r.digital_share(), 0.375);
  EXPECT_DOUBLE_EQ(r.cost_kr(), 380);

  auto web = store->count_inquiries({kMunicipality, "2026-03-01", "2026-05-01", std::string("web"), std::nullopt});
  ASSERT_TRUE(web.ok());
  EXPECT_EQ(build_channel_report(req, default_channel_strategy(), *web, {}, {}).inquiries, 2);
  auto housing =
      store->count_inquiries({kMunicipality, "2026-03-01", "2026-05-01", std::nullopt, std::string("housing_support")});
  ASSERT_TRUE(housing.ok());
  EXPECT_EQ(build_channel_report(req, default_channel_strategy(), *housing, {}, {}).for_other_authorities, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ChannelRegisterTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
