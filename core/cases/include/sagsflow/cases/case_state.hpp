// A case (sag), its append-only events, and replay.
//
// Every change to a case is a CaseEvent whose `data` carries the complete
// effect of the action (fields set, attachments added, clock operations,
// decision), so the current state is a pure fold of the history:
//   state = apply_event(... apply_event(CaseState{}, e1) ..., en)
// The engine builds each new state with the same apply_event() it uses for
// replay, so a stored case always equals the replay of its history.
// Plain values and pure functions: a CaseState is changed by one thread at a
// time; the functions may be called from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/deadline.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow {

enum class CaseStatus { kOpen, kClosed };
const char* case_status_key(CaseStatus s);

struct Attachment {
  std::string name;  // the required-attachment name it satisfies, e.g. "photo"
  std::string kind;  // media type or description
  std::string added_at;
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

struct CaseState {
  long long id = 0;
  std::string municipality;
  std::string case_number;
  std::string subject;
  std::string facet;
  std::string title;
  std::string workflow_id;
  int workflow_version = 0;
  std::string stage;
  CaseStatus status = CaseStatus::kOpen;
  std::optional<Cpr> citizen;
  std::string owning_authority;
  std::string received_by;       // the authority that received (opened) the case
  std::string acting_authority;  // the authority of the latest event
  std::string unit;
  nlohmann::json fields = nlohmann::json::object();
  std::vector<Attachment> attachments;
  std::optional<DeadlineClock> clock;
  std::optional<Date> decided_on;
  std::string outcome;
  std::optional<Date> complaint_due;
  // The day the inquiry that opened the case was received (the opening's
  // received_on); deadlines the law counts from receipt start on it. Unset
  // on cases opened before it was recorded: then the opening day.
  std::optional<Date> received_on;
  // The authority that made the latest decision (only it may accept a late complaint).
  std::string decided_by;
  // How the latest decision's complaint deadline was computed:
  // {sent, channel, received, due, period}; null without one.
  nlohmann::json complaint_deadline;
  // An open party hearing (FVL §19): {facts, reply_by, since, paused_clock, by}; null otherwise.
  nlohmann::json hearing;
  // The latest journalisation of a complaint: {facet: K02|K03, number, on, ...}.
  nlohmann::json journal;
  // The latest extension of an access request's deadline: {reason, expected_date, on}.
  nlohmann::json extension;
  // Set while a plugin failure blocks the case: {plugin, operation, error, action}.
  nlohmann::json incident;
  // The plugin's latest decision proposal: {outcome, reasons, details}.
  nlohmann::json proposal;
  // Set once the case is escalated to a specialist group: {to, area, reason, by, at}.
  nlohmann::json escalation;
  // A draft decision from a municipality acting under an agreement, waiting
  // for the deciding municipality: {by_authority, for_authority, outcome, reasons, at}.
  nlohmann::json draft;
  // What the citizen was asked for while the check's clock stands still:
  // {fields: [...], attachments: [...], since}. Null when nothing is awaited.
  nlohmann::json missing;
  // The citizen's complaint about the latest decision: {text, on, late, by};
  // null when none was filed since it (a new decision clears it).
  nlohmann::json complaint;
  // Set when the citizen withdrew the application: {reason, on, by}.
  nlohmann::json withdrawn;
  // The latest forwarding to another authority: {to, name, on}.
  nlohmann::json forwarded;
  // Who has claimed the case in its current stage: {person, unit, since, by}.
  // Null while it waits in its queue; cleared when the stage changes.
  nlohmann::json assignee;
  std::string opened_at;
  std::string updated_at;
  long long version = 0;  // number of events applied

  bool has_attachment(std::string_view name) const;
  bool has_field(std::string_view name) const;  // present and not empty
  friend bool operator==(const CaseState&, const CaseState&) = default;
};

struct CaseEvent {
  long long case_id = 0;
  long long seq = 0;  // 1 for the opening event, then 2, 3 ...
  std::string at;     // ISO-8601 UTC
  std::string actor;
  std::string unit;
  std::string authority;  // acting authority
  std::string action;
  std::string from_stage;
  std::string to_stage;
  nlohmann::json data = nlohmann::json::object();
  friend bool operator==(const CaseEvent&, const CaseEvent&) = default;
};

// Applies one event, all or nothing. kInvalidArgument (without touching
// `state`) when the event does not follow the state: a seq other than
// version + 1, another case's id, a clock operation that is unknown or needs a
// clock the case lacks, a missing or malformed date, data of the wrong shape;
// kFailedPrecondition when it pauses a paused clock.
Status apply_event(CaseState& state, const CaseEvent& event);
// The fold of `history` (in seq order from 1): the first failing event's
// status, or kNotFound when the history is empty.
Result<CaseState> replay(const std::vector<CaseEvent>& history);

// JSON forms. `reveal_cpr` is for storage only; everything shown to people
// (or handed to plugins) uses the masked form, in which every CPR-shaped
// string, in form fields and event data too, reads DDMMYY-XXXX.
// The *_from_json readers take the stored (revealed) form back and return
// kInvalidArgument, saying what is malformed, for anything else.
nlohmann::json to_json(const CaseState& state, bool reveal_cpr);
Result<CaseState> case_state_from_json(const nlohmann::json& j);
nlohmann::json to_json(const CaseEvent& event, bool reveal_cpr);
nlohmann::json to_json(const DeadlineClock& clock);
Result<DeadlineClock> deadline_clock_from_json(const nlohmann::json& j);

}  // namespace sagsflow
