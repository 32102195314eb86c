#include "sagsflow/config/municipality.hpp"

#include "sagsflow/domain/blank_text.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "channel_goals_parts.hpp"
#include "config_parts.hpp"
#include "hours_reader.hpp"
#include "queue_settings_parts.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {
bool StaffMember::notified_of(std::string_view kind) const {
  if (!notify) {
    return std::find(std::begin(kDefaultNotifications), std::end(kDefaultNotifications), kind) !=
           std::end(kDefaultNotifications);
  }
  return std::find(notify->begin(), notify->end(), kind) != notify->end();
}

namespace {

constexpr std::array<std::pair<UnitKind, const char*>, 4> kUnitKinds{{
    {UnitKind::kCitizenServiceCentre, "citizen_service_centre"},
    {UnitKind::kDepartment, "department"},
    {UnitKind::kJobCentre, "job_centre"},
    {UnitKind::kBooth, "booth"},
}};
constexpr std::array<std::pair<StaffLayer, const char*>, 3> kLayers{{
    {StaffLayer::kCustomerLine, "customer_line"},
    {StaffLayer::kSpecialistGroup, "specialist_group"},
    {StaffLayer::kExpertGroup, "expert_group"},
}};
constexpr std::array<std::pair<ServiceSplit, const char*>, 5> kSplits{{
    {ServiceSplit::kFull, "full"},
    {ServiceSplit::kPartial1, "partial_1"},
    {ServiceSplit::kPartial2, "partial_2"},
    {ServiceSplit::kPartial3, "partial_3"},
    {ServiceSplit::kPartial4, "partial_4"},
}};
constexpr std::array<std::pair<AuthorityKind, const char*>, 4> kAuthorityKinds{{
    {AuthorityKind::kThisMunicipality, "this_municipality"},
    {AuthorityKind::kOtherMunicipality, "other_municipality"},
    {AuthorityKind::kStateAuthority, "state"},
    {AuthorityKind::kAppealsBody, "appeals_body"},
}};
constexpr std::array<std::pair<SelfServiceMode, const char*>, 3> kSelfServiceModes{{
    {SelfServiceMode::kForm, "form"},
    {SelfServiceMode::kAttendance, "attendance"},
    {SelfServiceMode::kNone, "none"},
}};
constexpr std::array<std::pair<int, const char*>, 7> kWeekdays{{
    {0, "monday"}, {1, "tuesday"}, {2, "wednesday"}, {3, "thursday"}, {4, "friday"}, {5, "saturday"}, {6, "sunday"},
}};



template <typename E, size_t N>
std::optional<E> read_key(Checker& c, const YAML::Node& n, std::string_view what,
                          const std::array<std::pair<E, const char*>, N>& table) {
  const auto key = c.scalar(n, what);
  if (!key) return std::nullopt;
  if (auto v = from_key(table, *key)) return v;
  c.error(n, fmt::format("{} is '{}'; use one of {}", what, *key, all_keys(table)));
  return std::nullopt;
}

std::string optional_text(Checker& c, const YAML::Node& map, const char* key, std::string_view what) {
  return map[key] ? c.scalar(map[key], fmt::format("{}.{}", what, key)).value_or("") : std::string();
}

std::string checked_id(Checker& c, const YAML::Node& map, std::string_view what, std::set<std::string>& seen) {
  const std::string id = c.required(map, "id", what);
  if (id.empty()) return id;
  if (!is_config_id(id, /*digit_first=*/true)) {
    c.error(map["id"], fmt::format("{} id '{}' must be lower-case letters, digits, '_' or '-'", what, id));
  }
  if (!seen.insert(id).second) c.error(map["id"], fmt::format("{} id '{}' is used twice", what, id));
  return id;
}

// What the sections leave for the sections after them and for the checks
// across sections: the ids declared so far and the references still to check.
struct Declared {
  std::set<std::string> units, authorities, staff, areas;
  std::map<std::string, SourcePosition> run_by_at;      // booth id -> its run_by
  std::map<std::string, YAML::Node> area_authority_at;  // service area -> its 'authority'
  std::map<std::string, YAML::Node> area_unit_at;       // service area -> its 'unit'
  std::map<std::string, YAML::Node> appointment_unit_at;  // service area -> its appointments' 'unit'
};

// The file parsed as YAML; it must be a mapping. Reports into `c` otherwise.
YAML::Node load_root(Checker& c, std::string_view yaml_text) {
  YAML::Node root = load_yaml(c, yaml_text);
  if (!c.has_errors() && !root.IsMap()) {
    c.error(SourcePosition{1, 1}, "a municipality file must be a mapping with 'municipality'");
  }
  return root;
}

// municipality: the four-digit code (quoted, so a leading 0 is kept) and the name.
void read_identity(Checker& c, const YAML::Node& node, MunicipalityConfig& m) {
  if (!node) {
    c.error(SourcePosition{1, 1}, "the file has no 'municipality' (code and name)");
    return;
  }
  if (!c.expect_map(node, "municipality")) return;
  c.check_keys(node, "municipality", {"code", "name"});
  if (!node["code"]) {
    c.error(node, "municipality has no 'code' (the four-digit kommunekode, quoted: \"0101\")");
  } else if (auto code = c.scalar(node["code"], "municipality.code")) {
    const bool four_digits = code->size() == 4 && std::all_of(code->begin(), code->end(), [](char ch) {
      return ch >= '0' && ch <= '9';
    });
    if (!four_digits) {
      c.error(node["code"], "municipality.code '" + *code +
                                "' must be four digits; quote it so a leading 0 is kept (\"0101\")");
    }
    m.code = *code;
  }
  if (!node["name"]) c.error(node, "municipality has no 'name'");
  else m.name = c.scalar(node["name"], "municipality.name").value_or("");
}

// organisational_model (optional); true when one was read.
bool read_organisational_model(Checker& c, const YAML::Node& node, MunicipalityConfig& m) {
  if (!node) return false;
  auto model = read_model(c, node, "organisational_model");
  if (!model) return false;
  m.model = *model;
  return true;
}

// One authority citizens can be signposted to: it needs an address, a phone or a web address.
SignpostAuthority read_authority(Checker& c, const YAML::Node& a, Declared& d) {
  c.check_keys(a, "an authority", {"id", "name", "kind", "address", "phone", "opening_hours", "web"});
  SignpostAuthority auth;
  auth.id = checked_id(c, a, "authority", d.authorities);
  const auto what = fmt::format("authority '{}'", auth.id);
  auth.name = c.required(a, "name", what);
  if (a["kind"]) {
    if (auto k = read_key(c, a["kind"], what + " kind", kAuthorityKinds)) auth.kind = *k;
  }
  auth.address = optional_text(c, a, "address", what);
  auth.phone = optional_text(c, a, "phone", what);
  auth.opening_hours = optional_text(c, a, "opening_hours", what);
  auth.web = optional_text(c, a, "web", what);
  if (auth.address.empty() && auth.phone.empty() && auth.web.empty()) {
    c.error(a, fmt::format("{} needs at least an address, a phone or a web address, so citizens can be "
                           "signposted to it", what));
  }
  return auth;
}

// authorities: the other authorities (state, other municipalities, appeals bodies).
void read_authorities(Checker& c, const YAML::Node& list, MunicipalityConfig& m, Declared& d) {
  c.each_item(list, "an authority", [&](const YAML::Node& a) { m.authorities.push_back(read_authority(c, a, d)); });
}

// A booth's staffed: weekdays and/or by appointment; it must be staffed at some time.
std::optional<Staffing> read_staffing(Checker& c, const YAML::Node& staffed, const std::string& what) {
  if (!c.expect_map(staffed, what + ".staffed")) return std::nullopt;
  c.check_keys(staffed, what + ".staffed", {"days", "appointment"});
  Staffing s;
  if (const auto days = staffed["days"]) {
    if (!days.IsSequence()) c.error(days, what + ".staffed.days must be a list of weekdays");
    else for (const auto& day : days) {
      if (auto wd = read_key(c, day, what + " staffed day", kWeekdays)) s.weekdays.push_back(*wd);
    }
  }
  if (staffed["appointment"]) s.by_appointment = c.boolean(staffed["appointment"], what + ".staffed.appointment").value_or(false);
  if (s.weekdays.empty() && !s.by_appointment) {
    c.error(staffed, what + " is never staffed: give days, or appointment: true");
  }
  return s;
}

// A booth needs run_by and staffed; any other unit may have neither.
void read_booth_parts(Checker& c, const YAML::Node& u, const std::string& what, MunicipalUnit& unit, Declared& d) {
  if (unit.kind != UnitKind::kBooth) {
    if (u["run_by"]) c.error(u["run_by"], what + ": only a booth has 'run_by'");
    if (u["staffed"]) c.error(u["staffed"], what + ": only a booth has 'staffed'");
    return;
  }
  unit.run_by = c.required(u, "run_by", what);
  if (u["run_by"]) d.run_by_at[unit.id] = position_of(u["run_by"]);
  if (const auto staffed = u["staffed"]; !staffed) {
    // Hours say when it is staffed as well.
    if (!u["hours"]) c.error(u, what + " is a booth and needs 'staffed' (days and/or appointment) or 'hours'");
  } else if (auto s = read_staffing(c, staffed, what)) {
    unit.staffing = *s;
  }
}

// One unit: its kind; only a citizen-service centre has a chief.
MunicipalUnit read_unit(Checker& c, const YAML::Node& u, Declared& d) {
  c.check_keys(u, "a unit", {"id", "name", "kind", "has_chief", "run_by", "area", "staffed", "hours", "closed_on"});
  MunicipalUnit unit;
  unit.id = checked_id(c, u, "unit", d.units);
  const auto what = fmt::format("unit '{}'", unit.id);
  unit.name = c.required(u, "name", what);
  if (!u["kind"]) c.error(u, what + " has no 'kind'");
  else if (auto k = read_key(c, u["kind"], what + " kind", kUnitKinds)) unit.kind = *k;
  if (u["has_chief"]) {
    unit.has_chief = c.boolean(u["has_chief"], what + ".has_chief").value_or(false);
    if (unit.kind != UnitKind::kCitizenServiceCentre) c.error(u["has_chief"], what + ": only a citizen-service centre has 'has_chief'");
  }
  unit.area = optional_text(c, u, "area", what);
  read_booth_parts(c, u, what, unit, d);
  unit.hours = read_opening_rules(c, u["hours"], what + ".hours");
  read_closed_days(c, u["closed_on"], what + ".closed_on", unit.hours);
  if (u["closed_on"] && !u["hours"] && !u["staffed"]) {
    c.error(u["closed_on"], what + ".closed_on needs 'hours' (or a booth's 'staffed') to be closed from");
  }
  return unit;
}

// units: the centre, departments, job centres and booths.
void read_units(Checker& c, const YAML::Node& list, MunicipalityConfig& m, Declared& d) {
  c.each_item(list, "a unit", [&](const YAML::Node& u) { m.units.push_back(read_unit(c, u, d)); });
}

// One staff member: works in a declared unit; a specialist group member names their area.
StaffMember read_staff_member(Checker& c, const YAML::Node& s, Declared& d) {
  c.check_keys(s, "a staff member", {"id", "name", "unit", "roles", "layer", "area", "email", "notify"});
  StaffMember p;
  p.id = checked_id(c, s, "staff member", d.staff);
  const auto what = fmt::format("staff member '{}'", p.id);
  p.name = c.required(s, "name", what);
  p.unit = c.required(s, "unit", what);
  if (!p.unit.empty() && !d.units.contains(p.unit)) {
    c.error(s["unit"], fmt::format("{} works in unit '{}', which is not declared under 'units'", what, p.unit));
  }
  if (s["roles"]) p.roles = c.string_list(s["roles"], what + ".roles");
  if (s["layer"]) {
    if (auto l = read_key(c, s["layer"], what + " layer", kLayers)) p.layer = *l;
  }
  p.area = optional_text(c, s, "area", what);
  p.email = optional_text(c, s, "email", what);
  if (!p.email.empty()) {
    // An address a relay takes: one @, no spaces or angle brackets, and a dot in the domain.
    const auto at = p.email.find('@');
    const bool plain = p.email.find_first_of(" \t<>,;\"") == std::string::npos;
    if (!plain || at == std::string::npos || at == 0 || p.email.find('@', at + 1) != std::string::npos ||
        p.email.find('.', at) == std::string::npos || p.email.back() == '.' || p.email.size() > 254) {
      c.error(s["email"], fmt::format("{}: email '{}' is not an e-mail address like anna@kommune.dk", what, p.email));
    }
  }
  if (s["notify"]) {
    p.notify = c.string_list(s["notify"], what + ".notify");
    for (const auto& k : *p.notify) {
      if (std::find(std::begin(kNotificationKinds), std::end(kNotificationKinds), k) == std::end(kNotificationKinds)) {
        c.error(s["notify"], fmt::format("{}: notify names '{}', which is not one of queue, assigned, "
                                         "missing_received, deadline_near", what, k));
      }
    }
  }
  if (p.layer == StaffLayer::kSpecialistGroup && p.area.empty()) {
    c.error(s, what + " is in a specialist group and needs the 'area' it specialises in");
  }
  return p;
}

// staff: who works where, with which roles, in which layer.
void read_staff(Checker& c, const YAML::Node& list, MunicipalityConfig& m, Declared& d) {
  c.each_item(list, "a staff member", [&](const YAML::Node& s) { m.staff.push_back(read_staff_member(c, s, d)); });
}

// An area's settings: single values for its plugin, so the area must name a plugin.
void read_area_settings(Checker& c, const YAML::Node& n, const std::string& what, ServiceAreaConfig& a) {
  const auto settings = n["settings"];
  if (!settings || !c.expect_map(settings, what + ".settings")) return;
  check_duplicate_names(c, settings, what + ".settings");
  for (const auto& kv : settings) {
    if (!kv.first.IsScalar()) continue;
    const auto key = kv.first.Scalar();
    if (auto v = c.scalar(kv.second, fmt::format("{}.settings.{}", what, key))) a.settings[key] = *v;
  }
  if (!n["plugin"].IsDefined()) {
    c.error(settings, what + " has settings but names no 'plugin' to read them");
  }
}

// An area's tasks: per task a model and where its responsibilities lie.
void read_area_tasks(Checker& c, const YAML::Node& tasks, const std::string& what, ServiceAreaConfig& a) {
  if (!c.expect_map(tasks, what + ".tasks")) return;
  check_duplicate_names(c, tasks, what + ".tasks");
  for (const auto& t : tasks) {
    if (!t.first.IsScalar()) continue;
    const std::string task = t.first.Scalar();
    const auto twhat = fmt::format("{} task '{}'", what, task);
    if (!c.expect_map(t.second, twhat)) continue;
    c.check_keys(t.second, twhat, {"model", "responsibilities"});
    if (t.second["model"]) {
      if (auto model = read_model(c, t.second["model"], twhat + ".model")) a.task_models[task] = *model;
    }
    if (t.second["responsibilities"]) {
      a.responsibilities[task] = read_responsibilities(c, t.second["responsibilities"],
                                                       twhat + ".responsibilities", Responsibilities{});
    }
  }
}

// self_service: form | none | {mode: attendance|none|form, why: "<Danish reason>"}
void read_self_service(Checker& c, const YAML::Node& n, const std::string& what, SelfServiceSetting& out) {
  const YAML::Node mode = n.IsMap() ? n["mode"] : n;
  if (n.IsMap()) {
    c.check_keys(n, what, {"mode", "why"});
    out.why = optional_text(c, n, "why", what);
    if (!mode) {
      c.error(n, what + " needs its mode: form, attendance or none");
      return;
    }
  } else if (!n.IsScalar()) {
    c.error(n, what + " is form, none, or {mode: attendance, why: <the reason shown to the citizen>}");
    return;
  }
  const std::string key = c.scalar(mode, what + ".mode").value_or("");
  out.mode = self_service_mode_from_key(key);
  if (!out.mode) {
    c.error(mode, fmt::format("{} is '{}'; use form, attendance or none", what, key));
    return;
  }
  if (*out.mode == SelfServiceMode::kAttendance && is_blank_text(out.why)) {
    c.error(n, what + ": personal attendance needs the reason shown to the citizen (why:), e.g. that fingerprints "
                      "and a photo are taken at the counter");
  }
  if (out.why.size() > 1000) c.error(n, what + ".why is longer than 1000 characters");
}

// A whole number from `low` to `high` at n, or nullopt (reported).
std::optional<int> bounded_int(Checker& c, const YAML::Node& n, const std::string& what, int low, int high) {
  int v = 0;
  try {
    v = n.as<int>();
  } catch (const YAML::Exception&) {
    c.error(n, fmt::format("{} must be a whole number from {} to {}", what, low, high));
    return std::nullopt;
  }
  if (v < low || v > high) {
    c.error(n, fmt::format("{} must be from {} to {}, got {}", what, low, high, v));
    return std::nullopt;
  }
  return v;
}

// appointments: {minutes, desks, unit, book_ahead_days, remind_hours_before,
// max_per_citizen, bring}; each optional.
void read_appointments(Checker& c, const YAML::Node& n, const std::string& what, ServiceAreaConfig& a, Declared& d) {
  AppointmentSetting s;
  if (!n.IsMap()) {
    if (c.boolean(n, what + " (true, or {minutes, desks, unit, book_ahead_days, ...})").value_or(false)) {
      a.appointments = s;
    }
    return;
  }
  c.check_keys(n, what,
               {"minutes", "desks", "unit", "book_ahead_days", "remind_hours_before", "max_per_citizen", "bring"});
  if (n["remind_hours_before"]) {
    s.remind_hours_before =
        bounded_int(c, n["remind_hours_before"], what + ".remind_hours_before", 0, 14 * 24).value_or(s.remind_hours_before);
  }
  if (n["max_per_citizen"]) {
    s.max_per_citizen = bounded_int(c, n["max_per_citizen"], what + ".max_per_citizen", 0, 50).value_or(s.max_per_citizen);
  }
  s.bring = optional_text(c, n, "bring", what);
  if (s.bring.size() > 1000) c.error(n["bring"], what + ".bring: at most 1000 bytes (it is printed in every letter)");
  if (n["minutes"]) s.minutes = bounded_int(c, n["minutes"], what + ".minutes", 5, 240).value_or(s.minutes);
  if (n["desks"]) s.desks = bounded_int(c, n["desks"], what + ".desks", 1, 50).value_or(s.desks);
  if (n["book_ahead_days"]) {
    s.book_ahead_days = bounded_int(c, n["book_ahead_days"], what + ".book_ahead_days", 1, 365).value_or(s.book_ahead_days);
  }
  s.unit = optional_text(c, n, "unit", what);
  if (!s.unit.empty()) d.appointment_unit_at[a.id] = n["unit"];
  a.appointments = s;
}

// One service area: its plugin, who decides it, its unit, workflow, split, model and tasks.
void read_service_area(Checker& c, const YAML::Node& n, const std::string& what, ServiceAreaConfig& a,
                       Declared& d) {
  c.check_keys(n, what, {"plugin", "authority", "unit", "workflow", "split", "model", "tasks", "settings",
                         "appeals_body", "self_service", "appointments"});
  read_area_settings(c, n, what, a);
  if (n["appointments"]) read_appointments(c, n["appointments"], what + ".appointments", a, d);
  if (n["self_service"]) read_self_service(c, n["self_service"], what + ".self_service", a.self_service);
  a.appeals_body = optional_text(c, n, "appeals_body", what);
  if (n["appeals_body"] && is_blank_text(a.appeals_body)) {
    c.error(n["appeals_body"], what + ".appeals_body must name the appeals body");
  }
  a.unit = optional_text(c, n, "unit", what);
  if (!a.unit.empty()) d.area_unit_at[a.id] = n["unit"];
  a.plugin = optional_text(c, n, "plugin", what);
  a.authority = optional_text(c, n, "authority", what);
  if (!a.authority.empty() && a.authority != "municipality") d.area_authority_at[a.id] = n["authority"];
  a.workflow = optional_text(c, n, "workflow", what);
  if (n["split"]) {
    if (auto s = read_key(c, n["split"], what + " split", kSplits)) a.split = *s;
  }
  if (n["model"]) a.model = read_model(c, n["model"], what + ".model");
  if (const auto tasks = n["tasks"]) read_area_tasks(c, tasks, what, a);
}

// service_areas: a mapping from area id to the area; each id once.
void read_service_areas(Checker& c, const YAML::Node& areas, MunicipalityConfig& m, Declared& d) {
  if (!areas || !c.expect_map(areas, "service_areas")) return;
  check_duplicate_names(c, areas, "service_areas");
  for (const auto& kv : areas) {
    if (!kv.first.IsScalar()) continue;
    ServiceAreaConfig a;
    a.id = kv.first.Scalar();
    d.areas.insert(a.id);
    const auto what = fmt::format("service area '{}'", a.id);
    if (!c.expect_map(kv.second, what)) continue;
    read_service_area(c, kv.second, what, a, d);
    m.service_areas.push_back(std::move(a));
  }
}

// calendar: {closing_days: [constitution_day, ...], closed_on: [YYYY-MM-DD, ...]}
void read_calendar(Checker& c, const YAML::Node& n, CalendarOptions& cal) {
  if (!n || !c.expect_map(n, "calendar")) return;
  c.check_keys(n, "calendar", {"closing_days", "closed_on"});
  if (const auto days = n["closing_days"]) {
    if (!days.IsSequence()) {
      c.error(days, "calendar.closing_days must be a list of " + std::string(kClosingDayKeys));
    } else {
      for (const auto& item : days) {
        const auto key = c.scalar(item, "calendar.closing_days");
        if (key && !set_closing_day(cal, *key)) {
          c.error(item, fmt::format("calendar.closing_days: '{}' is not one of {}", *key, kClosingDayKeys));
        }
      }
    }
  }
  if (const auto dates = n["closed_on"]) {
    if (!dates.IsSequence()) {
      c.error(dates, "calendar.closed_on must be a list of dates YYYY-MM-DD");
    } else {
      for (const auto& item : dates) {
        const auto text = c.scalar(item, "calendar.closed_on");
        if (!text) continue;
        auto d = parse_date(*text);
        if (!d.ok()) c.error(item, "calendar.closed_on: " + d.status().message());
        else cal.extra_closed_days.insert(*d);
      }
    }
  }
}

// post_delivery_days: {monday: 3, ...}: days from posting to receipt of a physical letter.
void read_post_delivery_days(Checker& c, const YAML::Node& n, PostDeliveryDays& post) {
  if (!n || !c.expect_map(n, "post_delivery_days")) return;
  check_duplicate_names(c, n, "post_delivery_days");
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const auto key = kv.first.Scalar();
    const auto index = weekday_index_from_key(key);
    if (!index) {
      c.error(kv.first, fmt::format("post_delivery_days: '{}' is not a weekday (monday ... sunday)", key));
      continue;
    }
    int value = -1;
    try {
      value = kv.second.as<int>();
    } catch (const YAML::Exception&) {
      value = -1;
    }
    if (value < 0 || value > 30) {
      c.error(kv.second, fmt::format("post_delivery_days.{} must be a whole number of days from 0 to 30", key));
      continue;
    }
    post.by_weekday[static_cast<std::size_t>(*index)] = value;
  }
}

