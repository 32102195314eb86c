#include "sagsflow/frontdesk/queue_desk.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "sagsflow/domain/key_table.hpp"
#include "sagsflow/domain/log.hpp"

namespace sagsflow {
namespace {

constexpr std::array<std::pair<TicketStatus, const char*>, 4> kStatuses{{
    {TicketStatus::kWaiting, "waiting"},
    {TicketStatus::kCalled, "called"},
    {TicketStatus::kServed, "served"},
    {TicketStatus::kNoShow, "no_show"},
}};

// A draw that lost its number to a concurrent one draws again, this often at most.
constexpr int kDrawAttempts = 50;

// Seconds from `a` to `b` (both ISO-8601 UTC as stored); nothing when either does not parse.
std::optional<long long> seconds_between(const std::string& a, const std::string& b) {
  auto from = parse_timestamp(a);
  auto to = parse_timestamp(b);
  if (!from.ok() || !to.ok()) return std::nullopt;
  return (*to - *from).count();
}

// The hour of day in Copenhagen (0-23) of a stored instant; -1 when it does not parse.
int copenhagen_hour(const std::string& at) {
  auto t = parse_timestamp(at);
  if (!t.ok()) return -1;
  const std::string local = format_copenhagen_time(*t);  // 2026-03-29T03:00:00+02:00
  return std::stoi(local.substr(11, 2));
}

struct Sample {
  long long tickets = 0, served = 0, no_shows = 0;
  std::vector<long long> waits;
  std::vector<long long> services;
};

QueueHourFigures figures_of(const std::string& group, int hour, Sample s) {
  QueueHourFigures f;
  f.group = group;
  f.hour = hour;
  f.tickets = s.tickets;
  f.served = s.served;
  f.no_shows = s.no_shows;
  f.called = static_cast<long long>(s.waits.size());
  if (!s.waits.empty()) {
    std::sort(s.waits.begin(), s.waits.end());
    double sum = 0;
    for (auto w : s.waits) sum += static_cast<double>(w);
    f.mean_wait_seconds = sum / static_cast<double>(s.waits.size());
    // Nearest rank: the ceil(0.9 n)-th of the sorted times.
    const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(s.waits.size())));
    f.p90_wait_seconds = s.waits[std::max<std::size_t>(rank, 1) - 1];
  }
  if (!s.services.empty()) {
    double sum = 0;
    for (auto v : s.services) sum += static_cast<double>(v);
    f.mean_service_seconds = sum / static_cast<double>(s.services.size());
  }
  return f;
}

}  // namespace

const char* ticket_status_key(TicketStatus s) { return to_key(kStatuses, s); }
std::optional<TicketStatus> ticket_status_from_key(std::string_view key) { return from_key(kStatuses, key); }

std::string queue_ticket_number(const std::string& group, int seq) { return fmt::format("{}{:03d}", group, seq); }

Timestamp copenhagen_day_start(Date day) { return copenhagen_instant(day, 0); }

CounterWaiting counter_waiting_of(const std::vector<QueueTicket>& tickets, int within_minutes, Timestamp now) {
  CounterWaiting out;
  out.within_minutes = within_minutes;
  const auto limit = std::chrono::minutes(within_minutes);
  for (const auto& t : tickets) {
    auto drawn = parse_timestamp(t.drawn_at);
    if (!drawn.ok()) continue;
    auto called = t.called_at.empty() ? Result<Timestamp>(NotFound("not called")) : parse_timestamp(t.called_at);
    if (called.ok()) {
      ++out.tickets;
      if (*called - *drawn <= limit) ++out.called_within;
    } else if (now - *drawn > limit) {
      ++out.tickets;  // still waiting (or gone) past the goal: not within it
    }
  }
  return out;
}

QueueStatistics queue_statistics(const QueueSettings& settings, const std::vector<QueueTicket>& tickets) {
  std::vector<std::string> order;
  for (const auto& g : settings.groups) order.push_back(g.id);
  std::map<std::string, std::map<int, Sample>> by_hour;
  std::map<std::string, Sample> by_group;
  for (const auto& t : tickets) {
    if (std::find(order.begin(), order.end(), t.group) == order.end()) order.push_back(t.group);
    const int hour = copenhagen_hour(t.drawn_at);
    for (Sample* s : {&by_hour[t.group][hour], &by_group[t.group]}) {
      ++s->tickets;
      if (t.status == TicketStatus::kServed) ++s->served;
      if (t.status == TicketStatus::kNoShow) ++s->no_shows;
      if (!t.called_at.empty()) {
        if (auto w = seconds_between(t.drawn_at, t.called_at)) s->waits.push_back(*w);
      }
      if (t.status == TicketStatus::kServed && !t.finished_at.empty()) {
        if (auto v = seconds_between(t.called_at, t.finished_at)) s->services.push_back(*v);
      }
    }
  }
  QueueStatistics out;
  for (const auto& g : order) {
    auto it = by_group.find(g);
    if (it == by_group.end()) continue;
    for (auto& [hour, sample] : by_hour[g]) out.rows.push_back(figures_of(g, hour, sample));
    out.totals.push_back(figures_of(g, -1, it->second));
  }
  return out;
}

