// CaseEngine: who is told about an event on a case (Notification). The
// rules, once, for every front end:
// - assigned:         a team leader reassigned the case to someone else: that person;
// - queue:            the case moved to a new stage (or was opened, escalated,
//                     forwarded) and waits, unclaimed, in a unit's queue: the
//                     unit's staff whose entry asks for "queue";
// - missing_received: the citizen answered what the case waited for: the person holding it;
// - deadline_near:    the deadline is near or passed: the person holding it or,
//                     when nobody does, the team leaders of the unit whose queue it is in.
// Each person only for the kinds their staff entry asks for (the default:
// assigned, missing_received, deadline_near), never the person who acted,
// and with an e-mail (mail_state "pending") when their entry has an address.
#include <set>

#include "sagsflow/engine/engine.hpp"

namespace sagsflow {

namespace {

std::string holder_of(const CaseState& s) {
  return s.assignee.is_object() ? s.assignee.value("person", "") : std::string();
}

}  // namespace

std::vector<Notification> CaseEngine::notifications_for(const CaseEvent& event, const CaseState& after,
                                                        const std::optional<CaseQueue>& queue) const {
  const Organisation* org = options_.organisation;
  if (org == nullptr) return {};
  const MunicipalityConfig* m = org->find(after.municipality);
  if (m == nullptr || m->staff.empty()) return {};
  std::vector<Notification> out;
  std::set<std::string> told;
  const std::string at = event.at.empty() ? format_timestamp(options_.clock()) : event.at;
  const auto tell = [&](const StaffMember& p, const char* kind) {
    if (p.id == event.actor || !p.notified_of(kind) || !told.insert(p.id).second) return;
    Notification n;
    n.municipality = after.municipality;
    n.person = p.id;
    n.kind = kind;
    n.case_id = after.id;
    n.case_number = after.case_number;
    n.event_seq = event.seq;
    n.created_at = at;
    n.email = p.email;
    n.mail_state = p.email.empty() ? "none" : "pending";
    out.push_back(std::move(n));
  };
  const auto person = [&](const std::string& id) -> const StaffMember* {
    for (const auto& p : m->staff) {
      if (p.id == id) return &p;
    }
    return nullptr;
  };
  const std::string holder = holder_of(after);
  const bool in_unit_queue = queue && queue->kind == "unit" && !queue->id.empty();

  if (event.action == "reassigned" && !holder.empty()) {
    if (const StaffMember* p = person(holder)) tell(*p, "assigned");
  }
  if (event.data.contains("missing_answered") && !holder.empty()) {
    if (const StaffMember* p = person(holder)) tell(*p, "missing_received");
  }
  if (event.action == "deadline_near" || event.action == "deadline_passed") {
    if (!holder.empty()) {
      if (const StaffMember* p = person(holder)) tell(*p, "deadline_near");
    } else if (in_unit_queue) {
      for (const auto& p : m->staff) {
        if (p.unit == queue->id && std::find(p.roles.begin(), p.roles.end(), kTeamLeaderRole) != p.roles.end()) {
          tell(p, "deadline_near");
        }
      }
    }
  }
  const bool arrived = event.from_stage != event.to_stage || event.action == "escalated" || event.action == "forwarded";
  if (arrived && after.status == CaseStatus::kOpen && holder.empty() && in_unit_queue) {
    for (const auto& p : m->staff) {
      if (p.unit == queue->id) tell(p, "queue");
    }
  }
  return out;
}

}  // namespace sagsflow
