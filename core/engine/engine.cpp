#include "sagsflow/engine/engine.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <regex>
#include <set>

#include "sagsflow/domain/case_number.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow {
using nlohmann::json;

namespace {

std::string join_names(const std::vector<ActionDefinition>& actions) {
  std::vector<std::string> names;
  for (const auto& a : actions) names.push_back(a.name);
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

bool may_act(const ActionDefinition& action, const Actor& actor) {
  if (action.roles.empty()) return true;
  for (const auto& r : action.roles) {
    if (actor.has_role(r)) return true;
  }
  return false;
}

}  // namespace

CaseEngine::CaseEngine(CaseStore& store, EngineOptions options)
    : store_(store), options_(std::move(options)) {}

template <typename... Args, typename Signal>
void CaseEngine::emit(Signal& signal, const Args&... args) {
  try {
    signal(args...);
  } catch (const std::exception& e) {
    logger()->error("an event receiver failed (the change is stored): {}", e.what());
  } catch (...) {
    logger()->error("an event receiver failed with an unknown error (the change is stored)");
  }
}

Result<DeployOutcome> CaseEngine::deploy_workflow(std::string_view yaml, std::string_view file_name) {
  auto parsed = parse_workflow(yaml, file_name);
  if (!parsed.ok()) {
    std::string msg = fmt::format("workflow {} has {} error(s) and was not deployed:",
                                  file_name, parsed.errors.size());
    for (const auto& d : parsed.errors) msg += "\n  " + d.to_string();
    return InvalidArgument(msg);
  }
  const auto& def = *parsed.definition;
  auto out = store_.deploy_workflow(def.id, std::string(yaml), sha256_hex(yaml),
                                    std::string(file_name), format_timestamp(options_.clock()));
  if (out.ok() && out->created) {
    logger()->info("deployed workflow {} version {}", def.id, out->record.version);
  }
  return out;
}

Result<std::shared_ptr<const WorkflowDefinition>> CaseEngine::workflow(const std::string& id,
                                                                       std::optional<int> version) {
  if (version) {
    MutexLock lock(cache_mutex_);
    if (auto it = cache_.find({id, *version}); it != cache_.end()) return it->second;
  }
  auto record = store_.load_workflow(id, version);
  if (!record.ok()) return record.status();
  MutexLock lock(cache_mutex_);
  if (auto it = cache_.find({id, record->version}); it != cache_.end()) return it->second;
  auto parsed = parse_workflow(record->source, record->file_name);
  if (!parsed.ok()) {
    return Internal(fmt::format("stored workflow {} version {} no longer parses: {}", id,
                                record->version, parsed.errors.front().to_string()));
  }
  auto def = std::make_shared<const WorkflowDefinition>(std::move(*parsed.definition));
  cache_[{id, record->version}] = def;
  return def;
}

Result<CaseState> CaseEngine::open_case(const OpenCaseRequest& req) {
  auto name = store_.municipality_name(req.municipality);
  if (!name.ok()) return name.status();
  const auto* org = options_.organisation;
  // The municipality's own workflow for the area, if it has one.
  const std::string workflow_id =
      org && !req.workflow_version ? org->workflow_for(req.municipality, req.workflow_id) : req.workflow_id;
  auto wf_result = workflow(workflow_id, req.workflow_version);
  if (!wf_result.ok()) return wf_result.status();
  const auto wf = *wf_result;
  if (org) {
    if (auto st = org->may_open(req.actor, req.municipality, wf->service_area); !st.ok()) return st;
  }
  auto version = store_.load_workflow(workflow_id, req.workflow_version);
  if (!version.ok()) return version.status();

  std::optional<Cpr> citizen;
  if (req.citizen_cpr) {
    auto cpr = Cpr::parse(*req.citizen_cpr);
    if (!cpr.ok()) return cpr.status();
    if (!cpr->mod11_ok()) {
      logger()->info("CPR number {} fails the modulus-11 check; accepted (numbers without a "
                     "check digit are issued since 2007)", cpr->masked());
    }
    citizen = *cpr;
  }
  const std::string facet = req.facet.value_or(wf->facet);
  if (!is_kle_facet(facet)) return InvalidArgument("facet '" + facet + "' is not a KLE facet such as G01");
  const std::string subject = req.subject.value_or(wf->subject);
  if (!is_kle_subject(subject)) return InvalidArgument("subject '" + subject + "' is not a KLE subject NN.NN.NN");
  const json fields = req.fields.is_null() ? json::object() : req.fields;
  if (!fields.is_object()) return InvalidArgument("fields must be a JSON object");

  const Timestamp now = options_.clock();
  const Date today = copenhagen_date(now);
  const int year = static_cast<int>(std::chrono::year_month_day{today}.year());
  const std::string owning = org && org->knows(req.municipality)
                                 ? org->owning_authority(req.municipality, wf->service_area)
                             : wf->owning_authority == "municipality" ? req.municipality
                                                                       : wf->owning_authority;
  const StageDefinition* start = wf->find_stage(wf->start);

  auto created = store_.create_case(
      req.municipality, year,
      [&](long long id, long long sequence) -> Result<std::pair<CaseState, CaseEvent>> {
        CaseEvent e;
        e.case_id = id;
        e.seq = 1;
        e.at = format_timestamp(now);
        e.actor = req.actor.id;
        e.unit = req.actor.unit;
        e.authority = req.actor.authority;
        e.action = "open";
        e.from_stage = "";
        e.to_stage = wf->start;
        e.data = {{"municipality", req.municipality},
                  {"case_number", CaseNumber{subject, facet, sequence, year}.to_string()},
                  {"subject", subject},
                  {"facet", facet},
                  {"title", req.title.empty() ? wf->title : req.title},
                  {"workflow", {{"id", wf->id}, {"version", version->version}}},
                  {"owning_authority", owning},
                  {"fields", fields}};
        if (citizen) e.data["citizen"] = citizen->reveal();
        if (start->deadline) {
          e.data["clock"] = json::array(
              {{{"op", "start"},
                {"clock", to_json(DeadlineClock::start(*start->deadline, today, options_.calendar))}}});
        }
        CaseState s;
        if (auto st = apply_event(s, e); !st.ok()) return st;
        return std::make_pair(std::move(s), std::move(e));
      });
  if (!created.ok()) return created.status();
  logger()->info("opened case {} ({}) for {}", created->case_number, wf->id,
                 citizen ? citizen->masked() : std::string("no citizen"));
  emit(events_.case_opened, *created);
  return created;
}

Result<std::vector<ActionDefinition>> CaseEngine::available_actions(long long id, const Actor& actor) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  std::vector<ActionDefinition> out;
  if (state->status == CaseStatus::kClosed) return out;
  auto wf = workflow(state->workflow_id, state->workflow_version);
  if (!wf.ok()) return wf.status();
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  if (const auto* stage = (*wf)->find_stage(state->stage)) {
    for (const auto& a : stage->actions) {
      if (!may_act(a, actor)) continue;
      if (options_.organisation &&
          !options_.organisation->may_perform(actor, *state, (*wf)->service_area, a, (*wf)->task_of(*stage, a)).ok()) {
        continue;
      }
      out.push_back(a);
    }
  }
  return out;
}

