// The moving plugin: its code against MockHost (the CPR Act §12 date rules,
// the proposal, the late-report note, the letter), and the built plugin in a
// real engine: register -> complete -> register_move at first contact, a late
// report noted, and a move more than 28 days ahead refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_calls.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

// MockHost, PluginHarness, and the helpers: a_case, errors_of, proposal_of, plugin_events ...
using namespace sagsflow::testing;
using ::testing::_;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using ::testing::Return;
using json = nlohmann::json;

namespace {

// a_case(): a case as the host hands it over, opened (reported) and last
// changed on 2026-11-23 (sagsflow/testing/plugin_calls.hpp).

json report(const std::string& move_date) {
  return {{"new_address", "Nørregade 7, 8000 Aarhus C"}, {"move_date", move_date}};
}

// ---- the code, against MockHost ---------------------------------------------

TEST(MovingCode, AMoveCanBeReportedAtMost28DaysAhead) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->id, "moving");
  EXPECT_THAT(errors_of(d, a_case(report("2026-12-21"))), IsEmpty());  // 28 days ahead
  EXPECT_THAT(errors_of(d, a_case(report("2026-12-22"))),
              Contains("move_date: a move can be reported at most 28 days ahead (CPR Act §12): 2026-12-22 is 29 days "
                       "after 2026-11-23; it can be registered from 2026-11-24"));
}

TEST(MovingCode, The28DaysCountFromTheCasesLatestEventInCopenhagenTime) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  // Reported on 2026-11-23, the case last touched on 2026-11-28: 2026-12-25 is then 27 days ahead.
  EXPECT_THAT(errors_of(d, a_case(report("2026-12-25"), {{"updated_at", "2026-11-28T10:00:00Z"}})), IsEmpty());
  // 2026-11-23 23:30 UTC is already 24 November in Copenhagen.
  EXPECT_THAT(errors_of(d, a_case(report("2026-12-22"), {{"updated_at", "2026-11-23T23:30:00Z"}})), IsEmpty());
}

TEST(MovingCode, ALateReportIsStillValid) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, a_case(report("2026-10-01"))), IsEmpty());
}

TEST(MovingCode, TheNewAddressMustDifferFromThePreviousOne) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  json f = report("2026-12-01");
  f["previous_address"] = "  nørregade 7,  8000 Aarhus C ";
  EXPECT_THAT(errors_of(d, a_case(f)), Contains("new_address: is the same as previous_address: that is not a move"));
  f["previous_address"] = "Vestergade 1, 8000 Aarhus C";
  EXPECT_THAT(errors_of(d, a_case(f)), IsEmpty());
}

TEST(MovingCode, ProposesToRegisterTheMoveWithReasonsNamingTheDateRule) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const json ahead = proposal_of(d, a_case(report("2026-12-01")));
  EXPECT_EQ(ahead["outcome"], "granted");
  EXPECT_EQ(ahead["reasons"][0], "register the move: the report is complete (new address, move date 2026-12-01)");
  EXPECT_EQ(ahead["reasons"][1],
            "reported on 2026-11-23, 8 days before the move on 2026-12-01: within the 28 days ahead that CPR Act §12 "
            "allows");
  EXPECT_EQ(ahead["details"]["late"], false);

  const json in_time = proposal_of(d, a_case(report("2026-11-18")));
  EXPECT_EQ(in_time["reasons"][1],
            "reported on 2026-11-23, 5 days after the move on 2026-11-18: within the 5 days of CPR Act §12");
  EXPECT_EQ(in_time["details"]["late"], false);

  const json late = proposal_of(d, a_case(report("2026-11-17")));
  EXPECT_EQ(late["outcome"], "granted");
  EXPECT_THAT(late["reasons"][1].get<std::string>(),
              HasSubstr("6 days after the move on 2026-11-17: later than the 5 days of CPR Act §12"));
  EXPECT_EQ(late["details"]["late"], true);
  EXPECT_EQ(late["details"]["days_after_move"], 6);
}