// One agreement: with another municipality, covering areas declared under service_areas.
Agreement read_agreement(Checker& c, const YAML::Node& a, const MunicipalityConfig& m, const Declared& d) {
  c.check_keys(a, "an agreement", {"municipality", "name", "service_areas"});
  Agreement ag;
  ag.municipality = c.required(a, "municipality", "an agreement");
  ag.name = optional_text(c, a, "name", "an agreement");
  const auto what = fmt::format("the agreement with {}", ag.municipality);
  if (!ag.municipality.empty() && ag.municipality == m.code) {
    c.error(a["municipality"], what + " is with this municipality itself");
  }
  if (a["service_areas"]) ag.service_areas = c.string_list(a["service_areas"], what + ".service_areas");
  if (ag.service_areas.empty()) c.error(a, what + " covers no service_areas");
  for (const auto& s : ag.service_areas) {
    if (!d.areas.contains(s)) {
      c.error(a["service_areas"], fmt::format("{} covers service area '{}', which is not declared under "
                                              "'service_areas'", what, s));
    }
  }
  return ag;
}

// agreements: the areas this municipality handles on another's behalf.
void read_agreements(Checker& c, const YAML::Node& list, MunicipalityConfig& m, const Declared& d) {
  c.each_item(list, "an agreement", [&](const YAML::Node& a) { m.agreements.push_back(read_agreement(c, a, m, d)); });
}

