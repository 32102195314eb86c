// The things Sagsflow keeps (docs/legal.md has the rules behind them): channels, authorities, units,
// actors, inquiries and tasks. Cases and their events are in case_state.hpp.
// Danish terms are kept as labels beside the English identifiers.
//
// Nothing here fails: the key functions answer "" or an empty optional for an
// unknown value. Plain values (copy them freely); the functions are pure and
// safe to call from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/domain/cpr.hpp"

namespace sagsflow {

// Kanal.
enum class Channel {
  kPersonalAttendance,    // personligt fremmøde
  kPhone,                 // telefon
  kLetter,                // brev
  kEmail,                 // e-mail
  kDigitalPost,           // digital post
  kDigitalSelfService,    // digital selvbetjening
  kAssistedSelfService,   // medbetjening
};
const char* channel_key(Channel c);          // "phone"
const char* channel_label_da(Channel c);     // "telefon"
std::optional<Channel> channel_from_key(std::string_view key);

// Myndighed: the body that alone may decide a case.
enum class AuthorityKind { kThisMunicipality, kOtherMunicipality, kStateAuthority, kAppealsBody };
struct Authority {
  std::string id;    // "0101" for a municipality, "udbetaling-danmark", "politiet" ...
  std::string name;  // "Udbetaling Danmark"
  AuthorityKind kind = AuthorityKind::kThisMunicipality;
};

// Enhed.
enum class UnitKind { kCitizenServiceCentre, kDepartment, kJobCentre, kBooth };
struct Unit {
  std::string id;
  std::string name;
  UnitKind kind = UnitKind::kCitizenServiceCentre;
  std::string authority_id;  // who runs the unit (a booth may be another authority's)
};

// Whoever performs an action: a person in a unit, acting for an authority.
struct Actor {
  std::string id;         // person id or "system"
  std::string unit;       // unit id
  std::string authority;  // acting authority id
  std::vector<std::string> roles;
  bool has_role(std::string_view role) const;
  static Actor system(std::string authority);
};

// Borger.
struct Citizen {
  Cpr cpr;
  std::string name;
};

// Henvendelse: one contact through one channel.
enum class InquiryType { kGeneralInformation, kCaseInformation, kTransaction };
struct Inquiry {
  Channel channel = Channel::kPersonalAttendance;
  InquiryType type = InquiryType::kGeneralInformation;
  std::string topic;  // service area
  std::optional<Cpr> citizen;
  std::string outcome;
  bool resolved_on_the_spot = false;
  std::string handled_by;        // actor id
  std::string acting_authority;  // authority id
  std::string at;                // ISO-8601 UTC
};

// Opgave: a unit of work in a service area.
enum class TaskComplexity { kSimple, kComplex };
struct Task {
  std::string id;     // "receive_application"
  std::string title;  // "Modtag ansøgning"
  TaskComplexity complexity = TaskComplexity::kSimple;
};

}  // namespace sagsflow
