// The rules letters carry, in the domain and the configuration: a citizen's
// deadline rolls past closed days (public holidays, the municipality's
// customary closing days, Udbetaling Danmark's Friday after Ascension Day);
// a complaint deadline runs from receipt by the delivery channel; blank
// reasons are recognised in every Unicode spelling; the municipality file's
// calendar, post table and appeals bodies, with positioned errors; a workflow
// deadline counted from receipt.
#include <gtest/gtest.h>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/config/workflow.hpp"
#include "sagsflow/domain/blank_text.hpp"
#include "sagsflow/domain/complaint_deadline.hpp"

using namespace sagsflow;
using namespace std::chrono;

namespace {

Date d(int y, unsigned m, unsigned day) { return Date{year{y} / month{m} / std::chrono::day{day}}; }
const DeadlineSpec kFourWeeks{4, DeadlineUnit::kWeeks, true};

std::string errors_of(const MunicipalityParseResult& r) {
  std::string text;
  for (const auto& e : r.errors) text += e.to_string() + "\n";
  return text;
}

}  // namespace

TEST(CitizenDeadlines, FourWeeksEndingOnEasterMondayRunToTheTuesday) {
  const DanishCalendar cal;
  // Decision by Digital Post on Monday 1 March 2027: received the same day; 4 weeks end on 29 March, 2. påskedag.
  const auto due = compute_complaint_deadline(d(2027, 3, 1), DeliveryChannel::kDigitalPost, kFourWeeks, cal,
                                              default_post_delivery_days());
  EXPECT_EQ(due.received, d(2027, 3, 1));
  EXPECT_EQ(due.due, d(2027, 3, 30));
  EXPECT_EQ(cal.closed_because(d(2027, 3, 29)), "2. påskedag");
}

TEST(CitizenDeadlines, TheRollAppliesEvenWhenThePeriodDoesNotAskForIt) {
  const DeadlineSpec plain{4, DeadlineUnit::kWeeks, false};
  const auto due = compute_complaint_deadline(d(2027, 3, 1), DeliveryChannel::kDigitalPost, plain, DanishCalendar{},
                                              default_post_delivery_days());
  EXPECT_EQ(due.due, d(2027, 3, 30));
}

TEST(CitizenDeadlines, ChristmasEveOnAFridayIsAWorkingDayUnlessTheMunicipalityClosesIt) {
  // Received Friday 26 November 2027; 4 weeks end on Friday 24 December 2027.
  const auto open = compute_complaint_deadline(d(2027, 11, 26), DeliveryChannel::kDigitalPost, kFourWeeks,
                                               DanishCalendar{}, default_post_delivery_days());
  EXPECT_EQ(open.due, d(2027, 12, 24));
  CalendarOptions closed;
  ASSERT_TRUE(set_closing_day(closed, "christmas_eve"));
  const auto rolled = compute_complaint_deadline(d(2027, 11, 26), DeliveryChannel::kDigitalPost, kFourWeeks,
                                                 DanishCalendar{closed}, default_post_delivery_days());
  EXPECT_EQ(rolled.due, d(2027, 12, 27));  // 25 and 26 December are holidays and a weekend
}

TEST(CitizenDeadlines, NewYearsEveClosedRollsIntoTheNextYearPastNewYearsDayAndTheWeekend) {
  CalendarOptions closed;
  ASSERT_TRUE(set_closing_day(closed, "new_years_eve"));
  const DanishCalendar cal{closed};
  EXPECT_EQ(cal.next_working_day_on_or_after(d(2027, 12, 31)), d(2028, 1, 3));
  EXPECT_EQ(cal.closed_because(d(2027, 12, 31)), "Nytårsaftensdag");
  EXPECT_TRUE(DanishCalendar{}.is_working_day(d(2027, 12, 31)));
}

TEST(CitizenDeadlines, GrundlovsdagOnWhitSundayRollsPastWhitMonday) {
  // 5 June 2033 is a Sunday and Pinsedag; 6 June is 2. pinsedag.
  const auto due = compute_complaint_deadline(d(2033, 5, 8), DeliveryChannel::kDigitalPost, kFourWeeks,
                                              DanishCalendar{}, default_post_delivery_days());
  EXPECT_EQ(due.due, d(2033, 6, 7));
  CalendarOptions closed;
  ASSERT_TRUE(set_closing_day(closed, "constitution_day"));
  // 5 June 2029 is a Tuesday (in 2028 it is 2. pinsedag): closed only when the municipality says so.
  EXPECT_TRUE(DanishCalendar{}.is_working_day(d(2029, 6, 5)));
  EXPECT_FALSE(DanishCalendar{closed}.is_working_day(d(2029, 6, 5)));
  EXPECT_EQ(DanishCalendar{closed}.closed_because(d(2029, 6, 5)), "Grundlovsdag");
}

