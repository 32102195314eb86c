#include "sagsflow/frontdesk/self_service.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "sagsflow/domain/blank_text.hpp"
#include "sagsflow/domain/log.hpp"

namespace sagsflow {

using nlohmann::json;

namespace {

// "2 arbejdsdage", "4 uger", "30 dage".
std::string deadline_da(const DeadlineSpec& d) {
  const bool one = d.amount == 1;
  const char* unit = d.unit == DeadlineUnit::kWorkingDays ? (one ? "arbejdsdag" : "arbejdsdage")
                     : d.unit == DeadlineUnit::kWeeks      ? (one ? "uge" : "uger")
                                                           : (one ? "dag" : "dage");
  return fmt::format("{} {}", d.amount, unit);
}

constexpr const char* kAttendanceWhyDefault =
    "Denne ydelse søges ved personligt fremmøde i Borgerservice.";
constexpr const char* kNotOfferedWhyDefault =
    "Denne ydelse kan ikke søges digitalt her. Kontakt Borgerservice.";
constexpr const char* kExemptNote =
    "Du er fritaget for digital selvbetjening: du kan også søge på papir eller ved personligt fremmøde i "
    "Borgerservice, og dine breve sendes med posten.";

}  // namespace

SelfService::SelfService(CaseEngine& engine, FrontDeskStore& inquiries, SelfServiceStore& store,
                         const Organisation& organisation)
    : engine_(engine), inquiries_(inquiries), store_(store), organisation_(organisation) {}

Result<std::vector<ServiceOffer>> SelfService::offers(const std::string& municipality) {
  const MunicipalityConfig* m = organisation_.find(municipality);
  if (m == nullptr) return NotFound(fmt::format("municipality {} has no configuration in this installation", municipality));
  PluginCalls* plugins = engine_.options().plugins;
  auto records = engine_.store().list_workflows();
  if (!records.ok()) return records.status();
  std::map<std::string, int> latest;
  for (const auto& r : *records) latest[r.id] = std::max(latest[r.id], r.version);
  auto deadlines = engine_.processing_deadlines(municipality);
  if (!deadlines.ok()) return deadlines.status();
  std::vector<ServiceOffer> out;
  std::set<std::string> seen;
  for (const auto& [id, version] : latest) {
    const std::string wf_id = organisation_.workflow_for(municipality, id);
    if (!seen.insert(wf_id).second) continue;
    auto wf = engine_.workflow(wf_id, std::nullopt);
    if (!wf.ok() || (*wf)->plugin.empty()) continue;
    const ServiceAreaConfig* area = m->service_area((*wf)->service_area);
    if (area == nullptr) continue;  // not a service area of this municipality
    std::optional<FormSpec> form = plugins ? plugins->form_of((*wf)->plugin) : std::nullopt;
    if (!form) continue;  // its plugin is not installed (or not loaded here)
    ServiceOffer o;
    o.id = wf_id;
    o.title = (*wf)->title;
    o.area = (*wf)->service_area;
    o.plugin = (*wf)->plugin;
    o.mode = area->self_service.mode.value_or(form->fields.empty() ? SelfServiceMode::kNone : SelfServiceMode::kForm);
    o.why = area->self_service.why;
    if (o.why.empty() && o.mode == SelfServiceMode::kAttendance) o.why = kAttendanceWhyDefault;
    if (o.why.empty() && o.mode == SelfServiceMode::kNone) o.why = kNotOfferedWhyDefault;
    if (o.mode == SelfServiceMode::kForm) o.why.clear();
    o.bookable = area->appointments.has_value();
    std::vector<std::string> parts;
    for (const auto& d : *deadlines) {
      if (d.workflow_id == wf_id) parts.push_back(fmt::format("{}: {}", d.stage_title, deadline_da(d.deadline)));
    }
    o.processing_deadline = fmt::format("{}", fmt::join(parts, "; "));
    out.push_back(std::move(o));
  }
  return out;
}

Result<ServiceOffer> SelfService::offer(const std::string& municipality, const std::string& service) {
  auto all = offers(municipality);
  if (!all.ok()) return all.status();
  for (auto& o : *all) {
    if (o.id == service) return o;
  }
  return NotFound(mask_cpr_numbers(fmt::format("service: {} offers no service '{}' (GET /api/v1/me/services lists them)",
                                               organisation_.authority_name(municipality), service.substr(0, 100))));
}

Result<std::vector<ServiceOffer>> SelfService::services(const std::string& municipality,
                                                        const std::optional<Cpr>& citizen) {
  auto all = offers(municipality);
  if (!all.ok()) return all.status();
  if (!citizen) return all;
  auto exempt = store_.self_service_exemption(*citizen);
  if (!exempt.ok()) return exempt.status();
  if (*exempt) {
    for (auto& o : *all) o.why = o.why.empty() ? kExemptNote : o.why + " " + kExemptNote;
  }
  return all;
}

Result<ServiceForm> SelfService::form(const std::string& municipality, const std::string& service) {
  auto o = offer(municipality, service);
  if (!o.ok()) return o.status();
  auto form = engine_.options().plugins->form_of(o->plugin);
  if (!form) return NotFound(fmt::format("the plugin '{}' of service {} is not loaded", o->plugin, service));
  return ServiceForm{std::move(*o), std::move(*form)};
}

Result<SelfServiceOutcome> SelfService::submit(const SelfServiceRequest& req) {
  const bool assisted = req.assisted_by.has_value();
  std::optional<KnownPerson> staff;
  if (assisted) {
    auto who = organisation_.identify(*req.assisted_by, req.municipality);
    if (!who.ok()) return who.status();
    if (who->municipality == nullptr) return Forbidden("assisted self-service is given by staff, not by the system");
    staff = *who;
    if (!req.consent) {
      return InvalidArgument("consent: assisted self-service needs the citizen's consent to submit the application "
                             "for them (consent: true)");
    }
  }
  auto sf = form(req.municipality, req.service);
  if (!sf.ok()) return sf.status();
  const ServiceOffer& o = sf->offer;
  if (o.mode == SelfServiceMode::kNone || (!assisted && o.mode != SelfServiceMode::kForm)) {
    return Forbidden(fmt::format("service: {} is not offered as a self-service form: {}", o.id, o.why));
  }
  SelfServiceOutcome out;
  out.problems = sf->form.problems(req.fields, /*complete=*/true, /*strict=*/true);
  if (!out.problems.empty()) return out;

  ServiceAdvice advice;
  const Service service = assisted ? Service::kHelpFillIn : Service::kReceiveAndForward;
  if (assisted) {
    advice = organisation_.advise(*req.assisted_by, req.municipality, o.area, service);
    if (!advice.allowed) return Forbidden(advice.message);
  }
  const Channel channel = assisted ? Channel::kAssistedSelfService : Channel::kDigitalSelfService;
  OpenCaseRequest open;
  open.municipality = req.municipality;
  open.workflow_id = o.id;
  open.citizen_cpr = req.citizen.reveal();
  open.fields = req.fields;
  open.actor = assisted ? *req.assisted_by : citizen_actor();
  if (!assisted) open.actor.authority = req.municipality;  // received by the municipality
  open.by_citizen = !assisted;
  open.intake = {{"channel", channel_key(channel)}, {"by", assisted ? req.assisted_by->id : kCitizenActorId}};
  if (assisted) open.intake["consent"] = true;

  InquiryRecord r;
  r.municipality = req.municipality;
  r.channel = channel;
  r.type = InquiryType::kTransaction;
  r.area = o.area;
  r.service = service_key(service);
  r.citizen = req.citizen;
  r.with_form = true;
  r.handled_by = assisted ? req.assisted_by->id : kCitizenActorId;
  r.unit = assisted && staff->unit ? staff->unit->id : "";
  r.acting_authority = assisted ? advice.acting_authority : req.municipality;
  r.owning_authority = assisted ? advice.owning_authority : organisation_.owning_authority(req.municipality, o.area);
  r.outcome = assisted ? "medbetjening: ansøgningen er indsendt for borgeren med borgerens samtykke"
                       : "digital selvbetjening: ansøgningen er indsendt af borgeren";
  const Status done = engine_.atomically([&]() -> Status {
    auto opened = engine_.open_case(open);
    if (!opened.ok()) return opened.status();
    r.case_id = opened->id;
    r.at = opened->opened_at;
    auto id = inquiries_.add_inquiry(r);
    if (!id.ok()) return id.status();
    out.inquiry_id = *id;
    out.opened = std::move(*opened);
    auto removed = store_.delete_draft(req.citizen, req.municipality, o.id);
    return removed.ok() ? Status::Ok() : removed.status();
  });
  if (!done.ok()) return done;
  if (auto stored = engine_.get_case(out.opened->id); stored.ok()) out.opened = std::move(*stored);
  const CaseState& s = *out.opened;
  SelfServiceReceipt receipt;
  receipt.case_number = s.case_number;
  receipt.received_on = s.received_on.value_or(engine_.today());
  receipt.processing_deadline = o.processing_deadline;
  if (s.clock) receipt.expected_by = s.clock->due;
  receipt.next_steps = fmt::format(
      "Vi har modtaget din ansøgning ({}) og giver den sagsnummer {}. Du får en kvittering og senere svar i "
      "Digital Post (eller med posten, hvis du er fritaget). Hvis vi mangler oplysninger eller dokumenter, skriver "
      "vi til dig, og du kan sende dem under Mine sager. Du kan også følge sagen og trække ansøgningen tilbage dér.",
      o.title, s.case_number);
  out.receipt = std::move(receipt);
  logger()->info("self-service: case {} opened via {} for {}{}", s.case_number, channel_key(channel),
                 req.citizen.masked(), assisted ? " by " + req.assisted_by->id + " (consent noted)" : "");
  return out;
}

Result<SelfServiceDraft> SelfService::save_draft(const std::string& municipality, const Cpr& citizen,
                                                 const std::string& service, const json& fields) {
  if (!fields.is_object()) return InvalidArgument("fields: must be a JSON object of field values");
  const std::string text = fields.dump();
  if (text.size() > kDraftBytesLimit) {
    return InvalidArgument(fmt::format("fields: a draft holds at most {} bytes; this one has {}", kDraftBytesLimit,
                                       text.size()));
  }
  auto o = offer(municipality, service);
  if (!o.ok()) return o.status();
  SelfServiceDraft d{o->id, fields, format_timestamp(engine_.options().clock())};
  if (auto st = store_.put_draft(citizen, municipality, d); !st.ok()) return st;
  return d;
}

Result<std::optional<SelfServiceDraft>> SelfService::draft(const std::string& municipality, const Cpr& citizen,
                                                           const std::string& service) {
  return store_.load_draft(citizen, municipality, service);
}

Result<bool> SelfService::delete_draft(const std::string& municipality, const Cpr& citizen,
                                       const std::string& service) {
  return store_.delete_draft(citizen, municipality, service);
}

Status SelfService::check_registrar(const Actor& actor, const std::string& municipality) const {
  auto who = organisation_.identify(actor, municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr || who->municipality->code != municipality) {
    return Forbidden("the register of exemptions from digital self-service is kept by the municipality's staff");
  }
  return Status::Ok();
}

Result<SelfServiceExemption> SelfService::exempt(const Actor& actor, const std::string& municipality, const Cpr& cpr,
                                                 const std::string& reason) {
  if (auto st = check_registrar(actor, municipality); !st.ok()) return st;
  if (is_blank_text(reason)) {
    return InvalidArgument("reason: an exemption from digital self-service needs its reason (e.g. the citizen's "
                           "application, a cognitive impairment, no access to a computer); blank text is none");
  }
  if (reason.size() > 1000) return InvalidArgument("reason: is limited to 1000 bytes");
  SelfServiceExemption e{cpr, mask_cpr_numbers(reason), actor.id, format_timestamp(engine_.options().clock())};
  if (auto st = store_.put_self_service_exemption(e); !st.ok()) return st;
  logger()->info("{} registered the exemption from digital self-service of {}", actor.id, cpr.masked());
  return e;
}

Result<bool> SelfService::unexempt(const Actor& actor, const std::string& municipality, const Cpr& cpr) {
  if (auto st = check_registrar(actor, municipality); !st.ok()) return st;
  auto removed = store_.remove_self_service_exemption(cpr);
  if (removed.ok() && *removed) {
    logger()->info("{} removed the exemption from digital self-service of {}", actor.id, cpr.masked());
  }
  return removed;
}

Result<std::optional<SelfServiceExemption>> SelfService::exemption(const Actor& actor, const std::string& municipality,
                                                                   const Cpr& cpr) {
  if (auto st = check_registrar(actor, municipality); !st.ok()) return st;
  auto found = store_.self_service_exemption(cpr);
  if (found.ok()) logger()->info("{} looked up the exemption from digital self-service of {}", actor.id, cpr.masked());
  return found;
}

}  // namespace sagsflow
