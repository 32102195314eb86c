#include "sagsflow/organisation/organisation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "sagsflow/domain/key_table.hpp"
#include "sagsflow/cases/case_state.hpp"

namespace sagsflow {
namespace {

constexpr std::array<std::pair<Service, const char*>, 10> kServices{{
    {Service::kSignpost, "signpost"},
    {Service::kHandOutForm, "hand_out_form"},
    {Service::kHelpFillIn, "help_fill_in"},
    {Service::kReceiveAndForward, "receive_and_forward"},
    {Service::kGeneralGuidance, "general_guidance"},
    {Service::kConcreteGuidance, "concrete_guidance"},
    {Service::kEmploymentGuidance, "employment_guidance"},
    {Service::kRegisterMove, "register_move"},
    {Service::kDraftDecision, "draft_decision"},
    {Service::kDecide, "decide"},
}};

// What the centre may always do for another authority (docs/legal.md#permitted-services).
const std::vector<std::string> kOffers{"signpost", "hand_out_form", "help_fill_in", "receive_and_forward",
                                       "general_guidance"};

const char* kStandardTasks[] = {"receive", "check", "decide", "forward", "complaint"};

enum class TaskKind { kReceive, kCheck, kDecide, kForward, kComplaint };
TaskKind task_kind(std::string_view task) {
  if (task == "receive") return TaskKind::kReceive;
  if (task == "decide") return TaskKind::kDecide;
  if (task == "forward") return TaskKind::kForward;
  if (task == "complaint") return TaskKind::kComplaint;
  return TaskKind::kCheck;  // "check" and a workflow's own tasks (e.g. reject a photo)
}

bool decides(TaskKind k) { return k == TaskKind::kDecide || k == TaskKind::kComplaint; }

// The split (docs/legal.md#service-area-splits) lets the centre do this kind of task at all.
bool split_lets_centre(ServiceSplit split, TaskKind k) {
  switch (split) {
    case ServiceSplit::kFull:
    case ServiceSplit::kPartial1: return true;  // partial 1: simple cases only (checked per case)
    case ServiceSplit::kPartial2: return !decides(k);
    case ServiceSplit::kPartial3: return k == TaskKind::kReceive || k == TaskKind::kForward;
    case ServiceSplit::kPartial4: return k == TaskKind::kForward;
  }
  return true;
}

std::string split_phrase(ServiceSplit split) {
  switch (split) {
    case ServiceSplit::kFull: return "the centre handles the whole task";
    case ServiceSplit::kPartial1: return "the centre decides the simple cases, the department the complex ones";
    case ServiceSplit::kPartial2: return "the centre receives and checks; the department decides";
    case ServiceSplit::kPartial3: return "the centre helps the citizen use the digital self-service";
    case ServiceSplit::kPartial4: return "the centre helps find the rules and print the form; the citizen applies "
                                         "to the department";
  }
  return "";
}

Responsibilities default_responsibilities(OrganisationalModel model, bool area_has_booth) {
  using P = Placement;
  switch (model) {
    case OrganisationalModel::kSupermarket: return {P::kCitizenServiceCentre, P::kCitizenServiceCentre, P::kCitizenServiceCentre};
    case OrganisationalModel::kCooperation: return {P::kDepartment, P::kCitizenServiceCentre, P::kCitizenServiceCentre};
    case OrganisationalModel::kLimitedMarketSquare: return {P::kDepartment, P::kDepartment, P::kCitizenServiceCentre};
    case OrganisationalModel::kHybrid:
      // Booths carry full responsibility for their tasks; the centre's own
      // tasks follow the cooperation degree unless the file says otherwise.
      if (area_has_booth) return {P::kDepartment, P::kDepartment, P::kDepartment};
      return {P::kDepartment, P::kCitizenServiceCentre, P::kCitizenServiceCentre};
    case OrganisationalModel::kFullMarketSquare: return {P::kDepartment, P::kDepartment, P::kDepartment};
  }
  return {};
}

bool is_department_kind(UnitKind k) { return k == UnitKind::kDepartment || k == UnitKind::kJobCentre; }

bool is_specialist(const StaffMember* s, std::string_view area) {
  return s != nullptr && s->layer != StaffLayer::kCustomerLine && s->area == area;
}

// A refusal: why, what the acting authority may do instead (what the centre
// may always do for another authority), and how to reach the owning authority.
void refuse_with_offers(ServiceAdvice& a, const std::string& why) {
  a.allowed = false;
  a.offers = kOffers;
  a.message = fmt::format("{}. What {} may do instead: {}{}", why, a.acting_authority_name, fmt::join(kOffers, ", "),
                          a.contact ? fmt::format(" (contact {}: {})", a.contact->name,
                                                  !a.contact->phone.empty() ? a.contact->phone : a.contact->web)
                                    : std::string());
}

// What the acting authority may do: for its own matter or the owner's, and on
// whose behalf (`on_behalf_of`: another municipality served under an agreement).
std::string allowed_message(const ServiceAdvice& a, Service service, std::string_view area, bool own_matter,
                            const MunicipalityConfig* on_behalf_of) {
  return fmt::format("{} may {} for {} ({}){}", a.acting_authority_name, service_key(service), area,
                     own_matter ? "its own matter" : "decided by " + a.owning_authority_name,
                     on_behalf_of ? fmt::format(", on behalf of {}", on_behalf_of->name) : std::string());
}

}  // namespace

const char* service_key(Service s) { return to_key(kServices, s); }
std::optional<Service> service_from_key(std::string_view key) { return from_key(kServices, key); }
std::string all_service_keys() { return all_keys(kServices); }

void Organisation::add(MunicipalityConfig config) {
  auto code = config.code;
  municipalities_[code] = std::make_shared<const MunicipalityConfig>(std::move(config));
}

void Organisation::add_workflow(const WorkflowDefinition& wf) {
  workflows_[wf.id] = WorkflowInfo{wf.service_area.empty() ? wf.id : wf.service_area, wf.owning_authority};
}

const MunicipalityConfig* Organisation::find(std::string_view code) const {
  auto it = municipalities_.find(code);
  return it == municipalities_.end() ? nullptr : it->second.get();
}

std::vector<const MunicipalityConfig*> Organisation::all() const {
  std::vector<const MunicipalityConfig*> out;
  for (const auto& [code, m] : municipalities_) out.push_back(m.get());
  return out;
}

std::string Organisation::authority_name(std::string_view id) const {
  if (const auto* m = find(id)) return m->name;
  for (const auto& [code, m] : municipalities_) {
    for (const auto& a : m->authorities) {
      if (a.id == id) return a.name;
    }
  }
  return std::string(id);
}

std::string Organisation::area_of_workflow(std::string_view workflow_id) const {
  auto it = workflows_.find(workflow_id);
  return it == workflows_.end() ? std::string(workflow_id) : it->second.area;
}

std::string Organisation::workflow_for(std::string_view municipality, std::string_view workflow_id) const {
  const auto* m = find(municipality);
  if (m == nullptr) return std::string(workflow_id);
  const auto* sa = m->service_area(area_of_workflow(workflow_id));
  return sa != nullptr && !sa->workflow.empty() ? sa->workflow : std::string(workflow_id);
}

std::optional<std::string> Organisation::plugin_setting(std::string_view plugin, std::string_view municipality,
                                                        std::string_view key) const {
  const auto* m = find(municipality);
  if (m == nullptr) return std::nullopt;
  for (const auto& area : m->service_areas) {
    if (area.plugin != plugin) continue;
    if (auto it = area.settings.find(std::string(key)); it != area.settings.end()) return it->second;
  }
  // A delivery plugin reads the settings of the letter channel it serves (digital_post before print).
  for (const auto* channel : {&m->letters.digital_post, &m->letters.print}) {
    if (!channel->has_value() || (*channel)->plugin != plugin) continue;
    if (auto it = (*channel)->settings.find(std::string(key)); it != (*channel)->settings.end()) return it->second;
  }
  return std::nullopt;
}

std::string Organisation::owning_authority(std::string_view municipality, std::string_view area) const {
  std::string owner;
  if (const auto* m = find(municipality)) {
    if (const auto* sa = m->service_area(area)) owner = sa->authority;
  }
  if (owner.empty()) {
    for (const auto& [id, info] : workflows_) {
      if (info.area == area) {
        owner = info.owning_authority;
        break;
      }
    }
  }
  if (owner.empty() || owner == "municipality") return std::string(municipality);
  return owner;
}

const MunicipalUnit* Organisation::centre(const MunicipalityConfig& m) const {
  for (const auto& u : m.units) {
    if (u.kind == UnitKind::kCitizenServiceCentre) return &u;
  }
  return nullptr;
}

const MunicipalUnit* Organisation::department_for(const MunicipalityConfig& m, std::string_view area) const {
  // The booth a department runs for the area (market-square and hybrid
  // models), then the department itself, then a department for no one area.
  if (const auto* sa = m.service_area(area); sa != nullptr && !sa->unit.empty()) return m.unit(sa->unit);
  for (const auto& u : m.units) {
    if (u.kind != UnitKind::kBooth || u.area != area) continue;
    const auto* runner = m.unit(u.run_by);
    if (runner != nullptr && is_department_kind(runner->kind)) return &u;
  }
  for (const auto& u : m.units) {
    if (is_department_kind(u.kind) && u.area == area) return &u;
  }
  for (const auto& u : m.units) {
    if (u.kind == UnitKind::kDepartment && u.area.empty()) return &u;
  }
  return nullptr;
}

const MunicipalUnit* Organisation::booth_of_authority(const MunicipalityConfig& m, std::string_view authority) const {
  for (const auto& u : m.units) {
    if (u.kind == UnitKind::kBooth && u.run_by == authority) return &u;
  }
  return nullptr;
}

Holder Organisation::resolve(const MunicipalityConfig& m, std::string_view area, Placement p,
                             const std::string& owner) const {
  Holder h;
  h.placement = p;
  if (p == Placement::kCitizenServiceCentre) {
    const auto* c = centre(m);
    h.unit = c ? c->id : "";
    h.name = c ? c->name : "the citizen-service centre";
    h.authority = m.code;
    return h;
  }
  if (p == Placement::kOtherAuthority) {
    h.placement = Placement::kOtherAuthority;
    h.authority = owner;
    h.name = authority_name(owner);
    if (const auto* booth = booth_of_authority(m, owner)) h.unit = booth->id;
    return h;
  }
  h.authority = m.code;
  if (const auto* d = department_for(m, area)) {
    h.unit = d->id;
    h.name = d->name;
  } else if (owner != m.code) {
    return resolve(m, area, Placement::kOtherAuthority, owner);  // no unit of ours does its part
  } else {
    h.name = fmt::format("the department responsible for {}", area);
  }
  return h;
}

Result<TaskPlacement> Organisation::place(std::string_view municipality, std::string_view area,
                                          std::string_view task) const {
  const auto* m = find(municipality);
  if (m == nullptr) {
    return NotFound(fmt::format("municipality {} has no configuration in this installation (load its "
                                "municipality file with `sagsflow init --municipality-file`)", municipality));
  }
  TaskPlacement p;
  p.municipality = m->code;
  p.area = std::string(area);
  p.task = std::string(task);
  p.model = m->model_for(area, task);
  const auto* sa = m->service_area(area);
  p.split = sa ? sa->split : ServiceSplit::kFull;
  p.owning_authority = owning_authority(m->code, area);
  p.owning_authority_name = authority_name(p.owning_authority);
  const bool other_owner = p.owning_authority != m->code;
  bool area_has_booth = booth_of_authority(*m, p.owning_authority) != nullptr;
  if (const auto* d = department_for(*m, area); d != nullptr && d->kind == UnitKind::kBooth) area_has_booth = true;

  Responsibilities r = default_responsibilities(p.model, area_has_booth);
  if (sa != nullptr) {
    if (auto it = sa->responsibilities.find(std::string(task)); it != sa->responsibilities.end()) r = it->second;
  }
  const TaskKind kind = task_kind(task);
  // What the split keeps from the centre lies with the department, or for
  // another authority's matter with that authority (partial 3: processing
  // happens in its digital self-service or in its own offices).
  const auto away_from_centre = [&](Placement& x) {
    if (x == Placement::kCitizenServiceCentre) x = other_owner ? Placement::kOtherAuthority : Placement::kDepartment;
  };
  // The split decides what the centre does at all; the rest lies with the department.
  // The centre may always receive and forward another authority's matters (docs/legal.md#permitted-services).
  const bool always_centre = other_owner && (kind == TaskKind::kReceive || kind == TaskKind::kForward);
  if (!split_lets_centre(p.split, kind) && !always_centre) {
    away_from_centre(r.professional);
    away_from_centre(r.administrative);
  }
  if (other_owner) {
    // Another authority's matter: its rules; it alone decides and reconsiders.
    // Our department (or the unit the file names) may do the rest for it.
    r.professional = Placement::kOtherAuthority;
    if (decides(kind)) r.administrative = Placement::kOtherAuthority;
  }
  p.responsibilities = r;
  p.professional = resolve(*m, area, r.professional, p.owning_authority);
  p.administrative = resolve(*m, area, r.administrative, p.owning_authority);
  p.daily_operations = resolve(*m, area, r.daily_operations, p.owning_authority);
  p.centre_performs = r.administrative == Placement::kCitizenServiceCentre ||
                      (r.professional == Placement::kCitizenServiceCentre && !other_owner) ||
                      (always_centre && centre(*m) != nullptr);
  return p;
}

Status Organisation::may_administer(const Actor& actor, std::string_view municipality) const {
  const auto* m = find(municipality);
  if (m == nullptr) return NotFound(fmt::format("no municipality {} is configured in this installation", municipality));
  auto who = identify(actor, municipality);
  if (!who.ok()) return who.status();
  if (who->municipality != m || who->authority != m->code) {
    return Forbidden(fmt::format("{} is not on the staff of {} and cannot administer it", actor.id, m->name));
  }
  if (who->staff == nullptr || std::find(who->staff->roles.begin(), who->staff->roles.end(), kAdminRole) ==
                                   who->staff->roles.end()) {
    return Forbidden(fmt::format("{} does not hold the role '{}' in {}; administration (plugins, workflows, "
                                 "configuration, the access log) needs it",
                                 actor.id, kAdminRole, m->name));
  }
  if (!actor.has_role(kAdminRole)) {
    return Forbidden(fmt::format("{} is not acting in the role '{}'", actor.id, kAdminRole));
  }
  return Status::Ok();
}

Result<Actor> Organisation::actor_for(const ActorClaim& claim, std::string_view municipality) const {
  Actor a{claim.person, claim.unit, claim.authority, claim.roles};
  if (a.id == "system" || a.id.rfind("plugin:", 0) == 0) {
    return Forbidden(fmt::format("'{}' is reserved for Sagsflow itself and cannot act as a person", a.id));
  }
  if (empty()) {  // no municipality file at all: nothing to check the claim against
    if (a.authority.empty()) a.authority = std::string(municipality);
    return a;
  }
  // On a staff list: `municipality`'s first, else wherever one has them.
  auto listed = person(a.id, municipality);
  if (!listed.ok()) {
    if (municipality.empty()) return Forbidden(fmt::format("{} is not on the staff list of any municipality here", a.id));
    return Forbidden(fmt::format("{} is not on the staff list of municipality {}", a.id, municipality));
  }
  if (a.unit.empty()) a.unit = listed->staff->unit;
  if (a.roles.empty()) a.roles = listed->staff->roles;
  if (a.authority.empty()) {
    // Their own unit acts for a known authority; another unit is checked against the municipality.
    a.authority = a.unit == listed->staff->unit ? listed->authority
                  : municipality.empty()            ? listed->municipality->code
                                                    : std::string(municipality);
  }
  auto known = identify(a, municipality);
  if (!known.ok()) return known.status();
  a.authority = known->authority;
  return a;
}

Status only_the_owner_decides(const CaseState& state, std::string_view acting, const std::string& instead,
                              const Organisation* names) {
  if (acting == state.owning_authority) return Status::Ok();
  const auto name = [&](std::string_view id) { return names ? names->authority_name(id) : std::string(id); };
  const std::string offer =
      !instead.empty() ? instead
                       : fmt::format("what {} may do: receive the application and forward it to {}, signpost the "
                                     "citizen, help fill in the form, and give general guidance on the rules",
                                     name(acting), name(state.owning_authority));
  return Forbidden(fmt::format("case {} is decided by {}, not by {} (the acting authority); {}", state.case_number,
                               name(state.owning_authority), name(acting), offer));
}

Result<KnownPerson> Organisation::identify(const Actor& actor, std::string_view near) const {
  // "system" and "plugin:..." are Sagsflow's own writers; they never come through here.
  if (actor.id == "system" || actor.id.rfind("plugin:", 0) == 0) {
    return Forbidden(fmt::format("'{}' is reserved for Sagsflow itself and cannot act as a person", actor.id));
  }
  KnownPerson who;
  std::vector<const MunicipalityConfig*> order;
  if (const auto* m = find(near)) order.push_back(m);
  if (const auto* m = find(actor.authority); m != nullptr && m != find(near)) order.push_back(m);
  for (const auto& [code, m] : municipalities_) {
    if (std::find(order.begin(), order.end(), m.get()) == order.end()) order.push_back(m.get());
  }
  for (const auto* m : order) {
    const auto* unit = m->unit(actor.unit);
    if (unit == nullptr) continue;
    const StaffMember* staff = nullptr;
    for (const auto& s : m->staff) {
      if (s.id == actor.id) staff = &s;
    }
    if (staff == nullptr && !m->staff.empty()) continue;  // perhaps another municipality's unit of that name
    if (staff != nullptr && staff->unit != unit->id) {
      return Forbidden(fmt::format("{} works in unit '{}' of {}, not in '{}'", actor.id, staff->unit, m->name,
                                   actor.unit));
    }
    if (staff != nullptr) {
      for (const auto& role : actor.roles) {
        if (std::find(staff->roles.begin(), staff->roles.end(), role) == staff->roles.end()) {
          return Forbidden(fmt::format("{} does not hold the role '{}' (the staff list of {} gives: {})", actor.id,
                                       role, m->name, fmt::join(staff->roles, ", ")));
        }
      }
    }
    who.municipality = m;
    who.staff = staff;
    who.unit = unit;
    who.authority = m->code;
    if (unit->kind == UnitKind::kBooth && m->unit(unit->run_by) == nullptr && !unit->run_by.empty()) {
      who.authority = unit->run_by;  // a booth of another authority acts for it, whatever the premises
    }
    if (!actor.authority.empty() && actor.authority != who.authority) {
      return Forbidden(fmt::format("{} works in '{}' ({}), which acts for {}, not for {}: access follows the "
                                   "authority and the unit",
                                   actor.id, unit->id, unit->name, authority_name(who.authority),
                                   authority_name(actor.authority)));
    }
    return who;
  }
  for (const auto& [code, m] : municipalities_) {
    if (m->unit(actor.unit) != nullptr) {
      return Forbidden(fmt::format("{} is not on the staff list of unit '{}' in any municipality file", actor.id,
                                   actor.unit));
    }
  }
  return Forbidden(fmt::format("unit '{}' of {} is not a unit of any municipality this installation serves",
                               actor.unit, actor.id));
}

Result<KnownPerson> Organisation::person(std::string_view id, std::string_view near) const {
  std::vector<const MunicipalityConfig*> order;
  if (const auto* m = find(near)) order.push_back(m);
  for (const auto& [code, m] : municipalities_) {
    if (m.get() != find(near)) order.push_back(m.get());
  }
  for (const auto* m : order) {
    for (const auto& s : m->staff) {
      if (s.id != id) continue;
      Actor probe;
      probe.id = s.id;
      probe.unit = s.unit;
      return identify(probe, m->code);
    }
  }
  return NotFound(fmt::format("'{}' is not on the staff list of any municipality file", id));
}

const Agreement* Organisation::agreement(const MunicipalityConfig& home, std::string_view other,
                                         std::string_view area) const {
  for (const auto& a : home.agreements) {
    if (a.municipality != other) continue;
    if (std::find(a.service_areas.begin(), a.service_areas.end(), area) != a.service_areas.end()) return &a;
  }
  return nullptr;
}

Status Organisation::authority_access(const KnownPerson& who, const Actor& actor, const CaseState& state,
                                      std::string_view area, bool& on_behalf) const {
  on_behalf = false;
  const auto& home = *who.municipality;
  if (home.code != state.municipality) {
    if (agreement(home, state.municipality, area) == nullptr) {
      return Forbidden(fmt::format(
          "case {} belongs to {}; {} has no agreement with it covering {}, so {} cannot see or act on it",
          state.case_number, authority_name(state.municipality), home.name, area, actor.id));
    }
    on_behalf = true;
  }
  if (who.authority != home.code) {
    // Staff of another authority in a booth: that authority's own cases only.
    if (state.owning_authority != who.authority) {
      return Forbidden(fmt::format(
          "{} works in the booth of {}, which does not own case {} ({} does); access follows the authority "
          "and the unit, not the premises",
          actor.id, authority_name(who.authority), state.case_number, authority_name(state.owning_authority)));
    }
    return Status::Ok();
  }
  const bool owned_here = state.owning_authority == state.municipality;
  const bool received_here = state.received_by == home.code || state.received_by == state.municipality;
  if (!owned_here && !received_here) {
    return Forbidden(fmt::format(
        "case {} was received by {} and belongs to it; the centre's staff do not see another authority's "
        "cases (access follows the authority and the unit, not the premises)",
        state.case_number, authority_name(state.received_by)));
  }
  return Status::Ok();
}

bool Organisation::unit_performs(const TaskPlacement& p, const KnownPerson& who, const MunicipalityConfig& m) const {
  if (who.unit == nullptr) return true;  // system
  const auto& u = *who.unit;
  if (who.authority != m.code) return who.authority == p.owning_authority;
  if (u.kind == UnitKind::kCitizenServiceCentre) return p.centre_performs;
  // A department's booth works as the department; a department works in its booth.
  const auto same_side = [&](const Holder& h) {
    if (h.unit.empty() || h.placement == Placement::kCitizenServiceCentre) return false;
    if (h.unit == u.id) return true;
    const auto* hu = m.unit(h.unit);
    return (hu != nullptr && hu->run_by == u.id) || u.run_by == h.unit;
  };
  return same_side(p.administrative) || same_side(p.professional);
}

bool Organisation::unit_involved(const MunicipalityConfig& m, const KnownPerson& who, std::string_view area) const {
  if (who.unit == nullptr) return true;
  std::vector<std::string> tasks(std::begin(kStandardTasks), std::end(kStandardTasks));
  if (const auto* sa = m.service_area(area)) {
    for (const auto& [t, r] : sa->responsibilities) tasks.push_back(t);
    for (const auto& [t, model] : sa->task_models) tasks.push_back(t);
  }
  for (const auto& t : tasks) {
    auto p = place(m.code, area, t);
    if (p.ok() && unit_performs(*p, who, m)) return true;
  }
  return false;
}

Status Organisation::may_see(const Actor& actor, const CaseState& state, std::string_view area) const {
  auto who = identify(actor, state.municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr) return Status::Ok();
  bool on_behalf = false;
  if (auto st = authority_access(*who, actor, state, area, on_behalf); !st.ok()) return st;
  if (on_behalf || who->authority != who->municipality->code) return Status::Ok();
  if (unit_involved(*who->municipality, *who, area)) return Status::Ok();
  if (is_specialist(who->staff, area)) return Status::Ok();
  return Forbidden(fmt::format("{} works in {} ({}), which holds no responsibility for {} in {}; case {} is not "
                               "visible to that unit",
                               actor.id, who->unit->name, who->unit->id, area, who->municipality->name,
                               state.case_number));
}

Status Organisation::may_open(const Actor& actor, std::string_view municipality, std::string_view area) const {
  auto who = identify(actor, municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr) return Status::Ok();
  const auto* m = find(municipality);
  if (m == nullptr) return place(municipality, area, "receive").status();
  const auto& home = *who->municipality;
  if (home.code != m->code && agreement(home, m->code, area) == nullptr) {
    return Forbidden(fmt::format("{} has no agreement with {} covering {}; {} cannot open its cases", home.name,
                                 m->name, area, actor.id));
  }
  auto p = place(home.code, area, "receive");
  if (!p.ok()) return p.status();
  if (unit_performs(*p, *who, home)) return Status::Ok();
  if (who->authority == home.code && who->unit->kind != UnitKind::kCitizenServiceCentre &&
      unit_involved(home, *who, area)) {
    return Status::Ok();  // a department may receive an application in its own area
  }
  return Forbidden(fmt::format(
      "{} ({}) does not receive applications for {} in {}: {}; receipt lies with {}. What {} may do: {}",
      actor.id, who->unit->name, area, home.name, split_phrase(p->split), p->administrative.name, actor.id,
      fmt::join(kOffers, ", ")));
}

Status Organisation::may_perform(const Actor& actor, const CaseState& state, std::string_view area,
                                 const ActionDefinition& action, std::string_view task) const {
  auto who = identify(actor, state.municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr) return Status::Ok();
  bool on_behalf = false;
  if (auto st = authority_access(*who, actor, state, area, on_behalf); !st.ok()) return st;
  const auto& home = *who->municipality;
  const TaskKind kind = task_kind(task);
  if (action.decision || kind == TaskKind::kComplaint) {
    std::string instead;
    if (on_behalf && state.owning_authority == state.municipality) {
      instead = fmt::format("{} may draft a decision (case draft-decision), which goes to {} to decide",
                            home.name, authority_name(state.owning_authority));
    }
    if (auto st = only_the_owner_decides(state, who->authority, instead, this); !st.ok()) return st;
  }
  // Under an agreement the person works as they would at home.
  auto p = place(on_behalf ? home.code : state.municipality, area, task);
  if (!p.ok()) return p.status();
  if (!unit_performs(*p, *who, home)) {
    return Forbidden(fmt::format(
        "task '{}' of {} in {} lies with {} (administrative responsibility; rules: {}) under the {} model, split "
        "{} ({}); {} works in {} and may not take '{}'",
        task, area, home.name, p->administrative.name, p->professional.name, organisational_model_key(p->model),
        service_split_key(p->split), split_phrase(p->split), actor.id, who->unit->name, action.name));
  }
  const bool escalated = !state.escalation.is_null();
  if (escalated && who->staff != nullptr && !is_specialist(who->staff, area) && kind != TaskKind::kForward) {
    return Forbidden(fmt::format("case {} is escalated to the specialist group for {}; {} is in the {} and may "
                                 "not take '{}' (report a problem or add a note instead)",
                                 state.case_number, area, actor.id, staff_layer_key(who->staff->layer),
                                 action.name));
  }
  if (action.complex && who->staff != nullptr && who->staff->layer == StaffLayer::kCustomerLine) {
    return Forbidden(fmt::format("'{}' on case {} is a complex task: the customer line escalates the case to the "
                                 "specialist group for {} (case escalate)",
                                 action.name, state.case_number, area));
  }
  if (p->split == ServiceSplit::kPartial1 && decides(kind) && escalated &&
      who->unit->kind == UnitKind::kCitizenServiceCentre) {
    return Forbidden(fmt::format("case {} is complex (escalated); under split partial_1 the department decides "
                                 "it, not the centre", state.case_number));
  }
  return Status::Ok();
}

Status Organisation::may_draft(const Actor& actor, const CaseState& state, std::string_view area) const {
  auto who = identify(actor, state.municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr) return Status::Ok();
  bool on_behalf = false;
  if (auto st = authority_access(*who, actor, state, area, on_behalf); !st.ok()) return st;
  if (!on_behalf) {
    return Forbidden(fmt::format("{} decides case {} itself; a draft decision is for a municipality acting for "
                                 "another one under an agreement", authority_name(state.owning_authority),
                                 state.case_number));
  }
  if (state.owning_authority != state.municipality) {
    return Forbidden(fmt::format("case {} is decided by {}, not by a municipality; {} may receive and forward it",
                                 state.case_number, authority_name(state.owning_authority),
                                 who->municipality->name));
  }
  return Status::Ok();
}

Status Organisation::may_escalate(const Actor& actor, const CaseState& state, std::string_view area) const {
  if (auto st = may_see(actor, state, area); !st.ok()) return st;
  if (!state.escalation.is_null()) {
    return FailedPrecondition(fmt::format("case {} is already escalated to the specialist group for {}",
                                          state.case_number, area));
  }
  const auto* m = find(state.municipality);
  if (m == nullptr) return Status::Ok();
  for (const auto& s : m->staff) {
    if (s.layer == StaffLayer::kSpecialistGroup && s.area == area) return Status::Ok();
  }
  return FailedPrecondition(fmt::format("{} has no specialist group for {} (staff with layer specialist_group and "
                                        "area {}); the case cannot be escalated",
                                        m->name, area, area));
}

Queue Organisation::queue_of(const CaseState& state, std::string_view area, std::string_view task) const {
  if (!state.escalation.is_null()) {
    return {"specialist_group", std::string(area), fmt::format("specialist group for {}", area)};
  }
  auto p = place(state.municipality, area, task);
  if (!p.ok()) return {"unit", state.unit, state.unit};
  const auto& h = p->administrative;
  if (h.unit.empty() && h.placement == Placement::kOtherAuthority) return {"authority", h.authority, h.name};
  return {"unit", h.unit, h.name};
}

// One advise() question and the facts its rules look at.
struct Organisation::AdviceQuestion {
  const Actor& actor;
  const KnownPerson& who;          // the person, as identify() found them
  const MunicipalityConfig& home;  // whose staff list the person is on
  const MunicipalityConfig& m;     // the municipality the inquiry is about
  std::string_view area;
  Service service;
  bool on_behalf;       // home serves m's citizens (another municipality)
  bool own_matter;      // the acting authority decides the area itself
  bool booth_of_other;  // the person works in another authority's booth
};

ServiceAdvice Organisation::advise(const Actor& actor, std::string_view municipality, std::string_view area,
                                   Service service) const {
  ServiceAdvice a = owner_advice(municipality, area);
  auto who = identify(actor, municipality);
  if (!who.ok()) {
    a.message = who.status().message();
    return a;
  }
  a.acting_authority = who->municipality ? who->authority : actor.authority;
  a.acting_authority_name = authority_name(a.acting_authority);
  const auto* m = find(municipality);
  if (who->municipality == nullptr || m == nullptr) {
    a.allowed = true;
    a.message = "no organisation rules apply";
    return a;
  }
  const auto& home = *who->municipality;
  const AdviceQuestion q{actor, *who, home, *m, area, service,
                         /*on_behalf=*/home.code != m->code,
                         /*own_matter=*/a.owning_authority == a.acting_authority,
                         /*booth_of_other=*/who->authority != home.code};
  if (!agreement_allows(q, a) || !service_rule_allows(q, a)) return a;
  a.allowed = true;
  a.message = allowed_message(a, service, area, q.own_matter, q.on_behalf ? m : nullptr);
  return a;
}

// Who decides the area's matters, and how citizens reach them (the authority
// as the municipality's file lists it).
ServiceAdvice Organisation::owner_advice(std::string_view municipality, std::string_view area) const {
  ServiceAdvice a;
  a.owning_authority = owning_authority(municipality, area);
  a.owning_authority_name = authority_name(a.owning_authority);
  if (const auto* m = find(municipality)) {
    for (const auto& auth : m->authorities) {
      if (auth.id == a.owning_authority) a.contact = auth;
    }
  }
  return a;
}

// Another municipality's staff serve here only under an agreement covering the area.
bool Organisation::agreement_allows(const AdviceQuestion& q, ServiceAdvice& a) const {
  if (!q.on_behalf || agreement(q.home, q.m.code, q.area) != nullptr) return true;
  a.message = fmt::format("{} has no agreement with {} covering {}", q.home.name, q.m.name, q.area);
  a.offers = {"signpost"};
  return false;
}

// Each service has its rule; the centre's everyday services (signpost, forms,
// help filling in, receive and forward, general guidance) follow the booth rule.
bool Organisation::service_rule_allows(const AdviceQuestion& q, ServiceAdvice& a) const {
  switch (q.service) {
    case Service::kEmploymentGuidance: return employment_guidance_allows(q, a);
    case Service::kConcreteGuidance:
    case Service::kDecide: return exercise_of_authority_allows(q, a);
    case Service::kDraftDecision: return draft_decision_allows(q, a);
    case Service::kRegisterMove: return register_move_allows(q, a);
    default: return booth_of_other_allows(q, a);
  }
}

// Employment-related guidance belongs to the job centre (its staff or a booth it runs).
bool Organisation::employment_guidance_allows(const AdviceQuestion& q, ServiceAdvice& a) {
  const auto* runner = q.m.unit(q.who.unit->run_by);
  const bool job_centre =
      q.who.unit->kind == UnitKind::kJobCentre || (runner != nullptr && runner->kind == UnitKind::kJobCentre);
  if (job_centre) return true;
  std::string where = "the job centre";
  for (const auto& u : q.home.units) {
    if (u.kind == UnitKind::kJobCentre) where = u.name;
  }
  a.allowed = false;
  a.offers = {"signpost"};
  a.message = fmt::format("employment-related guidance belongs to the job centre ({}); {} ({}) may signpost "
                          "the citizen there",
                          where, q.actor.id, q.who.unit->name);
  return false;
}

// Concrete guidance and decisions exercise the owning authority's power: only
// in its own matter, not on another's behalf, by a unit that performs the task
// (check or decide) or is involved in the area.
bool Organisation::exercise_of_authority_allows(const AdviceQuestion& q, ServiceAdvice& a) const {
  const bool decide = q.service == Service::kDecide;
  auto p = place(q.home.code, q.area, decide ? "decide" : "check");
  const bool ours = q.own_matter && !q.on_behalf && p.ok();
  if (ours && (unit_performs(*p, q.who, q.home) || unit_involved(q.home, q.who, q.area))) return true;
  refuse_with_offers(a, fmt::format("{} is decided by {}; {} by {} ({}) would exercise {}'s authority, which {} may "
                                    "not do",
                                    q.area, a.owning_authority_name,
                                    decide ? "a decision" : "concrete guidance on whether the citizen meets the "
                                                            "conditions",
                                    q.actor.id, a.acting_authority_name, a.owning_authority_name,
                                    a.acting_authority_name));
  if (ours) {
    // Our own matter, but another unit's task: name that unit.
    a.message = fmt::format("{} of {} lies with {} in {}; {} ({}) may not do it. {}", service_key(q.service), q.area,
                            p->administrative.name, q.home.name, q.actor.id, q.who.unit->name,
                            "Signpost the citizen there or escalate to the specialist group");
  }
  return false;
}

// A draft decision is made only for another municipality, under an agreement,
// in a matter that municipality decides.
bool Organisation::draft_decision_allows(const AdviceQuestion& q, ServiceAdvice& a) {
  if (q.on_behalf && a.owning_authority == q.m.code) return true;
  a.allowed = false;
  a.offers = kOffers;
  a.message = fmt::format("a draft decision is made only for another municipality under an agreement; {} "
                          "is decided by {}",
                          q.area, a.owning_authority_name);
  return false;
}

// Moves are registered in CPR by the municipality, never by another
// authority's booth; within the municipality, by the unit that decides moves.
bool Organisation::register_move_allows(const AdviceQuestion& q, ServiceAdvice& a) const {
  if (q.booth_of_other) {
    refuse_with_offers(a, fmt::format("moves are registered in CPR by the municipality, not by {}",
                                      a.acting_authority_name));
    return false;
  }
  auto p = place(q.home.code, "moving", "decide");
  if (!p.ok() || unit_performs(*p, q.who, q.home)) return true;
  a.allowed = false;
  a.offers = {"signpost", "help_fill_in", "receive_and_forward"};
  a.message = fmt::format("registering a move in CPR lies with {} in {}; {} ({}) may signpost the citizen "
                          "there or help with the digital move report",
                          p->administrative.name, q.home.name, q.actor.id, q.who.unit->name);
  return false;
}

// Another authority's booth serves only that authority's matters; it may
// always signpost the citizen to the centre.
bool Organisation::booth_of_other_allows(const AdviceQuestion& q, ServiceAdvice& a) {
  if (!q.booth_of_other || q.own_matter || q.service == Service::kSignpost) return true;
  a.allowed = false;
  a.offers = {"signpost"};
  a.message = fmt::format("{} serves only its own matters; {} is {}'s: signpost the citizen to the centre",
                          a.acting_authority_name, q.area, a.owning_authority_name);
  return false;
}

std::vector<std::string> Organisation::gaps(std::string_view municipality) const {
  std::vector<std::string> out;
  const auto* m = find(municipality);
  if (m == nullptr) return out;
  for (const auto& area : m->service_areas) {
    std::vector<std::string> tasks;
    for (const char* t : kStandardTasks) {
      auto p = place(m->code, area.id, t);
      if (!p.ok()) continue;
      for (const Holder* h : {&p->professional, &p->administrative}) {
        if (h->placement == Placement::kDepartment && h->unit.empty()) {
          tasks.push_back(t);
          break;
        }
      }
    }
    if (!tasks.empty()) {
      out.push_back(fmt::format("service area '{}': the task(s) {} lie with the department, but no department, job "
                                "centre or booth serves '{}' (set service_areas.{}.unit, or place the tasks)",
                                area.id, fmt::join(tasks, ", "), area.id, area.id));
    }
  }
  return out;
}

bool Organisation::uses_triage(std::string_view municipality) const {
  const auto* m = find(municipality);
  if (m == nullptr) return false;
  const auto* c = centre(*m);
  return m->model == OrganisationalModel::kLimitedMarketSquare || m->model == OrganisationalModel::kHybrid ||
         m->model == OrganisationalModel::kFullMarketSquare || c == nullptr || !c->has_chief;
}

namespace {
// " (open 10:00-15:00 today)" from the unit's hours, or "" when it has none for today.
std::string hours_today(const MunicipalityConfig& m, const MunicipalUnit& unit, Date today,
                        const DanishCalendar& calendar) {
  std::vector<std::string> parts;
  for (const auto& i : open_on(m.hours_of(unit), today, calendar)) {
    parts.push_back(fmt::format("{}-{}{}", format_clock(i.opens), format_clock(i.closes),
                                i.appointment_only ? " by appointment" : ""));
  }
  return parts.empty() ? std::string() : fmt::format(" (open {} today)", fmt::join(parts, ", "));
}
}  // namespace

TriageAdvice Organisation::triage(std::string_view municipality, std::string_view area, Date today,
                                  std::optional<Date> deadline, const DanishCalendar& calendar) const {
  TriageAdvice t;
  t.area = std::string(area);
  auto p = place(municipality, area, "receive");
  if (!p.ok()) {
    t.offer = "signpost";
    t.message = p.status().message();
    return t;
  }
  const auto* m = find(municipality);
  for (const auto& auth : m->authorities) {
    if (auth.id == p->owning_authority) t.contact = auth;
  }
  // Another authority's booth here serves its own matters; otherwise the
  // unit that leads the receipt (the centre, a department or its booth).
  Holder h = p->administrative;
  if (const auto* booth = booth_of_authority(*m, p->owning_authority)) {
    h = resolve(*m, area, Placement::kOtherAuthority, p->owning_authority);
    h.unit = booth->id;
    h.name = booth->name;
  } else if (h.unit.empty() && p->centre_performs) {
    h = resolve(*m, area, Placement::kCitizenServiceCentre, m->code);
  }
  t.unit = h.unit;
  t.unit_name = h.name;
  if (h.unit.empty()) {
    t.offer = "signpost";
    t.message = fmt::format("{} is {}'s matter and it has no unit here: signpost the citizen{}; a written "
                            "application can be received here and forwarded",
                            area, h.name,
                            t.contact ? fmt::format(" ({}, {})", t.contact->phone, t.contact->web) : std::string());
    return t;
  }
  const auto* unit = m->unit(h.unit);
  if (unit == nullptr || unit->walk_in_on(today)) {
    t.offer = "now";
    t.on = today;
    t.message = fmt::format("go to {} now{}", h.name, unit ? hours_today(*m, *unit, today, calendar) : "");
    return t;
  }
  t.staffed_today = false;
  std::optional<Date> next;
  for (int i = 1; i <= 28 && !next; ++i) {
    const Date d = today + std::chrono::days(i);
    if (calendar.is_working_day(d) && (unit->walk_in_on(d) || unit->appointments_on(d))) next = d;
  }
  if (!next) {
    t.offer = "signpost";
    t.message = fmt::format("{} is not staffed in the next four weeks; signpost the citizen", h.name);
    return t;
  }
  const bool appointment = !unit->walk_in_on(*next);
  if (deadline && *next > *deadline) {
    t.offer = "receive_now";
    t.on = today;
    t.message = fmt::format(
        "{} is not staffed today and next on {}, after the deadline {}: the triage desk receives the application "
        "today and forwards it to {}, so the deadline is kept; {} can still be offered for guidance",
        h.name, format_date(*next), format_date(*deadline), h.name,
        appointment ? "an appointment" : "a visit");
    return t;
  }
  t.offer = "appointment";
  t.on = next;
  t.message = fmt::format("{} is not staffed today; {} on {}{}", h.name,
                          appointment ? "offer an appointment" : "it is staffed again", format_date(*next),
                          deadline ? fmt::format(", before the deadline {}", format_date(*deadline)) : std::string());
  return t;
}

}  // namespace sagsflow
