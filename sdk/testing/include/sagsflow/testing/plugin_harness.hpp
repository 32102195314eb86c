// PluginHarness: runs a built plugin against a real engine on an in-memory
// SQLite database, so a vendor can test form validation, decision proposals
// and the whole workflow without a server.
//
//   auto h = sagsflow::testing::PluginHarness::create(PLUGIN_PATH);
//   ASSERT_TRUE(h.ok()) << h.status().to_string();
//   auto c = (*h)->open_case({{"name", "Jens"}}, "070761-4285");
//   auto r = (*h)->act(c->id, "complete", {{"income", 250000}});
//   EXPECT_EQ(r.status().code(), ErrorCode::kGuardFailed);
//
// PLUGIN_PATH is the NAME.so that sagsflow_add_plugin() built; its manifest
// and workflow are beside it. The harness loads the plugin exactly as the
// host does (every refusal applies), deploys its workflow, and acts as a
// person holding every role the workflow names. A plugin can be loaded once
// per process at a time, so keep one harness per plugin alive at a time
// (one per test is the usual way). A harness is not thread-safe: use it from
// one thread.
//
// The engine itself lives inside libsagsflow_testing (linked privately); this
// header speaks only the test kit's own types below, C++17 and nlohmann-json.
#pragma once

#include <nlohmann/json.hpp>

#include <cassert>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#if defined(_WIN32)
#define SAGSFLOW_TESTING_API
#else
#define SAGSFLOW_TESTING_API __attribute__((visibility("default")))
#endif

namespace sagsflow::testing {

// Why the engine refused, as the engine says it (same names and meanings).
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // input is malformed (bad CPR, bad workflow, bad field)
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // a unique thing exists already
  kConflict,            // a concurrent change won
  kGuardFailed,         // an action's preconditions are not met (missing items, the plugin's form rules)
  kForbidden,           // the actor may not do this (e.g. another authority decides)
  kFailedPrecondition,  // the object is in a state that does not allow this
  kSchemaTooNew,        // the database was written by a newer Sagsflow
  kStorage,             // the database failed
  kPluginFailed,        // a plugin threw, reported an error or returned garbage
  kInternal,            // a bug or an unexpected failure
};

// ok, or an ErrorCode with the engine's message.
class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string name, std::string message)
      : code_(code), name_(std::move(name)), message_(std::move(message)) {}
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "guard_failed: ..." (or "ok").
  std::string to_string() const { return ok() ? "ok" : name_ + ": " + message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string name_ = "ok";
  std::string message_;
};

// A value or a non-ok Status. Check ok() before *, -> or value().
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}     // NOLINT
  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  const T& value() const& { assert(ok()); return std::get<T>(data_); }
  T& value() & { assert(ok()); return std::get<T>(data_); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> data_;
};

// A case as the engine keeps it (CPR masked). `json` is the whole case in the
// same JSON form a plugin is handed; the members are the parts tests look at.
struct Case {
  long long id = 0;
  std::string case_number;
  std::string workflow_id;
  std::string stage;
  std::string status;  // "open" or "closed"
  std::string owning_authority;
  std::string outcome;                       // granted, partly_granted, refused; "" before a decision
  std::optional<std::string> decided_on;     // YYYY-MM-DD
  std::optional<std::string> complaint_due;  // YYYY-MM-DD
  nlohmann::json fields = nlohmann::json::object();
  nlohmann::json proposal;  // the plugin's latest proposal {outcome, reasons, details}, or null
  nlohmann::json incident;  // {plugin, operation, error, action} while a plugin failure blocks the case, or null
  nlohmann::json forwarded;  // the latest forwarding to another authority {to, name, on}, or null
  nlohmann::json json;
};

// One event of a case's history.
struct CaseEvent {
  long long seq = 0;  // 1 for the opening event
  std::string at;     // ISO-8601 UTC
  std::string actor;
  std::string authority;
  std::string action;  // "open", "register", ..., "note", "plugin_event"
  std::string from_stage;
  std::string to_stage;
  nlohmann::json data = nlohmann::json::object();
};