Status CaseEngine::check_may_see(const Actor& actor, const CaseState& state) {
  if (options_.organisation == nullptr || !options_.organisation->knows(state.municipality)) return Status::Ok();
  auto area = area_of(state);
  if (!area.ok()) return area.status();
  return options_.organisation->may_see(actor, state, *area);
}

Result<std::string> CaseEngine::area_of(const CaseState& state) {
  auto wf = workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok()) return wf.status();
  return (*wf)->service_area;
}

Result<CaseState> CaseEngine::get_case_for(long long id, const Actor& actor, const ReadPurpose& why) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state;
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  if (auto st = record_read(*state, actor, why); !st.ok()) return st;
  return state;
}

Result<std::vector<CaseEvent>> CaseEngine::history_for(long long id, const Actor& actor, const ReadPurpose& why) {
  auto state = get_case_for(id, actor, why);
  if (!state.ok()) return state.status();
  return store_.load_history(id);
}

Status CaseEngine::record_read(const CaseState& state, const Actor& actor, const ReadPurpose& why) {
  if (why.purpose.empty()) return InvalidArgument("a read of a case's personal data needs its purpose");
  AccessRecord r;
  r.at = format_timestamp(options_.clock());
  r.municipality = state.municipality;
  r.case_id = state.id;
  r.case_number = state.case_number;
  r.actor = actor.id;
  r.unit = actor.unit;
  r.authority = actor.authority;
  r.purpose = why.purpose;
  r.via = why.via.empty() ? "core" : why.via;
  // No record, no data: a read that cannot be logged is refused.
  auto recorded = store_.record_access(r);
  return recorded.ok() ? Status::Ok() : recorded.status();
}