// A target share: a number between 0 and 1.
void read_share(Checker& c, const YAML::Node& n, const std::string& what, double& out) {
  try {
    const double v = n.as<double>();
    if (v < 0 || v > 1) throw YAML::Exception(n.Mark(), "");
    out = v;
  } catch (const YAML::Exception&) {
    c.error(n, what + " must be a share between 0 and 1 (0.5 is 50 %)");
  }
}

// channel_strategy.targets: the digital share and the digital share of written inquiries.
void read_channel_targets(Checker& c, const YAML::Node& t, ChannelStrategy& strategy) {
  if (!t || !c.expect_map(t, "channel_strategy.targets")) return;
  c.check_keys(t, "channel_strategy.targets", {"digital_share", "digital_written_share"});
  if (t["digital_share"]) read_share(c, t["digital_share"], "targets.digital_share", strategy.digital_share_target);
  if (t["digital_written_share"]) {
    read_share(c, t["digital_written_share"], "targets.digital_written_share", strategy.digital_written_share_target);
  }
}

// channel_strategy.costs_kr: per channel a cost of 0 kr or more, from `source`.
void read_channel_costs(Checker& c, const YAML::Node& costs, const std::string& source, ChannelStrategy& strategy) {
  if (!costs || !c.expect_map(costs, "channel_strategy.costs_kr")) return;
  for (const auto& kv : costs) {
    const auto key = kv.first.Scalar();
    const auto channel = channel_from_key(key);
    if (!channel) {
      c.error(kv.first, fmt::format("channel_strategy.costs_kr has '{}', which is not a channel", key));
      continue;
    }
    try {
      const double kr = kv.second.as<double>();
      if (kr < 0) throw YAML::Exception(kv.second.Mark(), "");
      strategy.costs[*channel] = {kr, source};
    } catch (const YAML::Exception&) {
      c.error(kv.second, fmt::format("the cost of {} must be a number of kroner, 0 or more", key));
    }
  }
}

