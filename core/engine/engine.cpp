#include "sagsflow/engine/engine.hpp"
#include "sagsflow/engine/letter_orders.hpp"
#include "action_plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <set>

#include "sagsflow/domain/blank_text.hpp"
#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/domain/case_number.hpp"
#include "sagsflow/domain/cpr.hpp"
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

// The form values a request brings (see FieldLimits in engine.hpp), checked
// before anything copies them: a copy of a deep tree recurses.
Status check_field_values(const json& fields) {
  const JsonLimits whole{kFieldBytesLimit, kFieldDepthLimit + 1};
  if (!fields.is_object()) {
    if (fields.is_null()) return Status::Ok();
    if (auto st = check_json_value(fields, "fields", whole); !st.ok()) return st;
    return InvalidArgument("fields must be a JSON object");
  }
  if (auto st = check_json_value(fields, "the fields", whole); !st.ok()) {
    // Name the field that is too deep, when one is.
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      const std::string name = "field '" + mask_cpr_numbers(it.key().substr(0, kFieldNameBytesLimit)) + "'";
      if (auto one = check_json_value(it.value(), name, {kFieldBytesLimit, kFieldDepthLimit}); !one.ok()) return one;
    }
    return st;
  }
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key().empty() || it.key().size() > kFieldNameBytesLimit) {
      return InvalidArgument(fmt::format("a field name has {} bytes; it must have 1 to {}", it.key().size(),
                                         kFieldNameBytesLimit));
    }
  }
  return Status::Ok();
}

// "[a-z][a-z0-9_]{0,63}"
bool is_event_kind(std::string_view kind) {
  if (kind.empty() || kind.size() > 64 || kind[0] < 'a' || kind[0] > 'z') return false;
  for (char c : kind) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
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

namespace {

// What the operation running on this thread does around its commits: the
// read its answer is (written with its first event), each case as this
// operation last stored it (so the answer includes what signal receivers
// wrote), and the signals held back while a unit of the store is open.
struct OperationScope {
  const Actor* reader = nullptr;
  const ReadPurpose* why = nullptr;
  bool read_recorded = false;
  std::map<long long, CaseState> latest;
  bool deferring = false;
  std::vector<std::function<void()>> deferred;
};
thread_local OperationScope* tl_scope = nullptr;

// The scope of the outermost operation on this thread: made by the first,
// joined by those it calls (a plugin's note inside an action's signal).
class Operation {
 public:
  Operation() : owner_(tl_scope == nullptr) {
    if (owner_) tl_scope = &own_;
  }
  ~Operation() {
    if (owner_) tl_scope = nullptr;
  }
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;
  OperationScope* operator->() const { return tl_scope; }

 private:
  bool owner_;
  OperationScope own_;
};

void note_stored(const CaseState& state) {
  if (tl_scope == nullptr) return;
  auto [it, inserted] = tl_scope->latest.try_emplace(state.id, state);
  if (!inserted && it->second.version < state.version) it->second = state;
}

// `state`, or a newer version of the same case this operation stored since.
CaseState latest_of(CaseState state) {
  if (tl_scope == nullptr) return state;
  auto it = tl_scope->latest.find(state.id);
  return it != tl_scope->latest.end() && it->second.version > state.version ? it->second : state;
}

}  // namespace

template <typename... Args, typename Signal>
void CaseEngine::emit_now(Signal& signal, const Args&... args) {
  try {
    signal(args...);
  } catch (const std::exception& e) {
    logger()->error("an event receiver failed (the change is stored): {}", e.what());
  } catch (...) {
    logger()->error("an event receiver failed with an unknown error (the change is stored)");
  }
}

// Fires now, or once the open unit of the store has committed.
template <typename... Args, typename Signal>
void CaseEngine::emit(Signal& signal, const Args&... args) {
  if (tl_scope != nullptr && tl_scope->deferring) {
    tl_scope->deferred.push_back([this, &signal, args...] { emit_now(signal, args...); });
    return;
  }
  emit_now(signal, args...);
}

Status CaseEngine::atomically(const std::function<Status()>& work) {
  Operation op;
  const bool outermost = !op->deferring;
  op->deferring = true;
  struct Undefer {
    OperationScope* scope;
    bool active;
    ~Undefer() {
      if (active) scope->deferring = false;
    }
  } undefer{tl_scope, outermost};
  Status done = store_.atomically(work);
  if (!outermost) return done;
  op->deferring = false;
  auto held = std::move(op->deferred);
  op->deferred.clear();
  if (done.ok()) {
    for (auto& fire : held) fire();
  }
  return done;
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
    MutexLock lock(cache_mutex_);
    latest_.erase(def.id);
  }
  return out;
}

Result<std::shared_ptr<const WorkflowDefinition>> CaseEngine::workflow(const std::string& id,
                                                                       std::optional<int> version) {
  auto resolved = resolve_workflow(id, version);
  if (!resolved.ok()) return resolved.status();
  return resolved->definition;
}

Result<CaseEngine::Resolved> CaseEngine::resolve_workflow(const std::string& id, std::optional<int> version) {
  {
    MutexLock lock(cache_mutex_);
    std::optional<int> wanted = version;
    if (!wanted && options_.cache_configuration) {
      if (auto it = latest_.find(id); it != latest_.end()) wanted = it->second;
    }
    if (wanted) {
      if (auto it = cache_.find({id, *wanted}); it != cache_.end()) return Resolved{it->second, *wanted};
    }
  }
  auto record = store_.load_workflow(id, version);
  if (!record.ok()) return record.status();
  MutexLock lock(cache_mutex_);
  if (!version && options_.cache_configuration) latest_[id] = record->version;
  if (auto it = cache_.find({id, record->version}); it != cache_.end()) return Resolved{it->second, record->version};
  auto parsed = parse_workflow(record->source, record->file_name);
  if (!parsed.ok()) {
    return Internal(fmt::format("stored workflow {} version {} no longer parses: {}", id,
                                record->version, parsed.errors.front().to_string()));
  }
  auto def = std::make_shared<const WorkflowDefinition>(std::move(*parsed.definition));
  cache_[{id, record->version}] = def;
  return Resolved{def, record->version};
}

Status CaseEngine::check_municipality(const std::string& code) {
  if (options_.cache_configuration) {
    MutexLock lock(cache_mutex_);
    if (municipalities_.contains(code)) return Status::Ok();
  }
  auto name = store_.municipality_name(code);
  if (!name.ok()) return name.status();
  if (options_.cache_configuration) {
    MutexLock lock(cache_mutex_);
    municipalities_.insert(code);
  }
  return Status::Ok();
}

