// The channel report's front-of-house parts read back through the real store
// (SQLite and PostgreSQL): inquiries registered by the front desk and by
// self-service at fixed times (the test's clock) give the hour-of-day profile
// in Copenhagen time and the KOMHEN matrix, and the cases they opened give
// the letter and self-service goals their measured figures.
#include <gtest/gtest.h>

#include "example_municipalities.hpp"
#include "sagsflow/frontdesk/self_service.hpp"
#include "sagsflow/reports/channel_report.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;
using Counting = db::SqlStore::Counting;

class ChannelGoalsStoreTest : public ExampleMunicipalitiesTest {
 protected:
  void at(const char* utc) { *clock_.now = *parse_timestamp(utc); }

  InquiryRequest inquiry(Channel channel, InquiryType type, const std::string& area) {
    InquiryRequest r;
    r.municipality = kSupermarket;
    r.channel = channel;
    r.type = type;
    r.area = area;
    r.service = Service::kGeneralGuidance;
    r.actor = person("anna");
    return r;
  }

  // Takes `action` with the first staff member who may.
  void staff_act(long long id, const std::string& action, json fields = json::object()) {
    auto who = may_take(id, kSupermarket, {action});
    ASSERT_FALSE(who.empty()) << "nobody may take " << action;
    ActionRequest r;
    r.case_id = id;
    r.action = action;
    r.actor = who.front();
    r.fields = std::move(fields);
    auto done = engine_->act(r);
    ASSERT_TRUE(done.ok()) << action << ": " << done.status().to_string();
  }

  void refuse(long long id) {
    staff_act(id, "register");
    staff_act(id, "complete");
    staff_act(id, "refuse", {{"reasons", "Adressen findes ikke i BBR."}});
  }
};