// channel_strategy.counting_weeks: ISO weeks like 2026-W10.
void read_counting_weeks(Checker& c, const YAML::Node& weeks, ChannelStrategy& strategy) {
  if (!weeks) return;
  for (const auto& w : c.string_list(weeks, "channel_strategy.counting_weeks")) {
    if (!is_iso_week_name(w)) {
      c.error(weeks, fmt::format("counting week '{}' is not an ISO week like 2026-W10", w));
    } else {
      strategy.counting_weeks.push_back(w);
    }
  }
}

// channel_strategy (optional): targets, costs per channel and their source, counting weeks;
// service goals, the digital share's path and per-area strategies (channel_goals.cpp).
void read_channel_strategy(Checker& c, const YAML::Node& cs, ChannelStrategy& strategy, const Declared& d) {
  if (!cs || !c.expect_map(cs, "channel_strategy")) return;
  std::set<std::string> keys{"targets", "costs_kr", "cost_source", "counting_weeks"};
  keys.insert(channel_goal_keys().begin(), channel_goal_keys().end());
  c.check_keys(cs, "channel_strategy", keys);
  read_channel_targets(c, cs["targets"], strategy);
  const std::string source = cs["cost_source"] ? cs["cost_source"].as<std::string>("") : "the municipality file";
  read_channel_costs(c, cs["costs_kr"], source, strategy);
  read_counting_weeks(c, cs["counting_weeks"], strategy);
  read_channel_goals(c, cs, d.areas, strategy);
}

