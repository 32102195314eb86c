// The municipality file an admin writes (YAML): the municipality, its units
// and booths, the authorities it signposts to, its staff and their layers,
// its organisational model with per-area or per-task overrides, where the
// three responsibilities lie, which split of each service area the centre
// performs, agreements for other municipalities, and its workflows.
//
// parse_municipality() never throws and reports every error with file, line
// and column, like parse_workflow(); cross-references (a staff member's unit,
// a booth's operator, an agreement's service areas) are checked too.
// See docs/municipality.md for the format.
//
// Thread-safety: parsing keeps no state and may run on any thread; a
// MunicipalityConfig is a plain value, safe to share read-only between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/config/channel_strategy.hpp"
#include "sagsflow/config/opening_hours.hpp"
#include "sagsflow/domain/complaint_deadline.hpp"
#include "sagsflow/domain/domain.hpp"
#include "sagsflow/config/plugin_manifest.hpp"
#include "sagsflow/config/queue_settings.hpp"
#include "sagsflow/config/workflow.hpp"

namespace sagsflow {

// When a booth is staffed: on these weekdays (0 = Monday ... 6 = Sunday), and/or by appointment.
struct Staffing {
  std::vector<int> weekdays;
  bool by_appointment = false;
  bool staffed_on(Date day) const;
};

struct MunicipalUnit {
  std::string id;
  std::string name;
  UnitKind kind = UnitKind::kCitizenServiceCentre;
  bool has_chief = false;   // citizen-service centre only
  std::string run_by;       // booth only: a department unit id or an authority id
  std::string area;         // department/booth: the service area it serves, if one
  std::optional<Staffing> staffing;  // booths only
  // When the unit receives citizens (key `hours`, with `closed_on`); empty:
  // a booth's `staffed` days and the published personal-attendance hours.
  OpeningHours hours;