Result<std::vector<CaseState>> CaseEngine::cases_of_citizen(const Cpr& citizen) {
  CaseFilter filter;
  filter.citizen = citizen;
  filter.limit = 1000;
  return store_.list_cases(filter);
}

Result<std::vector<CaseState>> CaseEngine::list_cases_for(const CaseFilter& filter, const Actor& actor) {
  if (options_.organisation != nullptr && !options_.organisation->empty()) {
    // Someone the organisation cannot place sees nothing, and is told why.
    if (auto who = options_.organisation->identify(actor, filter.municipality.value_or("")); !who.ok()) {
      return who.status();
    }
  }
  auto all = store_.list_cases(filter);
  if (!all.ok() || options_.organisation == nullptr) return all;
  std::vector<CaseState> out;
  for (auto& s : *all) {
    if (check_may_see(actor, s).ok()) out.push_back(std::move(s));
  }
  return out;
}

Result<Queue> CaseEngine::queue_of(const CaseState& state) {
  if (options_.organisation == nullptr || !options_.organisation->knows(state.municipality)) return Queue{};
  auto wf = workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok()) return wf.status();
  std::string task = "receive";
  if (const auto* stage = (*wf)->find_stage(state.stage)) {
    task = stage->actions.empty() ? default_task(stage->kind) : (*wf)->task_of(*stage, stage->actions.front());
    if (!state.draft.is_null()) task = "decide";
  }
  return options_.organisation->queue_of(state, (*wf)->service_area, task);
}

