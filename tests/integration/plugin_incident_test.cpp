// Plugins inside the engine: validation, proposals, events, and what happens
// when a plugin throws, reports an error, returns garbage or kills the process.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "sagsflow/plugins/plugin_host.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

std::string plugin_file(const std::string& name) { return std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

class PluginEngineTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    config_ = {{"income_limit", "300000"}};
  }
  void TearDown() override {
    engine_.reset();
    host_.reset();
    DatabaseTest::TearDown();
  }

  // A host with `plugin` loaded and an engine using it; deploys the plugin's workflow.
  void start(const std::string& plugin) {
    engine_.reset();
    host_.reset();
    PluginHostOptions options;
    options.config = [this](const std::string&, const std::string&, const std::string& key) -> std::optional<std::string> {
      auto it = config_.find(key);
      return it == config_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    host_ = std::make_unique<PluginHost>(options);
    auto loaded = host_->load(plugin_file(plugin));
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    engine_ = std::make_unique<CaseEngine>(*store_, EngineOptions{DanishCalendar{}, system_clock(), host_.get()});
    host_->attach(*engine_);
    const auto& info = (*loaded)->info;
    const auto wf = (fs::path(info.manifest_path).parent_path() / info.manifest.workflow_file).string();
    auto deployed = engine_->deploy_workflow(read_text_file(wf).value(), wf);
    ASSERT_TRUE(deployed.ok()) << deployed.status().to_string();
    workflow_ = deployed->record.id;
  }

  CaseState registered() {
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = workflow_;
    req.citizen_cpr = "070761-4285";
    req.fields = {{"applicant", "Jens Hansen"}};
    req.actor = frontdesk();
    auto c = engine_->open_case(req);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    auto r = act(c->id, "register");
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return *r;
  }

  Result<CaseState> act(long long id, const std::string& action, json fields = json::object(),
                        std::vector<Attachment> attachments = {}) {
    ActionRequest r;
    r.case_id = id;
    r.action = action;
    r.actor = caseworker();
    r.fields = std::move(fields);
    r.attachments = std::move(attachments);
    return engine_->act(r);
  }

  Result<CaseState> complete(long long id, json fields = {{"income", 250000}}) {
    return act(id, "complete", std::move(fields), {{"photo", "image/jpeg", ""}});
  }

  // Moves a case to the decision stage through the store, bypassing the
  // plugin's validation (for plugins whose validation is the broken part).
  void skip_to_decision(long long id) {
    auto state = engine_->get_case(id);
    ASSERT_TRUE(state.ok());
    CaseEvent e{id, state->version + 1, "2026-11-23T10:00:00Z", "carl", "pas", kMunicipality, "complete", "check",
                "decision", json::object()};
    CaseState next = *state;
    ASSERT_TRUE(apply_event(next, e).ok());
    ASSERT_TRUE(store_->append_event(next, e).ok());
  }

  // Deploys workflows/passport.yaml without its plugin; returns its id.
  std::string engine_for_plain_workflow() {
    CaseEngine plain(*store_);
    auto deployed = plain.deploy_workflow(without_plugin(read_repo_file("workflows/passport.yaml")), "passport.yaml");
    EXPECT_TRUE(deployed.ok()) << deployed.status().to_string();
    return deployed.ok() ? deployed->record.id : "";
  }

  std::map<std::string, std::string> config_;
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<PluginHost> host_;
  std::unique_ptr<CaseEngine> engine_;
  std::string workflow_;
};

TEST_P(PluginEngineTest, FormRulesOfTheManifestAndThePluginAreBothApplied) {
  start("good_permit");
  auto c = registered();
  auto declarative = complete(c.id, {{"income", -5}, {"kind", "other"}});
  ASSERT_EQ(declarative.status().code(), ErrorCode::kGuardFailed);
  EXPECT_NE(declarative.status().message().find("income: must be at least 0"), std::string::npos)
      << declarative.status().message();
  EXPECT_NE(declarative.status().message().find("kind: must be one of new, renewal"), std::string::npos);
  auto plugin_rule = complete(c.id, {{"income", 1000}, {"applicant", "Nobody"}});
  ASSERT_EQ(plugin_rule.status().code(), ErrorCode::kGuardFailed);
  EXPECT_NE(plugin_rule.status().message().find("applicant: must be a real person"), std::string::npos);
  EXPECT_EQ(engine_->get_case(c.id)->stage, "check");
  auto ok = complete(c.id);
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->stage, "decision");
}