  // Whether walk-in citizens are served on `day`'s weekday and week (the
  // hours' rules that are not appointment_only; else the booth's staffed
  // days; a unit without either: always). Closing days not considered.
  bool walk_in_on(Date day) const;
  // Whether appointments can be had on `day`'s weekday and week (any rule of
  // its hours; else a booth staffed by appointment or on that weekday).
  bool appointments_on(Date day) const;
};

struct SignpostAuthority {
  std::string id;
  std::string name;
  AuthorityKind kind = AuthorityKind::kStateAuthority;
  std::string address, phone, opening_hours, web;
};

enum class StaffLayer { kCustomerLine, kSpecialistGroup, kExpertGroup };
const char* staff_layer_key(StaffLayer l);

struct StaffMember {
  std::string id;
  std::string name;
  std::string unit;
  std::vector<std::string> roles;
  StaffLayer layer = StaffLayer::kCustomerLine;
  std::string area;  // specialist and expert groups: their service area
  // Notifications (Notification in the case store): where e-mails go (empty:
  // none, the pages only) and which kinds this person gets (`notify`; when
  // the entry has none, kDefaultNotifications; `notify: []` is none at all).
  std::string email;
  std::optional<std::vector<std::string>> notify;
  bool notified_of(std::string_view kind) const;
};
// The notification kinds, and those a staff member gets unless their entry says otherwise.
inline constexpr const char* kNotificationKinds[] = {"queue", "assigned", "missing_received", "deadline_near"};
inline constexpr const char* kDefaultNotifications[] = {"assigned", "missing_received", "deadline_near"};

// Which part of a service area the centre performs (docs/legal.md#service-area-splits).
enum class ServiceSplit { kFull, kPartial1, kPartial2, kPartial3, kPartial4 };
const char* service_split_key(ServiceSplit s);
std::optional<ServiceSplit> service_split_from_key(std::string_view key);

// How a citizen applies for a service area's services
// (docs/municipality.md#self-service): a self-service form, personal
// attendance (with the reason the citizen is told, e.g. a passport needs
// fingerprints and a photo taken at the counter), or not offered at all.
enum class SelfServiceMode { kForm, kAttendance, kNone };
const char* self_service_mode_key(SelfServiceMode m);  // "form", "attendance", "none"
std::optional<SelfServiceMode> self_service_mode_from_key(std::string_view key);

struct SelfServiceSetting {
  std::optional<SelfServiceMode> mode;  // empty: form when the area's plugin declares a form, else none
  std::string why;                      // attendance (required) and none: the reason shown to the citizen, in Danish
};

// Booking time for an area's services (key `appointments`,
// docs/front-of-house.md#appointments): how long one takes, how many can be
// served at once, which unit receives them, and how far ahead one can book.
struct AppointmentSetting {
  int minutes = 15;          // 5 to 240
  int desks = 1;             // appointments at the same time, 1 to 50
  std::string unit;          // empty: the area's booth if it has one, else the citizen-service centre
  int book_ahead_days = 60;  // 1 to 365
  // The reminder letter goes this many hours before the start (0: none; at
  // most 14 days); a booking made later than that gets the confirmation only.
  int remind_hours_before = 24;
  // Future booked appointments one citizen may hold in the area at once (0: no limit).
  int max_per_citizen = 2;
  std::string bring;  // what to bring, printed in the letters (e.g. "Gammelt pas og et foto"); may be empty
};

struct ServiceAreaConfig {
  std::string id;      // e.g. "passports"
  std::string plugin;  // the plugin that implements it, if installed
  // Who decides its cases: "municipality" (this one) or an authority id under
  // `authorities`. Empty: as the area's workflow says.
  std::string authority;
  // The unit that does the department's part of this area here (e.g. the
  // passport booth also takes driving licences). Empty: the department or
  // booth whose `area` is this one.
  std::string unit;
  // The workflow this municipality uses instead of the shared one for this
  // area (its own version of a shared definition). Empty: the shared one.
  std::string workflow;
  ServiceSplit split = ServiceSplit::kFull;
  std::optional<OrganisationalModel> model;           // overrides the municipality's
  std::map<std::string, OrganisationalModel> task_models;       // per task
  std::map<std::string, Responsibilities> responsibilities;    // per task
  // This municipality's settings for the area's plugin (amounts, thresholds):
  // what the plugin reads with config_get while working on its cases.
  std::map<std::string, std::string> settings;
  // Where complaints about this area's decisions go after the deciding
  // authority's reconsideration, when its workflow cannot know (names the
  // body in every complaint guidance). Empty: the workflow's appeals_body.
  std::string appeals_body;
  // How citizens apply for it (key `self_service`).
  SelfServiceSetting self_service;
  // Whether and how time can be booked for it (key `appointments`); empty: no booking.
  std::optional<AppointmentSetting> appointments;
};

struct Agreement {
  std::string municipality;  // the other municipality's code
  std::string name;
  std::vector<std::string> service_areas;  // handled here on its behalf
};

// The municipality's letterhead on every letter (key `letters.letterhead`).
struct Letterhead {
  std::string address;  // postal address, may hold line breaks
  std::string phone, email, web;
  std::string cvr;      // the municipality's CVR number (8 digits), the sender id of Digital Post
  std::string logo;     // `logo:` as written: a PNG file, resolved against the municipality file's folder
  std::string logo_png; // the logo's bytes (read when the file is loaded into the database; empty: none)
  SourcePosition logo_at;  // where `logo:` is written, for the errors of reading it
};

// A logo larger than this is refused (a letterhead, not a photo).
inline constexpr std::size_t kMaxLogoBytes = 1024 * 1024;

// A delivery channel of the municipality's letters (keys `letters.digital_post`, `letters.print`):
// the delivery plugin that serves it and that plugin's settings (what it reads with config_get).
struct DeliveryChannelConfig {
  std::string plugin;
  std::map<std::string, std::string> settings;
};

struct LetterSettings {
  Letterhead letterhead;
  std::string language = "da";  // the language of letters (da or en)
  std::optional<DeliveryChannelConfig> digital_post;
  std::optional<DeliveryChannelConfig> print;
};

struct MunicipalityConfig {
  std::string code;
  std::string name;
  OrganisationalModel model = OrganisationalModel::kSupermarket;
  std::vector<MunicipalUnit> units;
  std::vector<SignpostAuthority> authorities;
  std::vector<StaffMember> staff;
  std::vector<ServiceAreaConfig> service_areas;
  std::vector<Agreement> agreements;
  std::vector<std::string> workflow_files;  // resolved against the file's folder
  ChannelStrategy channel_strategy = default_channel_strategy();
  // The municipality's closing days beyond the public holidays (key `calendar`).
  CalendarOptions calendar;
  // Days from posting to receipt of a physical letter (key `post_delivery_days`).
  PostDeliveryDays post_delivery_days = default_post_delivery_days();
  // Letterhead, language and delivery channels of its letters (key `letters`).
  LetterSettings letters;
  // The published opening hours per channel (key `opening_hours`): personal
  // attendance, phone and assisted self-service.
  std::map<Channel, OpeningHours> opening_hours;
  // Desks and groups of the queue of walk-in citizens (key `queue`; empty: no queue).
  QueueSettings queue;

