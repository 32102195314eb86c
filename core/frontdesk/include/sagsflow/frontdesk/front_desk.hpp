// FrontDesk: inquiries (henvendelser) and the service-model layers.
//
// An inquiry is one contact: channel, type, service area, what the centre
// did (a Service, docs/legal.md#permitted-services), the citizen if known, and always the
// acting authority and unit. Registering one asks the Organisation first: a
// service the person may not give (concrete guidance on another authority's
// matter, employment guidance outside the job centre ...) is refused with a
// message naming the owning authority and what may be done instead, and
// nothing is stored. A written inquiry (letter, e-mail, digital post) for
// another authority is forwarded to it (FVL §7(2)), recorded with date and
// receiver. Without a centre chief (models 3 to 5) a personal attendance is
// routed by the triage desk; the route is stored with the inquiry.
//
// Layers (docs/legal.md#service-model-layers): the expert group issues notices (a change in the law)
// that the customer line sees; the customer line reports problems back to
// the expert and specialist groups of the area.
//
// Every FrontDesk method first identifies the actor: kNotFound when the
// installation has no configuration for the municipality named, kForbidden
// when the organisation does not know the actor as a person on a staff list
// (unknown person, wrong unit, role or authority, or the system). Store failures come back as
// the store returned them (kStorage). Nothing is stored when a method fails.
//
// Thread-safety: a FrontDesk is not thread-safe (nor is its store): use one per
// thread, each with its own store; the Organisation it reads is immutable and
// may be shared by all of them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/domain.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/organisation/organisation.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow {

const char* inquiry_type_key(InquiryType t);  // "general_information"
std::optional<InquiryType> inquiry_type_from_key(std::string_view key);
// Letter, e-mail and digital post: inquiries in writing (FVL §7(2) applies).
bool is_written(Channel c);

struct InquiryRecord {
  long long id = 0;
  std::string municipality;  // whose register it is in
  Channel channel = Channel::kPersonalAttendance;
  InquiryType type = InquiryType::kGeneralInformation;
  std::string area;
  std::string service;  // service_key()
  std::optional<Cpr> citizen;
  bool with_form = false;
  bool resolved_on_the_spot = false;
  std::string outcome;
  std::string handled_by;
  std::string unit;
  std::string acting_authority;
  std::string owning_authority;
  std::string routed_to;     // the unit the triage desk sent the citizen to
  std::string forwarded_to;  // authority id
  std::string forwarded_on;  // YYYY-MM-DD
  std::optional<long long> case_id;
  std::string at;  // ISO-8601 UTC
};

struct LayerMessage {
  long long id = 0;
  std::string municipality;
  std::string area;
  std::string kind;  // "notice" (expert group -> line) or "problem" (line -> expert/specialist groups)
  std::string author;
  std::string author_layer;
  std::string title;
  std::string body;
  std::optional<long long> case_id;
  std::string at;
};

struct InquiryFilter {
  std::optional<std::string> municipality;
  std::optional<std::string> area;
  int limit = 200;
};

// What the front desk needs from storage (the SQL store implements it). A
// database failure is kStorage naming what was being done. Implementations
// need not be thread-safe: one per thread.
class FrontDeskStore {
 public:
  virtual ~FrontDeskStore() = default;
  virtual Result<long long> add_inquiry(const InquiryRecord& inquiry) = 0;  // returns the new id
  // kNotFound when no inquiry has the id.
  virtual Result<InquiryRecord> load_inquiry(long long id) = 0;
  // Records the forwarding once: kFailedPrecondition (naming the earlier
  // receiver) if it was already forwarded, kNotFound if there is no such inquiry.
  virtual Status mark_forwarded(long long id, const std::string& to, const std::string& on) = 0;
  // Newest first, at most `limit`, matching the set filter fields.
  virtual Result<std::vector<InquiryRecord>> list_inquiries(const InquiryFilter& filter) = 0;
  virtual Result<long long> add_layer_message(const LayerMessage& message) = 0;  // returns the new id
  // The municipality's messages, newest first.
  virtual Result<std::vector<LayerMessage>> list_layer_messages(const std::string& municipality) = 0;
};

struct InquiryRequest {
  std::string municipality;
  Channel channel = Channel::kPersonalAttendance;
  InquiryType type = InquiryType::kGeneralInformation;
  std::string area;
  Service service = Service::kGeneralGuidance;
  std::optional<std::string> citizen_cpr;
  bool with_form = false;
  bool resolved_on_the_spot = false;
  std::string outcome;
  std::optional<Date> deadline;  // a legal deadline the citizen's matter must meet
  std::optional<long long> case_id;
  Actor actor;
};