TEST_P(PluginEngineTest, DecisionProposalFromConfiguredCriteriaIsRecordedWithItsReasons) {
  start("good_permit");
  auto c = registered();
  ASSERT_TRUE(complete(c.id, {{"income", 420000}}).ok());
  auto proposed = engine_->propose_decision(c.id, caseworker());
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["outcome"], "refused");
  EXPECT_EQ(proposed->proposal["reasons"][0], "income 420000 exceeds the limit 300000");
  EXPECT_EQ(proposed->stage, "decision") << "a proposal does not decide";
  EXPECT_EQ(engine_->history(c.id)->back().action, "decision_proposed");
}

TEST_P(PluginEngineTest, PluginHearsEventsAndMayWriteNotesButNotWhileDeciding) {
  start("good_permit");
  auto c = registered();
  auto history = engine_->history(c.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u) << "open, register, and the plugin's note";
  EXPECT_EQ(history->back().action, "note");
  EXPECT_EQ(history->back().actor, "plugin:good_permit");
  EXPECT_EQ(history->back().data["note"], "received by the test permit plugin");
  EXPECT_EQ(*replay(*history), *engine_->get_case(c.id));
}

TEST_P(PluginEngineTest, EventConnectionsAreDroppedOnDetach) {
  start("good_permit");
  EXPECT_EQ(host_->connections(), 2u);
  host_->detach();
  EXPECT_EQ(host_->connections(), 0u);
  EXPECT_TRUE(engine_->events().action_performed.empty());
  EXPECT_TRUE(engine_->events().case_opened.empty());
  host_.reset();  // the engine may go on without the plugin's receivers
  OpenCaseRequest req{kMunicipality, workflow_, std::nullopt, std::nullopt, "", json::object(), std::nullopt, frontdesk()};
  EXPECT_TRUE(engine_->open_case(req).ok());
}

