#include "sagsflow/frontdesk/front_desk.hpp"

#include <fmt/format.h>

#include <array>

#include "sagsflow/domain/key_table.hpp"
#include "sagsflow/frontdesk/appointments.hpp"
#include "sagsflow/domain/log.hpp"

namespace sagsflow {
namespace {

constexpr std::array<std::pair<InquiryType, const char*>, 3> kInquiryTypes{{
    {InquiryType::kGeneralInformation, "general_information"},
    {InquiryType::kCaseInformation, "case_information"},
    {InquiryType::kTransaction, "transaction"},
}};

}  // namespace

const char* inquiry_type_key(InquiryType t) { return to_key(kInquiryTypes, t); }
std::optional<InquiryType> inquiry_type_from_key(std::string_view key) { return from_key(kInquiryTypes, key); }

bool is_written(Channel c) { return c == Channel::kLetter || c == Channel::kEmail || c == Channel::kDigitalPost; }

FrontDesk::FrontDesk(FrontDeskStore& store, const Organisation& organisation, DanishCalendar calendar, Clock clock)
    : store_(store), organisation_(organisation), calendar_(std::move(calendar)), clock_(std::move(clock)) {}

Result<KnownPerson> FrontDesk::staff_of(const Actor& actor, const std::string& municipality) const {
  if (!organisation_.knows(municipality)) {
    return NotFound(fmt::format("municipality {} has no configuration in this installation", municipality));
  }
  auto who = organisation_.identify(actor, municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr) return Forbidden("the front desk is for staff, not for the system");
  return who;
}

Result<InquiryOutcome> FrontDesk::prepare(const InquiryRequest& req) const {
  if (req.area.empty()) return InvalidArgument("an inquiry needs its service area");
  auto who = staff_of(req.actor, req.municipality);
  if (!who.ok()) return who.status();
  std::optional<Cpr> citizen;
  if (req.citizen_cpr) {
    auto cpr = Cpr::parse(*req.citizen_cpr);
    if (!cpr.ok()) return cpr.status();
    citizen = *cpr;
  }
  InquiryOutcome out;
  out.advice = organisation_.advise(req.actor, req.municipality, req.area, req.service);
  if (!out.advice.allowed) return Forbidden(out.advice.message);

  const Timestamp now = clock_();
  const Date today = copenhagen_date(now);
  InquiryRecord& r = out.record;
  r.municipality = req.municipality;
  r.channel = req.channel;
  r.type = req.type;
  r.area = req.area;
  r.service = service_key(req.service);
  r.citizen = citizen;
  r.with_form = req.with_form;
  r.resolved_on_the_spot = req.resolved_on_the_spot;
  r.outcome = req.outcome;
  r.handled_by = req.actor.id;
  r.unit = who->unit->id;
  r.acting_authority = out.advice.acting_authority;
  r.owning_authority = out.advice.owning_authority;
  r.case_id = req.case_id;
  r.at = format_timestamp(now);
  if (is_written(req.channel) && r.owning_authority != r.acting_authority) {
    // A written inquiry for another authority is forwarded to it (FVL §7(2)).
    r.forwarded_to = r.owning_authority;
    r.forwarded_on = format_date(today);
    if (r.outcome.empty()) r.outcome = "forwarded to " + out.advice.owning_authority_name;
  }
  if (req.channel == Channel::kPersonalAttendance && organisation_.uses_triage(req.municipality)) {
    out.triage = organisation_.triage(req.municipality, req.area, today, req.deadline, calendar_);
    offer_slots(*out.triage, req);
    r.routed_to = out.triage->unit;
    if (r.outcome.empty()) r.outcome = out.triage->message;
  }
  return out;
}

void FrontDesk::offer_slots(TriageAdvice& t, const InquiryRequest& req) const {
  if (appointments_ == nullptr || t.offer == "now" || t.offer == "signpost") return;
  const auto* m = organisation_.find(req.municipality);
  const auto* area = m ? m->service_area(req.area) : nullptr;
  if (area == nullptr || !area->appointments) return;
  SlotQuery q{req.municipality, req.area, std::nullopt, area->appointments->book_ahead_days, req.deadline};
  auto list = appointments_->slots(q);
  if (!list.ok()) return;  // the weekday advice stands
  const auto first = list->slots.empty() ? std::string() : list->slots.front().starts_at;
  if (req.deadline) {
    const auto advice = advise_against_deadline(*req.deadline, first);
    if (advice.after_deadline) {
      t.offer = "receive_now";
      t.on = copenhagen_date(clock_());
      t.message = fmt::format("{} has no free appointment before the deadline {}: the triage desk receives the "
                              "application today and forwards it to {}, so the deadline is kept",
                              list->unit_name, format_date(*req.deadline), t.unit_name);
      return;
    }
  }
  if (first.empty()) return;
  auto at = parse_timestamp(first);
  if (!at.ok()) return;
  t.offer = "appointment";
  t.on = copenhagen_date(*at);
  t.message = fmt::format("{} is not staffed for walk-ins today; the first free appointment is {} ({} at {})",
                          t.unit_name, format_copenhagen_time(*at), first, list->unit_name);
}

Status FrontDesk::store(InquiryOutcome& out) {
  InquiryRecord& r = out.record;
  auto id = store_.add_inquiry(r);
  if (!id.ok()) return id.status();
  r.id = *id;
  logger()->info("inquiry {} registered: {} {} via {} by {} for {}", r.id, r.area, r.service, channel_key(r.channel),
                 r.handled_by, r.acting_authority);
  return Status::Ok();
}

Result<InquiryOutcome> FrontDesk::register_inquiry(const InquiryRequest& req) {
  auto out = prepare(req);
  if (!out.ok()) return out.status();
  if (auto st = store(*out); !st.ok()) return st;
  return out;
}

Result<InquiryOutcome> FrontDesk::register_inquiry_opening_case(const InquiryRequest& req, CaseEngine& engine,
                                                                OpenCaseRequest open) {
  InquiryRequest transaction = req;
  transaction.type = InquiryType::kTransaction;
  // Refused before anything is stored if the centre may not serve this at all.
  auto out = prepare(transaction);
  if (!out.ok()) return out.status();
  open.municipality = req.municipality;
  open.actor = req.actor;
  open.citizen_cpr = req.citizen_cpr;
  const Status done = engine.atomically([&]() -> Status {
    auto opened = engine.open_case(open);
    if (!opened.ok()) return opened.status();
    out->record.case_id = opened->id;
    out->opened = std::move(*opened);
    return store(*out);
  });
  if (!done.ok()) return done;
  // The case as stored once the receivers of its signals (held until the commit) wrote theirs.
  if (auto stored = engine.get_case(out->opened->id); stored.ok()) out->opened = std::move(*stored);
  return out;
}

Result<InquiryRecord> FrontDesk::forward(long long id, const Actor& actor, const std::string& to) {
  auto r = store_.load_inquiry(id);
  if (!r.ok()) return r.status();
  auto who = staff_of(actor, r->municipality);
  if (!who.ok()) return who.status();
  if (who->authority != r->acting_authority) {
    return Forbidden(fmt::format("inquiry {} was handled by {}; {} acts for {}", id,
                                 organisation_.authority_name(r->acting_authority), actor.id,
                                 organisation_.authority_name(who->authority)));
  }
  const std::string receiver = to.empty() ? r->owning_authority : to;
  if (receiver == r->acting_authority) {
    return FailedPrecondition(fmt::format("inquiry {} is {}'s own matter; there is no one to forward it to", id,
                                          organisation_.authority_name(receiver)));
  }
  const std::string on = format_date(copenhagen_date(clock_()));
  if (auto st = store_.mark_forwarded(id, receiver, on); !st.ok()) return st;
  r->forwarded_to = receiver;
  r->forwarded_on = on;
  return r;
}

Result<std::vector<InquiryRecord>> FrontDesk::inquiries(const Actor& actor, const InquiryFilter& filter,
                                                        CaseEngine& engine, const ReadPurpose& why) {
  if (!filter.municipality) return InvalidArgument("choose the municipality whose inquiries to list");
  if (why.purpose.empty()) return InvalidArgument("a list of inquiries shows personal data: its read needs a purpose");
  auto who = staff_of(actor, *filter.municipality);
  if (!who.ok()) return who.status();
  auto all = store_.list_inquiries(filter);
  if (!all.ok()) return all;
  std::vector<InquiryRecord> out;
  for (auto& r : *all) {
    if (r.acting_authority == who->authority) out.push_back(std::move(r));
  }
  // Every inquiry shown is recorded (its citizen and outcome are personal
  // data, with or without a case); one with a case is a read of the case too.
  std::vector<ReadSubject> shown;
  shown.reserve(out.size());
  for (const auto& r : out) shown.push_back({r.municipality, r.case_id.value_or(0), "", r.id});
  if (auto st = engine.record_reads(shown, actor, why); !st.ok()) return st;
  return out;
}

Result<LayerMessage> FrontDesk::issue_notice(const Actor& actor, const std::string& municipality,
                                             const std::string& area, const std::string& title,
                                             const std::string& body) {
  if (title.empty() || body.empty()) return InvalidArgument("a notice needs a title and a text");
  auto who = staff_of(actor, municipality);
  if (!who.ok()) return who.status();
  if (who->staff == nullptr || who->staff->layer != StaffLayer::kExpertGroup || who->staff->area != area) {
    return Forbidden(fmt::format("notices on {} are issued by its expert group; {} is {}", area, actor.id,
                                 who->staff ? fmt::format("in the {} ({})", staff_layer_key(who->staff->layer),
                                                          who->staff->area.empty() ? "no area" : who->staff->area)
                                            : "not on the staff list"));
  }
  LayerMessage m{0, who->municipality->code, area, "notice", actor.id, staff_layer_key(who->staff->layer),
                 title, body, std::nullopt, format_timestamp(clock_())};
  auto id = store_.add_layer_message(m);
  if (!id.ok()) return id.status();
  m.id = *id;
  return m;
}

Result<LayerMessage> FrontDesk::report_problem(const Actor& actor, const std::string& municipality,
                                               const std::string& area, const std::string& text,
                                               std::optional<long long> case_id) {
  if (text.empty()) return InvalidArgument("a problem report needs a text");
  auto who = staff_of(actor, municipality);
  if (!who.ok()) return who.status();
  const auto* m = who->municipality;
  bool has_receiver = false;
  for (const auto& s : m->staff) {
    has_receiver |= s.layer != StaffLayer::kCustomerLine && s.area == area;
  }
  if (!has_receiver) {
    return FailedPrecondition(fmt::format("{} has no expert or specialist group for {} to report to", m->name, area));
  }
  LayerMessage msg{0,        m->code, area, "problem", actor.id,
                   who->staff ? staff_layer_key(who->staff->layer) : "",
                   "", text, case_id, format_timestamp(clock_())};
  msg.title = text.substr(0, text.find('\n')).substr(0, 80);
  auto id = store_.add_layer_message(msg);
  if (!id.ok()) return id.status();
  msg.id = *id;
  return msg;
}

Result<std::vector<LayerMessage>> FrontDesk::messages_for(const Actor& actor, const std::string& municipality) {
  auto who = staff_of(actor, municipality);
  if (!who.ok()) return who.status();
  auto all = store_.list_layer_messages(who->municipality->code);
  if (!all.ok()) return all;
  std::vector<LayerMessage> out;
  for (auto& m : *all) {
    const bool receiver = who->staff != nullptr && who->staff->layer != StaffLayer::kCustomerLine &&
                          who->staff->area == m.area;
    if (m.kind == "notice" || receiver || m.author == actor.id) out.push_back(std::move(m));
  }
  return out;
}

}  // namespace sagsflow