Result<CaseState> CaseEngine::act(const ActionRequest& req) {
  auto loaded = store_.load_case(req.case_id);
  if (!loaded.ok()) return loaded.status();
  const CaseState& state = *loaded;
  // Nothing about a case (its state, stage or actions) to someone who may not see it.
  if (auto st = check_may_see(req.actor, state); !st.ok()) return st;
  if (req.expected_version && *req.expected_version != state.version) {
    return Conflict(fmt::format("case {} is at version {}, but the action was based on version {}; "
                                "another action came first: re-read the case and try again",
                                state.case_number, state.version, *req.expected_version));
  }
  if (state.status == CaseStatus::kClosed) {
    return FailedPrecondition(fmt::format("case {} is closed; no action can be taken", state.case_number));
  }
  auto wf_result = workflow(state.workflow_id, state.workflow_version);
  if (!wf_result.ok()) return wf_result.status();
  const auto wf = *wf_result;
  const StageDefinition* stage = wf->find_stage(state.stage);
  if (!stage) {
    return Internal(fmt::format("case {} is in stage '{}', which workflow {} v{} does not define",
                                state.case_number, state.stage, wf->id, state.workflow_version));
  }
  const ActionDefinition* action = stage->find_action(req.action);
  if (!action) {
    return InvalidArgument(fmt::format("stage '{}' of case {} has no action '{}'; available: {}",
                                       stage->name, state.case_number, req.action,
                                       join_names(stage->actions)));
  }
  const std::string task = wf->task_of(*stage, *action);
  const auto* org = options_.organisation;
  if (org && org->knows(state.municipality)) {
    if (auto st = org->may_perform(req.actor, state, wf->service_area, *action, task); !st.ok()) return st;
  }
  // Only the owning authority decides, and reconsiders its decision on a
  // complaint (DOMAIN.md §2, §4), whoever else serves the citizen.
  if ((action->decision || task == "complaint") && req.actor.authority != state.owning_authority) {
    return Forbidden(fmt::format(
        "case {} is decided by {}, not by {} (the acting authority); what {} may do: receive the application "
        "and forward it to {}, signpost the citizen, help fill in the form, and give general guidance on the rules",
        state.case_number, state.owning_authority, req.actor.authority, req.actor.authority, state.owning_authority));
  }
  if (!may_act(*action, req.actor)) {
    return Forbidden(fmt::format("action '{}' needs one of the roles {}; {} has {}", action->name,
                                 fmt::join(action->roles, ", "), req.actor.id,
                                 req.actor.roles.empty() ? std::string("none")
                                                         : fmt::format("{}", fmt::join(req.actor.roles, ", "))));
  }
  const json fields = req.fields.is_null() ? json::object() : req.fields;
  if (!fields.is_object()) return InvalidArgument("fields must be a JSON object");

  // Guards: required fields and attachments, counting what this action brings.
  std::vector<std::string> missing_fields, missing_attachments;
  for (const auto& f : action->requires_.fields) {
    const bool brought = fields.contains(f) && !fields.at(f).is_null() &&
                         !(fields.at(f).is_string() && fields.at(f).get<std::string>().empty());
    if (!brought && !state.has_field(f)) missing_fields.push_back(f);
  }
  for (const auto& a : action->requires_.attachments) {
    bool brought = false;
    for (const auto& att : req.attachments) brought |= att.name == a;
    if (!brought && !state.has_attachment(a)) missing_attachments.push_back(a);
  }
  if (!missing_fields.empty() || !missing_attachments.empty()) {
    std::string msg = fmt::format("action '{}' on case {} cannot be taken yet:", action->name, state.case_number);
    if (!missing_fields.empty()) msg += fmt::format(" missing fields: {};", fmt::join(missing_fields, ", "));
    if (!missing_attachments.empty()) {
      msg += fmt::format(" missing attachments: {};", fmt::join(missing_attachments, ", "));
    }
    msg.pop_back();
    return GuardFailed(msg);
  }

  const Timestamp now = options_.clock();
  const Date today = copenhagen_date(now);
  if (action->opens_complaint) {
    if (!state.decided_on) {
      return FailedPrecondition(fmt::format("case {} has no decision to complain about", state.case_number));
    }
    if (state.complaint_due && today > *state.complaint_due && !req.accept_late_complaint) {
      return FailedPrecondition(fmt::format(
          "the complaint deadline of case {} passed on {} (decision of {}); the authority may "
          "still choose to hear it (accept a late complaint)",
          state.case_number, format_date(*state.complaint_due), format_date(*state.decided_on)));
    }
  }

  if (action->validate_form) {
    CaseState with_attachments = state;  // the plugin sees what this action brings, too
    for (const auto& a : req.attachments) with_attachments.attachments.push_back({a.name, a.kind, ""});
    auto problems = plugin_form_problems(*wf, with_attachments, fields);
    if (!problems.ok()) {
      return record_incident(state, req.actor, wf->plugin, "validate_form", action->name, problems.status());
    }
    if (!problems->empty()) {
      return GuardFailed(fmt::format("action '{}' on case {} cannot be taken: the form is not valid: {}",
                                     action->name, state.case_number, fmt::join(*problems, "; ")));
    }
  }

  CaseEvent e = next_event(state, req.actor, action->name, action->next);
  if (!state.incident.is_null()) e.data["incident_cleared"] = true;
  if (!fields.empty()) e.data["fields"] = fields;
  if (!req.attachments.empty()) {
    json list = json::array();
    for (const auto& a : req.attachments) list.push_back({{"name", a.name}, {"kind", a.kind}});
    e.data["attachments"] = list;
  }
  if (!req.note.empty()) e.data["note"] = req.note;

  if (action->clock == ClockEffect::kPause && stage->kind == StageKind::kCheck) {
    // Name what the citizen is asked for: what the stage's way onward still needs.
    json want_fields = json::array(), want_attachments = json::array();
    std::set<std::string> seen;
    for (const auto& onward : stage->actions) {
      if (onward.next == stage->name) continue;
      for (const auto& f : onward.requires_.fields) {
        const bool brought = fields.contains(f) && !fields.at(f).is_null();
        if (!brought && !state.has_field(f) && seen.insert("f:" + f).second) want_fields.push_back(f);
      }
      for (const auto& a : onward.requires_.attachments) {
        bool brought = false;
        for (const auto& att : req.attachments) brought |= att.name == a;
        if (!brought && !state.has_attachment(a) && seen.insert("a:" + a).second) want_attachments.push_back(a);
      }
    }
    e.data["missing"] = {{"fields", want_fields}, {"attachments", want_attachments}, {"since", format_date(today)}};
  }
  if (action->clock == ClockEffect::kResume && !state.missing.is_null()) e.data["missing_received"] = true;

  json clock_ops = json::array();
  std::optional<DeadlineClock> clock = state.clock;
  if (clock && action->clock == ClockEffect::kPause && !clock->paused()) {
    (void)clock->pause(today);
    clock_ops.push_back({{"op", "pause"}, {"on", format_date(today)}});
  }
  if (clock && action->clock == ClockEffect::kResume && clock->paused()) {
    (void)clock->resume(today, options_.calendar);
    clock_ops.push_back({{"op", "resume"}, {"on", format_date(today)}, {"due", format_date(clock->due)}});
  }
  if (action->next != stage->name) {
    if (clock) clock_ops.push_back({{"op", "stop"}});
    const StageDefinition* next = wf->find_stage(action->next);
    if (next && next->deadline) {
      clock_ops.push_back(
          {{"op", "start"},
           {"clock", to_json(DeadlineClock::start(*next->deadline, today, options_.calendar))}});
    }
  }
  if (!clock_ops.empty()) e.data["clock"] = clock_ops;

  if (task == "forward" && state.owning_authority != req.actor.authority) {
    // A matter for another authority goes to it (FVL §7(2)): recorded with date and receiver.
    e.data["forwarded"] = {{"to", state.owning_authority},
                           {"name", org ? org->authority_name(state.owning_authority) : state.owning_authority},
                           {"on", format_date(today)}};
  }
  if (action->decision) {
    json decision = {{"date", format_date(today)}, {"outcome", action->outcome}, {"authority", req.actor.authority}};
    if (wf->complaint_deadline) {
      decision["complaint_due"] = format_date(wf->complaint_deadline->due_from(today, options_.calendar));
    }
    if (action->outcome != "granted" && !action->outcome.empty()) {
      // FVL §§22-25: reasons, and complaint guidance (where, how, by when),
      // unless the citizen gets everything asked for.
      const bool brought = fields.contains("reasons") && fields.at("reasons").is_string() &&
                           !fields.at("reasons").get<std::string>().empty();
      if (!brought && !state.has_field("reasons")) {
        return GuardFailed(fmt::format("action '{}' on case {} is a decision that does not give the citizen "
                                       "everything asked for: it needs its reasons (field 'reasons', FVL §22)",
                                       action->name, state.case_number));
      }
      if (wf->complaint_deadline) {
        const auto* org = options_.organisation;
        const std::string decider = org ? org->authority_name(state.owning_authority) : state.owning_authority;
        json guidance = {{"to", decider},
                         {"how", fmt::format("in writing or orally to {}, which reconsiders the decision", decider)},
                         {"by", decision["complaint_due"]}};
        if (!wf->appeals_body.empty()) {
          guidance["then"] = fmt::format("if {} upholds the decision, the complaint goes on to {}", decider,
                                         wf->appeals_body);
        }
        decision["complaint_guidance"] = guidance;
      }
    }
    e.data["decision"] = decision;
  }
  return commit(state, std::move(e));
}