// A CVR number: 8 digits, the first not 0, whose weighted sum (2 7 6 5 4 3 2 1) is divisible by 11.
bool is_cvr_number(std::string_view s) {
  if (s.size() != 8 || s[0] == '0') return false;
  constexpr std::array<int, 8> kWeights{2, 7, 6, 5, 4, 3, 2, 1};
  int sum = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    sum += (s[i] - '0') * kWeights[i];
  }
  return sum % 11 == 0;
}

// An e-mail address that is not obviously wrong: text@domain.tld without spaces.
bool looks_like_email(std::string_view s) {
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.find_first_of(" \t\r\n<>,;") != std::string_view::npos) return false;
  const auto domain = s.substr(at + 1);
  const auto dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
}

// A web address that is not obviously wrong: http(s)://host, no spaces.
bool looks_like_web(std::string_view s) {
  if (s.find_first_of(" \t\r\n<>\"") != std::string_view::npos) return false;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (s.substr(0, scheme.size()) == scheme && s.size() > scheme.size() && s[scheme.size()] != '/') return true;
  }
  return false;
}

// letters.letterhead: the sender block of every letter.
void read_letterhead(Checker& c, const YAML::Node& n, Letterhead& h) {
  constexpr const char* what = "letters.letterhead";
  if (!c.expect_map(n, what)) return;
  c.check_keys(n, what, {"address", "phone", "email", "web", "cvr", "logo"});
  h.address = optional_text(c, n, "address", what);
  if (n["address"] && is_blank_text(h.address)) c.error(n["address"], "letters.letterhead.address is empty");
  h.phone = optional_text(c, n, "phone", what);
  h.email = optional_text(c, n, "email", what);
  if (n["email"] && !looks_like_email(h.email)) {
    c.error(n["email"], fmt::format("letters.letterhead.email '{}' is not an e-mail address (name@domain.dk)", h.email));
  }
  h.web = optional_text(c, n, "web", what);
  if (n["web"] && !looks_like_web(h.web)) {
    c.error(n["web"], fmt::format("letters.letterhead.web '{}' is not a web address (https://www.kommune.dk)", h.web));
  }
  h.cvr = optional_text(c, n, "cvr", what);
  if (n["cvr"] && !is_cvr_number(h.cvr)) {
    c.error(n["cvr"], fmt::format("letters.letterhead.cvr '{}' is not a CVR number (8 digits with a valid check "
                                  "digit, e.g. \"64942212\")", h.cvr));
  }
  h.logo = optional_text(c, n, "logo", what);
  if (n["logo"]) {
    h.logo_at = position_of(n["logo"]);
    if (is_blank_text(h.logo)) c.error(n["logo"], "letters.letterhead.logo names no file");
  }
}

