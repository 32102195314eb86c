// SqlStore: the queue of walk-in citizens (migration 20; QueueStore).
//
// Numbers: the next running number is one more than the day's highest of the
// group, inserted with ON CONFLICT DO NOTHING against the unique index, so a
// concurrent draw that took it first makes this one insert nothing (kConflict:
// QueueDesk draws again) instead of failing the transaction. Calls: the
// oldest waiting ticket is taken with an UPDATE ... WHERE status = 'waiting';
// on PostgreSQL a concurrent call of the same ticket waits for the first one's
// row lock and then finds it called (no row updated), so it tries the next.
#include <algorithm>

#include "store_impl.hpp"

namespace sagsflow::db {
namespace {

constexpr const char* kTicketColumns =
    "SELECT id, municipality, group_id, day, seq, number, status, drawn_at, drawn_by, area, desk, called_by, "
    "called_at, finished_at, inquiry_id FROM queue_tickets";

// The variables one row of kTicketColumns is read into.
struct TicketBinding {
  QueueTicket row;
  std::string status;
  long long inquiry = 0;
  soci::indicator inquiry_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(row.id));
    st.exchange(soci::into(row.municipality));
    st.exchange(soci::into(row.group));
    st.exchange(soci::into(row.day));
    st.exchange(soci::into(row.seq));
    st.exchange(soci::into(row.number));
    st.exchange(soci::into(status));
    st.exchange(soci::into(row.drawn_at));
    st.exchange(soci::into(row.drawn_by));
    st.exchange(soci::into(row.area));
    st.exchange(soci::into(row.desk));
    st.exchange(soci::into(row.called_by));
    st.exchange(soci::into(row.called_at));
    st.exchange(soci::into(row.finished_at));
    st.exchange(soci::into(inquiry, inquiry_ind));
  }

  Result<QueueTicket> take() const {
    QueueTicket out = row;
    const auto s = ticket_status_from_key(status);
    if (!s) return Internal(fmt::format("queue ticket {} has the unknown status '{}'", row.id, status));
    out.status = *s;
    out.inquiry_id = inquiry_ind == soci::i_ok ? std::optional<long long>(inquiry) : std::nullopt;
    return out;
  }
};

// Runs `query` (kTicketColumns + a condition) with `uses` bound and returns every row.
template <typename Bind>
Result<std::vector<QueueTicket>> tickets_where(soci::session& sql, const std::string& query, Bind&& uses) {
  TicketBinding b;
  soci::statement st(sql);
  st.alloc();
  b.bind(st);
  uses(st);
  st.prepare(query);
  st.define_and_bind();
  std::vector<QueueTicket> out;
  if (st.execute(true)) {
    do {
      auto row = b.take();
      if (!row.ok()) return row.status();
      out.push_back(std::move(*row));
      b.inquiry_ind = soci::i_null;
    } while (st.fetch());
  }
  return out;
}

Result<QueueTicket> ticket_by_id(soci::session& sql, long long id) {
  auto rows = tickets_where(sql, std::string(kTicketColumns) + " WHERE id = :id",
                            [&](soci::statement& s) { s.exchange(soci::use(id)); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFound(fmt::format("there is no queue ticket {}", id));
  return std::move(rows->front());
}

}  // namespace

Result<QueueTicket> SqlStore::insert_ticket(const QueueTicket& ticket) {
  return guarded(*impl_, "drawing a queue ticket", [&]() -> Result<QueueTicket> {
    Transaction tx(*impl_);
    QueueTicket t = ticket;
    t.status = TicketStatus::kWaiting;
    int highest = 0;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT MAX(seq) FROM queue_tickets WHERE municipality = :m AND group_id = :g AND day = :d",
        soci::use(t.municipality), soci::use(t.group), soci::use(t.day), soci::into(highest, ind);
    t.seq = (ind == soci::i_ok ? highest : 0) + 1;
    t.number = queue_ticket_number(t.group, t.seq);
    t.id = next_id(*impl_, "queue_ticket_id");
    const std::string status = "waiting", none;
    soci::statement st =
        (impl_->sql.prepare << "INSERT INTO queue_tickets (id, municipality, group_id, day, seq, number, status, "
                               "drawn_at, drawn_by, area, desk, called_by, called_at, finished_at) VALUES (:id, :m, "
                               ":g, :d, :s, :n, :st, :at, :by, :a, :desk, :cb, :ca, :f) "
                               "ON CONFLICT (municipality, group_id, day, seq) DO NOTHING",
         soci::use(t.id), soci::use(t.municipality), soci::use(t.group), soci::use(t.day), soci::use(t.seq),
         soci::use(t.number), soci::use(status), soci::use(t.drawn_at), soci::use(t.drawn_by), soci::use(t.area),
         soci::use(none), soci::use(none), soci::use(none), soci::use(none));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      return Conflict(fmt::format("number {} was drawn by another kiosk at the same moment", t.number));
    }
    tx.commit();
    return t;
  });
}

