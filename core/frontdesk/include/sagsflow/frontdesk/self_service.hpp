// SelfService: the citizen's own applications (digital selvbetjening), the
// front desk's assisted ones (medbetjening), drafts, and the register of
// citizens exempt from mandatory digital self-service.
//
// Which services a citizen may apply for themself is the municipality file's
// choice per service area (ServiceAreaConfig::self_service): a form, personal
// attendance with the reason told to the citizen, or not offered. The form is
// the one the area's plugin manifest declares (FormSpec); a submission is
// checked against every rule of it at once (FormSpec::problems, strict: a
// field the form does not declare is refused too) before anything is stored.
// A submission opens the case on the `digital_self_service` channel with the
// citizen as party and records it in the inquiry register as a transaction by
// the citizen (so the channel report's self-service rate counts it), in one
// unit with the opening and the removal of the citizen's draft; the receipt
// letter is queued as for every opening.
//
// An assisted submission is staff (on the staff list, may give "help fill
// in") submitting the same form for a citizen beside them, with the citizen's
// consent (refused without it): the case opens on the
// `assisted_self_service` channel, the consent is in the opening's intake and
// in the register's outcome.
//
// Exemptions: a citizen exempt from mandatory digital self-service is told on
// the service list that they may apply on paper or in person, and their
// letters go by physical post (app/letter_delivery.cpp asks
// SqlStore::served_on_paper). The register is for staff on the staff list;
// its use is logged with the CPR number masked.
//
// Errors: kNotFound (no such service for this municipality; the municipality
// has no configuration), kForbidden (the service is not offered as a form to
// the citizen, staff not on the staff list), kInvalidArgument (naming the
// field), kStorage. Nothing is stored when a method fails.
//
// Thread-safety: not thread-safe (its engine and stores are not); one per
// thread, like FrontDesk.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/config/plugin_manifest.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"

namespace sagsflow {

// A draft is at most this large (its fields as JSON); a larger one is refused naming "fields".
inline constexpr std::size_t kDraftBytesLimit = 64 * 1024;

struct SelfServiceDraft {
  std::string service;
  nlohmann::json fields = nlohmann::json::object();
  std::string saved_at;
};

struct SelfServiceExemption {
  Cpr cpr;
  std::string reason;  // masked
  std::string registered_by, registered_at;
};

// What SelfService needs from storage (the SQL store implements it; migration 18).
class SelfServiceStore {
 public:
  virtual ~SelfServiceStore() = default;
  // Saves (replaces) the citizen's draft for the service.
  virtual Status put_draft(const Cpr& citizen, const std::string& municipality, const SelfServiceDraft& draft) = 0;
  virtual Result<std::optional<SelfServiceDraft>> load_draft(const Cpr& citizen, const std::string& municipality,
                                                             const std::string& service) = 0;
  // Whether there was one.
  virtual Result<bool> delete_draft(const Cpr& citizen, const std::string& municipality,
                                    const std::string& service) = 0;
  virtual Status put_self_service_exemption(const SelfServiceExemption& exemption) = 0;
  virtual Result<bool> remove_self_service_exemption(const Cpr& cpr) = 0;
  virtual Result<std::optional<SelfServiceExemption>> self_service_exemption(const Cpr& cpr) = 0;
};

// One service as the citizen is offered it.
struct ServiceOffer {
  std::string id;     // the workflow id (the municipality's own workflow for the area when it has one)
  std::string title;  // the workflow's title
  std::string area;
  std::string plugin;
  SelfServiceMode mode = SelfServiceMode::kNone;
  std::string why;                  // Danish; set when mode is not form
  std::string processing_deadline;  // the published deadline, described ("2 arbejdsdage"); empty: none
  bool bookable = false;            // time can be booked for the area (its `appointments` setting)
};

struct ServiceForm {
  ServiceOffer offer;
  FormSpec form;
};

// What the citizen is told when the application is received.
struct SelfServiceReceipt {
  std::string case_number;
  Date received_on;
  std::string processing_deadline;  // as published; empty: none
  std::optional<Date> expected_by;  // when the running deadline falls due
  std::string next_steps;           // Danish
};

struct SelfServiceRequest {
  std::string municipality;
  std::string service;  // ServiceOffer::id
  Cpr citizen;
  nlohmann::json fields = nlohmann::json::object();
  // Assisted self-service: the staff member submitting it, and the citizen's consent.
  std::optional<Actor> assisted_by;
  bool consent = false;
};

// Either every problem of the form (nothing stored), or the case and its receipt.
struct SelfServiceOutcome {
  std::vector<FieldProblem> problems;
  std::optional<CaseState> opened;
  std::optional<SelfServiceReceipt> receipt;
  long long inquiry_id = 0;
};

class SelfService {
 public:
  SelfService(CaseEngine& engine, FrontDeskStore& inquiries, SelfServiceStore& store, const Organisation& organisation);

  // The services of `municipality` whose workflow's plugin is loaded and
  // whose area the municipality file declares, with how they are applied
  // for. An exempt `citizen` (when given) is told, on each, that paper and
  // personal attendance serve them too. kNotFound without configuration.
  Result<std::vector<ServiceOffer>> services(const std::string& municipality, const std::optional<Cpr>& citizen);
  // One service and its form. kNotFound naming the service.
  Result<ServiceForm> form(const std::string& municipality, const std::string& service);
  // Submits an application (see the top of this file). The outcome's
  // problems are the form's, every one; kForbidden when the service is not
  // offered as a form (to the citizen; assisted: not offered at all) or the
  // assisted submission has no consent (kInvalidArgument naming "consent").
  Result<SelfServiceOutcome> submit(const SelfServiceRequest& request);

  // Drafts: fields must be an object of at most kDraftBytesLimit bytes
  // (kInvalidArgument naming "fields"); the service must be one of the
  // municipality's (kNotFound). The saved draft.
  Result<SelfServiceDraft> save_draft(const std::string& municipality, const Cpr& citizen, const std::string& service,
                                      const nlohmann::json& fields);
  Result<std::optional<SelfServiceDraft>> draft(const std::string& municipality, const Cpr& citizen,
                                                const std::string& service);
  Result<bool> delete_draft(const std::string& municipality, const Cpr& citizen, const std::string& service);

  // The register of exemptions (staff of `municipality` only; kForbidden otherwise).
  Result<SelfServiceExemption> exempt(const Actor& actor, const std::string& municipality, const Cpr& cpr,
                                      const std::string& reason);
  Result<bool> unexempt(const Actor& actor, const std::string& municipality, const Cpr& cpr);
  Result<std::optional<SelfServiceExemption>> exemption(const Actor& actor, const std::string& municipality,
                                                        const Cpr& cpr);

 private:
  Result<ServiceOffer> offer(const std::string& municipality, const std::string& service);
  Result<std::vector<ServiceOffer>> offers(const std::string& municipality);
  Status check_registrar(const Actor& actor, const std::string& municipality) const;

  CaseEngine& engine_;
  FrontDeskStore& inquiries_;
  SelfServiceStore& store_;
  const Organisation& organisation_;
};

}  // namespace sagsflow