Result<CaseState> CaseEngine::open_case(const OpenCaseRequest& req) {
  if (auto known = check_municipality(req.municipality); !known.ok()) return known;
  const auto* org = options_.organisation;
  // The municipality's own workflow for the area, if it has one.
  const std::string workflow_id =
      org && !req.workflow_version ? org->workflow_for(req.municipality, req.workflow_id) : req.workflow_id;
  auto resolved = resolve_workflow(workflow_id, req.workflow_version);
  if (!resolved.ok()) return resolved.status();
  const auto wf = resolved->definition;
  // A citizen's own application is checked by SelfService (the municipality offers it as a form).
  if (org && !req.by_citizen) {
    if (auto st = org->may_open(req.actor, req.municipality, wf->service_area); !st.ok()) return st;
  }
  const int workflow_version = resolved->version;

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
  if (auto st = check_field_values(req.fields); !st.ok()) return st;
  const json fields = req.fields.is_null() ? json::object() : req.fields;

  const Timestamp now = options_.clock();
  const Date today = copenhagen_date(now);
  const int year = static_cast<int>(std::chrono::year_month_day{today}.year());
  // Received earlier than registered: deadlines counted from receipt start then.
  const Date received = req.received_on.value_or(today);
  if (received > today) {
    return InvalidArgument(fmt::format("received_on {} is after today ({}): an inquiry cannot be received in "
                                       "the future", format_date(received), format_date(today)));
  }
  if (received < Date{std::chrono::year{2000} / 1 / 1}) {
    return InvalidArgument(fmt::format("received_on {} is before 2000-01-01", format_date(received)));
  }
  const DanishCalendar cal = calendar_for(req.municipality);
  const std::string owning = org && org->knows(req.municipality)
                                 ? org->owning_authority(req.municipality, wf->service_area)
                             : wf->owning_authority == "municipality" ? req.municipality
                                                                       : wf->owning_authority;
  const StageDefinition* start = wf->find_stage(wf->start);

  Operation op;
  Result<CaseState> created = Internal("the case was not created");
  auto build = [&](long long id, long long sequence) -> Result<NewCase> {
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
                  {"workflow", {{"id", wf->id}, {"version", workflow_version}}},
                  {"owning_authority", owning},
                  {"fields", fields}};
        if (citizen) e.data["citizen"] = citizen->reveal();
        e.data["received_on"] = format_date(received);
        if (!req.intake.is_null()) e.data["intake"] = req.intake;
        if (wf->undecided_complaint_after) {
          // offentlighedsloven §37 stk. 1: a complaint is possible when no decision has come by then.
          e.data["undecided_complaint_from"] = format_date(wf->undecided_complaint_after->due_from(received, cal));
        }
        if (start->deadline) {
          const Date from = start->deadline->from_receipt ? received : today;
          e.data["clock"] = json::array(
              {{{"op", "start"}, {"clock", to_json(DeadlineClock::start(*start->deadline, from, cal))}}});
        }
        CaseState s;
        if (auto st = apply_event(s, e); !st.ok()) return st;
        auto queue = placement_of(s);
        return NewCase{std::move(s), std::move(e), std::move(queue)};
  };
  // The case, its receipt letter and, when the opening is answered with it, the answer's read: one transaction.
  bool answered = false;
  const Status stored = store_.atomically([&]() -> Status {
    created = store_.create_case(req.municipality, year, build);
    if (!created.ok()) return created.status();
    if (options_.letters && created->citizen) {
      auto history = store_.load_history(created->id);
      if (!history.ok()) return history.status();
      if (!history->empty()) {
        if (auto st = store_.enqueue_letters(letters_for(CaseState{}, history->front(), *created)); !st.ok()) return st;
      }
    }
    // A new case waits in its first queue: those who asked to hear of it are told.
    CaseEvent opening;
    opening.case_id = created->id;
    opening.seq = 1;
    opening.at = created->opened_at;
    opening.actor = req.actor.id;
    opening.action = "open";
    opening.to_stage = created->stage;
    const MunicipalityConfig* m = options_.organisation ? options_.organisation->find(created->municipality) : nullptr;
    const bool anyone_asks = m != nullptr && std::any_of(m->staff.begin(), m->staff.end(),
                                                         [](const StaffMember& p) { return p.notified_of("queue"); });
    if (anyone_asks) {
      if (auto st = store_.add_notifications(notifications_for(opening, *created, placement_of(*created))); !st.ok()) {
        return st;
      }
    }
    answered = answer_wanted(*created);
    return answered ? record_answer(*created) : Status::Ok();
  });
  if (!stored.ok()) return stored;
  if (answered) op->read_recorded = true;
  note_stored(*created);
  logger()->info("opened case {} ({}) for {}", created->case_number, wf->id,
                 citizen ? citizen->masked() : std::string("no citizen"));
  emit(events_.case_opened, *created);
  return latest_of(*created);
}

Result<std::vector<ActionDefinition>> CaseEngine::available_actions(long long id, const Actor& actor) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  return available_actions(*state, actor);
}