// letters.digital_post / letters.print: the plugin that delivers on the channel and its settings.
std::optional<DeliveryChannelConfig> read_delivery_channel(Checker& c, const YAML::Node& n, const std::string& what) {
  if (!c.expect_map(n, what)) return std::nullopt;
  c.check_keys(n, what, {"plugin", "settings"});
  DeliveryChannelConfig ch;
  ch.plugin = c.required(n, "plugin", what);
  if (n["plugin"] && !ch.plugin.empty() && !is_config_id(ch.plugin)) {
    c.error(n["plugin"], fmt::format("{}.plugin '{}' is not a plugin id (lower-case letters, digits, '_' or '-')",
                                     what, ch.plugin));
  }
  if (const auto settings = n["settings"]; settings && c.expect_map(settings, what + ".settings")) {
    check_duplicate_names(c, settings, what + ".settings");
    for (const auto& kv : settings) {
      if (!kv.first.IsScalar()) continue;
      const auto key = kv.first.Scalar();
      if (auto v = c.scalar(kv.second, fmt::format("{}.settings.{}", what, key))) ch.settings[key] = *v;
    }
  }
  return ch;
}

// letters (optional): language, letterhead and delivery channels of the municipality's letters.
void read_letters(Checker& c, const YAML::Node& n, LetterSettings& l) {
  if (!n || !c.expect_map(n, "letters")) return;
  c.check_keys(n, "letters", {"language", "letterhead", "digital_post", "print"});
  if (n["language"]) {
    const auto lang = c.scalar(n["language"], "letters.language");
    if (lang && *lang != "da" && *lang != "en") {
      c.error(n["language"], fmt::format("letters.language is '{}'; use da or en", *lang));
    } else if (lang) {
      l.language = *lang;
    }
  }
  if (n["letterhead"]) read_letterhead(c, n["letterhead"], l.letterhead);
  if (n["digital_post"]) l.digital_post = read_delivery_channel(c, n["digital_post"], "letters.digital_post");
  if (n["print"]) l.print = read_delivery_channel(c, n["print"], "letters.print");
}

// opening_hours: per channel that receives citizens at set hours, its weekly rules.
void read_published_hours(Checker& c, const YAML::Node& n, MunicipalityConfig& m) {
  if (!n || !c.expect_map(n, "opening_hours")) return;
  check_duplicate_names(c, n, "opening_hours");
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const auto key = kv.first.Scalar();
    const auto channel = channel_from_key(key);
    if (!channel || (*channel != Channel::kPersonalAttendance && *channel != Channel::kPhone &&
                     *channel != Channel::kAssistedSelfService)) {
      c.error(kv.first, fmt::format("opening_hours has '{}'; the channels with opening hours are "
                                    "personal_attendance, phone and assisted_self_service", key));
      continue;
    }
    m.opening_hours[*channel] = read_opening_rules(c, kv.second, "opening_hours." + key);
  }
}

// An area's appointments are received by a unit of ours that receives citizens (not a department's back office).
void check_appointment_units(Checker& c, const MunicipalityConfig& m, const Declared& d) {
  for (const auto& [area, node] : d.appointment_unit_at) {
    const auto* u = m.unit(node.Scalar());
    if (u == nullptr) {
      c.error(node, fmt::format("service area '{}' takes appointments at unit '{}', which is not under 'units'",
                                area, node.Scalar()));
    }
  }
}

// Booths are run by a department of ours or by an authority we declared.
void check_booth_runners(Checker& c, const MunicipalityConfig& m, Declared& d) {
  for (const auto& u : m.units) {
    if (u.kind != UnitKind::kBooth || u.run_by.empty()) continue;
    const auto* runner = m.unit(u.run_by);
    if (!d.authorities.contains(u.run_by) && (runner == nullptr || runner->kind == UnitKind::kBooth ||
                                              runner->kind == UnitKind::kCitizenServiceCentre)) {
      c.error(d.run_by_at[u.id], fmt::format("booth '{}' is run by '{}', which is neither a department or job "
                                             "centre under 'units' nor an authority under 'authorities'",
                                             u.id, u.run_by));
    }
  }
}

// A service area is decided by 'municipality' or by an authority we declared.
void check_area_authorities(Checker& c, const Declared& d) {
  for (const auto& [area, node] : d.area_authority_at) {
    const auto id = node.Scalar();
    if (!d.authorities.contains(id)) {
      c.error(node, fmt::format("service area '{}' is decided by '{}', which is neither 'municipality' nor an "
                                "authority under 'authorities'", area, id));
    }
  }
}