TEST(MovingCode, NoProposalForAnIncompleteReportOrOneTooFarAhead) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, log(SF_LOG_INFO, "the report is not complete (new_address and move_date): no proposal"));
  EXPECT_CALL(host, log(SF_LOG_INFO, HasSubstr("at most 28 days ahead")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_TRUE(proposal_of(d, a_case({{"move_date", "2026-12-01"}})).is_null());
  EXPECT_TRUE(proposal_of(d, a_case(report("2027-02-01"))).is_null());
}

TEST(MovingCode, AReportMoreThan5DaysAfterTheMoveIsNotedAtReceipt) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, read_case(3)).WillOnce(Return(std::optional<std::string>(a_case(report("2026-11-17")).dump())));
  EXPECT_CALL(host, add_note(3,
                             "late report (CPR Act §12): moved on 2026-11-17, reported on 2026-11-23, 6 days after the "
                             "move (at the latest 5 days after); the move is registered all the same"))
      .WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 3, "action": "register", "data": {}})", &error), SF_OK);
  EXPECT_EQ(error, nullptr);
}

TEST(MovingCode, WhenTheHostRefusesTheNoteTheLateReportIsKeptAsAnEvent) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, read_case(3)).WillOnce(Return(std::optional<std::string>(a_case(report("2026-11-17")).dump())));
  EXPECT_CALL(host, add_note(3, HasSubstr("late report (CPR Act §12)"))).WillOnce(Return(SF_FORBIDDEN));
  EXPECT_CALL(host, log(SF_LOG_WARN, HasSubstr("the host refused the late-report note")));
  EXPECT_CALL(host, add_event(3, "late_report", HasSubstr(R"("days_after_move":6)"))).WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 3, "action": "register", "data": {}})", &error), SF_OK);
  EXPECT_EQ(error, nullptr);
}

TEST(MovingCode, AReportWithin5DaysGetsNoNote) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, read_case(3)).WillOnce(Return(std::optional<std::string>(a_case(report("2026-11-18")).dump())));
  EXPECT_CALL(host, add_note(_, _)).Times(0);
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 3, "action": "register", "data": {}})", &error), SF_OK);
}

TEST(MovingCode, OnlyTheReceiptOrANewMoveDateIsChecked) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, read_case(3)).WillOnce(Return(std::optional<std::string>(a_case(report("2026-11-01")).dump())));
  EXPECT_CALL(host, add_note(3, HasSubstr("22 days after the move"))).WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  // `complete` without a move date, and the opening, do not re-check (no second note) ...
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 3, "action": "complete", "data": {}})", &error), SF_OK);
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 3, "action": "open"})", &error), SF_OK);
  // ... an action that brings the move date does.
  EXPECT_EQ(d->on_case_event(d->instance,
                             R"({"case_id": 3, "action": "complete", "data": {"fields": {"move_date": "2026-11-01"}}})",
                             &error),
            SF_OK);
}

TEST(MovingCode, RegisteringTheMoveQueuesTheConfirmation) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, read_case(3)).WillOnce(Return(std::optional<std::string>(a_case(report("2026-12-01")).dump())));
  EXPECT_CALL(host, add_event(3, "letter_queued", R"({"letter":"move_registered","move_date":"2026-12-01"})"))
      .WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 3, "action": "register_move", "data": {}})", &error), SF_OK);
}

// ---- the built plugin, in a real engine --------------------------------------

bool letter_queued(const std::vector<CaseEvent>& history, const std::string& letter) {
  for (const auto& data : plugin_events(history, "letter_queued")) {
    if (data.value("letter", "") == letter) return true;
  }
  return false;
}

TEST(MovingInEngine, ManifestDeclaresTheMovingLifeSituationAndReconsideration) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  const auto& m = (*created)->manifest();
  EXPECT_EQ(m.owning_authority.kind, "this_municipality");
  EXPECT_EQ(m.kle_subjects, std::vector<std::string>{"23.05.10"});
  EXPECT_EQ(m.life_situations, std::vector<std::string>{"moving"});
  EXPECT_TRUE(m.complaints.reconsideration);
  EXPECT_TRUE(m.complaints.deadline.has_value());
}

