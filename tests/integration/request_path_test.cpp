// One request path: the core builds the actor, decides, and records; an
// action answered with the case loads it once and stores its event and the
// answer's read together; an inquiry that opens a case is stored whole or
// not at all; an operation answers with the case as stored after everything
// it caused.
#include <gtest/gtest.h>

#include <atomic>

#include "example_municipalities.hpp"
#include "forwarding_store.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

// Counts what the engine asks of the store, and which writes share a unit.
class CountingStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  int loads = 0, appends = 0, units = 0, reads_recorded = 0, reads_inside_units = 0;
  Result<CaseState> load_case(long long id) override {
    ++loads;
    return inner_.load_case(id);
  }
  Status append_event(const CaseState& s, const CaseEvent& e, const std::optional<CaseQueue>& q) override {
    ++appends;
    return inner_.append_event(s, e, q);
  }
  Status atomically(const std::function<Status()>& work) override {
    ++units;
    ++depth_;
    Status done = inner_.atomically(work);
    --depth_;
    return done;
  }
  Result<long long> record_access(const AccessRecord& r) override {
    ++reads_recorded;
    if (depth_ > 0) ++reads_inside_units;
    return inner_.record_access(r);
  }

 private:
  int depth_ = 0;
};

// The front desk's store, with inquiries that cannot be stored.
class BrokenInquiryStore : public FrontDeskStore {
 public:
  explicit BrokenInquiryStore(FrontDeskStore& inner) : inner_(inner) {}
  Result<long long> add_inquiry(const InquiryRecord&) override { return StorageError("the inquiry table is full"); }
  Result<InquiryRecord> load_inquiry(long long id) override { return inner_.load_inquiry(id); }
  Status mark_forwarded(long long id, const std::string& to, const std::string& on) override {
    return inner_.mark_forwarded(id, to, on);
  }
  Result<std::vector<InquiryRecord>> list_inquiries(const InquiryFilter& f) override { return inner_.list_inquiries(f); }
  Result<long long> add_layer_message(const LayerMessage& m) override { return inner_.add_layer_message(m); }
  Result<std::vector<LayerMessage>> list_layer_messages(const std::string& m) override {
    return inner_.list_layer_messages(m);
  }

 private:
  FrontDeskStore& inner_;
};

class RequestPathTest : public ExampleMunicipalitiesTest {
 protected:
  CaseState open_passport(const Actor& by) {
    OpenCaseRequest open{kSupermarket, "passport", std::nullopt, "070761-4285", "", json::object(), std::nullopt, by};
    auto opened = engine_->open_case(open);
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    return opened.ok() ? *opened : CaseState{};
  }
  long long count_cases() {
    CaseFilter all;
    all.limit = 100000;
    auto cases = store_->list_cases(all);
    EXPECT_TRUE(cases.ok());
    return cases.ok() ? static_cast<long long>(cases->size()) : -1;
  }
  long long count_inquiries() {
    InquiryFilter all;
    all.municipality = kSupermarket;
    all.limit = 100000;
    auto list = store_->list_inquiries(all);
    EXPECT_TRUE(list.ok());
    return list.ok() ? static_cast<long long>(list->size()) : -1;
  }
};

TEST_P(RequestPathTest, TheCoreBuildsTheActorFromTheStaffListAndRefusesWhatTheListDoesNotGive) {
  const Actor anna = person("anna");
  auto built = org_.actor_for({"anna"}, kSupermarket);
  ASSERT_TRUE(built.ok()) << built.status().to_string();
  EXPECT_EQ(built->unit, "bsc");
  EXPECT_EQ(built->authority, kSupermarket);
  EXPECT_EQ(built->roles, std::vector<std::string>{"frontdesk"});

  auto unknown = org_.actor_for({"mallory"}, kSupermarket);
  ASSERT_EQ(unknown.status().code(), ErrorCode::kForbidden);
  EXPECT_EQ(unknown.status().message(), "mallory is not on the staff list of municipality 0991");
  auto role = org_.actor_for({"anna", "", "", {"caseworker"}}, kSupermarket);
  EXPECT_EQ(role.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(role.status().message().find("does not hold the role 'caseworker'"), std::string::npos);
  auto unit = org_.actor_for({"anna", "pas"}, kSupermarket);
  EXPECT_EQ(unit.status().code(), ErrorCode::kForbidden);
  EXPECT_EQ(org_.actor_for({"system"}, kSupermarket).status().code(), ErrorCode::kForbidden);

  // A municipality the files do not configure takes no one the staff lists do not know.
  auto elsewhere = org_.actor_for({"mallory", "bsc", "", {"caseworker"}}, "0101");
  EXPECT_EQ(elsewhere.status().code(), ErrorCode::kForbidden);
  EXPECT_EQ(elsewhere.status().message(), "mallory is not on the staff list of municipality 0101");

  // An installation without a municipality file takes the claim as it is.
  auto bare = Organisation().actor_for({"carl", "pas", "", {"caseworker"}}, "0101");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->authority, "0101");
}