// The events a plugin recorded with host().add_event(case, kind, data), in
// order: their `data`.
inline std::vector<nlohmann::json> plugin_events(const std::vector<CaseEvent>& history, const std::string& kind) {
  std::vector<nlohmann::json> found;
  for (const auto& e : history) {
    if (e.action != "plugin_event" || !e.data.contains("plugin_event")) continue;
    const auto& pe = e.data.at("plugin_event");
    if (pe.is_object() && pe.value("kind", "") == kind) found.push_back(pe.contains("data") ? pe.at("data") : nullptr);
  }
  return found;
}

// The texts of the case's notes, in order.
inline std::vector<std::string> notes_of(const std::vector<CaseEvent>& history) {
  std::vector<std::string> notes;
  for (const auto& e : history) {
    if (e.action == "note") notes.push_back(e.data.value("note", ""));
  }
  return notes;
}

// Who acts: a person (id) in a unit, acting for an authority (a municipality
// code like "0999" or a state authority id like "politiet"), with roles.
struct Actor {
  std::string id;
  std::string unit;
  std::string authority;
  std::vector<std::string> roles;
};

// What the plugin's manifest declares (as the host parsed it); `json` has all of it.
struct Manifest {
  std::string id, name, version, vendor;
  std::string service_area;
  std::vector<std::string> kle_subjects, kle_facets;
  struct Authority {
    std::string kind;  // this_municipality, other_municipality or state
    std::string id;
    std::string name;
  } owning_authority;
  struct Complaints {
    bool reconsideration = true;
    std::string appeals_body;
    std::optional<std::string> deadline;  // described, e.g. "4 weeks"; none when not declared
  } complaints;
  std::vector<std::string> life_situations;
  nlohmann::json json;
};

class SAGSFLOW_TESTING_API PluginHarness {
 public:
  // A delivery plugin (ABI 1.2, no workflow) is refused with InvalidArgument:
  // test it with MockHost and delivery_of() instead.
  // Loads the plugin at `library_path` with these configuration values
  // (what host().config(key) answers) and deploys its workflow, in the
  // municipality "0999" (Testkommune). The clock reads 2026-11-23 09:00 UTC.
  static Result<std::unique_ptr<PluginHarness>> create(const std::string& library_path,
                                                       std::map<std::string, std::string> config = {});
  ~PluginHarness();
  PluginHarness(const PluginHarness&) = delete;
  PluginHarness& operator=(const PluginHarness&) = delete;

  const Manifest& manifest() const;
  // Someone in the citizen-service centre of 0999 holding every role of the workflow.
  Actor actor() const;
  // Moves the engine's clock to 09:00 UTC on `yyyy_mm_dd` (deadlines count
  // from Copenhagen dates). InvalidArgument when it is not a date.
  Status set_today(const std::string& yyyy_mm_dd);

  Result<Case> open_case(nlohmann::json fields = nlohmann::json::object(),
                         std::optional<std::string> cpr = std::nullopt);
  // Performs `action` as actor(). Attachments are given by name ("photo").
  Result<Case> act(long long case_id, const std::string& action, nlohmann::json fields = nlohmann::json::object(),
                   std::vector<std::string> attachments = {});
  // The same, as someone else (e.g. another authority's caseworker).
  Result<Case> act_as(const Actor& actor, long long case_id, const std::string& action,
                      nlohmann::json fields = nlohmann::json::object(), std::vector<std::string> attachments = {});
  // A party hearing (FVL §19) as `actor`: the facts the citizen is heard on,
  // and the citizen's reply that ends it. A workflow with
  // hearing_before_refusal refuses only after a hearing has ended.
  Result<Case> hold_hearing(const Actor& actor, long long case_id, const std::string& facts);
  Result<Case> hearing_reply(const Actor& actor, long long case_id, const std::string& reply);
  // The form's problems for these fields (declarative rules, then the plugin's code).
  Result<std::vector<std::string>> validate_form(nlohmann::json fields);
  // Asks the plugin for a proposal and records it; the case with `proposal` set.
  Result<Case> propose_decision(long long case_id);
  Result<Case> get_case(long long case_id);
  Result<std::vector<CaseEvent>> history(long long case_id);
  // ok when the stored case equals the replay of its history (the engine's
  // promise: every change is an event that carries its whole effect).
  Status replay_matches_state(long long case_id);
  // Deploys another workflow (or a new version of the plugin's own, which
  // open_case then uses). `file_name` names it in messages.
  Status deploy_workflow(const std::string& yaml, const std::string& file_name);

  struct Parts;

 private:
  explicit PluginHarness(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace sagsflow::testing