Result<std::optional<QueueTicket>> SqlStore::call_oldest_waiting(const std::string& municipality,
                                                                 const std::string& day,
                                                                 const std::vector<std::string>& groups,
                                                                 const std::string& desk, const std::string& by,
                                                                 const std::string& at) {
  using One = std::optional<QueueTicket>;
  if (groups.empty()) return One();
  // Group ids are 1-2 capital letters (checked here again), so they are written into the query as literals.
  std::string in;
  for (const auto& g : groups) {
    if (!is_queue_group_id(g)) return InvalidArgument(fmt::format("'{}' is not a queue group id", g));
    in += (in.empty() ? "'" : ", '") + g + "'";
  }
  return guarded(*impl_, "calling the next queue ticket", [&]() -> Result<One> {
    Transaction tx(*impl_);
    const std::string select = "SELECT id FROM queue_tickets WHERE municipality = :m AND day = :d AND status = "
                               "'waiting' AND group_id IN (" + in + ") ORDER BY drawn_at, id LIMIT 1";
    // Each round either takes a ticket or finds that a concurrent call took the
    // one it saw; the waiting tickets are finite, so this ends.
    for (;;) {
      long long id = 0;
      impl_->sql << select, soci::use(municipality), soci::use(day), soci::into(id);
      if (!impl_->sql.got_data()) {
        tx.commit();
        return One();
      }
      soci::statement st = (impl_->sql.prepare << "UPDATE queue_tickets SET status = 'called', desk = :k, "
                                                  "called_by = :b, called_at = :a WHERE id = :id AND status = "
                                                  "'waiting'",
                            soci::use(desk), soci::use(by), soci::use(at), soci::use(id));
      st.execute(true);
      if (st.get_affected_rows() == 0) continue;
      auto t = ticket_by_id(impl_->sql, id);
      if (!t.ok()) return t.status();
      tx.commit();
      return One(std::move(*t));
    }
  });
}

Result<QueueTicket> SqlStore::load_ticket(long long id) {
  return guarded_read(*impl_, fmt::format("reading queue ticket {}", id),
                      [&]() -> Result<QueueTicket> { return ticket_by_id(impl_->sql, id); });
}

Status SqlStore::finish_ticket(long long id, TicketStatus to, const std::string& at,
                               std::optional<long long> inquiry_id) {
  return guarded(*impl_, fmt::format("finishing queue ticket {}", id), [&]() -> Status {
    if (to != TicketStatus::kServed && to != TicketStatus::kNoShow) {
      return InvalidArgument("a called ticket is finished as served or no_show");
    }
    Transaction tx(*impl_);
    const std::string status = ticket_status_key(to);
    long long inquiry = inquiry_id.value_or(0);
    soci::indicator ind = inquiry_id ? soci::i_ok : soci::i_null;
    soci::statement st = (impl_->sql.prepare << "UPDATE queue_tickets SET status = :s, finished_at = :a, inquiry_id = "
                                                ":i WHERE id = :id AND status = 'called'",
                          soci::use(status), soci::use(at), soci::use(inquiry, ind), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      auto t = ticket_by_id(impl_->sql, id);
      if (!t.ok()) return t.status();
      return FailedPrecondition(fmt::format("ticket {} is {}, not called", t->number, ticket_status_key(t->status)));
    }
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<QueueTicket>> SqlStore::tickets_drawn(const std::string& municipality, const std::string& from,
                                                         const std::string& to) {
  return guarded_read(*impl_, "reading the queue's tickets", [&]() -> Result<std::vector<QueueTicket>> {
    return tickets_where(impl_->sql,
                         std::string(kTicketColumns) +
                             " WHERE municipality = :m AND drawn_at >= :f AND drawn_at < :t ORDER BY drawn_at, id",
                         [&](soci::statement& s) {
                           s.exchange(soci::use(municipality));
                           s.exchange(soci::use(from));
                           s.exchange(soci::use(to));
                         });
  });
}

Result<std::vector<QueueTicket>> SqlStore::recently_called(const std::string& municipality, const std::string& day,
                                                           int limit) {
  return guarded_read(*impl_, "reading the tickets called", [&]() -> Result<std::vector<QueueTicket>> {
    return tickets_where(impl_->sql,
                         fmt::format("{} WHERE municipality = :m AND day = :d AND called_at <> '' ORDER BY called_at "
                                     "DESC, id DESC LIMIT {}",
                                     kTicketColumns, std::clamp(limit, 1, 1000)),
                         [&](soci::statement& s) {
                           s.exchange(soci::use(municipality));
                           s.exchange(soci::use(day));
                         });
  });
}

Result<std::map<std::string, long long>> SqlStore::waiting_by_group(const std::string& municipality,
                                                                    const std::string& day) {
  using Counts = std::map<std::string, long long>;
  return guarded_read(*impl_, "counting the waiting tickets", [&]() -> Result<Counts> {
    Counts out;
    std::string group;
    long long n = 0;
    soci::statement st = (impl_->sql.prepare << "SELECT group_id, COUNT(*) FROM queue_tickets WHERE municipality = "
                                                ":m AND day = :d AND status = 'waiting' GROUP BY group_id",
                          soci::use(municipality), soci::use(day), soci::into(group), soci::into(n));
    if (st.execute(true)) {
      do {
        out[group] = n;
      } while (st.fetch());
    }
    return out;
  });
}

}  // namespace sagsflow::db