  // The unit / service area with this id, or nullptr (pointers into this config).
  const MunicipalUnit* unit(std::string_view id) const;
  const ServiceAreaConfig* service_area(std::string_view id) const;
  // The unit that receives `area`'s appointments (AppointmentSetting::unit, else
  // the area's booth, else the citizen-service centre), or nullptr.
  const MunicipalUnit* appointment_unit(std::string_view area) const;
  // When `unit` receives citizens: its own hours, else the published
  // personal-attendance hours (on a booth: only on its staffed weekdays).
  OpeningHours hours_of(const MunicipalUnit& unit) const;
  // The model that governs `task` of `area`: task override, else area override, else the municipality's.
  OrganisationalModel model_for(std::string_view area, std::string_view task) const;
};

struct MunicipalityParseResult {
  std::optional<MunicipalityConfig> config;  // set only when errors is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return config.has_value(); }
};

// `config` is set only when there are no errors, which come in line order.
// Workflow files are resolved against the folder of `file_name` but not read:
// the caller loads them.
MunicipalityParseResult parse_municipality(std::string_view yaml_text, std::string_view file_name);
// parse_municipality of the file's text, then the letterhead's logo read
// from disk (read_letterhead_logo); a file that cannot be read is one error
// naming the path (no position).
MunicipalityParseResult load_municipality_file(const std::string& path);

// The file `letters.letterhead.logo` names, resolved against the folder of
// `file_name` (the municipality file); empty when there is no logo.
std::string letterhead_logo_path(const MunicipalityConfig& m, std::string_view file_name);
// Reads that file into m.letters.letterhead.logo_png. Errors, each at the
// position of `logo:` in `file_name`: a file that is missing or cannot be
// read, one larger than kMaxLogoBytes, one that does not start with the PNG
// signature. No logo: nothing to do, no errors. Reads the disk: call it when
// a file is loaded, not on a stored configuration (whose logo's bytes are
// stored beside it).
std::vector<Diagnostic> read_letterhead_logo(MunicipalityConfig& m, std::string_view file_name);

// Service areas that take appointments but where no time can be booked (no
// unit receives them, or it has no hours): warnings for `municipality
// validate`. Pure: any thread.
std::vector<std::string> appointment_gaps(const MunicipalityConfig& m);

// What a municipality's letters lack (warnings for `municipality validate`,
// not errors: letters can still be made): no digital_post or no print
// channel (letters then wait in the outbox), a letterhead without address
// or CVR number. Pure: any thread.
std::vector<std::string> letter_settings_gaps(const MunicipalityConfig& m);

// Every complaint guidance names the appeals body (docs/legal.md#the-appeals-body):
// one warning for each of `workflows` that has a complaint deadline but whose
// appeals body neither the workflow nor `m`'s service area (appeals_body)
// names, saying which key to set. Pure: any thread.
std::vector<std::string> appeals_body_gaps(const MunicipalityConfig& m, const std::vector<WorkflowDefinition>& workflows);

}  // namespace sagsflow
