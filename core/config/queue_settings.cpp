#include "sagsflow/config/queue_settings.hpp"

#include <algorithm>
#include <set>

#include "queue_settings_parts.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/blank_text.hpp"

namespace sagsflow {
namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

QueueCounter read_desk(Checker& c, const YAML::Node& d, std::set<std::string>& seen) {
  c.check_keys(d, "a queue desk", {"id", "name"});
  QueueCounter desk;
  desk.id = c.required(d, "id", "a queue desk");
  if (!desk.id.empty()) {
    if (!is_config_id(desk.id, /*digit_first=*/true)) {
      c.error(d["id"], fmt::format("queue desk id '{}' must be lower-case letters, digits, '_' or '-'", desk.id));
    }
    if (!seen.insert(desk.id).second) c.error(d["id"], fmt::format("queue desk '{}' is declared twice", desk.id));
  }
  desk.name = c.required(d, "name", fmt::format("queue desk '{}'", desk.id));
  if (d["name"] && is_blank_text(desk.name)) c.error(d["name"], fmt::format("queue desk '{}' has an empty name", desk.id));
  return desk;
}

QueueGroup read_group(Checker& c, const YAML::Node& g, const MunicipalityConfig& m, std::set<std::string>& seen) {
  c.check_keys(g, "a queue group", {"id", "name", "areas", "staff"});
  QueueGroup group;
  group.id = c.required(g, "id", "a queue group");
  if (!group.id.empty()) {
    if (!is_queue_group_id(group.id)) {
      c.error(g["id"], fmt::format("queue group id '{}' must be one or two capital letters (A-Z): it begins the "
                                   "ticket numbers, as in P007", group.id));
    }
    if (!seen.insert(group.id).second) c.error(g["id"], fmt::format("queue group '{}' is declared twice", group.id));
  }
  const auto what = fmt::format("queue group '{}'", group.id);
  group.name = c.required(g, "name", what);
  if (g["name"] && is_blank_text(group.name)) c.error(g["name"], what + " has an empty name");
  if (!g["areas"]) {
    c.error(g, what + " has no 'areas' (the service areas it serves)");
  } else {
    group.areas = c.string_list(g["areas"], what + ".areas");
    if (g["areas"].IsSequence() && group.areas.empty()) c.error(g["areas"], what + " serves no areas");
    std::size_t i = 0;
    for (const auto& item : g["areas"]) {
      if (i >= group.areas.size()) break;
      if (!item.IsScalar()) continue;
      const std::string& area = group.areas[i++];
      if (m.service_area(area) == nullptr) {
        c.error(item, fmt::format("{} serves area '{}', which is not declared under 'service_areas'", what, area));
      }
    }
  }
  if (g["staff"]) {
    group.staff = c.string_list(g["staff"], what + ".staff");
    std::size_t i = 0;
    std::set<std::string> named;
    for (const auto& item : g["staff"]) {
      if (i >= group.staff.size()) break;
      if (!item.IsScalar()) continue;
      const std::string& person = group.staff[i++];
      const bool known = std::any_of(m.staff.begin(), m.staff.end(), [&](const StaffMember& s) { return s.id == person; });
      if (!known) {
        c.error(item, fmt::format("{} names staff member '{}', who is not on the staff list", what, person));
      } else if (!named.insert(person).second) {
        c.error(item, fmt::format("{} names staff member '{}' twice", what, person));
      }
    }
    if (g["staff"].IsSequence() && group.staff.empty()) {
      c.error(g["staff"], what + " names no staff: leave 'staff' out for everyone at the centre");
    }
  }
  return group;
}

}  // namespace

bool is_queue_group_id(std::string_view id) {
  if (id.empty() || id.size() > 2) return false;
  return std::all_of(id.begin(), id.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

const QueueGroup* QueueSettings::group(std::string_view id) const {
  for (const auto& g : groups) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

const QueueCounter* QueueSettings::desk(std::string_view id) const {
  for (const auto& d : desks) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

const QueueGroup* QueueSettings::group_for_area(std::string_view area) const {
  for (const auto& g : groups) {
    if (contains(g.areas, area)) return &g;
  }
  return nullptr;
}

bool may_serve(const MunicipalityConfig& m, const QueueGroup& group, std::string_view person) {
  if (!group.staff.empty()) return contains(group.staff, person);
  for (const auto& s : m.staff) {
    if (s.id != person) continue;
    const MunicipalUnit* unit = m.unit(s.unit);
    if (unit == nullptr || unit->kind != UnitKind::kCitizenServiceCentre) return false;
    return contains(s.roles, "frontdesk") || contains(s.roles, "caseworker");
  }
  return false;
}

void read_queue_settings(Checker& c, const YAML::Node& n, const MunicipalityConfig& m, QueueSettings& out) {
  if (!n || !c.expect_map(n, "queue")) return;
  c.check_keys(n, "queue", {"desks", "groups"});
  std::set<std::string> desk_ids, group_ids;
  if (!n["desks"]) c.error(n, "queue has no 'desks' (the desks tickets are called to)");
  c.each_item(n["desks"], "a queue desk", [&](const YAML::Node& d) { out.desks.push_back(read_desk(c, d, desk_ids)); });
  if (n["desks"] && n["desks"].IsSequence() && n["desks"].size() == 0) c.error(n["desks"], "queue.desks is empty");
  if (!n["groups"]) c.error(n, "queue has no 'groups' (what citizens draw a number for)");
  c.each_item(n["groups"], "a queue group", [&](const YAML::Node& g) { out.groups.push_back(read_group(c, g, m, group_ids)); });
  if (n["groups"] && n["groups"].IsSequence() && n["groups"].size() == 0) c.error(n["groups"], "queue.groups is empty");
}

}  // namespace sagsflow
