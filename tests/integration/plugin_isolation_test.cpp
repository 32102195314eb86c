// Plugins in supervised child processes: a plugin that segfaults, aborts,
// divides by zero, overflows its stack or loops forever fails the call with
// kPluginFailed and an incident on the case, and this process goes on; the
// child is started again on the next call; a plugin that keeps failing is
// disabled with its reason; a crash in on_case_event after a decision leaves
// the decision committed and the event pending until a fixed plugin hears it.
// Also the protocol's frame decoder on bad input.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/plugins/plugin_host.hpp"
#include "sagsflow/plugins/plugin_protocol.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::string plugin_file(const std::string& name) { return std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

class PluginIsolationTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
  }
  void TearDown() override {
    engine_.reset();
    host_.reset();
    DatabaseTest::TearDown();
  }

  PluginHostOptions options() {
    PluginHostOptions o;
    o.isolation = PluginIsolation::kChildProcess;
    o.child_program = SAGSFLOW_PLUGIN_HOST_BIN;
    o.call_timeout = milliseconds(1500);
    o.restart_backoff = milliseconds(20);
    o.restart_backoff_max = milliseconds(100);
    o.max_failures = 50;
    o.delivery_retry = milliseconds(0);
    o.config = [this](const std::string&, const std::string&, const std::string& key) -> std::optional<std::string> {
      auto it = config_.find(key);
      return it == config_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    o.on_disabled = [this](const std::string& id, const std::string& reason) { disabled_.emplace_back(id, reason); };
    return o;
  }

  void start(const std::string& plugin, PluginHostOptions o) {
    engine_.reset();
    host_.reset();
    host_ = std::make_unique<PluginHost>(std::move(o));
    auto loaded = host_->load(plugin_file(plugin));
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    EXPECT_EQ((*loaded)->descriptor, nullptr) << "the library is loaded in the child, not here";
    engine_ = std::make_unique<CaseEngine>(*store_, EngineOptions{DanishCalendar{}, system_clock(), host_.get()});
    host_->attach(*engine_);
    const auto& info = (*loaded)->info;
    const auto wf = (fs::path(info.manifest_path).parent_path() / info.manifest.workflow_file).string();
    auto deployed = engine_->deploy_workflow(read_text_file(wf).value(), wf);
    ASSERT_TRUE(deployed.ok()) << deployed.status().to_string();
    workflow_ = deployed->record.id;
  }
  void start(const std::string& plugin) { start(plugin, options()); }

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

  Result<CaseState> complete(long long id) {
    return act(id, "complete", {{"income", 250000}}, {{"photo", "image/jpeg", ""}});
  }

  // The call failed cleanly: kPluginFailed naming `what`, the case did not
  // move, and it shows an incident of `operation`.
  void expect_incident(const Result<CaseState>& answer, long long id, const std::string& operation,
                       const std::string& what) {
    ASSERT_EQ(answer.status().code(), ErrorCode::kPluginFailed) << answer.status().to_string();
    EXPECT_NE(answer.status().message().find(what), std::string::npos) << answer.status().message();
    auto state = engine_->get_case(id);
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->stage, "check") << "the action did not happen";
    ASSERT_FALSE(state->incident.is_null()) << "the case shows the incident";
    EXPECT_EQ(state->incident["plugin"], "crashing_calls_permit");
    EXPECT_EQ(state->incident["operation"], operation);
  }

  std::map<std::string, std::string> config_;
  std::vector<std::pair<std::string, std::string>> disabled_;
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<PluginHost> host_;
  std::unique_ptr<CaseEngine> engine_;
  std::string workflow_;
};

TEST_P(PluginIsolationTest, ASegfaultInValidateFormIsAnIncidentAndTheNextCallWorksAfterARestart) {
  start("crashing_calls_permit");
  auto c = registered();
  EXPECT_EQ(host_->process_starts("crashing_calls_permit"), 1);
  config_["validate"] = "segv";
  expect_incident(complete(c.id), c.id, "validate_form", "crashed in validate_form: it was killed by signal 11 (SIGSEGV)");

  // The vendor's configuration is fixed (the plugin behaves again): the child is started anew.
  config_.erase("validate");
  std::this_thread::sleep_for(milliseconds(50));  // past the restart backoff
  auto retried = complete(c.id);
  ASSERT_TRUE(retried.ok()) << retried.status().to_string();
  EXPECT_EQ(retried->stage, "decision");
  EXPECT_TRUE(retried->incident.is_null()) << "a successful retry clears the incident";
  EXPECT_EQ(host_->process_starts("crashing_calls_permit"), 2);
}