TEST_P(PluginEngineTest, AThrowingPluginLeavesAnIncidentAndTheActionCanBeRetriedWhenFixed) {
  start("throwing_permit");
  auto c = registered();
  auto failed = complete(c.id);
  ASSERT_EQ(failed.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(failed.status().message().find("income table missing"), std::string::npos) << failed.status().message();
  EXPECT_NE(failed.status().message().find("retry the action when the plugin is fixed"), std::string::npos);

  auto state = engine_->get_case(c.id);
  EXPECT_EQ(state->stage, "check") << "the action did not happen";
  EXPECT_FALSE(state->has_field("income")) << "nothing of the failed action was stored";
  ASSERT_FALSE(state->incident.is_null()) << "the case shows the incident";
  EXPECT_EQ(state->incident["plugin"], "throwing_permit");
  EXPECT_EQ(state->incident["operation"], "validate_form");
  EXPECT_EQ(state->incident["action"], "complete");
  auto history = engine_->history(c.id);
  EXPECT_EQ(history->back().action, "incident");
  EXPECT_EQ(*replay(*history), *state);

  // The vendor ships a fixed build of the same plugin; the action is retried.
  start("flaky_permit_fixed");
  auto retried = complete(c.id);
  ASSERT_TRUE(retried.ok()) << retried.status().to_string();
  EXPECT_EQ(retried->stage, "decision");
  EXPECT_TRUE(retried->incident.is_null()) << "a successful retry clears the incident";
}

TEST_P(PluginEngineTest, AnExceptionEscapingTheCBoundaryIsCaughtToo) {
  start("raw_throw_permit");
  auto c = registered();
  auto failed = complete(c.id);
  ASSERT_EQ(failed.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(failed.status().message().find("threw escaped exception"), std::string::npos) << failed.status().message();
  EXPECT_FALSE(engine_->get_case(c.id)->incident.is_null());
}

TEST_P(PluginEngineTest, ErrorCodesAndGarbageAnswersAreIncidents) {
  start("error_permit");
  auto c = registered();
  auto reported = complete(c.id);
  ASSERT_EQ(reported.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(reported.status().message().find("reported an error in validate_form: rules service unavailable"),
            std::string::npos) << reported.status().message();

  start("garbage_permit");
  auto g = registered();
  auto garbage = complete(g.id);
  ASSERT_EQ(garbage.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(garbage.status().message().find("not JSON from validate_form: '<<this is not json>>'"), std::string::npos)
      << garbage.status().message();
}

TEST_P(PluginEngineTest, AMalformedProposalIsAnIncident) {
  start("garbage_permit");
  auto c = registered();
  skip_to_decision(c.id);
  auto proposed = engine_->propose_decision(c.id, caseworker());
  ASSERT_EQ(proposed.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(proposed.status().message().find("a proposal needs an outcome"), std::string::npos)
      << proposed.status().message();
  EXPECT_EQ(engine_->get_case(c.id)->incident["operation"], "propose_decision");
}

TEST_P(PluginEngineTest, AFailingEventReceiverMarksTheCaseButKeepsTheCommittedAction) {
  start("throwing_permit");
  auto c = registered();
  skip_to_decision(c.id);  // past the validation, which throws
  auto granted = act(c.id, "grant");
  ASSERT_TRUE(granted.ok()) << "the committed action stands: " << granted.status().to_string();
  auto after = engine_->get_case(c.id);
  EXPECT_EQ(after->status, CaseStatus::kClosed);
  EXPECT_EQ(after->incident["operation"], "on_case_event");
  EXPECT_NE(after->incident["error"].get<std::string>().find("cannot send the letter"), std::string::npos);
}

TEST_P(PluginEngineTest, AMissingOrDisabledPluginIsAnIncidentNotALoss) {
  start("good_permit");
  auto c = registered();
  CaseEngine without_plugins(*store_);
  ActionRequest r{c.id, "complete", caseworker(), {{"income", 1}}, {{"photo", "", ""}}, std::nullopt, "", false};
  auto failed = without_plugins.act(r);
  ASSERT_EQ(failed.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(failed.status().message().find("no plugins are loaded"), std::string::npos) << failed.status().message();
  EXPECT_EQ(without_plugins.get_case(c.id)->stage, "check");
}

// A plugin that fails in on_case_event, which the engine calls after it has
// stored an action and before act() returns: the decision is committed, the
// failure comes after it, in the same call.
class FailingReceiverTest : public PluginEngineTest {
 protected:
  // Refuses a case of the started plugin at its decision (reaching it through
  // the plugin's validation, or around it when that is the broken part), and
  // checks what must hold whatever the plugin did in on_case_event:
  // - the decision is committed exactly: stored as the next event; act()
  //   returns the case as stored after everything the decision caused (the
  //   plugin's writes and the incident), so the answer is never a version behind;
  // - after it come `between` (the plugin's own writes that the host let
  //   through), then an incident naming the plugin and operation, and nothing else;
  // - nothing half-written: the whole history replays to the stored case;
  // - the engine goes on: the next action on the case succeeds and clears the incident.
  // Returns the stored case after the incident.
  CaseState refuse_and_check(const std::string& plugin, bool validates, const std::string& error,
                             const std::vector<std::pair<std::string, std::string>>& between = {}) {
    auto c = registered();
    if (validates) {
      auto completed = complete(c.id);
      EXPECT_TRUE(completed.ok()) << completed.status().to_string();
    } else {
      skip_to_decision(c.id);
    }
    auto before = engine_->get_case(c.id);
    EXPECT_TRUE(before.ok());
    EXPECT_EQ(before->stage, "decision");
    EXPECT_TRUE(before->incident.is_null());

    auto answered = act(c.id, "refuse", {{"reasons", "income above the limit"}});
    EXPECT_TRUE(answered.ok()) << "the committed decision stands: " << answered.status().to_string();
    if (!answered.ok()) return {};

    auto history = engine_->history(c.id);
    EXPECT_TRUE(history.ok());
    const size_t decision = static_cast<size_t>(before->version + 1);
    EXPECT_EQ(history->size(), decision + between.size() + 1) << "the decision, the plugin's writes, the incident";
    if (history->size() != decision + between.size() + 1) return {};
    EXPECT_EQ((*history)[decision - 1].action, "refuse");
    auto up_to_decision = replay({history->begin(), history->begin() + static_cast<long>(decision)});
    EXPECT_TRUE(up_to_decision.ok());
    const CaseState& decided = *up_to_decision;
    EXPECT_EQ(decided.version, before->version + 1);
    EXPECT_EQ(decided.stage, "complaint_window");
    EXPECT_EQ(decided.outcome, "refused");
    EXPECT_TRUE(decided.decided_on.has_value());
    EXPECT_EQ(answered->version, static_cast<long long>(history->size()))
        << "act() answers with the case as stored after the plugin's writes and the incident";
    EXPECT_EQ(*answered, *engine_->get_case(c.id));
    for (size_t i = 0; i < between.size(); ++i) {
      EXPECT_EQ((*history)[decision + i].actor, between[i].first);
      EXPECT_EQ((*history)[decision + i].action, between[i].second);
    }
    const CaseEvent& incident = history->back();
    EXPECT_EQ(incident.action, "incident");
    EXPECT_EQ(incident.data["incident"]["plugin"], plugin);
    EXPECT_EQ(incident.data["incident"]["operation"], "on_case_event");
    EXPECT_EQ(incident.data["incident"]["action"], "refuse");
    EXPECT_NE(incident.data["incident"]["error"].get<std::string>().find(error), std::string::npos)
        << incident.data["incident"].dump();

    auto after = engine_->get_case(c.id);
    EXPECT_TRUE(after.ok());
    EXPECT_EQ(*replay(*history), *after) << "nothing half-written: the history replays to the stored case";
    EXPECT_EQ(after->incident, incident.data["incident"]) << "the case shows the incident";
    EXPECT_EQ(after->stage, decided.stage);
    EXPECT_EQ(after->outcome, decided.outcome);
    EXPECT_EQ(after->decided_on, decided.decided_on);
    EXPECT_EQ(after->complaint_due, decided.complaint_due);
    EXPECT_EQ(after->fields, decided.fields);
    EXPECT_EQ(after->attachments, decided.attachments);

    // The engine keeps working: the complaint is received, the incident cleared.
    auto next = act(c.id, "complain");
    EXPECT_TRUE(next.ok()) << next.status().to_string();
    if (next.ok()) {
      EXPECT_EQ(next->stage, "reconsideration");
      EXPECT_TRUE(next->incident.is_null());
      EXPECT_EQ(next->version, after->version + 1);
      EXPECT_EQ(*replay(*engine_->history(c.id)), *engine_->get_case(c.id));
    }
    return *after;
  }
};

TEST_P(FailingReceiverTest, AThrowAfterTheDecisionIsAnIncidentBesideTheCommittedDecision) {
  config_["on_decision"] = "throw";
  start("event_failing_permit");
  refuse_and_check("event_failing_permit", true, "the letter service is down");
}

TEST_P(FailingReceiverTest, AWriteThePluginMadeBeforeItFailedIsKeptWholeBeforeTheIncident) {
  config_["on_decision"] = "write_then_throw";
  start("event_failing_permit");
  auto after = refuse_and_check("event_failing_permit", true, "the letter service went down after queuing",
                                {{"plugin:event_failing_permit", "note"}});
  auto history = engine_->history(after.id);
  EXPECT_EQ((*history)[history->size() - 3].data["note"], "the decision letter is queued");
}

TEST_P(FailingReceiverTest, AWriteTheHostRefusesDuringTheCommitLeavesNoTraceButTheIncident) {
  config_["on_decision"] = "refused_write";
  start("event_failing_permit");
  auto after = refuse_and_check("event_failing_permit", true, "the host refused the letter event");
  for (const auto& e : *engine_->history(after.id)) EXPECT_NE(e.action, "plugin_event") << "the refused event";
}

TEST_P(FailingReceiverTest, AWriteToAnotherPluginsCaseIsRefusedAndLeavesThatCaseAlone) {
  // A case of a workflow without a plugin: not the failing plugin's to write to.
  auto other_wf = engine_for_plain_workflow();
  OpenCaseRequest req;
  req.municipality = kMunicipality;
  req.workflow_id = other_wf;
  req.actor = frontdesk();
  req.fields = {{"full_name", "Karen Jensen"}};
  CaseEngine plain(*store_);
  auto other = plain.open_case(req);
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  config_["on_decision"] = "foreign_write";
  config_["other_case"] = std::to_string(other->id);
  start("event_failing_permit");
  refuse_and_check("event_failing_permit", true, "the host refused the note on case " + std::to_string(other->id));
  EXPECT_EQ(engine_->history(other->id)->size(), 1u) << "nothing was written to the other case";
  EXPECT_EQ(*engine_->get_case(other->id), *other);
}

TEST_P(FailingReceiverTest, AnErrorCodeAfterTheDecisionIsAnIncidentWithThePluginsMessage) {
  start("error_permit");
  refuse_and_check("error_permit", false, "reported an error in on_case_event: letter service unavailable");
}

TEST_P(FailingReceiverTest, AnUnknownReturnCodeAfterTheDecisionIsAnIncidentToo) {
  start("garbage_permit");
  refuse_and_check("garbage_permit", false, "reported an error in on_case_event");
}

TEST_P(FailingReceiverTest, TheSamePluginBehavingAgainDecidesWithoutAnIncident) {
  config_["on_decision"] = "throw";
  start("event_failing_permit");
  refuse_and_check("event_failing_permit", true, "the letter service is down");
  config_.erase("on_decision");  // the vendor's service is back
  auto c = registered();
  ASSERT_TRUE(complete(c.id).ok());
  auto granted = act(c.id, "grant");
  ASSERT_TRUE(granted.ok()) << granted.status().to_string();
  auto after = engine_->get_case(c.id);
  EXPECT_EQ(*after, *granted) << "the answer is the case as stored";
  EXPECT_EQ(engine_->history(c.id)->back().action, "grant") << "nothing after the decision";
  EXPECT_TRUE(after->incident.is_null());
  EXPECT_EQ(*replay(*engine_->history(c.id)), *after);
}

INSTANTIATE_TEST_SUITE_P(Backends, FailingReceiverTest, AllBackends());

INSTANTIATE_TEST_SUITE_P(Backends, PluginEngineTest, AllBackends());

// A plugin that kills the process in the middle of an action: the action that
// was acknowledged before survives, the interrupted one leaves no trace.
TEST(PluginCrash, APluginThatKillsTheProcessCannotLoseOrHalfWriteAnAction) {
  const auto dir = fs::temp_directory_path() / ("sagsflow-crash-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string url = "sqlite:" + (dir / "crash.db").string();
  long long case_id = 0;
  long long acknowledged_version = 0;
  {
    auto store = db::SqlStore::open(url).value();
    ASSERT_TRUE(store->migrate().ok());
    seed_municipality(*store);
    PluginHost host;
    auto loaded = host.load(plugin_file("crashing_permit"));
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    CaseEngine engine(*store, EngineOptions{DanishCalendar{}, system_clock(), &host});
    const auto wf = std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/crashing_permit.workflow.yaml";
    ASSERT_TRUE(engine.deploy_workflow(read_text_file(wf).value(), wf).ok());
    OpenCaseRequest req{kMunicipality, "crashing_permit", std::nullopt, "070761-4285", "", {{"applicant", "Jens"}}, std::nullopt, frontdesk()};
    auto c = engine.open_case(req);
    ASSERT_TRUE(c.ok());
    auto reg = engine.act({c->id, "register", frontdesk(), json::object(), {}, std::nullopt, "", false});
    ASSERT_TRUE(reg.ok());  // acknowledged
    case_id = c->id;
    acknowledged_version = reg->version;
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = db::SqlStore::open(url).value();
    PluginHost host;
    if (!host.load(plugin_file("crashing_permit")).ok()) std::_Exit(3);
    CaseEngine engine(*store, EngineOptions{DanishCalendar{}, system_clock(), &host});
    (void)engine.act({case_id, "complete", caseworker(), {{"income", 1}}, {{"photo", "", ""}}, std::nullopt, "", false});
    std::_Exit(0);  // not reached: the plugin aborts
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the plugin should have killed the process";
  EXPECT_EQ(WTERMSIG(status), SIGABRT);

  auto store = db::SqlStore::open(url).value();
  CaseEngine engine(*store);
  auto state = engine.get_case(case_id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->version, acknowledged_version) << "the acknowledged action is there, the interrupted one is not";
  EXPECT_EQ(state->stage, "check");
  auto history = engine.history(case_id);
  EXPECT_EQ(history->size(), static_cast<size_t>(acknowledged_version));
  EXPECT_EQ(*replay(*history), *state);
  store.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sagsflow::testing
