// Organisation: what the municipality files mean for every action.
//
// Built from the installation's municipality files (one installation can
// serve several municipalities) and the deployed workflows. It answers, for
// a person, a case and a task:
//   - where the task lies: its model, where the three responsibilities lie,
//     whose rules apply (professional), whose queue it lands in
//     (administrative), and who decides (the owning authority);
//   - whether the person may see the case, perform the task, or decide;
//   - what the centre may do for an inquiry about another authority's area
//     (docs/legal.md#permitted-services), and where a triage desk sends a citizen.
// Every refusal is a kForbidden Status whose message names the rule, the
// owning authority and what the person may do instead. The engine and the
// front desk ask it, so the CLI, the API and plugins get the same answer.
//
// The rules (docs/organisation.md explains them for admins):
//   Authority. A person acts for the authority of their unit: a booth run by
//   another authority acts for that authority; every other unit for its
//   municipality. Staff of a municipality see and work on its own cases and,
//   under an agreement, the cases of the areas the agreement covers.
//   Booth staff of another authority see only cases that authority owns.
//   Centre staff see cases of another authority that the centre received.
//   Unit. Within the municipality, the units holding the professional or
//   administrative responsibility of an area's tasks see its cases; they
//   perform a task when they hold its administrative or professional
//   responsibility. Whoever may perform a task of a case may see the case.
//   Split (the municipality's own areas; the centre may always receive and
//   forward another authority's matters). full: the centre may do every task its responsibilities give it;
//   partial_1: the centre decides only cases not escalated; partial_2: the
//   centre receives, checks and forwards; partial_3: it helps with digital
//   self-service (receives and forwards); partial_4: it helps find the rules
//   and print the form. Tasks the centre may not do lie with the department.
//   Layers. A case escalated to the specialist group is worked on only by
//   specialist and expert group staff of its area; a `complex` action is
//   never taken by the customer line.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/domain/domain.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/config/workflow.hpp"

namespace sagsflow {

struct CaseState;
class Organisation;

// Who holds one responsibility: a placement resolved to a unit (or, for
// another authority without a booth here, to that authority alone).
struct Holder {
  Placement placement = Placement::kCitizenServiceCentre;
  std::string unit;       // unit id; empty when the authority has no unit here
  std::string authority;  // municipality code or authority id
  std::string name;       // "Borgerservice", "Pas og kørekort", "Udbetaling Danmark"
};

struct TaskPlacement {
  std::string municipality;
  std::string area;
  std::string task;
  OrganisationalModel model = OrganisationalModel::kSupermarket;
  ServiceSplit split = ServiceSplit::kFull;
  Responsibilities responsibilities;
  Holder professional;      // whose rules apply
  Holder administrative;    // whose queue the task lands in; leads the staff doing it
  Holder daily_operations;  // hours, rotas, premises
  std::string owning_authority;       // who decides the area's cases
  std::string owning_authority_name;
  bool centre_performs = false;  // the centre's staff may perform the task
};

// Where a case's current task waits.
struct Queue {
  std::string kind;  // "unit", "specialist_group", "authority" (forward it there)
  std::string id;    // unit id, area, or authority id
  std::string name;
};

// What the centre may do about an inquiry (docs/legal.md#permitted-services).
enum class Service {
  kSignpost,            // tell the citizen where to go
  kHandOutForm,         // hand out or print forms and information
  kHelpFillIn,          // help fill in a form / use the digital self-service
  kReceiveAndForward,   // receive an application and forward it
  kGeneralGuidance,     // general, abstract guidance on the rules
  kConcreteGuidance,    // concrete guidance: exercises the authority's power
  kEmploymentGuidance,  // belongs to the job centre
  kRegisterMove,        // register a move in CPR
  kDraftDecision,       // draft a decision for another municipality, which decides
  kDecide,              // decide the matter
};
const char* service_key(Service s);
std::optional<Service> service_from_key(std::string_view key);
std::string all_service_keys();

struct ServiceAdvice {
  bool allowed = false;
  std::string acting_authority;  // who serves the citizen
  std::string acting_authority_name;
  std::string owning_authority;  // who decides the area's matters
  std::string owning_authority_name;
  std::string message;                  // the refusal, or what the centre does
  std::vector<std::string> offers;      // what may be done instead (service keys)
  std::optional<SignpostAuthority> contact;  // how to reach the owning authority
};

// Where the triage desk sends a citizen (models 3 to 5).
struct TriageAdvice {
  std::string area;
  std::string unit;       // where the matter is handled here; empty: another authority with no unit here
  std::string unit_name;
  bool staffed_today = true;
  // "now": go there now; "appointment": come back on `on`; "receive_now": the
  // triage desk receives the written application now so a deadline is kept;
  // "signpost": another authority with no unit here.
  std::string offer;
  std::optional<Date> on;
  std::string message;
  std::optional<SignpostAuthority> contact;
};

// A person as the organisation knows them.
// The role that administers a municipality's installation.
inline constexpr const char* kAdminRole = "admin";

struct KnownPerson {
  const MunicipalityConfig* municipality = nullptr;  // whose staff list they are on
  const StaffMember* staff = nullptr;
  const MunicipalUnit* unit = nullptr;
  std::string authority;  // the authority their unit acts for
};

// Who a caller says they are: a person id and, optionally, the unit, roles
// and authority they act in (from a token, the CLI's options, a test).
struct ActorClaim {
  std::string person;
  std::string unit;       // empty: their unit on the staff list
  std::string authority;  // empty: the authority their unit acts for
  std::vector<std::string> roles;  // empty: their roles on the staff list
};

// The one rule for the owning authority: only it decides a case and
// reconsiders its decision on a complaint, whoever else serves the citizen
// (docs/legal.md#the-owning-authority-decides). Ok when `acting` is the
// owner; otherwise kForbidden naming both and what the acting authority may
// do instead (`instead`; empty for the general offer). Names come from
// `name_of` (ids when null).
Status only_the_owner_decides(const CaseState& state, std::string_view acting, const std::string& instead = {},
                              const Organisation* name_of = nullptr);

// Thread-safety: an Organisation is immutable once built (add/add_workflow
// are only called while the installation is set up), so its const methods
// may be called from any number of threads at once.
class Organisation {
 public:
  // Adds (or replaces) a municipality's configuration.
  void add(MunicipalityConfig config);
  // Teaches it which area a workflow serves and who owns it.
  void add_workflow(const WorkflowDefinition& workflow);