// A service area's unit is a department, job centre or booth of ours.
void check_area_units(Checker& c, const MunicipalityConfig& m, const Declared& d) {
  for (const auto& [area, node] : d.area_unit_at) {
    const auto* u = m.unit(node.Scalar());
    if (u == nullptr || u->kind == UnitKind::kCitizenServiceCentre) {
      c.error(node, fmt::format("service area '{}' names unit '{}', which is not a department, job centre or booth "
                                "under 'units'", area, node.Scalar()));
    }
  }
}

// The model and the centre must fit: models 1 and 2 need a centre chief, 5 has none.
void check_model_fits_centre(Checker& c, const MunicipalityConfig& m, const YAML::Node& model_node) {
  if (m.units.empty()) return;
  const MunicipalUnit* centre = nullptr;
  for (const auto& u : m.units) {
    if (u.kind == UnitKind::kCitizenServiceCentre) centre = &u;
  }
  const auto pos = position_of(model_node);
  const bool needs_chief = m.model == OrganisationalModel::kSupermarket || m.model == OrganisationalModel::kCooperation;
  if (centre == nullptr) {
    c.error(pos, "no unit of kind citizen_service_centre is declared");
  } else if (needs_chief && !centre->has_chief) {
    c.error(pos, fmt::format("the {} model gives the centre chief responsibility, but centre '{}' has no chief "
                             "(has_chief: true)", organisational_model_key(m.model), centre->id));
  } else if (m.model == OrganisationalModel::kFullMarketSquare && centre->has_chief) {
    c.error(pos, fmt::format("in the full market square model there is no centre chief, but centre '{}' has "
                             "has_chief: true", centre->id));
  }
}

// workflows: files resolved against the municipality file's folder.
void read_workflows(Checker& c, const YAML::Node& list, std::string_view file_name, MunicipalityConfig& m) {
  if (!list) return;
  const auto base = std::filesystem::path(std::string(file_name)).parent_path();
  for (const auto& f : c.string_list(list, "workflows")) {
    m.workflow_files.push_back((base / f).lexically_normal().string());
  }
}

// Errors in file order (line, then column); errors at one position keep the order they were found in.
void sort_by_position(std::vector<Diagnostic>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
}

}  // namespace

const char* staff_layer_key(StaffLayer l) { return to_key(kLayers, l); }
const char* service_split_key(ServiceSplit s) { return to_key(kSplits, s); }
std::optional<ServiceSplit> service_split_from_key(std::string_view key) { return from_key(kSplits, key); }
const char* self_service_mode_key(SelfServiceMode m) { return to_key(kSelfServiceModes, m); }
std::optional<SelfServiceMode> self_service_mode_from_key(std::string_view key) {
  return from_key(kSelfServiceModes, key);
}

bool Staffing::staffed_on(Date day) const {
  const int wd = static_cast<int>(std::chrono::weekday{day}.iso_encoding()) - 1;
  return std::find(weekdays.begin(), weekdays.end(), wd) != weekdays.end();
}

bool MunicipalUnit::walk_in_on(Date day) const {
  if (!hours.empty()) {
    return std::any_of(hours.rules.begin(), hours.rules.end(),
                       [&](const OpeningRule& r) { return !r.appointment_only && r.covers(day); });
  }
  return !staffing || staffing->staffed_on(day);
}

bool MunicipalUnit::appointments_on(Date day) const {
  if (!hours.empty()) {
    return std::any_of(hours.rules.begin(), hours.rules.end(), [&](const OpeningRule& r) { return r.covers(day); });
  }
  return !staffing || staffing->by_appointment || staffing->staffed_on(day);
}

const MunicipalUnit* MunicipalityConfig::appointment_unit(std::string_view area) const {
  const auto* a = service_area(area);
  if (a == nullptr) return nullptr;
  if (a->appointments && !a->appointments->unit.empty()) return unit(a->appointments->unit);
  if (const auto* u = unit(a->unit); u != nullptr && u->kind == UnitKind::kBooth) return u;
  for (const auto& u : units) {
    if (u.kind == UnitKind::kBooth && u.area == area) return &u;
  }
  for (const auto& u : units) {
    if (u.kind == UnitKind::kCitizenServiceCentre) return &u;
  }
  return nullptr;
}

OpeningHours MunicipalityConfig::hours_of(const MunicipalUnit& u) const {
  if (!u.hours.empty()) return u.hours;
  OpeningHours out;
  out.closed = u.hours.closed;
  const auto published = opening_hours.find(Channel::kPersonalAttendance);
  if (published == opening_hours.end()) return out;
  for (auto rule : published->second.rules) {
    if (u.staffing) {
      // A booth keeps the published hours on the weekdays it is staffed.
      std::erase_if(rule.weekdays, [&](int wd) {
        return std::find(u.staffing->weekdays.begin(), u.staffing->weekdays.end(), wd) == u.staffing->weekdays.end();
      });
      if (rule.weekdays.empty()) continue;
    }
    out.rules.push_back(std::move(rule));
  }
  out.closed.insert(published->second.closed.begin(), published->second.closed.end());
  return out;
}

const MunicipalUnit* MunicipalityConfig::unit(std::string_view id) const {
  for (const auto& u : units) {
    if (u.id == id) return &u;
  }
  return nullptr;
}