struct InquiryOutcome {
  InquiryRecord record;
  ServiceAdvice advice;
  std::optional<TriageAdvice> triage;
  std::optional<CaseState> opened;  // the case the inquiry opened, if it did
};

class AppointmentDesk;

class FrontDesk {
 public:
  FrontDesk(FrontDeskStore& store, const Organisation& organisation, DanishCalendar calendar,
            Clock clock = system_clock());

  // The appointment desk whose free slots the triage desk offers (an area
  // that takes appointments): its first free slot instead of the next
  // staffed weekday, and the deadline rule on that slot
  // (advise_against_deadline). Null (the default): weekdays only. Must work
  // on the same store and outlive this front desk.
  void use_appointments(AppointmentDesk* appointments) { appointments_ = appointments; }

  // Registers one inquiry. kInvalidArgument (no area, a bad CPR number),
  // kNotFound (the municipality has no configuration), kForbidden (not on
  // its staff, or the organisation refuses the service: the message names the
  // owning authority and what may be done instead; nothing is stored), kStorage.
  Result<InquiryOutcome> register_inquiry(const InquiryRequest& request);
  // A transaction inquiry that opens its case: the organisation's advice is
  // asked once, then the case is opened through `engine` (every rule of
  // opening applies) and the inquiry, pointing at it, is stored in the same
  // transaction: both are stored or neither. `engine` must work on the same
  // store as this front desk. The errors of register_inquiry and of
  // CaseEngine::open_case.
  Result<InquiryOutcome> register_inquiry_opening_case(const InquiryRequest& request, CaseEngine& engine,
                                                       OpenCaseRequest open);
  // Forwards a registered inquiry to `to` (empty: the authority whose matter it
  // is) and returns it as stored. kNotFound when there is no such inquiry;
  // kForbidden when the actor acts for another authority than the one that
  // handled it; kFailedPrecondition when the receiver is the acting authority
  // itself or the inquiry was already forwarded.
  Result<InquiryRecord> forward(long long id, const Actor& actor, const std::string& to);
  // The inquiries of `municipality` (masked CPR when shown) `actor` may see:
  // those of their own authority, newest first. The filter's limit applies
  // before that selection. Each inquiry returned is recorded in the access
  // log with `why` through `engine` (CaseEngine::record_reads: one record per
  // inquiry, naming it and its case if it has one, all in one unit); a list
  // that cannot be recorded is not returned. kInvalidArgument when the filter
  // names no municipality or `why` no purpose; kStorage.
  Result<std::vector<InquiryRecord>> inquiries(const Actor& actor, const InquiryFilter& filter, CaseEngine& engine,
                                               const ReadPurpose& why);

  // Expert group only, for its own area: kForbidden for anyone else,
  // kInvalidArgument when the title or text is empty. Returns the stored notice.
  Result<LayerMessage> issue_notice(const Actor& actor, const std::string& municipality, const std::string& area,
                                    const std::string& title, const std::string& body);
  // Anyone on the staff; goes to the expert and specialist groups of the area
  // (titled with the first line of `text`, at most 80 bytes). kInvalidArgument
  // when `text` is empty; kFailedPrecondition when the area has no such group.
  Result<LayerMessage> report_problem(const Actor& actor, const std::string& municipality, const std::string& area,
                                      const std::string& text, std::optional<long long> case_id);
  // Notices for everyone in the municipality; problems for the expert and
  // specialist groups of their area (and their authors). Newest first.
  Result<std::vector<LayerMessage>> messages_for(const Actor& actor, const std::string& municipality);

 private:
  Result<KnownPerson> staff_of(const Actor& actor, const std::string& municipality) const;
  // The inquiry as it will be stored, with the advice and route; nothing stored yet.
  Result<InquiryOutcome> prepare(const InquiryRequest& request) const;
  Status store(InquiryOutcome& outcome);

  // The triage advice with the area's real slots, when it takes appointments.
  void offer_slots(TriageAdvice& triage, const InquiryRequest& request) const;

  FrontDeskStore& store_;
  const Organisation& organisation_;
  DanishCalendar calendar_;
  Clock clock_;
  AppointmentDesk* appointments_ = nullptr;
};

}  // namespace sagsflow