TEST_P(PluginIsolationTest, AbortDivisionByZeroAndStackOverflowAreIncidentsToo) {
  start("crashing_calls_permit");
  const std::vector<std::pair<std::string, std::string>> kinds{
      {"abort", "(SIGABRT)"}, {"fpe", "(SIGFPE)"}, {"stack_overflow", "(SIGSEGV)"}};
  for (const auto& [how, signal] : kinds) {
    SCOPED_TRACE(how);
    auto c = registered();
    config_["validate"] = how;
    std::this_thread::sleep_for(milliseconds(120));  // past the restart backoff
    expect_incident(complete(c.id), c.id, "validate_form", signal);
  }
  config_.erase("validate");
  std::this_thread::sleep_for(milliseconds(120));
  auto c = registered();
  EXPECT_TRUE(complete(c.id).ok()) << "the engine and the plugin go on";
}

TEST_P(PluginIsolationTest, AnEndlessLoopIsStoppedAtTheTimeLimit) {
  auto o = options();
  o.call_timeout = milliseconds(400);
  start("crashing_calls_permit", o);
  auto c = registered();
  config_["validate"] = "loop";
  const auto began = std::chrono::steady_clock::now();
  expect_incident(complete(c.id), c.id, "validate_form", "did not answer validate_form within 0.4 s and was stopped");
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_LT(took, std::chrono::seconds(3)) << "the time limit holds";
  EXPECT_GE(took, milliseconds(400));
}

TEST_P(PluginIsolationTest, APluginThatKeepsFailingIsDisabledWithItsReasonUntilEnabled) {
  auto o = options();
  o.max_failures = 3;
  o.restart_backoff = milliseconds(1);
  o.restart_backoff_max = milliseconds(1);
  start("crashing_calls_permit", o);
  config_["validate"] = "segv";
  auto c = registered();
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
    expect_incident(complete(c.id), c.id, "validate_form", "SIGSEGV");
  }
  ASSERT_EQ(disabled_.size(), 1u) << "disabled once, with the reason";
  EXPECT_EQ(disabled_[0].first, "crashing_calls_permit");
  EXPECT_NE(disabled_[0].second.find("disabled after 3 failures within 10 minutes"), std::string::npos)
      << disabled_[0].second;
  EXPECT_NE(disabled_[0].second.find("sagsflow plugins enable crashing_calls_permit"), std::string::npos);
  EXPECT_EQ(host_->disabled_reason("crashing_calls_permit"), disabled_[0].second);

  // Disabled: no new process, and the incident says why.
  config_.erase("validate");
  std::this_thread::sleep_for(milliseconds(5));
  const int starts = host_->process_starts("crashing_calls_permit");
  expect_incident(complete(c.id), c.id, "validate_form", "is disabled after 3 failures");
  EXPECT_EQ(host_->process_starts("crashing_calls_permit"), starts);
  EXPECT_NE(engine_->get_case(c.id)->incident.dump().find("disabled after 3 failures"), std::string::npos);

  host_->enable("crashing_calls_permit");
  auto retried = complete(c.id);
  ASSERT_TRUE(retried.ok()) << retried.status().to_string();
  EXPECT_TRUE(host_->disabled_reason("crashing_calls_permit").empty());
}