const ServiceAreaConfig* MunicipalityConfig::service_area(std::string_view id) const {
  for (const auto& a : service_areas) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

OrganisationalModel MunicipalityConfig::model_for(std::string_view area, std::string_view task) const {
  if (const auto* a = service_area(area)) {
    if (auto it = a->task_models.find(std::string(task)); it != a->task_models.end()) return it->second;
    if (a->model) return *a->model;
  }
  return model;
}

MunicipalityParseResult parse_municipality(std::string_view yaml_text, std::string_view file_name) {
  Checker c{std::string(file_name)};
  MunicipalityParseResult out;
  const YAML::Node root = load_root(c, yaml_text);
  if (c.has_errors()) {
    out.errors = c.take_errors();
    return out;
  }
  c.check_keys(root, "the municipality file", {"municipality", "organisational_model", "units", "authorities",
                                               "staff", "service_areas", "agreements", "workflows",
                                               "channel_strategy", "calendar", "post_delivery_days", "letters",
                                               "opening_hours", "queue"});
  MunicipalityConfig m;
  Declared declared;
  // The sections, in the order later ones need earlier ones (staff name units,
  // agreements name service areas and this municipality's code).
  read_identity(c, root["municipality"], m);
  const bool model_read = read_organisational_model(c, root["organisational_model"], m);
  read_authorities(c, root["authorities"], m, declared);
  read_units(c, root["units"], m, declared);
  read_staff(c, root["staff"], m, declared);
  read_service_areas(c, root["service_areas"], m, declared);
  read_agreements(c, root["agreements"], m, declared);
  read_channel_strategy(c, root["channel_strategy"], m.channel_strategy, declared);
  read_calendar(c, root["calendar"], m.calendar);
  read_post_delivery_days(c, root["post_delivery_days"], m.post_delivery_days);
  read_letters(c, root["letters"], m.letters);
  read_published_hours(c, root["opening_hours"], m);
  read_queue_settings(c, root["queue"], m, m.queue);
  // The checks across sections.
  check_booth_runners(c, m, declared);
  check_area_authorities(c, declared);
  check_area_units(c, m, declared);
  check_appointment_units(c, m, declared);
  if (model_read) check_model_fits_centre(c, m, root["organisational_model"]);
  read_workflows(c, root["workflows"], file_name, m);
  out.errors = c.take_errors();
  sort_by_position(out.errors);
  if (out.errors.empty()) out.config = std::move(m);
  return out;
}

MunicipalityParseResult load_municipality_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.ok()) {
    MunicipalityParseResult r;
    r.errors.push_back({path, {}, text.status().message()});
    return r;
  }
  auto parsed = parse_municipality(*text, path);
  if (parsed.ok()) {
    parsed.errors = read_letterhead_logo(*parsed.config, path);
    if (!parsed.errors.empty()) parsed.config.reset();
  }
  return parsed;
}

std::string letterhead_logo_path(const MunicipalityConfig& m, std::string_view file_name) {
  const auto& logo = m.letters.letterhead.logo;
  if (logo.empty()) return {};
  const auto base = std::filesystem::path(std::string(file_name)).parent_path();
  return (base / logo).lexically_normal().string();
}

std::vector<Diagnostic> read_letterhead_logo(MunicipalityConfig& m, std::string_view file_name) {
  std::vector<Diagnostic> errors;
  Letterhead& h = m.letters.letterhead;
  const std::string path = letterhead_logo_path(m, file_name);
  if (path.empty()) return errors;
  const auto fail = [&](std::string message) {
    errors.push_back({std::string(file_name), h.logo_at, std::move(message)});
    return errors;
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(fmt::format("letters.letterhead.logo: {} does not exist or is not a file", path));
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail(fmt::format("letters.letterhead.logo: {} cannot be read: {}", path, ec.message()));
  if (size > kMaxLogoBytes) {
    return fail(fmt::format("letters.letterhead.logo: {} has {} bytes; a logo may have at most {} (1 MiB)", path,
                            size, kMaxLogoBytes));
  }
  auto bytes = read_text_file(path);
  if (!bytes.ok()) return fail(fmt::format("letters.letterhead.logo: {}", bytes.status().message()));
  static constexpr std::string_view kPngSignature{"\x89PNG\r\n\x1a\n", 8};
  if (bytes->size() < kPngSignature.size() || std::string_view(*bytes).substr(0, kPngSignature.size()) != kPngSignature) {
    return fail(fmt::format("letters.letterhead.logo: {} is not a PNG image (it lacks the PNG signature)", path));
  }
  h.logo_png = std::move(*bytes);
  return errors;
}

std::vector<std::string> appointment_gaps(const MunicipalityConfig& m) {
  std::vector<std::string> out;
  for (const auto& a : m.service_areas) {
    if (!a.appointments) continue;
    const auto* u = m.appointment_unit(a.id);
    if (u == nullptr) {
      out.push_back(fmt::format("service area {} takes appointments but there is no unit to receive them (set "
                                "service_areas.{}.appointments.unit)", a.id, a.id));
    } else if (m.hours_of(*u).empty()) {
      out.push_back(fmt::format("service area {} takes appointments at {}, which has no opening hours: no time can be "
                                "booked (set hours on unit {} or opening_hours.personal_attendance)",
                                a.id, u->name, u->id));
    }
  }
  return out;
}

std::vector<std::string> letter_settings_gaps(const MunicipalityConfig& m) {
  std::vector<std::string> out;
  const auto& l = m.letters;
  if (!l.digital_post) {
    out.push_back("letters has no digital_post channel: letters to citizens with Digital Post wait in the outbox "
                  "(set letters.digital_post.plugin)");
  }
  if (!l.print) {
    out.push_back("letters has no print channel: letters to citizens without Digital Post wait in the outbox "
                  "(set letters.print.plugin)");
  }
  if (is_blank_text(l.letterhead.address)) {
    out.push_back("the letterhead has no address: letters do not say where to write (set letters.letterhead.address)");
  }
  if (l.letterhead.cvr.empty()) {
    out.push_back("the letterhead has no CVR number, the sender of Digital Post (set letters.letterhead.cvr)");
  }
  return out;
}

std::vector<std::string> appeals_body_gaps(const MunicipalityConfig& m, const std::vector<WorkflowDefinition>& workflows) {
  std::vector<std::string> out;
  for (const auto& wf : workflows) {
    if (!wf.complaint_deadline || !is_blank_text(wf.appeals_body)) continue;
    const ServiceAreaConfig* area = m.service_area(wf.service_area);
    if (area && !is_blank_text(area->appeals_body)) continue;
    out.push_back(fmt::format("workflow {} names no appeals body for its complaint guidance: set "
                              "service_areas.{}.appeals_body in the municipality file",
                              wf.id, wf.service_area));
  }
  return out;
}

}  // namespace sagsflow
