// The channel report read from the kept counts (the daily inquiry aggregates
// and the open-case counters of schema 11, as the server serves it) is the
// report counted from the rows, one open case at a time, as before schema 11:
// for the whole register and filtered by unit and by area, with cases opened
// and moved through the API and inquiries registered and forwarded.
#include "api_fixture.hpp"
#include "sagsflow/app/installation.hpp"
#include "sagsflow/app/reports.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
using Counting = db::SqlStore::Counting;

InquiryRecord inquiry(const std::string& at, Channel channel, const std::string& unit, const std::string& area) {
  InquiryRecord r;
  r.municipality = "0999";
  r.channel = channel;
  r.type = InquiryType::kTransaction;
  r.area = area;
  r.service = "general_guidance";
  r.handled_by = "frida";
  r.unit = unit;
  r.acting_authority = "0999";
  r.owning_authority = "0999";
  r.at = at;
  return r;
}

TEST_F(ApiTest, TheChannelReportFromKeptCountsIsTheReportCountedFromTheRows) {
  const std::string frida = staff_token("frida");
  for (int i = 0; i < 3; ++i) passport_case_in_decision();
  auto opened = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"citizen_cpr", "010490-9989"}});
  ASSERT_EQ(opened.status, 201) << opened.text;

  auto inst = app::open_installation({db_url(), ""});
  ASSERT_TRUE(inst.ok()) << inst.status().to_string();
  std::vector<long long> ids;
  for (const auto& r : {inquiry("2026-03-02T08:00:00Z", Channel::kPhone, "bsc", "passports"),
                        inquiry("2026-03-02T09:30:00Z", Channel::kPersonalAttendance, "bsc", "passports"),
                        inquiry("2026-03-03T10:00:00Z", Channel::kDigitalSelfService, "bsc", "moving"),
                        inquiry("2026-04-01T11:00:00Z", Channel::kEmail, "pas", "passports")}) {
    auto id = inst->store->add_inquiry(r);
    ASSERT_TRUE(id.ok()) << id.status().to_string();
    ids.push_back(*id);
  }
  ASSERT_TRUE(inst->store->mark_forwarded(ids[0], "udbetaling-danmark", "2026-03-02").ok());

  const Actor frida_actor{"frida", "bsc", "0999", {"frontdesk"}};
  std::vector<ReportRequest> requests(4);
  for (auto& r : requests) {
    r.municipality = "0999";
    r.from = "2020-01-01";
    r.to = "2100-01-01";
  }
  requests[1].unit = "bsc";
  requests[2].area = "passports";
  requests[3].from = "2026-03-02";
  requests[3].to = "2026-03-03";
  requests[3].bucket = "week";
  for (const auto& request : requests) {
    SCOPED_TRACE(request.from + ".." + request.to + " unit " + request.unit.value_or("-") + " area " +
                 request.area.value_or("-"));
    auto kept = app::channel_report(*inst, frida_actor, request, Counting::kKept);
    auto recounted = app::channel_report(*inst, frida_actor, request, Counting::kRecount);
    ASSERT_TRUE(kept.ok()) << kept.status().to_string();
    ASSERT_TRUE(recounted.ok()) << recounted.status().to_string();
    EXPECT_EQ(report_json(*kept), report_json(*recounted));
  }
  auto whole = app::channel_report(*inst, frida_actor, requests[0]);
  ASSERT_TRUE(whole.ok());
  const json j = report_json(*whole);
  EXPECT_EQ(j["inquiries"], 4);
  EXPECT_EQ(j["forwarded"], 1);
  long long backlog = 0;
  for (const auto& b : j["backlog"]) backlog += b["cases"].get<long long>();
  EXPECT_EQ(backlog, 4) << j["backlog"].dump() << ": the four open passport cases";
  EXPECT_GE(j["backlog"].size(), 1u);

  // The server answers from the kept counts: the same figures.
  auto served = get("/api/v1/reports/channels?from=2020-01-01&to=2100-01-01", frida);
  ASSERT_EQ(served.status, 200) << served.text;
  EXPECT_EQ(served.body["inquiries"], j["inquiries"]);
  EXPECT_EQ(served.body["backlog"], j["backlog"]);
}

}  // namespace
}  // namespace sagsflow::testing