Result<CaseState> CaseEngine::commit(const CaseState& current, CaseEvent event) {
  CaseState next = current;
  if (auto st = apply_event(next, event); !st.ok()) return Internal("engine built a bad event: " + st.message());
  if (auto st = store_.append_event(next, event); !st.ok()) return st;
  logger()->info("case {}: {} by {} ({} -> {})", next.case_number, event.action, event.actor,
                 event.from_stage, event.to_stage);
  if (event.action == "deadline_passed") {
    emit(events_.deadline_passed, next);
  } else {
    emit(events_.action_performed, next, event);
  }
  return next;
}

CaseEvent CaseEngine::next_event(const CaseState& current, const Actor& actor, std::string action,
                                  std::string to_stage) const {
  CaseEvent e;
  e.case_id = current.id;
  e.seq = current.version + 1;
  e.at = format_timestamp(options_.clock());
  e.actor = actor.id;
  e.unit = actor.unit;
  e.authority = actor.authority;
  e.action = std::move(action);
  e.from_stage = current.stage;
  e.to_stage = std::move(to_stage);
  return e;
}

Result<std::vector<std::string>> CaseEngine::plugin_form_problems(const WorkflowDefinition& wf,
                                                                  const CaseState& state, const json& fields) {
  if (options_.plugins == nullptr) {
    return NotFound(fmt::format("workflow {} needs plugin '{}', but no plugins are loaded", wf.id, wf.plugin));
  }
  return options_.plugins->validate_form(wf.plugin, state, fields);
}

