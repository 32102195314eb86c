// CaseEngine: worklists, and claiming, releasing and reassigning cases.
#include <fmt/format.h>

#include "sagsflow/engine/engine.hpp"

namespace sagsflow {

using json = nlohmann::json;

namespace {

std::string assignee_person(const CaseState& state) {
  return state.assignee.is_object() ? state.assignee.value("person", "") : std::string();
}

}  // namespace

Status CaseEngine::check_may_work_on(const CaseState& state, const Actor& actor, const char* what) {
  if (auto st = check_may_see(actor, state); !st.ok()) return st;
  if (state.status == CaseStatus::kClosed) {
    return FailedPrecondition(fmt::format("case {} is closed; nobody can {} it", state.case_number, what));
  }
  auto actions = available_actions(state, actor);
  if (!actions.ok()) return actions.status();
  if (actions->empty()) {
    return Forbidden(fmt::format("{} cannot take any action on case {} in stage '{}', so cannot {} it",
                                 actor.id, state.case_number, state.stage, what));
  }
  return Status::Ok();
}

Result<WorklistPage> CaseEngine::worklist_page(const WorklistQuery& query, const Actor& actor,
                                               const ReadPurpose& why) {
  if (why.purpose.empty()) return InvalidArgument("a worklist shows personal data: its read needs a purpose");
  if (query.unit.has_value() == query.person.has_value()) {
    return InvalidArgument("a worklist is either a unit's queue or a person's claimed cases: name one");
  }
  if (query.person && *query.person != actor.id && !actor.has_role(kTeamLeaderRole)) {
    return Forbidden(fmt::format("{} may see only their own worklist; {}'s is for them and their team leader",
                                 actor.id, *query.person));
  }
  // One indexed query: the queue and the assignee are columns of the case row.
  CaseFilter filter;
  filter.municipality = query.municipality;
  filter.status = CaseStatus::kOpen;
  filter.limit = query.limit;
  filter.after = query.after;
  if (query.unit) filter.queue = CaseQueue{"unit", *query.unit};
  if (query.person) filter.assignee = *query.person;
  if (auto st = apply_filters(query.filters, filter); !st.ok()) return st;
  auto page = visible_page(filter, actor, query.count);
  if (!page.ok()) return page.status();
  WorklistPage out;
  out.cut = page->cut;
  out.next_after = page->next_after;
  out.total = page->total;
  out.total_capped = page->total_capped;
  out.items.reserve(page->cases.size());
  for (auto& state : page->cases) {
    auto queue = queue_of(state);
    if (!queue.ok()) return queue.status();
    out.items.push_back({std::move(state), std::move(*queue)});
  }
  // Exactly the cases shown are recorded, in one unit, before they are returned.
  std::vector<const CaseState*> shown;
  shown.reserve(out.items.size());
  for (const auto& item : out.items) shown.push_back(&item.state);
  if (auto st = record_list_read(shown, actor, why); !st.ok()) return st;
  return out;
}

Result<long long> CaseEngine::case_id_by_number(const std::string& municipality, const std::string& number) {
  CaseFilter f;
  f.municipality = municipality;
  f.case_number = number;
  f.limit = 1;
  auto rows = store_.list_cases(f);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFound(fmt::format("municipality {} has no case {}", municipality, number));
  return rows->front().id;
}

Result<std::vector<std::string>> CaseEngine::workflows_of_area(const std::string& area) {
  auto deployed = store_.list_workflows();
  if (!deployed.ok()) return deployed.status();
  std::vector<std::string> out;
  for (const auto& record : *deployed) {
    if (!out.empty() && out.back() == record.id) continue;  // listed by id, then version
    auto wf = workflow(record.id, record.version);
    if (wf.ok() && (*wf)->service_area == area) out.push_back(record.id);
  }
  if (out.empty()) return NotFound(fmt::format("no deployed workflow serves the service area '{}'", area));
  return out;
}

Status CaseEngine::apply_filters(const CaseListFilters& filters, CaseFilter& filter) {
  if (filters.stage) filter.stage = *filters.stage;
  if (filters.due_before) filter.due_before = *filters.due_before;
  filter.newest_first = filters.newest_first;
  if (filters.service_area) {
    auto workflows = workflows_of_area(*filters.service_area);
    if (!workflows.ok()) return workflows.status();
    filter.workflows = std::move(*workflows);
  }
  return Status::Ok();
}

Result<CaseSearchPage> CaseEngine::search_cases(const CaseSearch& search, const Actor& actor, const std::string& via) {
  auto query = parse_search_query(search.text);
  if (!query.ok()) return query.status();
  if (search.purpose.size() > kMaxSearchPurposeBytes) {
    return InvalidArgument(fmt::format("the purpose of a search is at most {} bytes", kMaxSearchPurposeBytes));
  }
  const bool blank_purpose = search.purpose.find_first_not_of(" \t\r\n") == std::string::npos;
  if (query->kind == SearchKind::kCpr && blank_purpose) {
    return InvalidArgument(
        "a search by CPR number finds a person's cases by their identity: say why (the purpose is recorded "
        "in the access log with each case shown), e.g. 'phone call from the citizen'");
  }
  CaseFilter filter;
  filter.municipality = search.municipality;
  filter.limit = search.limit;
  filter.after = search.after;
  if (auto st = apply_filters(search.filters, filter); !st.ok()) return st;
  filter.newest_first = true;  // the most recent first, whatever the filters say
  switch (query->kind) {
    case SearchKind::kCpr: filter.citizen = *query->cpr; break;
    case SearchKind::kCaseNumber: filter.case_number = query->case_number; break;
    case SearchKind::kKleSubject: filter.subject_prefix = query->kle_prefix; break;
    case SearchKind::kText: filter.words = query->words; break;
  }
  auto page = visible_page(filter, actor, search.count);
  if (!page.ok()) return page.status();
  const ReadPurpose why{query->kind == SearchKind::kCpr ? fmt::format("{}: {}", kReadSearchByCpr, mask_cpr_numbers(search.purpose))
                                                        : std::string(kReadSearch),
                        via};
  std::vector<const CaseState*> shown;
  shown.reserve(page->cases.size());
  for (const auto& s : page->cases) shown.push_back(&s);
  if (auto st = record_list_read(shown, actor, why); !st.ok()) return st;
  return CaseSearchPage{query->kind, std::move(*page)};
}

Result<std::vector<WorklistItem>> CaseEngine::worklist(const WorklistQuery& query, const Actor& actor,
                                                       const ReadPurpose& why) {
  auto page = worklist_page(query, actor, why);
  if (!page.ok()) return page.status();
  return std::move(page->items);
}

Result<CaseState> CaseEngine::claim(long long id, const Actor& actor) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_work_on(*state, actor, "claim"); !st.ok()) return st;
  const std::string holder = assignee_person(*state);
  if (holder == actor.id) return state;  // already theirs
  if (!holder.empty()) {
    return Conflict(fmt::format("case {} is already claimed by {} (since {}); a team leader can reassign it",
                                state->case_number, holder, state->assignee.value("since", "")));
  }
  CaseEvent e = next_event(*state, actor, "claimed", state->stage);
  e.data["assignee"] = {{"person", actor.id}, {"unit", actor.unit}, {"since", e.at}, {"by", actor.id}};
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::release(long long id, const Actor& actor) {
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  const std::string holder = assignee_person(*state);
  if (holder.empty()) {
    return FailedPrecondition(fmt::format("case {} is not claimed by anyone; it waits in its queue",
                                          state->case_number));
  }
  if (holder != actor.id && !actor.has_role(kTeamLeaderRole)) {
    return Forbidden(fmt::format("case {} is claimed by {}; only they or a team leader can release it",
                                 state->case_number, holder));
  }
  CaseEvent e = next_event(*state, actor, "released", state->stage);
  e.data["assignee"] = nullptr;
  e.data["released_from"] = holder;
  return commit(*state, std::move(e));
}

Result<CaseState> CaseEngine::reassign(long long id, const Actor& actor, const Actor& to) {
  if (!actor.has_role(kTeamLeaderRole)) {
    return Forbidden(fmt::format("{} is not a team leader (role '{}'); only a team leader reassigns cases",
                                 actor.id, kTeamLeaderRole));
  }
  auto state = store_.load_case(id);
  if (!state.ok()) return state.status();
  if (auto st = check_may_see(actor, *state); !st.ok()) return st;
  if (auto st = check_may_work_on(*state, to, "take over"); !st.ok()) return st;
  CaseEvent e = next_event(*state, actor, "reassigned", state->stage);
  e.data["assignee"] = {{"person", to.id}, {"unit", to.unit}, {"since", e.at}, {"by", actor.id}};
  e.data["reassigned_from"] = assignee_person(*state);
  return commit(*state, std::move(e));
}

}  // namespace sagsflow