TEST_P(PluginIsolationTest, ASegfaultInOnCaseEventKeepsTheDecisionAndTheFixedPluginHearsThePendingEvent) {
  start("crashing_calls_permit");
  config_["on_decision"] = "segv";
  auto c = registered();
  ASSERT_TRUE(complete(c.id).ok());
  auto decided = act(c.id, "refuse", {{"reasons", "income above the limit"}});
  ASSERT_TRUE(decided.ok()) << "the committed decision is answered: " << decided.status().to_string();
  EXPECT_EQ(decided->stage, "complaint_window");
  EXPECT_EQ(decided->outcome, "refused");
  ASSERT_FALSE(decided->incident.is_null()) << "the answer shows the incident";
  EXPECT_EQ(decided->incident["operation"], "on_case_event");
  EXPECT_NE(decided->incident.dump().find("SIGSEGV"), std::string::npos) << decided->incident.dump();
  const long long decision_seq = decided->version - 1;  // the incident follows the decision
  EXPECT_EQ((*engine_->history(c.id))[static_cast<size_t>(decision_seq - 1)].action, "refuse");

  auto pending = store_->plugin_delivery("crashing_calls_permit", c.id);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->delivered_seq, decision_seq - 1) << "the decision is still to be delivered";
  EXPECT_EQ(pending->attempts, 1);
  EXPECT_EQ(pending->incident_seq, decision_seq);

  // Retried while still broken: one more failure, no second incident.
  std::this_thread::sleep_for(milliseconds(1100));  // the retry is due (timestamps have whole seconds)
  auto retried = host_->deliver_pending();
  ASSERT_TRUE(retried.ok()) << retried.status().to_string();
  EXPECT_EQ(retried->failed, 1u);
  EXPECT_EQ(engine_->get_case(c.id)->version, decided->version) << "one incident per event, not one per retry";
  EXPECT_EQ(store_->plugin_delivery("crashing_calls_permit", c.id)->attempts, 2);

  // The vendor's fixed build is installed (record_plugin makes the pending events due) and hears the decision.
  ASSERT_TRUE(store_->record_plugin({"crashing_calls_permit", "1.2.0", "crashing_calls_permit.so", "sha", workflow_,
                                     true, "2026-12-01T10:00:00Z"})
                  .ok());
  start("crashing_calls_permit_fixed");
  auto delivered = host_->deliver_pending();
  ASSERT_TRUE(delivered.ok()) << delivered.status().to_string();
  EXPECT_EQ(delivered->delivered, 1u);
  EXPECT_EQ(delivered->failed, 0u);
  auto history = engine_->history(c.id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().actor, "plugin:crashing_calls_permit");
  EXPECT_EQ(history->back().data["note"],
            "decision letter sent for event " + std::to_string(c.id) + ":" + std::to_string(decision_seq))
      << "the plugin is told the event id";
  EXPECT_EQ(store_->plugin_delivery("crashing_calls_permit", c.id)->delivered_seq,
            static_cast<long long>(history->size()));
  auto again = host_->deliver_pending();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->delivered, 0u) << "delivered once the plugin took it; nothing is left pending";
}

TEST_P(PluginIsolationTest, AnEndlessLoopInOnCaseEventDoesNotHoldTheDecision) {
  auto o = options();
  o.call_timeout = milliseconds(300);
  start("crashing_calls_permit", o);
  config_["on_decision"] = "loop";
  auto c = registered();
  ASSERT_TRUE(complete(c.id).ok());
  auto decided = act(c.id, "grant");
  ASSERT_TRUE(decided.ok()) << decided.status().to_string();
  EXPECT_EQ(decided->stage, "closed");
  ASSERT_FALSE(decided->incident.is_null());
  EXPECT_NE(decided->incident.dump().find("did not answer on_case_event"), std::string::npos)
      << decided->incident.dump();
}

TEST_P(PluginIsolationTest, EventsReachTheChildWithTheirIdAndItsWritesGoThroughTheEngine) {
  start("good_permit");
  auto c = registered();
  auto history = engine_->history(c.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u) << "open, register, and the plugin's note written from its process";
  EXPECT_EQ(history->back().actor, "plugin:good_permit");
  EXPECT_EQ(history->back().data["note"], "received by the test permit plugin");
  EXPECT_EQ(store_->plugin_delivery("good_permit", c.id)->delivered_seq, 3);
  // The plugin's own rules run in its process too.
  auto refused = act(c.id, "complete", {{"income", 1}, {"applicant", "Nobody"}}, {{"photo", "image/jpeg", ""}});
  ASSERT_EQ(refused.status().code(), ErrorCode::kGuardFailed);
  EXPECT_NE(refused.status().message().find("applicant: must be a real person"), std::string::npos);
}

TEST_P(PluginIsolationTest, TheLoadChecksStillApplyAndARefusalFromTheChildNamesTheReason) {
  PluginHost host(options());
  auto refused = host.load(plugin_file("no_entry_permit"));
  ASSERT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("it has no entry point 'sagsflow_plugin_entry'"), std::string::npos)
      << refused.status().message();
  auto crashing = host.load(plugin_file("short_descriptor_permit"));
  EXPECT_EQ(crashing.status().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(host.load(plugin_file("good_permit")).ok());
  auto twice = host.load(plugin_file("good_permit"));
  EXPECT_NE(twice.status().message().find("already loaded"), std::string::npos) << twice.status().message();
}

// The server's writer lanes each have a host: each runs its own process of
// the same plugin file (in-process, one library per process stays the rule).
TEST_P(PluginIsolationTest, TwoHostsEachRunTheirOwnProcessOfTheSamePlugin) {
  PluginHost first(options()), second(options());
  auto a = first.load(plugin_file("good_permit"));
  auto b = second.load(plugin_file("good_permit"));
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  ASSERT_TRUE(b.ok()) << b.status().to_string();
  EXPECT_EQ(first.process_starts("good_permit"), 1);
  EXPECT_EQ(second.process_starts("good_permit"), 1);
  auto twice = second.load(plugin_file("good_permit"));
  EXPECT_NE(twice.status().message().find("already loaded"), std::string::npos) << "still once per host";
}

