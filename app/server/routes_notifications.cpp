// /api/v1/notifications: what wants the signed-in staff member (a case came to
// their queue, was handed to them, got the citizen's answer, nears its
// deadline; CaseEngine decides who is told). Notifications name the case
// number only, so reading them is no read of personal data.
#include <limits>

#include "api.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

// GET /api/v1/notifications?unread=true&limit=50
Result<json> list(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  const std::string unread = c.query_value("unread", "false");
  if (unread != "true" && unread != "false") return c.refuse_field("unread", "must be true or false");
  auto limit = c.query_number("limit", 1, 500);
  if (!limit.ok()) return limit.status();
  auto& store = *c.installation().store;
  auto rows = store.notifications_of(c.municipality(), actor->id, unread == "true", *limit ? static_cast<int>(**limit) : 50);
  if (!rows.ok()) return rows.status();
  auto count = store.count_unread_notifications(c.municipality(), actor->id);
  if (!count.ok()) return count.status();
  json out = json::array();
  for (const auto& n : *rows) {
    out.push_back({{"id", n.id},
                   {"kind", n.kind},
                   {"case_id", n.case_id ? json(n.case_id) : json()},
                   {"case_number", n.case_number},
                   {"created_at", n.created_at},
                   {"read", !n.read_at.empty()},
                   {"mail", n.mail_state}});
  }
  return json{{"unread", *count}, {"notifications", out}};
}

// POST /api/v1/notifications/read {ids?: [...]}: marks them (all, without ids) read.
Result<json> mark_read(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  std::vector<long long> ids;
  if (c.body.contains("ids") && !c.body["ids"].is_null()) {
    const json& list = c.body["ids"];
    if (!list.is_array() || list.size() > 500) return c.refuse_field("ids", "must be a list of at most 500 notification ids");
    for (const auto& id : list) {
      if (!id.is_number_integer() || id.get<long long>() < 1) return c.refuse_field("ids", "must hold positive whole numbers");
      ids.push_back(id.get<long long>());
    }
    if (ids.empty()) return json{{"marked", 0}};
  }
  auto marked = c.installation().store->mark_notifications_read(c.municipality(), actor->id, ids,
                                                                format_timestamp(system_clock()()));
  if (!marked.ok()) return marked.status();
  return json{{"marked", *marked}};
}

}  // namespace

void add_notification_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/notifications", Access::kStaff, list});
  r.push_back({"POST", "/api/v1/notifications/read", Access::kStaff, mark_read});
}

}  // namespace sagsflow::server