TEST_P(ChannelGoalsStoreTest, InquiriesAtFixedTimesGiveTheHourProfileKomhenMatrixAndGoalsThroughTheStore) {
  if (not_ready()) return;
  using C = Channel;
  using T = InquiryType;
  // Tuesday 24 November 2026; Copenhagen is UTC+1 in winter.
  at("2026-11-24T08:15:00Z");  // 09:15
  ASSERT_TRUE(desk_->register_inquiry(inquiry(C::kPhone, T::kGeneralInformation, "passports")).ok());
  at("2026-11-24T08:40:00Z");  // 09:40
  ASSERT_TRUE(desk_->register_inquiry(inquiry(C::kPhone, T::kCaseInformation, "passports")).ok());
  at("2026-11-24T13:05:00Z");  // 14:05
  ASSERT_TRUE(desk_->register_inquiry(inquiry(C::kPersonalAttendance, T::kGeneralInformation, "passports")).ok());

  // A move reported online at 00:10 on Wednesday in Copenhagen (still Tuesday in UTC), refused that morning.
  at("2026-11-24T23:10:00Z");
  SelfService self(*engine_, *store_, *store_, org_);
  auto moved = self.submit({kSupermarket, "moving", *Cpr::parse("070761-4285"),
                            {{"new_address", "Nygade 4, 9990 Eksempelby"}, {"move_date", "2026-11-30"}}, std::nullopt,
                            false});
  ASSERT_TRUE(moved.ok()) << moved.status().to_string();
  ASSERT_TRUE(moved->opened);
  at("2026-11-25T09:00:00Z");
  refuse(moved->opened->id);

  // A letter opening a case at 11:00 on Wednesday, refused five days later.
  at("2026-11-25T10:00:00Z");
  auto letter = inquiry(C::kLetter, T::kTransaction, "moving");
  letter.service = Service::kReceiveAndForward;
  letter.citizen_cpr = "010490-9989";
  OpenCaseRequest open;
  open.workflow_id = "moving";
  open.fields = {{"new_address", "Torvet 2, 9990 Eksempelby"}, {"move_date", "2026-12-01"}};
  auto opened = desk_->register_inquiry_opening_case(letter, *engine_, open);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  ASSERT_TRUE(opened->opened);
  at("2026-11-30T12:00:00Z");
  refuse(opened->opened->id);

  const InquiryCountFilter period{kSupermarket, "2026-11-01", "2026-12-01", std::nullopt, std::nullopt};
  auto counts = store_->count_inquiries(period);
  ASSERT_TRUE(counts.ok()) << counts.status().to_string();
  ChannelGoalInputs in;
  auto hours = store_->count_inquiries_by_hour(period);
  ASSERT_TRUE(hours.ok()) << hours.status().to_string();
  in.hours = *hours;
  auto areas = store_->count_inquiries_by_area(period);
  ASSERT_TRUE(areas.ok()) << areas.status().to_string();
  auto recounted = store_->count_inquiries_by_area(period, Counting::kRecount);
  ASSERT_TRUE(recounted.ok());
  ASSERT_EQ(areas->size(), recounted->size());  // the daily aggregates give what the rows give
  for (size_t i = 0; i < areas->size(); ++i) {
    EXPECT_EQ((*areas)[i].day, (*recounted)[i].day);
    EXPECT_EQ((*areas)[i].area, (*recounted)[i].area);
    EXPECT_EQ((*areas)[i].count, (*recounted)[i].count);
  }
  in.areas = *areas;
  auto answers = store_->case_answers(period, {C::kLetter, C::kDigitalSelfService});
  ASSERT_TRUE(answers.ok()) << answers.status().to_string();
  ASSERT_EQ(answers->size(), 2u);
  EXPECT_EQ((*answers)[0].channel, C::kDigitalSelfService);
  EXPECT_EQ((*answers)[0].received_at, "2026-11-24T23:10:00Z");
  EXPECT_EQ((*answers)[0].answered_at, "2026-11-25T09:00:00Z");
  EXPECT_EQ((*answers)[1].channel, C::kLetter);
  EXPECT_EQ((*answers)[1].answered_at, "2026-11-30T12:00:00Z");
  in.answers = *answers;
  in.today = *parse_date("2026-11-30");

  ChannelStrategy strategy = default_channel_strategy();
  strategy.goals = {{C::kLetter, GoalMeasure::kAnswerWithinDays, 10, 1.0, std::nullopt},
                    {C::kDigitalSelfService, GoalMeasure::kDecisionAtOnce, 0, 1.0, std::string("moving")}};
  strategy.areas["moving"] = {C::kDigitalSelfService, {}, ""};
  ReportRequest req;
  req.municipality = kSupermarket;
  req.from = period.from;
  req.to = period.to;
  auto report = build_channel_report(req, strategy, *counts, {}, {});
  add_channel_goals(report, in);
  const auto& g = report.goals;

  // The hour profile in Copenhagen time: Tuesday 09 (2), Tuesday 14, Wednesday 00 (the move), Wednesday 11 (the letter).
  EXPECT_EQ(g.hours[1][9], 2);
  EXPECT_EQ(g.hours[1][14], 1);
  EXPECT_EQ(g.hours[2][0], 1);
  EXPECT_EQ(g.hours[2][11], 1);
  long long all = 0;
  for (const auto& day : g.hours) {
    for (long long v : day) all += v;
  }
  EXPECT_EQ(all, 5);
  EXPECT_EQ(g.hours_by_channel.at(C::kPhone)[9], 2);

  // KOMHEN: channel × type.
  EXPECT_EQ(g.komhen.at(C::kPhone).at(T::kGeneralInformation), 1);
  EXPECT_EQ(g.komhen.at(C::kPhone).at(T::kCaseInformation), 1);
  EXPECT_EQ(g.komhen.at(C::kPersonalAttendance).at(T::kGeneralInformation), 1);
  EXPECT_EQ(g.komhen.at(C::kDigitalSelfService).at(T::kTransaction), 1);
  EXPECT_EQ(g.komhen.at(C::kLetter).at(T::kTransaction), 1);
  const json j = report_json(report);
  EXPECT_EQ(j["komhen"]["totals"]["transaction"], 2);
  EXPECT_EQ(j["hour_profile"]["hours"][9]["by_weekday"][1], 2);

  // The goals: the letter answered in 5 days, the move decided the same Danish day.
  ASSERT_EQ(g.goals.size(), 2u);
  EXPECT_TRUE(g.goals[0].measured);
  EXPECT_EQ(g.goals[0].counted, 1);
  EXPECT_TRUE(g.goals[0].met());
  EXPECT_TRUE(g.goals[1].measured);
  EXPECT_EQ(g.goals[1].within, 1);
  EXPECT_TRUE(g.goals[1].met());

  // Moving: the move online and the letter; one of two through self-service.
  ASSERT_EQ(g.areas.size(), 1u);
  EXPECT_EQ(g.areas[0].inquiries, 2);
  EXPECT_EQ(g.areas[0].through_primary, 1);

  // A report of one unit or area reads the same way.
  const InquiryCountFilter passports{kSupermarket, "2026-11-01", "2026-12-01", std::nullopt, std::string("passports")};
  auto passport_hours = store_->count_inquiries_by_hour(passports);
  ASSERT_TRUE(passport_hours.ok());
  long long n = 0;
  for (const auto& h : *passport_hours) n += h.count;
  EXPECT_EQ(n, 3);
  auto passport_answers = store_->case_answers(passports, {C::kLetter});
  ASSERT_TRUE(passport_answers.ok());
  EXPECT_TRUE(passport_answers->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ChannelGoalsStoreTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
