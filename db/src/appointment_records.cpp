// SqlStore: appointments (migration 19).
#include "store_impl.hpp"

namespace sagsflow::db {
namespace {

constexpr const char* kColumns =
    "id, municipality, area, unit, starts_at, minutes, seat, citizen_cpr, case_id, channel, booked_by, booked_at, "
    "state, cancelled_at, cancelled_by, cancel_reason";

// Reads rows of kColumns from `query` (bound to `params`, all text) into appointments.
Result<std::vector<Appointment>> select_appointments(soci::session& sql, const std::string& query,
                                                     std::vector<std::string> params) {
  long long id = 0, case_id = 0;
  int minutes = 0, seat = 0;
  std::string municipality, area, unit, starts_at, cpr, channel, booked_by, booked_at, state, cancelled_at,
      cancelled_by, cancel_reason;
  soci::indicator case_ind = soci::i_null;
  soci::statement st(sql);
  for (auto& p : params) st.exchange(soci::use(p));
  st.exchange(soci::into(id));
  st.exchange(soci::into(municipality));
  st.exchange(soci::into(area));
  st.exchange(soci::into(unit));
  st.exchange(soci::into(starts_at));
  st.exchange(soci::into(minutes));
  st.exchange(soci::into(seat));
  st.exchange(soci::into(cpr));
  st.exchange(soci::into(case_id, case_ind));
  st.exchange(soci::into(channel));
  st.exchange(soci::into(booked_by));
  st.exchange(soci::into(booked_at));
  st.exchange(soci::into(state));
  st.exchange(soci::into(cancelled_at));
  st.exchange(soci::into(cancelled_by));
  st.exchange(soci::into(cancel_reason));
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute();
  std::vector<Appointment> out;
  while (st.fetch()) {
    Appointment a;
    a.id = id;
    a.municipality = municipality;
    a.area = area;
    a.unit = unit;
    a.starts_at = starts_at;
    a.minutes = minutes;
    a.seat = seat;
    auto parsed = Cpr::parse(cpr);
    if (!parsed.ok()) return Internal(fmt::format("appointment {} holds a CPR number that is not one", id));
    a.citizen = *parsed;
    if (case_ind == soci::i_ok) a.case_id = case_id;
    auto ch = channel_from_key(channel);
    if (!ch) return Internal(fmt::format("appointment {} has the unknown channel '{}'", id, channel));
    a.channel = *ch;
    a.booked_by = booked_by;
    a.booked_at = booked_at;
    a.state = state;
    a.cancelled_at = cancelled_at;
    a.cancelled_by = cancelled_by;
    a.cancel_reason = cancel_reason;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

Result<Appointment> SqlStore::book_seat(const Appointment& in, int desks) {
  return guarded(*impl_, "booking an appointment", [&]() -> Result<Appointment> {
    Transaction tx(*impl_);
    Appointment a = in;
    a.state = "booked";
    if (!a.citizen) return InvalidArgument("an appointment names its citizen");
    const std::string cpr = a.citizen->reveal();
    const std::string channel = channel_key(a.channel);
    long long case_id = a.case_id.value_or(0);
    soci::indicator case_ind = a.case_id ? soci::i_ok : soci::i_null;
    a.id = next_id(*impl_, "appointment_id");
    for (int seat = 0; seat < desks; ++seat) {
      // The partial unique index (one booked row per seat) decides: a seat a
      // concurrent unit holds makes this insert do nothing, on both databases.
      soci::statement st =
          (impl_->sql.prepare << "INSERT INTO appointments (id, municipality, area, unit, starts_at, minutes, seat, "
                                 "citizen_cpr, case_id, channel, booked_by, booked_at, state) VALUES (:id, :m, :a, "
                                 ":u, :s, :min, :seat, :cpr, :c, :ch, :by, :at, 'booked') ON CONFLICT DO NOTHING",
           soci::use(a.id), soci::use(a.municipality), soci::use(a.area), soci::use(a.unit), soci::use(a.starts_at),
           soci::use(a.minutes), soci::use(seat), soci::use(cpr), soci::use(case_id, case_ind), soci::use(channel),
           soci::use(a.booked_by), soci::use(a.booked_at));
      st.execute(true);
      if (st.get_affected_rows() > 0) {
        a.seat = seat;
        tx.commit();
        return a;
      }
    }
    return Conflict(fmt::format("every seat at {} is taken", a.starts_at));
  });
}

Result<Appointment> SqlStore::load_appointment(long long id) {
  return guarded_read(*impl_, fmt::format("reading appointment {}", id), [&]() -> Result<Appointment> {
    auto list = select_appointments(impl_->sql, fmt::format("SELECT {} FROM appointments WHERE id = {}", kColumns, id), {});
    if (!list.ok()) return list.status();
    if (list->empty()) return NotFound(fmt::format("there is no appointment {}", id));
    return list->front();
  });
}

Result<bool> SqlStore::cancel_appointment(long long id, const std::string& at, const std::string& by,
                                          const std::string& reason) {
  return guarded(*impl_, fmt::format("cancelling appointment {}", id), [&]() -> Result<bool> {
    Transaction tx(*impl_);
    soci::statement st = (impl_->sql.prepare << "UPDATE appointments SET state = 'cancelled', cancelled_at = :at, "
                                                "cancelled_by = :by, cancel_reason = :r WHERE id = :id AND "
                                                "state = 'booked'",
                          soci::use(at), soci::use(by), soci::use(reason), soci::use(id));
    st.execute(true);
    const bool done = st.get_affected_rows() > 0;
    tx.commit();
    return done;
  });
}

Result<std::vector<std::pair<std::string, int>>> SqlStore::booked_counts(const std::string& municipality,
                                                                         const std::string& unit,
                                                                         const std::string& from,
                                                                         const std::string& to) {
  using List = std::vector<std::pair<std::string, int>>;
  return guarded_read(*impl_, "counting booked appointments", [&]() -> Result<List> {
    std::string starts_at;
    long long n = 0;
    soci::statement st = (impl_->sql.prepare << "SELECT starts_at, COUNT(*) FROM appointments WHERE municipality = :m "
                                                "AND unit = :u AND starts_at >= :f AND starts_at < :t AND state = "
                                                "'booked' GROUP BY starts_at ORDER BY starts_at",
                          soci::use(municipality), soci::use(unit), soci::use(from), soci::use(to),
                          soci::into(starts_at), soci::into(n));
    st.execute();
    List out;
    while (st.fetch()) out.emplace_back(starts_at, static_cast<int>(n));
    return out;
  });
}

Result<std::vector<Appointment>> SqlStore::appointments_of(const std::string& municipality, const Cpr& citizen) {
  return guarded_read(*impl_, "reading the citizen's appointments", [&]() -> Result<std::vector<Appointment>> {
    return select_appointments(impl_->sql,
                               fmt::format("SELECT {} FROM appointments WHERE citizen_cpr = :c AND municipality = :m "
                                           "ORDER BY starts_at DESC, id DESC LIMIT 200",
                                           kColumns),
                               {citizen.reveal(), municipality});
  });
}

Result<std::vector<Appointment>> SqlStore::appointments_at(const std::string& municipality, const std::string& unit,
                                                           const std::string& from, const std::string& to) {
  return guarded_read(*impl_, "reading a unit's appointments", [&]() -> Result<std::vector<Appointment>> {
    return select_appointments(impl_->sql,
                               fmt::format("SELECT {} FROM appointments WHERE municipality = :m AND unit = :u AND "
                                           "starts_at >= :f AND starts_at < :t AND state = 'booked' ORDER BY "
                                           "starts_at, seat LIMIT 2000",
                                           kColumns),
                               {municipality, unit, from, to});
  });
}

Result<std::vector<Appointment>> SqlStore::appointments_to_remind(const std::string& from, const std::string& to) {
  return guarded_read(*impl_, "finding appointments to remind", [&]() -> Result<std::vector<Appointment>> {
    return select_appointments(
        impl_->sql,
        fmt::format("SELECT {} FROM appointments a WHERE a.state = 'booked' AND a.starts_at >= :f AND a.starts_at < :t "
                    "AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.appointment_id = a.id AND l.kind = "
                    "'appointment_reminder') ORDER BY a.starts_at, a.id LIMIT 5000",
                    kColumns),
        {from, to});
  });
}

}  // namespace sagsflow::db
