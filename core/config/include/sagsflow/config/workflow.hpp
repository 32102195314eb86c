// Workflow definitions: YAML files of stages of the five kinds (receipt,
// check, decision, referral, complaint), each with named actions, the next
// stage per action, guards and deadlines.
//
// parse_workflow() never throws: it returns either a definition or every
// error it found, each with file, line and column (1-based). A definition
// with errors is never returned, so it can never be deployed.
//
// Thread-safety: parsing keeps no state and may run on any thread; a
// WorkflowDefinition is a plain value, safe to share between threads once no
// one changes it (the engine hands them out as shared_ptr<const>).
//
// Format (see docs/workflows.md for the full reference):
//   id: passport                # [a-z][a-z0-9_-]*
//   title: Pas
//   subject: 23.09.02           # KLE subject
//   facet: G01                  # KLE handling facet (default G01)
//   owning_authority: municipality
//   start: receipt
//   complaint_deadline: {weeks: 4}
//   stages:
//     receipt:
//       kind: receipt
//       actions:
//         register: {next: check, roles: [frontdesk]}
//     check:
//       kind: check
//       deadline: {working_days: 5}
//       actions:
//         request_missing: {next: check, clock: pause}
//         complete: {next: decision, requires: {fields: [name], attachments: [photo]}}
//     ...  an action with `next: closed` ends the case.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/domain/deadline.hpp"

namespace sagsflow {

enum class StageKind { kReceipt, kCheck, kDecision, kReferral, kComplaint };
const char* stage_kind_key(StageKind k);  // "receipt"
std::optional<StageKind> stage_kind_from_key(std::string_view key);

inline constexpr std::string_view kClosedStage = "closed";

struct SourcePosition {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct Diagnostic {
  std::string file;
  SourcePosition pos;
  std::string message;
  std::string to_string() const;  // "file:line:column: error: message"
};

// The task an action performs unless it names one: receipt -> "receive",
// check -> "check", decision -> "decide", referral -> "forward",
// complaint -> "complaint". Municipality files place responsibilities per task.
const char* default_task(StageKind k);

enum class ClockEffect { kNone, kPause, kResume };

struct Requirements {
  std::vector<std::string> fields;
  std::vector<std::string> attachments;
};

struct ActionDefinition {
  std::string name;
  std::string title;
  std::string next;  // a stage name or "closed"
  std::vector<std::string> roles;  // empty: anyone who may work on the case
  Requirements requires_;
  ClockEffect clock = ClockEffect::kNone;
  bool decision = false;        // records the decision date; complaint deadline starts
  std::string outcome;          // for decisions: granted, partly_granted, refused ...
  bool opens_complaint = false; // must happen within the complaint deadline
  bool validate_form = false;   // the workflow's plugin validates the form first
  // The task this action performs, for the organisation rules (who may do it,
  // whose queue). Empty: the stage kind's task (default_task()).
  std::string task;
  bool complex = false;  // the customer line may not take it; it escalates to the specialist group
  // Writes to the citizen that the stage's deadline cannot be kept: needs the
  // fields extension_reason (not blank) and expected_date (a date after
  // today), recorded as the event's `extension` (offentlighedsloven §36 stk. 2).
  bool extension = false;
  SourcePosition pos;
};

struct StageDefinition {
  std::string name;
  std::string title;
  StageKind kind = StageKind::kReceipt;
  std::optional<DeadlineSpec> deadline;
  std::vector<ActionDefinition> actions;  // in file order
  SourcePosition pos;
  const ActionDefinition* find_action(std::string_view action) const;
};

struct WorkflowDefinition {
  std::string id;
  std::string title;
  std::string subject;  // KLE NN.NN.NN
  std::string facet = "G01";
  std::string owning_authority = "municipality";
  std::string plugin;  // the service-area plugin whose code this workflow calls
  std::string service_area;  // e.g. "passports"; the workflow id when the file names none
  std::string start;
  std::optional<DeadlineSpec> complaint_deadline;
  // Where a complaint goes after the deciding authority's reconsideration
  // (e.g. "Ankestyrelsen"); named in the complaint guidance of decisions.
  std::string appeals_body;
  // Refusals and partial grants may rest on facts the citizen does not know:
  // such a decision needs a party hearing held on the case first (FVL §19),
  // or the field `hearing_not_needed` saying why none is (§19 stk. 2).
  bool hearing_before_refusal = false;
  // The citizen may complain when no decision has come this long after
  // receipt (offentlighedsloven §37 stk. 1: 14 working days); the opening
  // records the date (`undecided_complaint_from`).
  std::optional<DeadlineSpec> undecided_complaint_after;
  std::vector<StageDefinition> stages;  // in file order
  const StageDefinition* find_stage(std::string_view stage) const;
  // The task `action` of `stage` performs (its own, or its stage kind's).
  std::string task_of(const StageDefinition& stage, const ActionDefinition& action) const;
};

struct WorkflowParseResult {
  std::optional<WorkflowDefinition> definition;  // set only when errors is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return definition.has_value(); }
};

// Every error names `file_name`, a line and a column; errors come in line
// order. `definition` is set only when there are none.
WorkflowParseResult parse_workflow(std::string_view yaml_text, std::string_view file_name);
// parse_workflow of the file's text; a file that cannot be read is one error
// naming the path (no position).
WorkflowParseResult load_workflow_file(const std::string& path);

}  // namespace sagsflow