TEST(CitizenDeadlines, TheFridayAfterAscensionDayIsClosedWhereTheCalendarSaysSo) {
  // Kristi himmelfartsdag 2027 is Thursday 6 May; received Friday 9 April, 4 weeks end Friday 7 May.
  const DanishCalendar plain;
  CalendarOptions ud;
  ASSERT_TRUE(set_closing_day(ud, "ascension_friday"));
  const DanishCalendar udbetaling{ud};
  EXPECT_EQ(plain.holiday_name(d(2027, 5, 6)), "Kristi himmelfartsdag");
  EXPECT_EQ(compute_complaint_deadline(d(2027, 4, 9), DeliveryChannel::kDigitalPost, kFourWeeks, plain,
                                       default_post_delivery_days()).due, d(2027, 5, 7));
  EXPECT_EQ(compute_complaint_deadline(d(2027, 4, 9), DeliveryChannel::kDigitalPost, kFourWeeks, udbetaling,
                                       default_post_delivery_days()).due, d(2027, 5, 10));
  // Only that Friday: the Friday a week later is a working day.
  EXPECT_TRUE(udbetaling.is_working_day(d(2027, 5, 14)));
  EXPECT_FALSE(set_closing_day(ud, "boxing_day_eve"));
}

TEST(CitizenDeadlines, PhysicalPostCountsAsReceivedAfterTheTableDaysByTheWeekdayItIsSent) {
  const auto post = default_post_delivery_days();
  // Friday 26 February 2027 -> received Wednesday 3 March -> 4 weeks: Wednesday 31 March.
  const auto fri = compute_complaint_deadline(d(2027, 2, 26), DeliveryChannel::kPhysicalPost, kFourWeeks,
                                              DanishCalendar{}, post);
  EXPECT_EQ(fri.received, d(2027, 3, 3));
  EXPECT_EQ(fri.due, d(2027, 3, 31));
  // Every weekday of the default table lands on a weekday.
  for (int i = 0; i < 7; ++i) {
    const Date sent = d(2027, 3, 1) + days{i};
    const Date received = letter_received_on(sent, DeliveryChannel::kPhysicalPost, post);
    EXPECT_GT(received, sent);
    const weekday wd{received};
    EXPECT_TRUE(wd != Saturday && wd != Sunday) << format_date(sent);
  }
  // A municipality's own table: Monday letters arrive the next day.
  PostDeliveryDays own = post;
  own.by_weekday[0] = 1;
  EXPECT_EQ(letter_received_on(d(2027, 3, 1), DeliveryChannel::kPhysicalPost, own), d(2027, 3, 2));
  EXPECT_EQ(letter_received_on(d(2027, 3, 1), DeliveryChannel::kDigitalPost, own), d(2027, 3, 1));
}

TEST(CitizenDeadlines, PhysicalPostReceivedJustBeforeTheYearEndRunsIntoTheNextYear) {
  // Sent Wednesday 1 December 2027 -> received Monday 6 December -> 4 weeks: Monday 3 January 2028.
  const auto due = compute_complaint_deadline(d(2027, 12, 1), DeliveryChannel::kPhysicalPost, kFourWeeks,
                                              DanishCalendar{}, default_post_delivery_days());
  EXPECT_EQ(due.received, d(2027, 12, 6));
  EXPECT_EQ(due.due, d(2028, 1, 3));
}

TEST(BlankText, EmptyAndEveryKindOfWhiteSpaceIsBlank) {
  EXPECT_TRUE(is_blank_text(""));
  EXPECT_TRUE(is_blank_text(" \t\r\n\v\f"));
  EXPECT_TRUE(is_blank_text("\xC2\xA0"));                  // NO-BREAK SPACE
  EXPECT_TRUE(is_blank_text("\xE2\x80\xAF\xE3\x80\x80"));  // NARROW NO-BREAK SPACE, IDEOGRAPHIC SPACE
  EXPECT_TRUE(is_blank_text("\xE2\x80\x8B\xEF\xBB\xBF"));  // ZERO WIDTH SPACE, BOM
  EXPECT_TRUE(is_blank_text("\xE2\x80\x83 \xE2\x80\xA8"));  // EM SPACE, LINE SEPARATOR
  EXPECT_FALSE(is_blank_text("Fotoet er uskarpt"));
  EXPECT_FALSE(is_blank_text("\xC2\xA0x"));
  EXPECT_FALSE(is_blank_text("\xC3\xA6"));  // æ
  EXPECT_FALSE(is_blank_text("\xC2"));      // cut-off UTF-8 is not blank
  EXPECT_FALSE(is_blank_text("\xFF "));     // nor is text that is not UTF-8
}

