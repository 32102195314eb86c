// Notifications to staff (migration 23): written with the event that causes
// them, listed and marked read by their person, and the mail outbox.
#include "store_impl.hpp"

namespace sagsflow::db {

namespace {

constexpr const char* kColumns =
    "id, municipality, person, kind, case_id, case_number, event_seq, created_at, read_at, email, mail_state, "
    "mail_attempts";

struct Row {
  Notification n;
  long long case_id = 0;
  soci::indicator case_ind = soci::i_null;
  std::string read_at;
  soci::indicator read_ind = soci::i_null;
  Notification out() const {
    Notification r = n;
    r.case_id = case_ind == soci::i_ok ? case_id : 0;
    r.read_at = read_ind == soci::i_ok ? read_at : std::string();
    return r;
  }
};

void bind_row(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.n.id));
  st.exchange(soci::into(r.n.municipality));
  st.exchange(soci::into(r.n.person));
  st.exchange(soci::into(r.n.kind));
  st.exchange(soci::into(r.case_id, r.case_ind));
  st.exchange(soci::into(r.n.case_number));
  st.exchange(soci::into(r.n.event_seq));
  st.exchange(soci::into(r.n.created_at));
  st.exchange(soci::into(r.read_at, r.read_ind));
  st.exchange(soci::into(r.n.email));
  st.exchange(soci::into(r.n.mail_state));
  st.exchange(soci::into(r.n.mail_attempts));
}

}  // namespace

Status SqlStore::add_notifications(const std::vector<Notification>& notifications) {
  if (notifications.empty()) return Status::Ok();
  return guarded(*impl_, "storing notifications", [&]() -> Status {
    Transaction tx(*impl_);
    for (const auto& n : notifications) {
      long long id = next_id(*impl_, "notification_id");
      long long case_id = n.case_id;
      soci::indicator case_ind = n.case_id != 0 ? soci::i_ok : soci::i_null;
      const std::string state = n.mail_state.empty() ? std::string(n.email.empty() ? "none" : "pending") : n.mail_state;
      std::string due = n.created_at;
      soci::indicator due_ind = state == "pending" ? soci::i_ok : soci::i_null;
      impl_->sql << "INSERT INTO notifications (id, municipality, person, kind, case_id, case_number, event_seq, "
                    "created_at, email, mail_state, mail_next_at) VALUES (:id, :m, :p, :k, :c, :n, :s, :at, :e, "
                    ":st, :due)",
          soci::use(id), soci::use(n.municipality), soci::use(n.person), soci::use(n.kind),
          soci::use(case_id, case_ind), soci::use(n.case_number), soci::use(n.event_seq), soci::use(n.created_at),
          soci::use(n.email), soci::use(state), soci::use(due, due_ind);
    }
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<Notification>> SqlStore::notifications_of(const std::string& municipality, const std::string& person,
                                                             bool unread_only, int limit) {
  return guarded_read(*impl_, "reading notifications", [&]() -> Result<std::vector<Notification>> {
    std::vector<Notification> out;
    Row r;
    std::string m = municipality, p = person;
    soci::statement st(impl_->sql);
    st.exchange(soci::use(m));
    st.exchange(soci::use(p));
    bind_row(st, r);
    st.alloc();
    st.prepare(fmt::format("SELECT {} FROM notifications WHERE municipality = :m AND person = :p{} ORDER BY id DESC "
                           "LIMIT {}",
                           kColumns, unread_only ? " AND read_at IS NULL" : "", std::max(1, limit)));
    st.define_and_bind();
    st.execute();
    while (st.fetch()) out.push_back(r.out());
    return out;
  });
}

Result<long long> SqlStore::count_unread_notifications(const std::string& municipality, const std::string& person) {
  return guarded_read(*impl_, "counting notifications", [&]() -> Result<long long> {
    long long n = 0;
    impl_->sql << "SELECT COUNT(*) FROM notifications WHERE municipality = :m AND person = :p AND read_at IS NULL",
        soci::use(municipality), soci::use(person), soci::into(n);
    return n;
  });
}

Result<long long> SqlStore::mark_notifications_read(const std::string& municipality, const std::string& person,
                                                    const std::vector<long long>& ids, const std::string& now) {
  return guarded(*impl_, "marking notifications read", [&]() -> Result<long long> {
    Transaction tx(*impl_);
    long long changed = 0;
    if (ids.empty()) {
      soci::statement st = (impl_->sql.prepare << "UPDATE notifications SET read_at = :now WHERE municipality = :m "
                                                  "AND person = :p AND read_at IS NULL",
                            soci::use(now), soci::use(municipality), soci::use(person));
      st.execute(true);
      changed = st.get_affected_rows();
    } else {
      long long id = 0;
      soci::statement st = (impl_->sql.prepare << "UPDATE notifications SET read_at = :now WHERE id = :id AND "
                                                  "municipality = :m AND person = :p AND read_at IS NULL",
                            soci::use(now), soci::use(id), soci::use(municipality), soci::use(person));
      for (long long each : ids) {
        id = each;
        st.execute(true);
        changed += st.get_affected_rows();
      }
    }
    tx.commit();
    return changed;
  });
}

Result<std::vector<Notification>> SqlStore::due_notification_mails(const std::string& now, int limit) {
  return guarded_read(*impl_, "reading the mail outbox", [&]() -> Result<std::vector<Notification>> {
    std::vector<Notification> out;
    Row r;
    std::string n = now;
    soci::statement st(impl_->sql);
    st.exchange(soci::use(n));
    bind_row(st, r);
    st.alloc();
    st.prepare(fmt::format("SELECT {} FROM notifications WHERE mail_state = 'pending' AND mail_next_at <= :now "
                           "ORDER BY mail_next_at, id LIMIT {}",
                           kColumns, std::max(1, limit)));
    st.define_and_bind();
    st.execute();
    while (st.fetch()) out.push_back(r.out());
    return out;
  });
}

Status SqlStore::settle_notification_mail(long long id, bool sent, const std::string& error,
                                          const std::string& next_attempt_at) {
  return guarded(*impl_, "settling a notification mail", [&]() -> Status {
    const std::string state = sent ? "sent" : next_attempt_at.empty() ? "failed" : "pending";
    std::string next = next_attempt_at;
    soci::indicator next_ind = state == "pending" ? soci::i_ok : soci::i_null;
    std::string err = error.substr(0, 500);
    impl_->sql << "UPDATE notifications SET mail_state = :s, mail_attempts = mail_attempts + 1, mail_next_at = :n, "
                  "mail_error = :e WHERE id = :id AND mail_state = 'pending'",
        soci::use(state), soci::use(next, next_ind), soci::use(err), soci::use(id);
    return Status::Ok();
  });
}

}  // namespace sagsflow::db