  bool empty() const { return municipalities_.empty(); }
  bool knows(std::string_view municipality) const { return find(municipality) != nullptr; }
  const MunicipalityConfig* find(std::string_view municipality) const;
  std::vector<const MunicipalityConfig*> all() const;
  // The display name of a municipality or authority id.
  std::string authority_name(std::string_view id) const;
  // The service area a workflow serves (its `service_area`), if known.
  std::string area_of_workflow(std::string_view workflow_id) const;
  // The workflow `municipality` uses for the area of `workflow_id`: its own
  // override, or `workflow_id` itself.
  std::string workflow_for(std::string_view municipality, std::string_view workflow_id) const;
  // The value `municipality` sets for `plugin` (what the plugin reads with
  // config_get), if any: under the `settings` of its service areas whose
  // plugin it is, else under those of the letter channel it serves
  // (letters.digital_post, then letters.print).
  std::optional<std::string> plugin_setting(std::string_view plugin, std::string_view municipality,
                                            std::string_view key) const;
  // Who decides the area's matters in `municipality`: its code or an authority id.
  std::string owning_authority(std::string_view municipality, std::string_view area) const;

  Result<TaskPlacement> place(std::string_view municipality, std::string_view area, std::string_view task) const;

  // Finds the person: their staff record, unit and the authority they act for.
  // Refuses an unknown person, a unit they do not work in, or an authority
  // their unit does not act for. "system" is always known.
  Result<KnownPerson> identify(const Actor& actor, std::string_view near_municipality = {}) const;

  // The one way a caller becomes an Actor, for the CLI, the server, token
  // issue and tests alike. The person must be on a staff list (`municipality`'s
  // first, else any loaded one): their record fills in the unit and roles the
  // claim leaves out, and the authority is the one their unit acts for; then
  // identify() checks the whole. Only an organisation with no municipality
  // file at all takes the claim as it is, acting for `municipality` unless it
  // names an authority.
  // Errors: kForbidden naming the person when they are on no staff list, or
  // claim a unit, role or authority the list does not give them; kForbidden
  // for the reserved ids "system" and "plugin:...".
  Result<Actor> actor_for(const ActorClaim& claim, std::string_view municipality) const;

  // The staff member with this id (in `near_municipality` first), with the
  // unit and the authority they act for; kNotFound when no file lists them.
  Result<KnownPerson> person(std::string_view id, std::string_view near_municipality = {}) const;