TEST(MunicipalityFileRules, ReadsClosingDaysPostTableAndAppealsBodies) {
  auto r = parse_municipality(R"(municipality: {code: "0101", name: Test Kommune}
calendar:
  closing_days: [constitution_day, christmas_eve, new_years_eve, ascension_friday]
  closed_on: [2027-11-24]
post_delivery_days: {monday: 2, friday: 6}
service_areas:
  passports:
    appeals_body: Rigspolitiet
)", "m.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& cal = r.config->calendar;
  EXPECT_TRUE(cal.constitution_day && cal.christmas_eve && cal.new_years_eve && cal.ascension_friday);
  EXPECT_TRUE(cal.extra_closed_days.contains(d(2027, 11, 24)));
  EXPECT_EQ(r.config->post_delivery_days.by_weekday[0], 2);
  EXPECT_EQ(r.config->post_delivery_days.by_weekday[4], 6);
  EXPECT_EQ(r.config->post_delivery_days.by_weekday[2], default_post_delivery_days().by_weekday[2]);
  EXPECT_EQ(r.config->service_area("passports")->appeals_body, "Rigspolitiet");
}

TEST(MunicipalityFileRules, BadCalendarPostTableAndAppealsBodyAreErrorsWithPositions) {
  auto r = parse_municipality(R"(municipality: {code: "0101", name: Test Kommune}
calendar:
  closing_days: [christmas_eve, easter_saturday]
  closed_on: [2027-02-30]
post_delivery_days: {monday: -1, funday: 2, tuesday: many}
service_areas:
  passports:
    appeals_body: "  "
)", "m.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = errors_of(r);
  EXPECT_NE(text.find("m.yaml:3:33: error: calendar.closing_days: 'easter_saturday' is not one of"), std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:4:15: error: calendar.closed_on: date '2027-02-30' does not exist"), std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:5:30: error: post_delivery_days.monday must be a whole number of days from 0 to 30"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:5:34: error: post_delivery_days: 'funday' is not a weekday"), std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:5:54: error: post_delivery_days.tuesday must be a whole number"), std::string::npos)
      << text;
  EXPECT_NE(text.find("m.yaml:8:19: error: service area 'passports'.appeals_body must name the appeals body"),
            std::string::npos) << text;
}

TEST(MunicipalityFileRules, AWorkflowWithoutAnAppealsBodyIsAGapUntilTheMunicipalityNamesOne) {
  auto wf = parse_workflow(R"(id: permit
subject: 23.09.02
service_area: permits
start: decide
complaint_deadline: {weeks: 4}
stages:
  decide:
    kind: decision
    actions:
      refuse: {next: closed, decision: true, outcome: refused}
)", "permit.yaml");
  ASSERT_TRUE(wf.ok());
  auto without = parse_municipality("municipality: {code: \"0101\", name: T}\n", "m.yaml");
  ASSERT_TRUE(without.ok());
  const auto gaps = appeals_body_gaps(*without.config, {*wf.definition});
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_NE(gaps[0].find("service_areas.permits.appeals_body"), std::string::npos) << gaps[0];
  auto with = parse_municipality(
      "municipality: {code: \"0101\", name: T}\nservice_areas:\n  permits: {appeals_body: Ankestyrelsen}\n", "m.yaml");
  ASSERT_TRUE(with.ok()) << errors_of(with);
  EXPECT_TRUE(appeals_body_gaps(*with.config, {*wf.definition}).empty());
}

TEST(WorkflowDeadlines, FromReceiptIsReadAndAnythingElseIsAnError) {
  auto ok = parse_workflow(R"(id: ask
subject: 23.09.02
start: decide
stages:
  decide:
    kind: decision
    deadline: {working_days: 7, from: receipt}
    actions:
      grant: {next: closed, decision: true, outcome: granted}
)", "ask.yaml");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok.definition->stages[0].deadline->from_receipt);
  auto bad = parse_workflow(R"(id: ask
subject: 23.09.02
start: decide
stages:
  decide:
    kind: decision
    deadline: {working_days: 7, from: registration}
    actions:
      grant: {next: closed, decision: true, outcome: granted}
)", "ask.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.errors[0].to_string().find("ask.yaml:7:39: error: stage 'decide'.deadline.from must be 'receipt' or "
                                           "'stage', got 'registration'"),
            std::string::npos)
      << bad.errors[0].to_string();
}

TEST(WorkflowDeadlines, TheShippedAccessRequestCountsFromReceiptAndKnowsTheUndecidedComplaint) {
  auto wf = load_workflow_file(std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/access_request.yaml");
  ASSERT_TRUE(wf.ok());
  EXPECT_TRUE(wf.definition->find_stage("decision")->deadline->from_receipt);
  ASSERT_TRUE(wf.definition->undecided_complaint_after);
  EXPECT_EQ(wf.definition->undecided_complaint_after->amount, 14);
  EXPECT_TRUE(wf.definition->find_stage("decision")->find_action("extend")->extension);
}