QueueDesk::QueueDesk(QueueStore& store, const Organisation& organisation, FrontDesk& front_desk, CaseEngine& engine,
                     Clock clock)
    : store_(store), organisation_(organisation), front_desk_(front_desk), engine_(engine), clock_(std::move(clock)) {}

Result<const QueueSettings*> QueueDesk::settings(const std::string& municipality) const {
  const MunicipalityConfig* m = organisation_.find(municipality);
  if (m == nullptr) return NotFound(fmt::format("municipality {} has no configuration in this installation", municipality));
  if (!m->queue.enabled()) {
    return FailedPrecondition(fmt::format("{} has no queue: its municipality file has no 'queue' section", m->name));
  }
  return &m->queue;
}

Result<KnownPerson> QueueDesk::staff_of(const Actor& actor, const std::string& municipality) const {
  auto who = organisation_.identify(actor, municipality);
  if (!who.ok()) return who.status();
  if (who->municipality == nullptr || who->staff == nullptr) return Forbidden("the queue is called by staff, not by the system");
  if (who->municipality->code != municipality) {
    return Forbidden(fmt::format("{} is not on the staff of municipality {}", actor.id, municipality));
  }
  return who;
}

Result<std::vector<std::string>> QueueDesk::groups_of(const Actor& actor, const std::string& municipality) const {
  auto q = settings(municipality);
  if (!q.ok()) return q.status();
  auto who = staff_of(actor, municipality);
  if (!who.ok()) return who.status();
  std::vector<std::string> out;
  for (const auto& g : (*q)->groups) {
    if (may_serve(*who->municipality, g, actor.id)) out.push_back(g.id);
  }
  return out;
}

Result<QueueTicket> QueueDesk::draw(const DrawRequest& req) {
  auto q = settings(req.municipality);
  if (!q.ok()) return q.status();
  QueueTicket t;
  t.municipality = req.municipality;
  if (req.actor) {
    auto who = staff_of(*req.actor, req.municipality);
    if (!who.ok()) return who.status();
    t.drawn_by = req.actor->id;
  }
  const QueueGroup* group = nullptr;
  if (!req.group.empty()) {
    group = (*q)->group(req.group);
    if (group == nullptr) return NotFound(fmt::format("the queue has no group '{}'", req.group));
  } else if (!req.area.empty()) {
    group = (*q)->group_for_area(req.area);
    if (group == nullptr) return NotFound(fmt::format("no group of the queue serves the area '{}'", req.area));
  } else {
    return InvalidArgument("choose the group to draw a number in");
  }
  if (!req.area.empty() && std::find(group->areas.begin(), group->areas.end(), req.area) == group->areas.end()) {
    return InvalidArgument(fmt::format("group {} does not serve the area '{}'", group->id, req.area));
  }
  t.group = group->id;
  t.area = req.area;
  const Timestamp now = clock_();
  t.day = format_date(copenhagen_date(now));
  t.drawn_at = format_timestamp(now);
  for (int attempt = 0; attempt < kDrawAttempts; ++attempt) {
    auto stored = store_.insert_ticket(t);
    if (stored.ok() || stored.status().code() != ErrorCode::kConflict) return stored;
  }
  return Conflict(fmt::format("no free number in group {} after {} attempts; draw again", t.group, kDrawAttempts));
}

Result<std::optional<QueueTicket>> QueueDesk::call_next(const Actor& actor, const std::string& municipality,
                                                        const std::string& desk) {
  auto q = settings(municipality);
  if (!q.ok()) return q.status();
  if ((*q)->desk(desk) == nullptr) return NotFound(fmt::format("the queue has no desk '{}'", desk));
  auto groups = groups_of(actor, municipality);
  if (!groups.ok()) return groups.status();
  if (groups->empty()) {
    return Forbidden(fmt::format("{} may serve none of the queue's groups (the groups' staff in the municipality file)",
                                 actor.id));
  }
  const Timestamp now = clock_();
  auto called = store_.call_oldest_waiting(municipality, format_date(copenhagen_date(now)), *groups, desk, actor.id,
                                           format_timestamp(now));
  if (called.ok() && *called) logger()->info("queue ticket {} called to {} by {}", (*called)->number, desk, actor.id);
  return called;
}

