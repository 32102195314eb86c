// CaseEngine: what a citizen does with their own case (self-service): add a
// document, answer a request for missing items, reply in a party hearing,
// complain, withdraw. Each is one event by citizen_actor(); the rules of
// when each is possible live here, and citizen_may() answers them without
// acting, for the pages that offer the buttons.
#include <fmt/format.h>

#include <algorithm>

#include "action_plan.hpp"
#include "sagsflow/domain/blank_text.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/engine/engine.hpp"

namespace sagsflow {

using nlohmann::json;

Actor citizen_actor() { return Actor{kCitizenActorId, "", "", {"citizen"}}; }

namespace {

// The citizen acting on their case: the case's unit and acting authority
// stay as they are (the citizen is no authority; letters name the authority).
Actor citizen_on(const CaseState& state) {
  Actor a = citizen_actor();
  a.unit = state.unit;
  a.authority = state.acting_authority;
  return a;
}

// The stage's action that files a complaint (`complaint: true`), if it has one.
const ActionDefinition* complaint_action(const StageDefinition* stage) {
  if (stage == nullptr) return nullptr;
  for (const auto& a : stage->actions) {
    if (a.opens_complaint) return &a;
  }
  return nullptr;
}

bool listed(const json& list, const std::string& name) {
  if (!list.is_array()) return false;
  return std::any_of(list.begin(), list.end(), [&](const json& v) { return v.is_string() && v.get<std::string>() == name; });
}

Status check_text(const std::string& text, const char* field, std::size_t limit) {
  if (is_blank_text(text)) return InvalidArgument(fmt::format("{}: must not be empty", field));
  if (text.size() > limit) return InvalidArgument(fmt::format("{}: is longer than {} bytes", field, limit));
  return Status::Ok();
}

}  // namespace

json CaseEngine::resume_for_citizen(const CaseState& state, Date today) const {
  json ops = json::array();
  if (!state.clock || !state.clock->paused() || !state.hearing.is_null()) return ops;
  DeadlineClock clock = *state.clock;
  if (clock.resume(today, calendar_for(state.municipality)).ok()) {
    ops.push_back({{"op", "resume"}, {"on", format_date(today)}, {"due", format_date(clock.due)}});
  }
  return ops;
}

Result<CitizenMay> CaseEngine::citizen_may(const CaseState& state) {
  CitizenMay may;
  const bool open = state.status == CaseStatus::kOpen;
  may.upload = open;
  may.hearing_reply = open && !state.hearing.is_null();
  may.withdraw = open && !state.decided_on;
  may.missing_answered = open && !state.missing.is_null();
  if (state.decided_on && state.complaint.is_null()) {
    auto wf = workflow(state.workflow_id, state.workflow_version);
    if (!wf.ok()) return wf.status();
    const bool in_complaint_stage = complaint_action((*wf)->find_stage(state.stage)) != nullptr;
    const bool past = state.complaint_due && today() > *state.complaint_due;
    // In time: into the complaint stage. Late: recorded for the authority, also on a closed case.
    may.complain = past ? (in_complaint_stage || !open) : in_complaint_stage;
    may.complaint_late = may.complain && past;
  }
  return may;
}

Status CaseEngine::record_citizen_read(const CaseState& state, const std::string& purpose, const std::string& via) {
  AccessRecord record;
  record.at = format_timestamp(options_.clock());
  record.municipality = state.municipality;
  record.case_id = state.id;
  record.case_number = state.case_number;
  record.actor = "citizen";
  record.authority = "citizen";
  record.purpose = purpose;
  record.via = via;
  auto id = store_.record_access(record);
  return id.ok() ? Status::Ok() : id.status();
}

Result<CaseState> CaseEngine::citizen_document_added(long long id, const Cpr& citizen, const json& document,
                                                     const std::string& kind) {
  if (!document.is_object() || !document.value("id", json()).is_number_integer() ||
      !document.value("media_type", json()).is_string()) {
    return InvalidArgument("a document event needs the document's id and media type");
  }
  auto state = citizen_case(id, citizen);
  if (!state.ok()) return state.status();
  if (state->status != CaseStatus::kOpen) {
    return FailedPrecondition(fmt::format("case {} is closed; no document can be added to it", state->case_number));
  }
  CaseEvent e = next_event(*state, citizen_on(*state), "document_added", state->stage);
  e.data["document"] = document;
  const bool attachment = !kind.empty() && kind != "other";
  if (attachment) e.data["attachments"] = json::array({{{"name", kind}, {"kind", document.at("media_type")}}});
  if (attachment && !state->missing.is_null() && listed(state->missing.value("attachments", json()), kind)) {
    // Received once every attachment asked for is here; fields asked for need the citizen's "that is all".
    bool all_here = state->missing.value("fields", json::array()).empty();
    for (const auto& a : state->missing.value("attachments", json::array())) {
      if (!a.is_string()) continue;
      const std::string name = a.get<std::string>();
      if (name != kind && !state->has_attachment(name)) all_here = false;
    }
    if (all_here) {
      e.data["missing_received"] = true;
      e.data["missing_answered"] = {{"by", "upload"}, {"on", format_date(today())}};
      if (json ops = resume_for_citizen(*state, today()); !ops.empty()) e.data["clock"] = ops;
    }
  }
  return commit(*state, std::move(e), /*answers=*/false);
}

Result<CaseState> CaseEngine::citizen_missing_answered(long long id, const Cpr& citizen) {
  auto state = citizen_case(id, citizen);
  if (!state.ok()) return state.status();
  if (state->status != CaseStatus::kOpen || state->missing.is_null()) {
    return FailedPrecondition(fmt::format("case {} does not wait for anything from you", state->case_number));
  }
  CaseEvent e = next_event(*state, citizen_on(*state), "missing_answered", state->stage);
  e.data["missing_received"] = true;
  e.data["missing_answered"] = {{"by", "citizen"}, {"on", format_date(today())}};
  if (json ops = resume_for_citizen(*state, today()); !ops.empty()) e.data["clock"] = ops;
  return commit(*state, std::move(e), /*answers=*/false);
}

Result<CaseState> CaseEngine::citizen_hearing_reply(long long id, const Cpr& citizen, const std::string& text) {
  if (auto st = check_text(text, "text", 64 * 1024); !st.ok()) return st;
  auto state = citizen_case(id, citizen);
  if (!state.ok()) return state.status();
  if (state->status != CaseStatus::kOpen || state->hearing.is_null()) {
    return FailedPrecondition(fmt::format("case {} has no party hearing open", state->case_number));
  }
  return end_hearing(*state, citizen_on(*state), "reply", text, today());
}

Result<ComplaintFiled> CaseEngine::citizen_complaint(long long id, const Cpr& citizen, const std::string& text) {
  if (auto st = check_text(text, "text", 64 * 1024); !st.ok()) return st;
  auto state = citizen_case(id, citizen);
  if (!state.ok()) return state.status();
  if (!state->decided_on) {
    return FailedPrecondition(fmt::format("case {} has no decision to complain about", state->case_number));
  }
  if (!state->complaint.is_null()) {
    return FailedPrecondition(fmt::format("your complaint about the decision of case {} was filed on {}",
                                          state->case_number, state->complaint.value("on", std::string())));
  }
  auto may = citizen_may(*state);
  if (!may.ok()) return may.status();
  if (!may->complain) {
    return FailedPrecondition(fmt::format("case {} is not where a complaint can be filed (stage '{}')",
                                          state->case_number, state->stage));
  }
  const Date day = today();
  ComplaintFiled out;
  out.deadline = state->complaint_due;
  out.late = may->complaint_late;
  json complaint = {{"text", text}, {"on", format_date(day)}, {"late", out.late}, {"by", kCitizenActorId}};
  if (state->complaint_due) complaint["deadline"] = format_date(*state->complaint_due);
  CaseEvent e;
  if (out.late) {
    // The authority decides whether to hear it (docs/legal.md#late-complaints): the stage stays.
    complaint["days_late"] = (day - *state->complaint_due).count();
    e = next_event(*state, citizen_on(*state), "complaint_received", state->stage);
    e.data["complaint"] = complaint;
  } else {
    auto wf = workflow(state->workflow_id, state->workflow_version);
    if (!wf.ok()) return wf.status();
    ActionPlan plan;
    plan.wf = *wf;
    plan.stage = plan.wf->find_stage(state->stage);
    plan.action = complaint_action(plan.stage);
    plan.task = plan.wf->task_of(*plan.stage, *plan.action);
    e = next_event(*state, citizen_on(*state), plan.action->name, plan.action->next);
    e.data["complaint"] = complaint;
    if (json ops = clock_operations(plan, *state, day); !ops.empty()) e.data["clock"] = ops;
    auto journal = journal_of(plan, *state, day);
    if (!journal.ok()) return journal.status();
    if (!journal->is_null()) e.data["journal"] = *journal;
  }
  auto stored = commit(*state, std::move(e), /*answers=*/false);
  if (!stored.ok()) return stored.status();
  out.state = std::move(*stored);
  return out;
}

Result<CaseState> CaseEngine::citizen_withdraw(long long id, const Cpr& citizen, const std::string& reason) {
  if (reason.size() > 2000) return InvalidArgument("reason: is longer than 2000 bytes");
  auto state = citizen_case(id, citizen);
  if (!state.ok()) return state.status();
  if (state->status != CaseStatus::kOpen) {
    return FailedPrecondition(fmt::format("case {} is closed; there is nothing to withdraw", state->case_number));
  }
  if (state->decided_on) {
    return FailedPrecondition(fmt::format("case {} was decided on {}; a decided application cannot be withdrawn "
                                          "(you may complain about the decision)",
                                          state->case_number, format_date(*state->decided_on)));
  }
  CaseEvent e = next_event(*state, citizen_on(*state), "withdrawn", "closed");
  e.data["withdrawn"] = {{"reason", reason}, {"on", format_date(today())}, {"by", kCitizenActorId}};
  if (state->clock) e.data["clock"] = json::array({{{"op", "stop"}}});
  return commit(*state, std::move(e), /*answers=*/false);
}

}  // namespace sagsflow