  // May `actor` administer `municipality` (its plugins, workflows and
  // configuration, and read its access log)? Someone on its staff list with
  // the role "admin", acting for it.
  Status may_administer(const Actor& actor, std::string_view municipality) const;

  // May `actor` see `state` (and its personal data)?
  Status may_see(const Actor& actor, const CaseState& state, std::string_view area) const;
  // May `actor` open a case of `area` in `municipality` (the receive task)?
  Status may_open(const Actor& actor, std::string_view municipality, std::string_view area) const;
  // May `actor` take `action` (task `task`) on `state`? Checks authority,
  // unit, split, layer and the decision rule.
  Status may_perform(const Actor& actor, const CaseState& state, std::string_view area,
                     const ActionDefinition& action, std::string_view task) const;
  // May `actor` draft a decision on `state` for the municipality that decides it?
  Status may_draft(const Actor& actor, const CaseState& state, std::string_view area) const;
  // May `actor` escalate `state` to the specialist group of `area`?
  Status may_escalate(const Actor& actor, const CaseState& state, std::string_view area) const;

  // Where the case's current task waits.
  Queue queue_of(const CaseState& state, std::string_view area, std::string_view task) const;

  // What `actor` may do about `service` for `area` in `municipality`.
  ServiceAdvice advise(const Actor& actor, std::string_view municipality, std::string_view area,
                       Service service) const;
  // Where the triage desk sends a citizen with a matter of `area` on `today`;
  // `deadline` is a legal deadline the matter must meet (application,
  // complaint), if any.
  TriageAdvice triage(std::string_view municipality, std::string_view area, Date today,
                      std::optional<Date> deadline, const DanishCalendar& calendar) const;
  // Holes in a municipality's organisation that its file does not show by
  // itself: a task placed with "the department" of an area no department,
  // job centre or booth serves (set the area's `unit`, or place the task).
  std::vector<std::string> gaps(std::string_view municipality) const;

  // True when the municipality works without a centre chief (models 3 to 5):
  // inquiries enter through a triage desk.
  bool uses_triage(std::string_view municipality) const;

 private:
  struct WorkflowInfo {
    std::string area;
    std::string owning_authority;  // "municipality" or an authority id
  };
  const MunicipalUnit* centre(const MunicipalityConfig& m) const;
  // The unit that acts for the department side of `area` (its department,
  // job centre or a department's booth), if any.
  const MunicipalUnit* department_for(const MunicipalityConfig& m, std::string_view area) const;
  const MunicipalUnit* booth_of_authority(const MunicipalityConfig& m, std::string_view authority) const;
  Holder resolve(const MunicipalityConfig& m, std::string_view area, Placement p, const std::string& owner) const;
  // The agreement under which `home` handles `area` for `other`, if any.
  const Agreement* agreement(const MunicipalityConfig& home, std::string_view other, std::string_view area) const;
  // Authority-level access (who acts for whom, agreements, booths).
  Status authority_access(const KnownPerson& who, const Actor& actor, const CaseState& state,
                          std::string_view area, bool& on_behalf) const;
  // True when the person's unit is one of `m`'s units involved in `area`.
  bool unit_involved(const MunicipalityConfig& m, const KnownPerson& who, std::string_view area) const;
  bool unit_performs(const TaskPlacement& p, const KnownPerson& who, const MunicipalityConfig& m) const;
  // The steps of advise() (organisation.cpp): owner_advice() starts the answer;
  // each *_allows applies one rule to the question and returns false when it
  // refuses, with the refusal in `a`.
  struct AdviceQuestion;
  ServiceAdvice owner_advice(std::string_view municipality, std::string_view area) const;
  bool agreement_allows(const AdviceQuestion& q, ServiceAdvice& a) const;
  bool service_rule_allows(const AdviceQuestion& q, ServiceAdvice& a) const;
  static bool employment_guidance_allows(const AdviceQuestion& q, ServiceAdvice& a);
  bool exercise_of_authority_allows(const AdviceQuestion& q, ServiceAdvice& a) const;
  static bool draft_decision_allows(const AdviceQuestion& q, ServiceAdvice& a);
  bool register_move_allows(const AdviceQuestion& q, ServiceAdvice& a) const;
  static bool booth_of_other_allows(const AdviceQuestion& q, ServiceAdvice& a);

  std::map<std::string, std::shared_ptr<const MunicipalityConfig>, std::less<>> municipalities_;
  std::map<std::string, WorkflowInfo, std::less<>> workflows_;
};

}  // namespace sagsflow