Status CaseEngine::record_incident(const CaseState& current, const Actor& actor, const std::string& plugin,
                                   const std::string& operation, const std::string& action,
                                   const Status& failure) {
  CaseEvent e = next_event(current, actor, "incident", current.stage);
  e.data["incident"] = {{"plugin", plugin},
                        {"operation", operation},
                        {"action", action},
                        {"error", failure.message()},
                        {"at", e.at}};
  auto stored = commit(current, std::move(e));
  if (!stored.ok()) return stored.status();
  logger()->error("case {}: plugin {} failed in {} ({}); the case is kept in incident state",
                  current.case_number, plugin, operation, failure.message());
  return PluginFailed(fmt::format(
      "plugin '{}' failed in {} while '{}' was attempted on case {}: {}. The case and its history are "
      "kept and it is marked with an incident; retry the action when the plugin is fixed",
      plugin, operation, action, current.case_number, failure.message()));
}

Result<CaseState> CaseEngine::propose_decision(long long id, const Actor& actor) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  if (state->status == CaseStatus::kClosed) {
    return FailedPrecondition(fmt::format("case {} is closed", state->case_number));
  }
  auto wf = workflow(state->workflow_id, state->workflow_version);
  if (!wf.ok()) return wf.status();
  const StageDefinition* stage = (*wf)->find_stage(state->stage);
  if (stage == nullptr || stage->kind != StageKind::kDecision) {
    return FailedPrecondition(fmt::format("case {} is in stage '{}', not in a decision stage",
                                          state->case_number, state->stage));
  }
  if ((*wf)->plugin.empty()) {
    return FailedPrecondition(fmt::format("workflow {} names no plugin to propose decisions", (*wf)->id));
  }
  Result<json> proposal = options_.plugins
                              ? options_.plugins->propose_decision((*wf)->plugin, *state)
                              : Result<json>(NotFound("no plugins are loaded"));
  if (!proposal.ok()) {
    return record_incident(*state, actor, (*wf)->plugin, "propose_decision", "propose", proposal.status());
  }
  CaseEvent e = next_event(*state, actor, "decision_proposed", state->stage);
  e.data["proposal"] = *proposal;
  if (!state->incident.is_null()) e.data["incident_cleared"] = true;
  return commit(*state, std::move(e));
}