TEST_P(PluginIsolationTest, TheStoreKeepsWhySagsflowDisabledAPluginUntilItIsEnabledAgain) {
  ASSERT_TRUE(store_->record_plugin({"crashing_calls_permit", "1.2.0", "crashing_calls_permit.so", "sha",
                                     "crashing_calls_permit", true, "2026-12-01T10:00:00Z"})
                  .ok());
  ASSERT_TRUE(store_->disable_plugin_for("crashing_calls_permit", "disabled after 5 failures").ok());
  auto listed = store_->installed_plugins();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_FALSE(listed->front().enabled);
  EXPECT_EQ(listed->front().disabled_reason, "disabled after 5 failures");
  EXPECT_EQ(store_->disable_plugin_for("no_such_plugin", "x").code(), ErrorCode::kNotFound);

  // A pending delivery backing off is due again once the admin enables the plugin.
  start("crashing_calls_permit");
  auto c = registered();
  PluginDelivery d{"crashing_calls_permit", c.id, 1, 3, "2999-01-01T00:00:00Z", 2, "crashed"};
  ASSERT_TRUE(store_->save_plugin_delivery(d).ok());
  const std::string now = "2026-12-01T10:00:00Z";
  EXPECT_TRUE(store_->pending_plugin_deliveries("crashing_calls_permit", workflow_, now, 10)->empty());
  ASSERT_TRUE(store_->set_plugin_enabled("crashing_calls_permit", true).ok());
  EXPECT_TRUE(store_->installed_plugins()->front().disabled_reason.empty());
  auto due = store_->pending_plugin_deliveries("crashing_calls_permit", workflow_, now, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().case_id, c.id);
  EXPECT_EQ(due->front().delivered_seq, 1);
  EXPECT_EQ(due->front().attempts, 3);
  EXPECT_EQ(due->front().incident_seq, 2);
  EXPECT_EQ(due->front().last_error, "crashed");
}

INSTANTIATE_TEST_SUITE_P(Backends, PluginIsolationTest, AllBackends());

namespace proto = plugin_protocol;

std::string frame_of(const std::string& payload) {
  std::string f(4, '\0');
  const auto n = static_cast<uint32_t>(payload.size());
  f[0] = static_cast<char>(n >> 24);
  f[1] = static_cast<char>(n >> 16);
  f[2] = static_cast<char>(n >> 8);
  f[3] = static_cast<char>(n);
  return f + payload;
}

TEST(PluginProtocolTest, AFrameRoundTripsAndAPartialOneWaitsForMore) {
  auto frame = proto::encode_frame({{"t", "result"}, {"rc", 0}, {"out", "{\"errors\":[]}"}, {"thrown", ""}});
  ASSERT_TRUE(frame.ok());
  size_t used = 0;
  auto partial = proto::decode_frame(std::string_view(*frame).substr(0, frame->size() - 1), used);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->has_value());
  EXPECT_EQ(used, 0u);
  auto whole = proto::decode_frame(*frame + "more", used);
  ASSERT_TRUE(whole.ok() && whole->has_value());
  EXPECT_EQ(used, frame->size());
  auto result = proto::read_call_result(**whole);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "{\"errors\":[]}");
}

TEST(PluginProtocolTest, BadFramesAreRefusedNamingWhatIsWrong) {
  size_t used = 0;
  const std::string too_long("\x7f\xff\xff\xff", 4);
  EXPECT_NE(proto::decode_frame(too_long, used).status().message().find("over the limit"), std::string::npos);
  EXPECT_NE(proto::decode_frame(frame_of("[1,2]"), used).status().message().find("must be a JSON object"),
            std::string::npos);
  EXPECT_NE(proto::decode_frame(frame_of("{\"x\":1}"), used).status().message().find("member 't'"),
            std::string::npos);
  EXPECT_EQ(proto::decode_frame(frame_of("{not json"), used).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(proto::decode_frame(frame_of(std::string(100, '[') + std::string(100, ']')), used)
                .status().message().find("deeper"),
            std::string::npos);
  auto cb = proto::decode_frame(frame_of(R"({"t":"cb","op":"case_add_note","case_id":"7"})"), used);
  ASSERT_TRUE(cb.ok() && cb->has_value());
  EXPECT_NE(proto::read_callback(**cb).status().message().find("integer member 'case_id'"), std::string::npos);
  auto rc = proto::decode_frame(frame_of(R"({"t":"result","rc":1e300})"), used);
  ASSERT_TRUE(rc.ok() && rc->has_value());
  EXPECT_EQ(proto::read_call_result(**rc).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sagsflow::testing