TEST(MovingInEngine, ACompleteReportIsRegisteredAtFirstContact) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case(report("2026-12-01"), "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  auto complete = h.act(c->id, "complete");
  ASSERT_TRUE(complete.ok()) << complete.status().to_string();
  EXPECT_EQ(complete->stage, "registration");

  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["outcome"], "granted");
  EXPECT_THAT(proposed->proposal["reasons"][1].get<std::string>(), HasSubstr("within the 28 days ahead"));

  auto registered = h.act(c->id, "register_move");
  ASSERT_TRUE(registered.ok()) << registered.status().to_string();
  EXPECT_EQ(registered->status, "closed");
  EXPECT_EQ(registered->outcome, "granted");

  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(notes_of(*history), IsEmpty()) << "a report ahead of the move is not late";
  EXPECT_TRUE(letter_queued(*history, "move_registered"));
  EXPECT_TRUE(h.replay_matches_state(c->id).ok()) << h.replay_matches_state(c->id).to_string();
}

TEST(MovingInEngine, ARefusedRegistrationCarriesComplaintGuidanceAndIsReconsideredOnComplaint) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case(report("2026-12-01"), "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete").ok());
  auto refused = h.act(c->id, "refuse", {{"reasons", "Adressen findes ikke i BBR"}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  EXPECT_EQ(refused->stage, "complaint_window");
  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->back().data["decision"].contains("complaint_guidance"));
  ASSERT_TRUE(h.act(c->id, "complain").ok());
  auto changed = h.act(c->id, "change_decision");
  ASSERT_TRUE(changed.ok()) << changed.status().to_string();
  EXPECT_EQ(changed->outcome, "granted");
  EXPECT_EQ(changed->status, "closed");
}

TEST(MovingInEngine, ALateReportIsRegisteredAndNotedOnce) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case(report("2026-11-10"), "070761-4285");  // 13 days before the report
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete").ok());
  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["details"]["late"], true);
  ASSERT_TRUE(h.act(c->id, "register_move").ok());

  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  const auto notes = notes_of(*history);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "late report (CPR Act §12): moved on 2026-11-10, reported on 2026-11-23, 13 days after the move (at the "
            "latest 5 days after); the move is registered all the same");
}

TEST(MovingInEngine, ALateMoveDateBroughtAtCompletionIsNoted) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case();
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  auto incomplete = h.act(c->id, "complete");
  ASSERT_EQ(incomplete.status().code(), ErrorCode::kGuardFailed);
  ASSERT_TRUE(h.act(c->id, "complete", report("2026-11-16")).ok());
  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(notes_of(*history), ::testing::ElementsAre(HasSubstr("7 days after the move")));
}

TEST(MovingInEngine, AMoveMoreThan28DaysAheadIsRefusedUntilItIsWithin28Days) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case(report("2026-12-22"), "070761-4285");  // 29 days ahead of 2026-11-23
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  auto too_early = h.act(c->id, "complete");
  ASSERT_EQ(too_early.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(too_early.status().message(),
              HasSubstr("move_date: a move can be reported at most 28 days ahead (CPR Act §12): 2026-12-22 is 29 "
                        "days after 2026-11-23; it can be registered from 2026-11-24"));
  EXPECT_EQ(h.get_case(c->id)->stage, "check");

  // The citizen is asked to come back; the next day the move is 28 days ahead.
  ASSERT_TRUE(h.act(c->id, "request_missing").ok());
  ASSERT_TRUE(h.set_today("2026-11-24").ok());
  ASSERT_TRUE(h.act(c->id, "missing_received").ok());
  auto complete = h.act(c->id, "complete");
  ASSERT_TRUE(complete.ok()) << complete.status().to_string();
  EXPECT_EQ(complete->stage, "registration");
}

}  // namespace