Status CaseEngine::report_incident(long long id, const Actor& actor, const std::string& plugin,
                                   const std::string& operation, const std::string& action, const Status& failure) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  return record_incident(*state, actor, plugin, operation, action, failure);
}

Result<CaseState> CaseEngine::add_note(long long id, const Actor& actor, const std::string& text) {
  if (text.empty()) return InvalidArgument("a note needs text");
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  CaseEvent e = next_event(*state, actor, "note", state->stage);
  e.data["note"] = text;
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::add_plugin_note(long long id, const std::string& plugin, const std::string& text) {
  if (text.empty()) return InvalidArgument("a note needs text");
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  // A plugin writes for whoever is serving the citizen, not in the owner's name.
  Actor actor = Actor::system(state->acting_authority.empty() ? state->owning_authority : state->acting_authority);
  actor.id = "plugin:" + plugin;
  CaseEvent e = next_event(*state, actor, "note", state->stage);
  e.data["note"] = text;
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::add_plugin_event(long long id, const std::string& plugin, const std::string& kind,
                                               const json& data) {
  static const std::regex kind_re("[a-z][a-z0-9_]{0,63}");
  if (!std::regex_match(kind, kind_re)) {
    return InvalidArgument("plugin event kind '" + kind + "' must be lower-case letters, digits and '_'");
  }
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  // A plugin writes for whoever is serving the citizen, not in the owner's name.
  Actor actor = Actor::system(state->acting_authority.empty() ? state->owning_authority : state->acting_authority);
  actor.id = "plugin:" + plugin;
  CaseEvent e = next_event(*state, actor, "plugin_event", state->stage);
  e.data["plugin_event"] = {{"plugin", plugin}, {"kind", kind}, {"data", data}};
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::open_access_request(long long case_id, const Actor& actor, const std::string& requester,
                                                  const std::string& note) {
  if (requester.empty()) return InvalidArgument("an access request needs the name of who asks");
  auto concerned = store_.load_case(case_id);
  if (!concerned.ok()) return concerned.status();
  if (auto st = check_may_see(actor, *concerned); !st.ok()) return st;
  OpenCaseRequest req;
  req.municipality = concerned->municipality;
  req.workflow_id = "access_request";
  req.subject = concerned->subject;  // journalised under the case's own subject ...
  req.facet = "A53";                 // ... with KLE's facet for access requests
  req.title = "Aktindsigt i sag " + concerned->case_number;
  req.fields = {{"concerns_case", concerned->case_number}, {"concerns_case_id", concerned->id},
                {"requester", requester}};
  if (!note.empty()) req.fields["note"] = note;
  req.actor = actor;
  auto opened = open_case(req);
  if (!opened.ok() && opened.status().code() == ErrorCode::kNotFound) {
    return NotFound("the access_request workflow is not deployed (sagsflow init deploys it): " +
                    opened.status().message());
  }
  return opened;
}

Result<CaseState> CaseEngine::escalate(long long id, const Actor& actor, const std::string& reason) {
  if (reason.empty()) return InvalidArgument("an escalation needs a reason (what makes the case complex)");
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (state->status == CaseStatus::kClosed) return FailedPrecondition(fmt::format("case {} is closed", state->case_number));
  auto area = area_of(*state);
  if (!area.ok()) return area.status();
  if (options_.organisation && options_.organisation->knows(state->municipality)) {
    if (auto st = options_.organisation->may_escalate(actor, *state, *area); !st.ok()) return st;
  } else if (!state->escalation.is_null()) {
    return FailedPrecondition(fmt::format("case {} is already escalated", state->case_number));
  }
  CaseEvent e = next_event(*state, actor, "escalated", state->stage);
  e.data["escalation"] = {{"to", "specialist_group"}, {"area", *area}, {"reason", reason}, {"by", actor.id},
                          {"at", e.at}};
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::draft_decision(long long id, const Actor& actor, const std::string& outcome,
                                             const std::string& reasons) {
  static const std::set<std::string> kOutcomes{"granted", "partly_granted", "refused", "dismissed"};
  if (!kOutcomes.contains(outcome)) {
    return InvalidArgument(fmt::format("a draft decision's outcome must be one of {}, got '{}'",
                                       fmt::join(kOutcomes, ", "), outcome));
  }
  if (reasons.empty()) return InvalidArgument("a draft decision needs its reasons");
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  auto wf = workflow(state->workflow_id, state->workflow_version);
  if (!wf.ok()) return wf.status();
  const StageDefinition* stage = (*wf)->find_stage(state->stage);
  if (state->status == CaseStatus::kClosed || stage == nullptr || stage->kind != StageKind::kDecision) {
    return FailedPrecondition(fmt::format("case {} is in stage '{}', not in a decision stage", state->case_number,
                                          state->stage));
  }
  if (options_.organisation && options_.organisation->knows(state->municipality)) {
    if (auto st = options_.organisation->may_draft(actor, *state, (*wf)->service_area); !st.ok()) return st;
  } else if (actor.authority == state->owning_authority) {
    return FailedPrecondition(fmt::format("{} decides case {} itself", actor.authority, state->case_number));
  }
  CaseEvent e = next_event(*state, actor, "decision_drafted", state->stage);
  const auto* org = options_.organisation;
  e.data["draft"] = {{"by_authority", actor.authority},
                     {"by_name", org ? org->authority_name(actor.authority) : actor.authority},
                     {"for_authority", state->owning_authority},
                     {"outcome", outcome},
                     {"reasons", reasons},
                     {"at", e.at}};
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::send_letter(long long id, const Actor& actor, const std::string& subject,
                                          const std::string& body) {
  if (subject.empty() || body.empty()) return InvalidArgument("a letter needs a subject and a body");
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  const auto* org = options_.organisation;
  CaseEvent e = next_event(*state, actor, "letter", state->stage);
  json letter = {{"from_authority", actor.authority},
                 {"from_name", org ? org->authority_name(actor.authority) : actor.authority},
                 {"case_number", state->case_number},
                 {"decided_by", org ? org->authority_name(state->owning_authority) : state->owning_authority},
                 {"to", "citizen"},
                 {"subject", subject},
                 {"body", body}};
  if (actor.authority != state->municipality && org && org->knows(actor.authority)) {
    letter["on_behalf_of"] = org->authority_name(state->municipality);
  }
  e.data["letter"] = letter;
  return commit(*state, std::move(e));
}

Result<int> CaseEngine::check_deadlines() {
  const Timestamp now = options_.clock();
  const Date today = copenhagen_date(now);
  // Due on or before this day: warn (the deadline is near).
  const Date warn_until = options_.calendar.add_working_days(today, std::max(0, options_.warn_working_days_before));
  auto ids = store_.cases_due_before(warn_until + std::chrono::days(1));
  if (!ids.ok()) return ids.status();
  int recorded = 0;
  for (long long id : *ids) {
    auto state = store_.load_case(id);
    if (!state.ok()) return state.status();
    if (state->status != CaseStatus::kOpen || !state->clock || state->clock->breached || state->clock->paused()) {
      continue;
    }
    const bool overdue = state->clock->overdue_on(today);
    if (!overdue && (state->clock->warned || state->clock->due > warn_until)) continue;
    Actor system = Actor::system(state->owning_authority);
    system.unit = state->unit;
    CaseEvent e = next_event(*state, system, overdue ? "deadline_passed" : "deadline_near", state->stage);
    e.data = {{"clock", json::array({{{"op", overdue ? "breach" : "warn"}}})},
              {"due", format_date(state->clock->due)}};
    auto committed = commit(*state, std::move(e));
    if (committed.ok()) {
      ++recorded;
      logger()->warn("case {}: deadline {} {}", committed->case_number, format_date(committed->clock->due),
                     overdue ? "passed" : "is near");
    } else if (committed.status().code() != ErrorCode::kConflict) {
      return committed.status();  // a conflict means someone acted: next run sees it
    }
  }
  return recorded;
}

}  // namespace sagsflow