Result<QueueTicket> QueueDesk::ticket_for(const Actor& actor, long long id) const {
  auto t = store_.load_ticket(id);
  if (!t.ok()) return t.status();
  auto q = settings(t->municipality);
  if (!q.ok()) return q.status();
  auto who = staff_of(actor, t->municipality);
  if (!who.ok()) return who.status();
  const QueueGroup* g = (*q)->group(t->group);
  if (g == nullptr || !may_serve(*who->municipality, *g, actor.id)) {
    return Forbidden(fmt::format("{} may not serve group {}'s tickets", actor.id, t->group));
  }
  if (t->status != TicketStatus::kCalled) {
    return FailedPrecondition(fmt::format("ticket {} is {}, not called", t->number, ticket_status_key(t->status)));
  }
  return t;
}

Result<ServeOutcome> QueueDesk::serve(const Actor& actor, long long id, const ServeRequest& inquiry) {
  auto t = ticket_for(actor, id);
  if (!t.ok()) return t.status();
  const QueueGroup* g = (*settings(t->municipality))->group(t->group);
  InquiryRequest req;
  req.municipality = t->municipality;
  req.channel = Channel::kPersonalAttendance;
  req.type = inquiry.type;
  req.area = !inquiry.area.empty() ? inquiry.area : !t->area.empty() ? t->area : g->areas.front();
  req.service = inquiry.service;
  req.citizen_cpr = inquiry.citizen_cpr;
  req.resolved_on_the_spot = inquiry.resolved_on_the_spot;
  req.outcome = inquiry.outcome;
  req.actor = actor;
  ServeOutcome out;
  const std::string at = format_timestamp(clock_());
  const Status done = engine_.atomically([&]() -> Status {
    auto registered = front_desk_.register_inquiry(req);
    if (!registered.ok()) return registered.status();
    out.inquiry = std::move(*registered);
    return store_.finish_ticket(id, TicketStatus::kServed, at, out.inquiry.record.id);
  });
  if (!done.ok()) return done;
  out.ticket = std::move(*t);
  out.ticket.status = TicketStatus::kServed;
  out.ticket.finished_at = at;
  out.ticket.inquiry_id = out.inquiry.record.id;
  return out;
}

Result<QueueTicket> QueueDesk::no_show(const Actor& actor, long long id) {
  auto t = ticket_for(actor, id);
  if (!t.ok()) return t.status();
  const std::string at = format_timestamp(clock_());
  if (auto st = store_.finish_ticket(id, TicketStatus::kNoShow, at, std::nullopt); !st.ok()) return st;
  t->status = TicketStatus::kNoShow;
  t->finished_at = at;
  return t;
}

Result<QueueScreen> QueueDesk::screen(const std::string& municipality, int last) {
  auto q = settings(municipality);
  if (!q.ok()) return q.status();
  const std::string day = format_date(copenhagen_date(clock_()));
  auto called = store_.recently_called(municipality, day, std::clamp(last, 1, 50));
  if (!called.ok()) return called.status();
  auto waiting = store_.waiting_by_group(municipality, day);
  if (!waiting.ok()) return waiting.status();
  QueueScreen s;
  for (const auto& t : *called) {
    const QueueCounter* d = (*q)->desk(t.desk);
    s.called.push_back({t.number, t.desk, d ? d->name : t.desk, t.called_at});
  }
  for (const auto& g : (*q)->groups) {
    auto it = waiting->find(g.id);
    s.groups.push_back({g.id, g.name, it == waiting->end() ? 0 : it->second});
  }
  return s;
}

Result<QueueStatistics> QueueDesk::statistics(const Actor& actor, const std::string& municipality,
                                              const std::string& from, const std::string& to) {
  auto q = settings(municipality);
  if (!q.ok()) return q.status();
  auto who = staff_of(actor, municipality);
  if (!who.ok()) return who.status();
  auto f = parse_timestamp(from);
  if (!f.ok()) return InvalidArgument("from: " + f.status().message());
  auto t = parse_timestamp(to);
  if (!t.ok()) return InvalidArgument("to: " + t.status().message());
  if (!(*f < *t)) return InvalidArgument(fmt::format("the period must end after it begins ({} to {})", from, to));
  auto tickets = store_.tickets_drawn(municipality, from, to);
  if (!tickets.ok()) return tickets.status();
  QueueStatistics s = queue_statistics(**q, *tickets);
  s.municipality = municipality;
  s.from = from;
  s.to = to;
  return s;
}

}  // namespace sagsflow