TEST_P(RequestPathTest, AnActionAnsweredWithTheCaseLoadsItOnceAndStoresItsEventAndTheReadTogether) {
  const Actor anna = person("anna");
  const CaseState opened = open_passport(anna);
  CountingStore counting(*store_);
  EngineOptions options{DanishCalendar{}, clock_.clock(), plugins_.get()};
  options.organisation = &org_;
  CaseEngine engine(counting, options);

  ActionRequest register_it;
  register_it.case_id = opened.id;
  register_it.action = "register";
  register_it.actor = anna;
  auto view = engine.change_and_view(anna, ReadPurpose::answer_to("act register", "test"),
                                     [&] { return engine.act(register_it); });
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  EXPECT_EQ(counting.loads, 1) << "one load of the case for the action and its answer";
  EXPECT_EQ(counting.appends, 1);
  EXPECT_EQ(counting.reads_recorded, 1);
  EXPECT_EQ(counting.reads_inside_units, 1) << "the answer's read is stored in the action's transaction";
  EXPECT_EQ(view->state, *store_->load_case(opened.id));
  EXPECT_FALSE(view->actions.empty());

  AccessFilter f;
  f.case_id = opened.id;
  auto records = store_->list_access(f);
  ASSERT_TRUE(records.ok());
  ASSERT_FALSE(records->empty());
  EXPECT_EQ(records->front().purpose, "answer to act register");
  EXPECT_EQ(records->front().actor, "anna");

  // A refused change records nothing.
  const int before = counting.reads_recorded;
  ActionRequest bogus = register_it;
  bogus.action = "no_such_action";
  auto refused = engine.change_and_view(anna, ReadPurpose::answer_to("act no_such_action", "test"),
                                        [&] { return engine.act(bogus); });
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(counting.reads_recorded, before);
}

TEST_P(RequestPathTest, AnInquiryThatOpensACaseIsStoredWholeOrNotAtAll) {
  const Actor anna = person("anna");
  InquiryRequest inquiry;
  inquiry.municipality = kSupermarket;
  inquiry.channel = Channel::kPersonalAttendance;
  inquiry.area = "passports";
  inquiry.service = Service::kReceiveAndForward;
  inquiry.citizen_cpr = "070761-4285";
  inquiry.actor = anna;
  OpenCaseRequest open;
  open.workflow_id = "passport";

  auto done = desk_->register_inquiry_opening_case(inquiry, *engine_, open);
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  ASSERT_TRUE(done->opened.has_value());
  EXPECT_EQ(done->record.case_id, done->opened->id);
  EXPECT_EQ(done->record.type, InquiryType::kTransaction);

  const long long cases = count_cases(), inquiries = count_inquiries();
  // The case opens, the inquiry cannot be stored: the case goes too, and nobody heard of it.
  BrokenInquiryStore broken(*store_);
  FrontDesk broken_desk(broken, org_, DanishCalendar{}, clock_.clock());
  std::atomic<int> opened_signals{0};
  auto connection = engine_->events().case_opened.connect([&](const CaseState&) { ++opened_signals; });
  auto failed = broken_desk.register_inquiry_opening_case(inquiry, *engine_, open);
  connection.disconnect();
  EXPECT_EQ(failed.status().code(), ErrorCode::kStorage);
  EXPECT_EQ(count_cases(), cases) << "the case opened for the inquiry is not kept without it";
  EXPECT_EQ(count_inquiries(), inquiries);
  EXPECT_EQ(opened_signals.load(), 0) << "no receiver is told of a case that was not stored";

  // The case cannot open: no inquiry is stored either.
  OpenCaseRequest unknown = open;
  unknown.workflow_id = "no_such_workflow";
  auto refused = desk_->register_inquiry_opening_case(inquiry, *engine_, unknown);
  EXPECT_EQ(refused.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(count_inquiries(), inquiries);
  EXPECT_EQ(count_cases(), cases);
}

TEST_P(RequestPathTest, AnOperationAnswersWithTheCaseAsStoredAfterWhatItsSignalsWrote) {
  const Actor anna = person("anna");
  const CaseState opened = open_passport(anna);
  // A receiver that writes on the case in turn, as a plugin's on_case_event does.
  auto connection = engine_->events().action_performed.connect([&](const CaseState& s, const CaseEvent& e) {
    if (e.action == "register") (void)engine_->add_plugin_note(s.id, "watcher", "registered, noted");
  });
  ActionRequest register_it;
  register_it.case_id = opened.id;
  register_it.action = "register";
  register_it.actor = anna;
  auto done = engine_->act(register_it);
  connection.disconnect();
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  auto stored = store_->load_case(opened.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(done->version, opened.version + 2) << "the action and the receiver's note";
  EXPECT_EQ(*done, *stored) << "the answer is the case as stored, not one version behind";
}

TEST_P(RequestPathTest, AUnitThatRollsBackLeavesNothingBehindNotEvenInTheStoresCache) {
  const CaseState opened = open_passport(person("anna"));
  auto other = connect();
  // This connection writes version 2 inside a unit that then fails.
  CaseEvent mine{opened.id, opened.version + 1, "2026-11-24T09:00:00Z", "anna", "bsc", kSupermarket, "note",
                 opened.stage, opened.stage, {{"fields", {{"marker", "never stored"}}}}};
  CaseState phantom = opened;
  ASSERT_TRUE(apply_event(phantom, mine).ok());
  const Status failed = store_->atomically([&]() -> Status {
    if (auto st = store_->append_event(phantom, mine); !st.ok()) return st;
    return StorageError("the access record could not be written");
  });
  ASSERT_EQ(failed.code(), ErrorCode::kStorage);
  // Another connection stores a different version 2.
  CaseEvent theirs = mine;
  theirs.data = {{"fields", {{"marker", "stored"}}}};
  CaseState real = opened;
  ASSERT_TRUE(apply_event(real, theirs).ok());
  ASSERT_TRUE(other->append_event(real, theirs).ok());
  auto seen = store_->load_case(opened.id);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(*seen, real) << "the first connection reads what is stored, not the state it rolled back";
  EXPECT_EQ(seen->fields.value("marker", ""), "stored");
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestPathTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