Result<std::vector<ActionDefinition>> CaseEngine::available_actions(const CaseState& state, const Actor& actor) {
  std::vector<ActionDefinition> out;
  if (state.status == CaseStatus::kClosed) return out;
  auto wf = workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok()) return wf.status();
  if (auto st = check_may_see(actor, state); !st.ok()) return st;
  if (const auto* stage = (*wf)->find_stage(state.stage)) {
    for (const auto& a : stage->actions) {
      if (!may_act(a, actor)) continue;
      if (options_.organisation &&
          !options_.organisation->may_perform(actor, state, (*wf)->service_area, a, (*wf)->task_of(*stage, a)).ok()) {
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

Result<CaseView> CaseEngine::view_of(CaseState state, const Actor& actor) {
  CaseView v;
  // No actions to offer (a workflow that cannot be read) still shows the case.
  if (auto actions = available_actions(state, actor); actions.ok()) v.actions = std::move(*actions);
  if (!v.actions.empty()) {
    if (auto wf = workflow(state.workflow_id, state.workflow_version); wf.ok()) {
      if (const auto* stage = (*wf)->find_stage(state.stage)) {
        for (const auto& a : v.actions) {
          if (asks_citizen_for_missing(*stage, a)) v.asking_actions.push_back(a.name);
        }
      }
    }
  }
  auto queue = queue_of(state);
  if (queue.ok()) v.queue = std::move(*queue);
  const std::string holder = state.assignee.is_object() ? state.assignee.value("person", "") : "";
  v.may_claim = state.status == CaseStatus::kOpen && !v.actions.empty() && holder.empty();
  v.may_release = !holder.empty() && (holder == actor.id || actor.has_role(kTeamLeaderRole));
  v.state = std::move(state);
  return v;
}

Result<CaseView> CaseEngine::view_case(long long id, const Actor& actor, const ReadPurpose& why) {
  auto state = get_case_for(id, actor, why);
  if (!state.ok()) return state.status();
  return view_of(std::move(*state), actor);
}

Result<CaseView> CaseEngine::change_and_view(const Actor& actor, const ReadPurpose& why,
                                             const std::function<Result<CaseState>()>& change) {
  Operation op;
  // This change's reader, for its commits; the enclosing one's again afterwards, even on an exception.
  struct Answering {
    OperationScope* scope;
    const Actor* reader;
    const ReadPurpose* why;
    bool recorded;
    ~Answering() {
      scope->reader = reader;
      scope->why = why;
      scope->read_recorded = recorded;
    }
  } restore{tl_scope, op->reader, op->why, op->read_recorded};
  op->reader = &actor;
  op->why = &why;
  op->read_recorded = false;
  auto changed = change();
  const bool recorded = op->read_recorded;
  if (!changed.ok()) return changed.status();
  CaseState state = latest_of(std::move(*changed));
  if (auto st = check_may_see(actor, state); !st.ok()) return st;
  if (!recorded) {
    // The change stored nothing (the case was already so): the answer is a read of its own.
    if (auto st = record_read(state, actor, why); !st.ok()) return st;
  }
  return view_of(std::move(state), actor);
}

Result<CaseState> CaseEngine::citizen_case(long long id, const Cpr& citizen) {
  auto state = store_.load_case(id);
  // The same answer whether the case does not exist or is someone else's.
  if (!state.ok() || !state->citizen || !(*state->citizen == citizen)) {
    if (state.ok() || state.status().code() == ErrorCode::kNotFound) {
      return NotFound(fmt::format("you have no case {}", id));
    }
    return state.status();
  }
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

bool CaseEngine::answer_wanted(const CaseState& state) {
  // The answer shows the case only to a reader who may still see it after the change.
  return tl_scope != nullptr && tl_scope->reader != nullptr && !tl_scope->read_recorded &&
         check_may_see(*tl_scope->reader, state).ok();
}

Status CaseEngine::record_answer(const CaseState& state) {
  return record_read(state, *tl_scope->reader, *tl_scope->why);
}

Result<std::vector<CaseState>> CaseEngine::cases_of_citizen(const Cpr& citizen) {
  CaseFilter filter;
  filter.citizen = citizen;
  filter.limit = 1000;
  return store_.list_cases(filter);
}

Status CaseEngine::record_list_read(const std::vector<const CaseState*>& cases, const Actor& actor,
                                    const ReadPurpose& why) {
  std::vector<ReadSubject> shown;
  shown.reserve(cases.size());
  for (const CaseState* state : cases) shown.push_back({state->municipality, state->id, state->case_number, 0});
  return record_reads(shown, actor, why);
}

Status CaseEngine::record_reads(const std::vector<ReadSubject>& shown, const Actor& actor, const ReadPurpose& why) {
  if (why.purpose.empty()) return InvalidArgument("a read of personal data needs its purpose");
  for (const auto& subject : shown) {
    if (subject.case_id == 0 && subject.inquiry_id == 0 && subject.appointment_id == 0) {
      return InvalidArgument("a read to record names the case, inquiry or appointment that was shown");
    }
  }
  if (shown.empty()) return Status::Ok();
  // One instant for the whole list, and one unit: the list is recorded whole, or not shown.
  const std::string at = format_timestamp(options_.clock());
  std::vector<AccessRecord> records;
  records.reserve(shown.size());
  for (const auto& subject : shown) {
    AccessRecord r;
    r.at = at;
    r.municipality = subject.municipality;
    r.case_id = subject.case_id;
    r.case_number = subject.case_number;
    r.inquiry_id = subject.inquiry_id;
    r.appointment_id = subject.appointment_id;
    if (r.case_id != 0 && r.case_number.empty()) {
      auto state = store_.load_case(r.case_id);
      if (!state.ok()) return state.status();
      r.case_number = state->case_number;
      if (r.municipality.empty()) r.municipality = state->municipality;
    }
    r.actor = actor.id;
    r.unit = actor.unit;
    r.authority = actor.authority;
    r.purpose = why.purpose;
    r.via = why.via.empty() ? "core" : why.via;
    records.push_back(std::move(r));
  }
  return store_.record_accesses(records);
}

Result<CasePage> CaseEngine::list_cases_page(const CaseFilter& filter, const Actor& actor, const ReadPurpose& why,
                                             bool count) {
  if (why.purpose.empty()) return InvalidArgument("a list of cases' personal data needs its purpose");
  auto page = visible_page(filter, actor, count);
  if (!page.ok()) return page;
  std::vector<const CaseState*> shown;
  shown.reserve(page->cases.size());
  for (const auto& s : page->cases) shown.push_back(&s);
  // No record, no data: a list that cannot be logged is refused.
  if (auto st = record_list_read(shown, actor, why); !st.ok()) return st;
  return page;
}

Result<std::vector<CaseState>> CaseEngine::list_cases_for(const CaseFilter& filter, const Actor& actor,
                                                          const ReadPurpose& why) {
  auto page = list_cases_page(filter, actor, why);
  if (!page.ok()) return page.status();
  return std::move(page->cases);
}

Result<CasePage> CaseEngine::visible_page(CaseFilter filter, const Actor& actor, bool count) {
  const bool checks = options_.organisation != nullptr;
  if (checks && !options_.organisation->empty()) {
    // Someone the organisation cannot place sees nothing, and is told why.
    if (auto who = options_.organisation->identify(actor, filter.municipality.value_or("")); !who.ok()) {
      return who.status();
    }
  }
  const auto sees = [&](const CaseState& s) { return !checks || check_may_see(actor, s).ok(); };
  constexpr int kMaxBatch = 2000;
  const std::size_t limit = static_cast<std::size_t>(std::max(1, filter.limit));
  // The reads a full page needs, and kListPageReads more to fill it past what visibility leaves out.
  const int max_reads = kListPageReads + static_cast<int>(limit / kMaxBatch);
  CasePage page;
  long long last = filter.after;  // the last id looked at
  int batch = static_cast<int>(std::min<std::size_t>(limit + 1, kMaxBatch));
  for (int read = 1;; ++read) {
    CaseFilter f = filter;
    f.after = last;
    f.limit = batch;
    auto rows = store_.list_cases(f);
    if (!rows.ok()) return rows.status();
    for (auto& s : *rows) {
      if (page.cases.size() == limit) {
        page.cut = true;  // a case after the full page
        break;
      }
      last = s.id;
      if (sees(s)) page.cases.push_back(std::move(s));
    }
    if (page.cut || static_cast<int>(rows->size()) < batch) break;  // full, or the list ends here
    if (read >= max_reads) {
      page.cut = true;  // bounded: the rest is for the next page
      break;
    }
    // A full page needs one more row to tell whether it is cut; else read on, more at a time.
    batch = page.cases.size() == limit ? 1 : std::min(batch * 2, kMaxBatch);
  }
  if (page.cut) page.next_after = last;
  if (count) {
    long long total = 0, examined = 0;
    CaseFilter f = filter;
    f.after = 0;
    f.limit = kMaxBatch;
    for (;;) {
      auto rows = store_.list_cases(f);
      if (!rows.ok()) return rows.status();
      for (const auto& s : *rows) total += sees(s) ? 1 : 0;
      examined += static_cast<long long>(rows->size());
      if (static_cast<int>(rows->size()) < f.limit) break;
      if (examined >= kListCountLimit) {
        page.total_capped = true;  // a lower bound: counting further would hold up everyone else
        break;
      }
      f.after = rows->back().id;
    }
    page.total = total;
  }
  return page;
}

Result<long long> CaseEngine::place_open_cases(const std::string& municipality, bool all, int batch) {
  CaseFilter f;
  if (!municipality.empty()) f.municipality = municipality;
  f.status = CaseStatus::kOpen;
  f.unplaced = !all;
  f.limit = std::max(1, batch);
  long long changed = 0;
  for (;;) {
    auto rows = store_.list_cases(f);
    if (!rows.ok()) return rows.status();
    std::vector<CasePlacement> placements;
    placements.reserve(rows->size());
    for (const auto& s : *rows) {
      if (auto queue = placement_of(s)) placements.push_back({s.id, s.version, std::move(*queue)});
    }
    auto stored = store_.place_cases(placements);
    if (!stored.ok()) return stored.status();
    changed += *stored;
    if (static_cast<int>(rows->size()) < f.limit) break;
    f.after = rows->back().id;
  }
  if (changed > 0) logger()->info("stored the queues of {} open case(s)", changed);
  return changed;
}

std::optional<CaseQueue> CaseEngine::placement_of(const CaseState& state) {
  auto queue = queue_of(state);
  if (!queue.ok()) {
    // The action does not fail for its worklist entry: the case is stored
    // unplaced, and place_open_cases() places it once its workflow reads.
    logger()->warn("case {}: no queue to store ({}); it is placed later", state.case_number,
                   queue.status().message());
    return std::nullopt;
  }
  return CaseQueue{std::move(queue->kind), std::move(queue->id)};
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

// What an action is, found once: the workflow, the stage, the action and its task.

// The state the action works on: visible to the person, at the version they
// based it on, open, and in a stage of its workflow that has the action.
Result<CaseEngine::ActionPlan> CaseEngine::plan_action(const CaseState& state, const ActionRequest& req) {
  // Nothing about a case (its state, stage or actions) to someone who may not see it.
  if (auto st = check_may_see(req.actor, state); !st.ok()) return st;
  if (req.expected_version && *req.expected_version != state.version) {
    return Conflict(fmt::format("case {} is at version {}, but the action was based on version {}; "
                                "another action came first: re-read the case and try again",
                                state.case_number, state.version, *req.expected_version));
  }
  ActionPlan plan;
  auto wf = workflow(state.workflow_id, state.workflow_version);
  if (state.status == CaseStatus::kClosed) {
    if (wf.ok() && !req.expected_version) {
      if (auto st = moved_on_conflict(state, req, **wf); !st.ok()) return st;
    }
    return FailedPrecondition(fmt::format("case {} is closed; no action can be taken", state.case_number));
  }
  if (!wf.ok()) return wf.status();
  plan.wf = *wf;
  plan.stage = plan.wf->find_stage(state.stage);
  if (!plan.stage) {
    return Internal(fmt::format("case {} is in stage '{}', which workflow {} v{} does not define",
                                state.case_number, state.stage, plan.wf->id, state.workflow_version));
  }
  plan.action = plan.stage->find_action(req.action);
  if (!plan.action) {
    if (!req.expected_version) {
      if (auto st = moved_on_conflict(state, req, *plan.wf); !st.ok()) return st;
    }
    return InvalidArgument(fmt::format("stage '{}' of case {} has no action '{}'; available: {}",
                                       plan.stage->name, state.case_number,
                                       mask_cpr_numbers(req.action.substr(0, 100)),  // the client's text
                                       join_names(plan.stage->actions)));
  }
  plan.task = plan.wf->task_of(*plan.stage, *plan.action);
  return plan;
}

// Without an expected version the engine does not know which version the
// person saw; when the action belongs to the stage the case was in before
// its latest change of stage, that change (another person's action, or an
// earlier submission of this one) is what refuses it: a conflict to re-read
// and retry, as when the store's version check decides. An action the case's
// previous stage did not have either is invalid in itself and refused as such.
Status CaseEngine::moved_on_conflict(const CaseState& state, const ActionRequest& req, const WorkflowDefinition& wf) {
  auto history = store_.load_history(state.id);
  if (!history.ok()) return history.status();
  for (auto e = history->rbegin(); e != history->rend(); ++e) {
    if (e->from_stage == e->to_stage) continue;  // notes, claims, plugin events: the stage stayed
    if (e->from_stage.empty()) return Status::Ok();  // the opening: the case never had another stage
    const StageDefinition* before = wf.find_stage(e->from_stage);
    if (before == nullptr || before->find_action(req.action) == nullptr) return Status::Ok();
    return Conflict(fmt::format(
        "case {} was changed by another action: '{}' by {} at {} moved it from stage '{}' to '{}'{}, where "
        "'{}' cannot be taken; re-read the case and try again",
        state.case_number, e->action, e->actor, e->at, e->from_stage, e->to_stage,
        state.status == CaseStatus::kClosed ? " and closed it" : "", req.action));
  }
  return Status::Ok();
}

// Who may take it: the organisation's rules, the owning authority's, the stage's roles.
Status CaseEngine::check_may_take(const ActionPlan& plan, const CaseState& state, const Actor& actor) {
  const auto* org = options_.organisation;
  if (org && org->knows(state.municipality)) {
    // The organisation's rule includes who decides (only_the_owner_decides).
    if (auto st = org->may_perform(actor, state, plan.wf->service_area, *plan.action, plan.task); !st.ok()) {
      return st;
    }
  }
  // Only the owning authority decides, and reconsiders its decision on a
  // complaint (docs/legal.md#the-owning-authority-decides), whoever else serves the citizen.
  if (plan.action->decision || plan.task == "complaint") {
    if (auto st = only_the_owner_decides(state, actor.authority, {}, org); !st.ok()) return st;
  }
  if (!may_act(*plan.action, actor)) {
    return Forbidden(fmt::format("action '{}' needs one of the roles {}; {} has {}", plan.action->name,
                                 fmt::join(plan.action->roles, ", "), actor.id,
                                 actor.roles.empty() ? std::string("none")
                                                     : fmt::format("{}", fmt::join(actor.roles, ", "))));
  }
  return Status::Ok();
}

namespace {
bool brings_field(const json& fields, const std::string& f) {
  return fields.contains(f) && !fields.at(f).is_null() &&
         !(fields.at(f).is_string() && is_blank_text(fields.at(f).get<std::string>()));
}
bool brings_attachment(const std::vector<Attachment>& attachments, const std::string& name) {
  for (const auto& att : attachments) {
    if (att.name == name) return true;
  }
  return false;
}
}  // namespace

// Guards: the action's required fields and attachments, counting what it brings.
Status CaseEngine::check_requirements(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                      const json& fields) {
  std::vector<std::string> missing_fields, missing_attachments;
  for (const auto& f : plan.action->requires_.fields) {
    if (!brings_field(fields, f) && !state.has_field(f)) missing_fields.push_back(f);
  }
  for (const auto& a : plan.action->requires_.attachments) {
    if (!brings_attachment(req.attachments, a) && !state.has_attachment(a)) missing_attachments.push_back(a);
  }
  if (missing_fields.empty() && missing_attachments.empty()) return Status::Ok();
  std::string msg = fmt::format("action '{}' on case {} cannot be taken yet:", plan.action->name, state.case_number);
  if (!missing_fields.empty()) msg += fmt::format(" missing fields: {};", fmt::join(missing_fields, ", "));
  if (!missing_attachments.empty()) msg += fmt::format(" missing attachments: {};", fmt::join(missing_attachments, ", "));
  msg.pop_back();
  return GuardFailed(msg);
}

// A complaint needs a decision, and comes within its deadline unless the authority hears a late one.
Status CaseEngine::check_complaint_window(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                          Date today) {
  if (!plan.action->opens_complaint) return Status::Ok();
  if (!state.decided_on) {
    return FailedPrecondition(fmt::format("case {} has no decision to complain about", state.case_number));
  }
  if (state.complaint_due && today > *state.complaint_due) {
    if (!req.accept_late_complaint) {
      return FailedPrecondition(fmt::format(
          "the complaint deadline of case {} passed on {} (decision of {}); the authority may "
          "still choose to hear it (accept a late complaint, with the reason)",
          state.case_number, format_date(*state.complaint_due), format_date(*state.decided_on)));
    }
    // Only the authority that decided may hear a late complaint (docs/legal.md#late-complaints).
    const std::string decider = state.decided_by.empty() ? state.owning_authority : state.decided_by;
    if (req.actor.authority != decider) {
      return Forbidden(fmt::format("only {}, which decided case {}, may accept a late complaint; {} acts for {}",
                                   decider, state.case_number, req.actor.id, req.actor.authority));
    }
    if (is_blank_text(req.late_reason)) {
      return InvalidArgument(fmt::format("accepting a late complaint on case {} needs the reason why it is heard "
                                         "after the deadline of {} (late_reason)",
                                         state.case_number, format_date(*state.complaint_due)));
    }
  }
  return Status::Ok();
}

Result<json> CaseEngine::late_complaint_of(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                          Date today) const {
  if (!plan.action->opens_complaint || !state.complaint_due || today <= *state.complaint_due) return json();
  return json{{"deadline", format_date(*state.complaint_due)},
              {"deadline_passed", true},
              {"days_late", (today - *state.complaint_due).count()},
              {"accepted_by", req.actor.authority},
              {"accepted_by_person", req.actor.id},
              {"reason", req.late_reason},
              {"on", format_date(today)}};
}

// A party hearing held on the case, or a reason why none is needed, before a
// refusal or partial grant of a workflow whose refusals can rest on facts the
// citizen does not know (FVL §19).
Status CaseEngine::check_hearing_held(const ActionPlan& plan, const CaseState& state, const json& fields) {
  if (!plan.action->decision || !plan.wf->hearing_before_refusal) return Status::Ok();
  if (plan.action->outcome != "refused" && plan.action->outcome != "partly_granted") return Status::Ok();
  if (!state.hearing.is_null()) {
    return FailedPrecondition(fmt::format("case {} has a party hearing open until {}: decide after the reply "
                                          "or when the reply date has passed",
                                          state.case_number, state.hearing.value("reply_by", std::string())));
  }
  if (brings_field(fields, "hearing_not_needed") || state.has_field("hearing_not_needed")) return Status::Ok();
  auto history = store_.load_history(state.id);
  if (!history.ok()) return history.status();
  for (const auto& e : *history) {
    if (e.action == "hearing_ended") return Status::Ok();
  }
  return GuardFailed(fmt::format(
      "action '{}' on case {} refuses the citizen in whole or part, which may rest on facts the citizen does not "
      "know: hold a party hearing first (FVL §19), or say why none is needed (field 'hearing_not_needed')",
      plan.action->name, state.case_number));
}

// Writing that the deadline cannot be kept: the reason and the expected date (offentlighedsloven §36 stk. 2).
Result<json> CaseEngine::extension_of(const ActionPlan& plan, const CaseState& state, const json& fields,
                                      Date today) const {
  if (!plan.action->extension) return json();
  auto text = [&](const char* key) -> std::string {
    if (fields.contains(key) && fields.at(key).is_string()) return fields.at(key).get<std::string>();
    const auto it = state.fields.find(key);
    return it != state.fields.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string reason = text("extension_reason");
  if (is_blank_text(reason)) {
    return GuardFailed(fmt::format("action '{}' on case {} needs the reason the deadline cannot be kept "
                                   "(field 'extension_reason')", plan.action->name, state.case_number));
  }
  auto expected = parse_date(text("expected_date"));
  if (!expected.ok()) {
    return InvalidArgument(fmt::format("action '{}' on case {}: field 'expected_date': {}", plan.action->name,
                                       state.case_number, expected.status().message()));
  }
  if (*expected <= today) {
    return InvalidArgument(fmt::format("action '{}' on case {}: expected_date {} must be after today ({})",
                                       plan.action->name, state.case_number, format_date(*expected),
                                       format_date(today)));
  }
  json ext = {{"reason", reason}, {"expected_date", format_date(*expected)}, {"on", format_date(today)}};
  if (state.clock) ext["deadline_was"] = format_date(state.clock->due);
  return ext;
}

// Complaints are journalised with KLE facet K02; a complaint sent on to the
// appeals body with K03 (docs/legal.md#complaints-journalised).
Result<json> CaseEngine::journal_of(const ActionPlan& plan, const CaseState& state, Date today) {
  std::string facet;
  json j;
  if (plan.action->opens_complaint) {
    facet = "K02";
  } else if (plan.stage->kind == StageKind::kComplaint) {
    const StageDefinition* next = plan.wf->find_stage(plan.action->next);
    if (next == nullptr || next->kind != StageKind::kReferral) return json();
    facet = "K03";
    j["appeals_body"] = appeals_body_for(*plan.wf, state.municipality);
  } else {
    return json();
  }
  auto number = CaseNumber::parse(state.case_number);
  j["facet"] = facet;
  j["subject"] = state.subject;
  if (number.ok()) {
    number->facet = facet;
    j["number"] = number->to_string();
  }
  j["case_number"] = state.case_number;
  j["on"] = format_date(today);
  return j;
}

// The workflow's plugin checks the form; a failing plugin leaves an incident on the case.
Status CaseEngine::check_form_with_plugin(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                          const json& fields) {
  if (!plan.action->validate_form) return Status::Ok();
  CaseState with_attachments = state;  // the plugin sees what this action brings, too
  for (const auto& a : req.attachments) with_attachments.attachments.push_back({a.name, a.kind, ""});
  auto problems = plugin_form_problems(*plan.wf, with_attachments, fields);
  if (!problems.ok()) {
    return record_incident(state, req.actor, plan.wf->plugin, "validate_form", plan.action->name, problems.status());
  }
  if (!problems->empty()) {
    return GuardFailed(fmt::format("action '{}' on case {} cannot be taken: the form is not valid: {}",
                                   plan.action->name, state.case_number, fmt::join(*problems, "; ")));
  }
  return Status::Ok();
}

// Pausing in a check stage names what the citizen is asked for: what the
// stage's way onward still needs.
json CaseEngine::missing_request(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                 const json& fields, Date today) const {
  json want_fields = json::array(), want_attachments = json::array();
  std::set<std::string> seen;
  for (const auto& onward : plan.stage->actions) {
    if (onward.next == plan.stage->name) continue;
    for (const auto& f : onward.requires_.fields) {
      const bool brought = fields.contains(f) && !fields.at(f).is_null();
      if (!brought && !state.has_field(f) && seen.insert("f:" + f).second) want_fields.push_back(f);
    }
    for (const auto& a : onward.requires_.attachments) {
      if (!brings_attachment(req.attachments, a) && !state.has_attachment(a) && seen.insert("a:" + a).second) {
        want_attachments.push_back(a);
      }
    }
  }
  // What the caseworker asks for besides (checked against the form by check_asked_items).
  for (const auto& f : req.ask_fields) {
    if (!state.has_field(f) && seen.insert("f:" + f).second) want_fields.push_back(f);
  }
  for (const auto& a : req.ask_attachments) {
    if (!brings_attachment(req.attachments, a) && seen.insert("a:" + a).second) want_attachments.push_back(a);
  }
  // The reply-by date the letter states (the clock stands still until the items come).
  const Date reply_by = calendar_for(state.municipality)
                            .next_working_day_on_or_after(today + std::chrono::days(std::max(1, options_.missing_reply_days)));
  return {{"fields", want_fields},
          {"attachments", want_attachments},
          {"since", format_date(today)},
          {"reply_by", format_date(reply_by)}};
}

bool asks_citizen_for_missing(const StageDefinition& stage, const ActionDefinition& action) {
  return action.clock == ClockEffect::kPause && stage.kind == StageKind::kCheck;
}

// Items asked for besides the stage's requirements: only a request for
// missing items asks, and only for what the workflow's form declares.
Status CaseEngine::check_asked_items(const ActionPlan& plan, const ActionRequest& req) const {
  if (req.ask_fields.empty() && req.ask_attachments.empty()) return Status::Ok();
  if (!asks_citizen_for_missing(*plan.stage, *plan.action)) {
    return InvalidArgument(fmt::format("action '{}' does not ask the citizen for missing items; only a check "
                                       "stage's action that pauses the clock does", plan.action->name));
  }
  std::optional<FormSpec> form;
  if (options_.plugins && !plan.wf->plugin.empty()) form = options_.plugins->form_of(plan.wf->plugin);
  const auto required_attachment = [&](const std::string& a) {
    for (const auto& st : plan.wf->stages) {
      for (const auto& ac : st.actions) {
        for (const auto& r : ac.requires_.attachments) {
          if (r == a) return true;
        }
      }
    }
    return false;
  };
  for (const auto& a : req.ask_attachments) {
    if ((form && form->attachment(a)) || required_attachment(a)) continue;
    return InvalidArgument(mask_cpr_numbers(fmt::format(
        "ask_attachments: '{}' is not an attachment of workflow {}'s form", a.substr(0, 100), plan.wf->id)));
  }
  for (const auto& f : req.ask_fields) {
    if (form && form->field(f)) continue;
    return InvalidArgument(mask_cpr_numbers(
        fmt::format("ask_fields: '{}' is not a field of workflow {}'s form", f.substr(0, 100), plan.wf->id)));
  }
  return Status::Ok();
}

// The deadline clock: pause, resume, stop on leaving the stage, start the next stage's.
json CaseEngine::clock_operations(const ActionPlan& plan, const CaseState& state, Date today) const {
  json ops = json::array();
  std::optional<DeadlineClock> clock = state.clock;
  if (clock && plan.action->clock == ClockEffect::kPause && !clock->paused()) {
    (void)clock->pause(today);
    ops.push_back({{"op", "pause"}, {"on", format_date(today)}});
  }
  const DanishCalendar cal = calendar_for(state.municipality);
  if (clock && plan.action->clock == ClockEffect::kResume && clock->paused() && state.hearing.is_null()) {
    (void)clock->resume(today, cal);
    ops.push_back({{"op", "resume"}, {"on", format_date(today)}, {"due", format_date(clock->due)}});
  }
  if (plan.action->next != plan.stage->name) {
    if (clock) ops.push_back({{"op", "stop"}});
    const StageDefinition* next = plan.wf->find_stage(plan.action->next);
    if (next && next->deadline) {
      const Date from = next->deadline->from_receipt ? std::min(receipt_date(state), today) : today;
      ops.push_back({{"op", "start"}, {"clock", to_json(DeadlineClock::start(*next->deadline, from, cal))}});
    }
  }
  return ops;
}

// A decision: its date, outcome and authority, the complaint deadline, and
// for anything short of full grant its reasons and complaint guidance
// (docs/legal.md#reasons-and-complaint-guidance).
Result<json> CaseEngine::decision_of(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                     const json& fields, Date today) {
  const auto& wf = *plan.wf;
  const Actor& actor = req.actor;
  json decision = {{"date", format_date(today)},
                   {"outcome", plan.action->outcome},
                   {"authority", actor.authority},
                   {"decided_by", actor.authority}};
  const DanishCalendar cal = calendar_for(state.municipality);
  if (wf.complaint_deadline) {
    // Counted from when the citizen receives it, by the channel known now (docs/legal.md#complaint-deadlines-and-reconsideration).
    DeliveryChannel channel = DeliveryChannel::kDigitalPost;
    if (req.delivery_channel) {
      channel = *req.delivery_channel;
    } else {
      const json* source = fields.contains("delivery_channel") ? &fields.at("delivery_channel") : nullptr;
      if (source == nullptr && state.fields.contains("delivery_channel")) source = &state.fields.at("delivery_channel");
      if (source != nullptr && !source->is_null()) {
        const auto c = source->is_string() ? delivery_channel_from_key(source->get<std::string>()) : std::nullopt;
        if (!c) {
          return InvalidArgument(fmt::format("case {}: field 'delivery_channel' must be 'digital_post' or "
                                             "'physical_post'", state.case_number));
        }
        channel = *c;
      }
    }
    const auto due = compute_complaint_deadline(today, channel, *wf.complaint_deadline, cal,
                                                post_days_for(state.municipality));
    decision["complaint_due"] = format_date(due.due);
    decision["complaint_deadline"] = {{"sent", format_date(due.sent)},
                                      {"channel", delivery_channel_key(due.channel)},
                                      {"received", format_date(due.received)},
                                      {"due", format_date(due.due)},
                                      {"period", wf.complaint_deadline->describe()}};
  }
  if (plan.action->outcome == "granted" || plan.action->outcome.empty()) return decision;
  const bool brought = fields.contains("reasons") && fields.at("reasons").is_string() &&
                       !is_blank_text(fields.at("reasons").get<std::string>());
  if (!brought && !state.has_field("reasons")) {
    return GuardFailed(fmt::format("action '{}' on case {} is a decision that does not give the citizen "
                                   "everything asked for: it needs its reasons (field 'reasons', FVL §22), "
                                   "and blank text is no reason",
                                   plan.action->name, state.case_number));
  }
  const auto* org = options_.organisation;
  const std::string decider = org ? org->authority_name(state.owning_authority) : state.owning_authority;
  if (wf.complaint_deadline) {
    json guidance = {{"to", decider},
                     {"how", fmt::format("in writing or orally to {}, which reconsiders the decision", decider)},
                     {"by", decision["complaint_due"]}};
    const std::string appeals = appeals_body_for(wf, state.municipality);
    guidance["appeals_body"] = appeals.empty() ? json() : json(appeals);
    if (!appeals.empty()) {
      guidance["then"] = fmt::format("if {} upholds the decision, the complaint goes on to {}", decider, appeals);
    } else {
      logger()->warn("case {}: the complaint guidance names no appeals body: set appeals_body for service area "
                     "'{}' in the municipality file", state.case_number, wf.service_area);
    }
    decision["complaint_guidance"] = guidance;
  } else if (wf.undecided_complaint_after) {
    // An access request (offentlighedsloven §37): to the authority that decided; if it upholds, it forwards
    // within 7 working days to the highest appeals body of the case the request concerns, which decides
    // within 20 working days.
    std::string appeals;
    const auto it = state.fields.find("concerns_case_id");
    if (it != state.fields.end() && it->is_number_integer()) {
      auto concerned = store_.load_case(it->get<long long>());
      if (concerned.ok()) {
        auto cwf = workflow(concerned->workflow_id, concerned->workflow_version);
        if (cwf.ok()) appeals = appeals_body_for(**cwf, concerned->municipality);
      }
    }
    json guidance = {{"to", decider},
                     {"how", fmt::format("in writing or orally to {}, which reconsiders the decision", decider)},
                     {"forward_within", "7 working days"},
                     {"forward_by_if_complained_today", format_date(cal.add_working_days(today, 7))},
                     {"appeals_body", appeals.empty() ? json() : json(appeals)},
                     {"appeals_decides_within", "20 working days"},
                     {"law", "offentlighedsloven §37"}};
    guidance["then"] = fmt::format("if {} upholds the decision, it sends the complaint within 7 working days to {}, "
                                   "which decides within 20 working days", decider,
                                   appeals.empty() ? std::string("the highest appeals body of the case the request "
                                                                 "concerns")
                                                   : appeals);
    decision["complaint_guidance"] = guidance;
  }
  return decision;
}

std::string CaseEngine::appeals_body_for(const WorkflowDefinition& wf, const std::string& municipality) const {
  if (const auto* org = options_.organisation) {
    if (const auto* m = org->find(municipality)) {
      if (const auto* area = m->service_area(wf.service_area); area && !is_blank_text(area->appeals_body)) {
        return area->appeals_body;
      }
    }
  }
  return wf.appeals_body;
}

Result<CaseState> CaseEngine::act(const ActionRequest& req) {
  Operation op;
  auto loaded = store_.load_case(req.case_id);  // the one load of the action
  if (!loaded.ok()) return loaded.status();
  const CaseState& state = *loaded;
  auto plan = plan_action(state, req);
  if (!plan.ok()) return plan.status();
  if (auto st = check_may_take(*plan, state, req.actor); !st.ok()) return st;
  if (auto st = check_field_values(req.fields); !st.ok()) return st;
  const json fields = req.fields.is_null() ? json::object() : req.fields;
  if (auto st = check_requirements(*plan, state, req, fields); !st.ok()) return st;
  if (auto st = check_asked_items(*plan, req); !st.ok()) return st;
  const Date today = copenhagen_date(options_.clock());
  if (auto st = check_complaint_window(*plan, state, req, today); !st.ok()) return st;
  if (auto st = check_hearing_held(*plan, state, fields); !st.ok()) return st;
  auto extension = extension_of(*plan, state, fields, today);
  if (!extension.ok()) return extension.status();
  if (auto st = check_form_with_plugin(*plan, state, req, fields); !st.ok()) return st;

  const ActionDefinition& action = *plan->action;
  CaseEvent e = next_event(state, req.actor, action.name, action.next);
  if (!state.incident.is_null()) e.data["incident_cleared"] = true;
  if (!fields.empty()) e.data["fields"] = fields;
  if (!req.attachments.empty()) {
    json list = json::array();
    for (const auto& a : req.attachments) list.push_back({{"name", a.name}, {"kind", a.kind}});
    e.data["attachments"] = list;
  }
  if (!req.note.empty()) e.data["note"] = req.note;
  if (action.clock == ClockEffect::kPause && plan->stage->kind == StageKind::kCheck) {
    e.data["missing"] = missing_request(*plan, state, req, fields, today);
  }
  if (action.clock == ClockEffect::kResume && !state.missing.is_null()) e.data["missing_received"] = true;
  if (json ops = clock_operations(*plan, state, today); !ops.empty()) e.data["clock"] = ops;
  if (plan->task == "forward" && state.owning_authority != req.actor.authority) {
    // A matter for another authority goes to it (FVL §7(2)): recorded with date and receiver.
    const auto* org = options_.organisation;
    e.data["forwarded"] = {{"to", state.owning_authority},
                           {"name", org ? org->authority_name(state.owning_authority) : state.owning_authority},
                           {"on", format_date(today)}};
  }
  if (action.decision) {
    auto decision = decision_of(*plan, state, req, fields, today);
    if (!decision.ok()) return decision.status();
    e.data["decision"] = *decision;
  }
  if (!extension->is_null()) e.data["extension"] = *extension;
  auto late = late_complaint_of(*plan, state, req, today);
  if (!late.ok()) return late.status();
  if (!late->is_null()) e.data["late_complaint"] = *late;
  auto journal = journal_of(*plan, state, today);
  if (!journal.ok()) return journal.status();
  if (!journal->is_null()) e.data["journal"] = *journal;
  return commit(state, std::move(e));
}

Result<CaseState> CaseEngine::commit(const CaseState& current, CaseEvent event, bool answers) {
  Operation op;
  CaseState next = current;
  if (auto st = apply_event(next, event); !st.ok()) return Internal("engine built a bad event: " + st.message());
  const bool with_read = answers && answer_wanted(next);
  // The queue goes into the case's row with the state: worklists are indexed queries.
  const std::optional<CaseQueue> queue = placement_of(next);
  // The letters it sends are queued with the event: both or neither.
  const std::vector<QueuedLetter> letters = letters_for(current, event, next);
  // And the people it concerns are told in the same unit.
  const std::vector<Notification> notices = notifications_for(event, next, queue);
  Status stored = with_read || !letters.empty() || !notices.empty() ? store_.atomically([&]() -> Status {
    if (auto st = store_.append_event(next, event, queue); !st.ok()) return st;
    if (auto st = store_.enqueue_letters(letters); !st.ok()) return st;
    if (auto st = store_.add_notifications(notices); !st.ok()) return st;
    return with_read ? record_answer(next) : Status::Ok();
  })
                                                : store_.append_event(next, event, queue);
  if (!stored.ok()) return stored;
  if (with_read) op->read_recorded = true;
  note_stored(next);
  logger()->info("case {}: {} by {} ({} -> {})", next.case_number, event.action, event.actor,
                 event.from_stage, event.to_stage);
  if (event.action == "deadline_passed") {
    emit(events_.deadline_passed, next);
  } else {
    emit(events_.action_performed, next, event);
  }
  return latest_of(std::move(next));
}

std::vector<QueuedLetter> CaseEngine::letters_for(const CaseState& before, const CaseEvent& event,
                                                 const CaseState& after) {
  if (!options_.letters || !after.citizen || !may_cause_letters(event)) return {};
  const auto* org = options_.organisation;
  const MunicipalityConfig* m = org ? org->find(after.municipality) : nullptr;
  LetterContext ctx;
  ctx.today = today();
  if (m != nullptr) {
    ctx.language = m->letters.language.empty() ? "da" : m->letters.language;
    ctx.municipality_name = m->name;
    const auto& head = m->letters.letterhead;
    std::vector<std::string> contact;
    if (!head.phone.empty()) contact.push_back((ctx.language == "en" ? "Phone " : "Tlf. ") + head.phone);
    if (!head.email.empty()) contact.push_back(head.email);
    if (!head.web.empty()) contact.push_back(head.web);
    ctx.contact = fmt::format("{}", fmt::join(contact, " · "));
  } else {
    auto name = store_.municipality_name(after.municipality);
    ctx.municipality_name = name.ok() ? *name : after.municipality;
  }
  const std::string acting = event.authority.empty() ? after.owning_authority : event.authority;
  auto name_of = [&](const std::string& authority) {
    if (authority == after.municipality || authority == "municipality") return ctx.municipality_name;
    return org ? org->authority_name(authority) : authority;
  };
  ctx.authority_name = name_of(acting);
  if (!after.owning_authority.empty() && after.owning_authority != acting) {
    ctx.on_behalf_of = name_of(after.owning_authority);
  }
  if (org != nullptr) {
    if (auto person = org->person(event.actor, after.municipality); person.ok()) {
      if (person->staff) ctx.sender_name = person->staff->name;
      if (person->unit) ctx.sender_unit = person->unit->name;
    }
    if (ctx.sender_unit.empty() && m != nullptr) {
      if (const auto* unit = m->unit(event.unit.empty() ? after.unit : event.unit)) ctx.sender_unit = unit->name;
    }
  }
  for (const char* field : {"full_name", "name", "citizen_name"}) {
    if (auto it = after.fields.find(field); it != after.fields.end() && it->is_string() && !it->get<std::string>().empty()) {
      ctx.citizen_name = it->get<std::string>();
      break;
    }
  }
  auto wf = workflow(after.workflow_id, after.workflow_version);
  if (wf.ok()) {
    ctx.workflow = wf->get();
    ctx.appeals_body = appeals_body_for(**wf, after.municipality);
    if (options_.plugins != nullptr && !(*wf)->plugin.empty()) ctx.labels = options_.plugins->form_labels((*wf)->plugin);
  }
  if (auto f = event.data.find("forwarded"); f != event.data.end() && f->is_object() && m != nullptr) {
    const std::string to = f->value("to", std::string());
    for (const auto& a : m->authorities) {
      if (a.id != to) continue;
      std::vector<std::string> lines;
      for (const auto* part : {&a.address, &a.phone, &a.web}) {
        if (!part->empty()) lines.push_back(*part);
      }
      ctx.forwarded_contact = fmt::format("{}", fmt::join(lines, "\n"));
    }
  }
  if (after.clock) {
    ctx.delay_expected = calendar_for(after.municipality).add_working_days(after.clock->due,
                                                                           std::max(1, options_.delay_working_days));
  }
  return letters_caused_by(before, event, after, ctx);
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
  auto stored = commit(current, std::move(e), /*answers=*/false);
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
  if (is_blank_text(text)) return InvalidArgument("a note needs text");
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  CaseEvent e = next_event(*state, actor, "note", state->stage);
  e.data["note"] = text;
  return commit(*state, std::move(e));
}

Status CaseEngine::may_add_document(const CaseState& state, const Actor& actor) {
  return check_may_work_on(state, actor, "add a document to");
}

Result<CaseState> CaseEngine::add_document(long long id, const Actor& actor, const json& document,
                                           const std::string& satisfies) {
  if (!document.is_object() || !document.value("id", json()).is_number_integer() ||
      !document.value("sha256", json()).is_string() || !document.value("media_type", json()).is_string()) {
    return InvalidArgument("a document event needs the document's id, sha256 and media type");
  }
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = may_add_document(*state, actor); !st.ok()) return st;
  CaseEvent e = next_event(*state, actor, "document_added", state->stage);
  e.data["document"] = document;
  if (!satisfies.empty()) {
    e.data["attachments"] = json::array({{{"name", satisfies}, {"kind", document.at("media_type")}}});
  }
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
  if (!is_event_kind(kind)) {
    return InvalidArgument("plugin event kind '" + mask_cpr_numbers(kind.substr(0, 64)) +
                           "' must be a lower-case letter, then up to 63 lower-case letters, digits and '_'");
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
                                                  const std::string& note, std::optional<Date> received_on) {
  if (is_blank_text(requester)) return InvalidArgument("an access request needs the name of who asks");
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
  req.received_on = received_on;
  auto opened = open_case(req);
  if (!opened.ok() && opened.status().code() == ErrorCode::kNotFound) {
    return NotFound("the access_request workflow is not deployed (sagsflow init deploys it): " +
                    opened.status().message());
  }
  return opened;
}

Result<CaseState> CaseEngine::escalate(long long id, const Actor& actor, const std::string& reason) {
  if (is_blank_text(reason)) return InvalidArgument("an escalation needs a reason (what makes the case complex); blank text is none");
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
  if (is_blank_text(reasons)) return InvalidArgument("a draft decision needs its reasons; blank text is none");
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
  if (is_blank_text(subject) || is_blank_text(body)) return InvalidArgument("a letter needs a subject and a body");
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
    if (state->status != CaseStatus::kOpen) continue;
    if (state->hearing.is_object()) {
      // A hearing whose reply date has passed ends: the clock runs again (FVL §19).
      auto reply_by = parse_date(state->hearing.value("reply_by", std::string()));
      if (reply_by.ok() && today > *reply_by) {
        Actor system = Actor::system(state->owning_authority);
        system.unit = state->unit;
        auto ended = end_hearing(*state, system, "deadline", "", today);
        if (ended.ok()) {
          ++recorded;
        } else if (ended.status().code() != ErrorCode::kConflict) {
          return ended.status();
        }
      }
      continue;  // the clock stands still while the citizen may reply; the next run sees the rest
    }
    if (!state->clock || state->clock->breached || state->clock->paused()) continue;
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

DanishCalendar CaseEngine::calendar_for(const std::string& municipality) const {
  const auto* org = options_.organisation;
  const MunicipalityConfig* m = org ? org->find(municipality) : nullptr;
  if (m == nullptr) return options_.calendar;
  CalendarOptions merged = options_.calendar.options();
  const CalendarOptions& own = m->calendar;
  merged.customary_closing_days = merged.customary_closing_days || own.customary_closing_days;
  merged.constitution_day = merged.constitution_day || own.constitution_day;
  merged.christmas_eve = merged.christmas_eve || own.christmas_eve;
  merged.new_years_eve = merged.new_years_eve || own.new_years_eve;
  merged.ascension_friday = merged.ascension_friday || own.ascension_friday;
  merged.extra_closed_days.insert(own.extra_closed_days.begin(), own.extra_closed_days.end());
  return DanishCalendar(std::move(merged));
}

PostDeliveryDays CaseEngine::post_days_for(const std::string& municipality) const {
  const auto* org = options_.organisation;
  const MunicipalityConfig* m = org ? org->find(municipality) : nullptr;
  return m ? m->post_delivery_days : default_post_delivery_days();
}

Date CaseEngine::receipt_date(const CaseState& state) const {
  if (state.received_on) return *state.received_on;
  auto opened = parse_timestamp(state.opened_at);
  return opened.ok() ? copenhagen_date(*opened) : today();
}

Result<std::string> CaseEngine::appeals_body_of(const CaseState& state) {
  auto wf = workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok()) return wf.status();
  return appeals_body_for(**wf, state.municipality);
}

Result<ComplaintDeadline> CaseEngine::complaint_deadline_for(const CaseState& state, Date sent,
                                                             DeliveryChannel channel) {
  if (!state.decided_on) {
    return FailedPrecondition(fmt::format("case {} has no decision", state.case_number));
  }
  auto wf = workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok()) return wf.status();
  if (!(*wf)->complaint_deadline) {
    return FailedPrecondition(fmt::format("workflow {} has no complaint deadline", (*wf)->id));
  }
  if (sent < *state.decided_on) {
    return FailedPrecondition(fmt::format("case {}: the decision of {} cannot be sent on {}, before it was made",
                                          state.case_number, format_date(*state.decided_on), format_date(sent)));
  }
  return compute_complaint_deadline(sent, channel, *(*wf)->complaint_deadline, calendar_for(state.municipality),
                                    post_days_for(state.municipality));
}

Result<CaseState> CaseEngine::record_decision_sent(long long id, const Actor& actor, Date sent,
                                                   DeliveryChannel channel) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  auto due = complaint_deadline_for(*state, sent, channel);
  if (!due.ok()) return due.status();
  auto wf = workflow(state->workflow_id, state->workflow_version);
  if (!wf.ok()) return wf.status();
  CaseEvent e = next_event(*state, actor, "decision_sent", state->stage);
  e.data["delivered_decision"] = {{"sent", format_date(due->sent)},
                                  {"channel", delivery_channel_key(due->channel)},
                                  {"received", format_date(due->received)},
                                  {"due", format_date(due->due)},
                                  {"period", (*wf)->complaint_deadline->describe()}};
  return commit(*state, std::move(e), /*answers=*/false);
}

Result<CaseState> CaseEngine::start_hearing(long long id, const Actor& actor, const std::string& facts,
                                            std::optional<Date> reply_by) {
  if (is_blank_text(facts)) {
    return InvalidArgument("a party hearing needs the facts the citizen is heard on (FVL §19); blank text is none");
  }
  if (facts.size() > 64 * 1024) return InvalidArgument("the facts of a party hearing are limited to 65536 bytes");
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_work_on(*state, actor, "hear the citizen on"); !st.ok()) return st;
  if (!state->hearing.is_null()) {
    return FailedPrecondition(fmt::format("case {} already has a party hearing open until {}", state->case_number,
                                          state->hearing.value("reply_by", std::string())));
  }
  const Date day = today();
  const DanishCalendar cal = calendar_for(state->municipality);
  const Date until = reply_by ? *reply_by
                              : cal.next_working_day_on_or_after(day + std::chrono::days(
                                                                       std::max(1, options_.hearing_reply_days)));
  if (until <= day) {
    return InvalidArgument(fmt::format("the reply date {} of a party hearing must be after today ({})",
                                       format_date(until), format_date(day)));
  }
  if (until > day + std::chrono::days(366)) {
    return InvalidArgument(fmt::format("the reply date {} of a party hearing is more than a year away",
                                       format_date(until)));
  }
  CaseEvent e = next_event(*state, actor, "hearing_started", state->stage);
  const bool pauses = state->clock && !state->clock->paused();
  e.data["hearing"] = {{"facts", facts},
                       {"reply_by", format_date(until)},
                       {"since", format_date(day)},
                       {"paused_clock", pauses},
                       {"by", actor.id},
                       {"law", "forvaltningsloven §19"}};
  if (pauses) e.data["clock"] = json::array({{{"op", "pause"}, {"on", format_date(day)}}});
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::end_hearing(const CaseState& state, const Actor& actor, const std::string& by,
                                          const std::string& reply, Date day) {
  CaseEvent e = next_event(state, actor, "hearing_ended", state.stage);
  json ended = {{"by", by}, {"on", format_date(day)}, {"reply_by", state.hearing.value("reply_by", std::string())}};
  if (!reply.empty()) ended["reply"] = reply;
  e.data["hearing_ended"] = ended;
  // The clock runs again unless the citizen is still asked for something else.
  if (state.clock && state.clock->paused() && state.missing.is_null()) {
    DeadlineClock clock = *state.clock;
    if (clock.resume(day, calendar_for(state.municipality)).ok()) {
      e.data["clock"] = json::array({{{"op", "resume"}, {"on", format_date(day)}, {"due", format_date(clock.due)}}});
    }
  }
  return commit(state, std::move(e), /*answers=*/by == "reply");
}

Result<CaseState> CaseEngine::record_letter(long long id, const std::string& action, const json& letter) {
  if (action != "letter_sent" && action != "letter_failed") {
    return InvalidArgument(fmt::format("'{}' is not what can become of a letter (letter_sent, letter_failed)", action));
  }
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  Actor system = Actor::system(state->owning_authority);
  system.unit = state->unit;
  CaseEvent e = next_event(*state, system, action, state->stage);
  e.data["letter"] = letter;
  return commit(*state, std::move(e), /*answers=*/false);
}

Result<CaseState> CaseEngine::record_hearing_reply(long long id, const Actor& actor, const std::string& reply) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_work_on(*state, actor, "record the hearing reply of"); !st.ok()) return st;
  if (state->hearing.is_null()) {
    return FailedPrecondition(fmt::format("case {} has no party hearing open", state->case_number));
  }
  if (reply.size() > 64 * 1024) return InvalidArgument("a hearing reply is limited to 65536 bytes");
  return end_hearing(*state, actor, "reply", reply, today());
}

Result<std::vector<ProcessingDeadline>> CaseEngine::processing_deadlines(const std::string& municipality) {
  auto municipalities = store_.list_municipalities();
  if (!municipalities.ok()) return municipalities.status();
  auto records = store_.list_workflows();
  if (!records.ok()) return records.status();
  std::map<std::string, int> latest;
  for (const auto& r : *records) latest[r.id] = std::max(latest[r.id], r.version);
  const auto* org = options_.organisation;
  // A municipality's own version of an area's workflow is published for it alone.
  std::set<std::string> own_versions;
  if (org) {
    for (const auto* m : org->all()) {
      for (const auto& a : m->service_areas) {
        if (!a.workflow.empty()) own_versions.insert(a.workflow);
      }
    }
  }
  std::vector<ProcessingDeadline> out;
  for (const auto& [code, name] : *municipalities) {
    if (!municipality.empty() && code != municipality) continue;
    for (const auto& [id, version] : latest) {
      const bool known = org && org->knows(code);
      if (known && org->workflow_for(code, id) != id) continue;  // replaced here by its own version
      if (own_versions.contains(id)) {
        bool uses = false;
        if (const auto* m = known ? org->find(code) : nullptr) {
          for (const auto& a : m->service_areas) uses = uses || a.workflow == id;
        }
        if (!uses) continue;
      }
      auto wf = workflow(id, version);
      if (!wf.ok()) continue;  // logged by workflow(); an unreadable definition publishes nothing
      for (const auto& stage : (*wf)->stages) {
        if (!stage.deadline) continue;
        out.push_back({code, name, (*wf)->service_area, id, (*wf)->title, stage.name, stage.title, *stage.deadline});
      }
    }
  }
  return out;
}

}  // namespace sagsflow
