// SqlStore: the letter outbox and the register of exemptions from Digital
// Post (migration 15).
#include <nlohmann/json.hpp>

#include "store_impl.hpp"

namespace sagsflow::db {

const char* letter_state_key(LetterState s) {
  switch (s) {
    case LetterState::kQueued: return "queued";
    case LetterState::kDelivered: return "delivered";
    case LetterState::kFailed: return "failed";
    case LetterState::kWithdrawn: return "withdrawn";
  }
  return "queued";
}

std::optional<LetterState> letter_state_from_key(std::string_view key) {
  for (auto s : {LetterState::kQueued, LetterState::kDelivered, LetterState::kFailed, LetterState::kWithdrawn}) {
    if (key == letter_state_key(s)) return s;
  }
  return std::nullopt;
}

namespace {

constexpr const char* kLetterColumns =
    "SELECT id, case_id, appointment_id, event_seq, municipality, kind, language, workflow, stage, outcome, idempotency_key, "
    "letter_values, state, channel, rerouted_from, attempts, next_attempt_at, last_error, incident_open, "
    "document_id, receipt, created_at, delivered_at FROM letters";

// The variables one row of kLetterColumns is read into.
struct LetterBinding {
  LetterRow row;
  std::string values, state;
  int incident = 0;
  long long document = 0, case_id = 0, appointment = 0;
  soci::indicator document_ind = soci::i_null, case_ind = soci::i_null, appointment_ind = soci::i_null;

  template <typename Statement>
  void bind(Statement& st) {
    st.exchange(soci::into(row.id));
    st.exchange(soci::into(case_id, case_ind));
    st.exchange(soci::into(appointment, appointment_ind));
    st.exchange(soci::into(row.event_seq));
    st.exchange(soci::into(row.municipality));
    st.exchange(soci::into(row.kind));
    st.exchange(soci::into(row.language));
    st.exchange(soci::into(row.workflow));
    st.exchange(soci::into(row.stage));
    st.exchange(soci::into(row.outcome));
    st.exchange(soci::into(row.idempotency_key));
    st.exchange(soci::into(values));
    st.exchange(soci::into(state));
    st.exchange(soci::into(row.channel));
    st.exchange(soci::into(row.rerouted_from));
    st.exchange(soci::into(row.attempts));
    st.exchange(soci::into(row.next_attempt_at));
    st.exchange(soci::into(row.last_error));
    st.exchange(soci::into(incident));
    st.exchange(soci::into(document, document_ind));
    st.exchange(soci::into(row.receipt));
    st.exchange(soci::into(row.created_at));
    st.exchange(soci::into(row.delivered_at));
  }

  Result<LetterRow> take() const {
    LetterRow out = row;
    out.values = nlohmann::json::parse(values, nullptr, /*allow_exceptions=*/false);
    if (!out.values.is_object()) return StorageError(fmt::format("letter {} has malformed values", row.id));
    const auto known = letter_state_from_key(state);
    if (!known) return StorageError(fmt::format("letter {} has the unknown state '{}'", row.id, state));
    out.state = *known;
    out.incident_open = incident != 0;
    out.document_id = document_ind == soci::i_ok ? std::optional<long long>(document) : std::nullopt;
    out.case_id = case_ind == soci::i_ok ? case_id : 0;
    out.appointment_id = appointment_ind == soci::i_ok ? std::optional<long long>(appointment) : std::nullopt;
    return out;
  }
};

// Runs `query` (kLetterColumns + a condition) with `uses` bound and returns every row.
template <typename Bind>
Result<std::vector<LetterRow>> letters_where(soci::session& sql, const std::string& query, Bind&& uses) {
  LetterBinding b;
  soci::statement st(sql);
  st.alloc();
  b.bind(st);
  uses(st);
  st.prepare(query);
  st.define_and_bind();
  std::vector<LetterRow> out;
  if (st.execute(true)) {
    do {
      auto row = b.take();
      if (!row.ok()) return row.status();
      out.push_back(std::move(*row));
      b.document_ind = b.case_ind = b.appointment_ind = soci::i_null;
    } while (st.fetch());
  }
  return out;
}

}  // namespace

Status SqlStore::enqueue_letters(const std::vector<QueuedLetter>& letters) {
  if (letters.empty()) return Status::Ok();
  return guarded(*impl_, "queueing letters", [&]() -> Status {
    Transaction tx(*impl_);
    for (const auto& l : letters) {
      long long existing = 0;
      impl_->sql << "SELECT COUNT(*) FROM letters WHERE idempotency_key = :k", soci::use(l.idempotency_key),
          soci::into(existing);
      if (existing > 0) continue;
      const long long id = next_id(*impl_, "letter_id");
      const std::string values = l.values.dump();
      const std::string state = "queued";
      long long case_id = l.case_id, appointment = l.appointment_id.value_or(0);
      soci::indicator case_ind = l.case_id != 0 ? soci::i_ok : soci::i_null;
      soci::indicator appointment_ind = l.appointment_id ? soci::i_ok : soci::i_null;
      if (l.case_id == 0 && !l.appointment_id) return Internal("a letter is about a case or an appointment");
      impl_->sql << "INSERT INTO letters (id, case_id, appointment_id, event_seq, municipality, kind, language, "
                    "workflow, stage, outcome, idempotency_key, letter_values, state, next_attempt_at, created_at) "
                    "VALUES (:id, :c, :ap, :s, :m, :k, :l, :w, :st, :o, :key, :v, :state, :due, :at)",
          soci::use(id), soci::use(case_id, case_ind), soci::use(appointment, appointment_ind), soci::use(l.event_seq), soci::use(l.municipality), soci::use(l.kind),
          soci::use(l.language), soci::use(l.workflow), soci::use(l.stage), soci::use(l.outcome),
          soci::use(l.idempotency_key), soci::use(values), soci::use(state), soci::use(l.created_at),
          soci::use(l.created_at);
    }
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<LetterRow>> SqlStore::claim_letters(const std::string& holder, const std::string& now,
                                                       const std::string& until, int limit) {
  using List = std::vector<LetterRow>;
  return guarded(*impl_, "claiming letters to deliver", [&]() -> Result<List> {
    Transaction tx(*impl_);
    const std::string pick = fmt::format(
        "SELECT id FROM letters WHERE state = 'queued' AND next_attempt_at <= :now AND (claimed_by = '' OR "
        "claimed_by = :h OR claimed_until <= :now2) ORDER BY next_attempt_at, id LIMIT {}{}",
        std::clamp(limit, 1, 1000), impl_->dialect == Dialect::kPostgresql ? " FOR UPDATE SKIP LOCKED" : "");
    std::vector<long long> ids;
    long long id = 0;
    soci::statement st = (impl_->sql.prepare << pick, soci::use(now), soci::use(holder), soci::use(now),
                          soci::into(id));
    st.execute();
    while (st.fetch()) ids.push_back(id);
    List out;
    for (long long letter : ids) {
      impl_->sql << "UPDATE letters SET claimed_by = :h, claimed_until = :u WHERE id = :id", soci::use(holder),
          soci::use(until), soci::use(letter);
      auto rows = letters_where(impl_->sql, std::string(kLetterColumns) + " WHERE id = :id",
                                [&](soci::statement& s) { s.exchange(soci::use(letter)); });
      if (!rows.ok()) return rows.status();
      for (auto& r : *rows) out.push_back(std::move(r));
    }
    tx.commit();
    return out;
  });
}

Status SqlStore::save_letter(const LetterRow& row, const std::string& holder, bool keep_claim) {
  return guarded(*impl_, fmt::format("storing the delivery state of letter {}", row.id), [&]() -> Status {
    Transaction tx(*impl_);
    const std::string state = letter_state_key(row.state);
    const int incident = row.incident_open ? 1 : 0;
    long long document = row.document_id.value_or(0);
    soci::indicator document_ind = row.document_id ? soci::i_ok : soci::i_null;
    soci::statement st = (impl_->sql.prepare << "UPDATE letters SET state = :state, channel = :ch, rerouted_from = :r, "
                                                "attempts = :a, next_attempt_at = :n, last_error = :e, "
                                                "incident_open = :i, document_id = :d, receipt = :rc, "
                                                "delivered_at = :da" +
                                                    std::string(keep_claim ? "" : ", claimed_by = '', claimed_until = ''") +
                                                    " WHERE id = :id AND claimed_by = :h AND state = 'queued'",
                          soci::use(state), soci::use(row.channel), soci::use(row.rerouted_from),
                          soci::use(row.attempts), soci::use(row.next_attempt_at), soci::use(row.last_error),
                          soci::use(incident), soci::use(document, document_ind), soci::use(row.receipt),
                          soci::use(row.delivered_at), soci::use(row.id), soci::use(holder));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      return Conflict(fmt::format("letter {} is no longer {}'s to settle (its claim ran out and another worker took "
                                  "it, or it is settled)", row.id, holder));
    }
    tx.commit();
    return Status::Ok();
  });
}

Result<bool> SqlStore::renew_letter_claim(long long id, const std::string& holder, const std::string& now,
                                          const std::string& until) {
  return guarded(*impl_, fmt::format("renewing the claim on letter {}", id), [&]() -> Result<bool> {
    Transaction tx(*impl_);
    soci::statement st = (impl_->sql.prepare << "UPDATE letters SET claimed_until = :u WHERE id = :id AND "
                                                "claimed_by = :h AND claimed_until > :now AND state = 'queued'",
                          soci::use(until), soci::use(id), soci::use(holder), soci::use(now));
    st.execute(true);
    const bool renewed = st.get_affected_rows() > 0;
    tx.commit();
    return renewed;
  });
}

Result<std::vector<LetterRow>> SqlStore::list_letters(const LetterFilter& filter) {
  using List = std::vector<LetterRow>;
  return guarded_read(*impl_, "listing letters", [&]() -> Result<List> {
    std::string where = " WHERE 1 = 1";
    const long long case_id = filter.case_id.value_or(0);
    const long long appointment = filter.appointment_id.value_or(0);
    const std::string municipality = filter.municipality.value_or("");
    const std::string state = filter.state ? letter_state_key(*filter.state) : "";
    if (filter.case_id) where += " AND case_id = :c";
    if (filter.appointment_id) where += " AND appointment_id = :ap";
    if (filter.municipality) where += " AND municipality = :m";
    if (filter.state) where += " AND state = :s";
    if (filter.incidents_only) where += " AND incident_open = 1";
    const std::string query =
        fmt::format("{}{} ORDER BY id DESC LIMIT {}", kLetterColumns, where, std::clamp(filter.limit, 1, 10000));
    return letters_where(impl_->sql, query, [&](soci::statement& s) {
      if (filter.case_id) s.exchange(soci::use(case_id));
      if (filter.appointment_id) s.exchange(soci::use(appointment));
      if (filter.municipality) s.exchange(soci::use(municipality));
      if (filter.state) s.exchange(soci::use(state));
    });
  });
}

Result<std::optional<LetterRow>> SqlStore::load_letter(long long id) {
  using One = std::optional<LetterRow>;
  return guarded_read(*impl_, fmt::format("reading letter {}", id), [&]() -> Result<One> {
    auto rows = letters_where(impl_->sql, std::string(kLetterColumns) + " WHERE id = :id",
                              [&](soci::statement& s) { s.exchange(soci::use(id)); });
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return One();
    return One(std::move(rows->front()));
  });
}

Status SqlStore::retry_letter(long long id, const std::string& now) {
  return guarded(*impl_, fmt::format("making letter {} due", id), [&]() -> Status {
    Transaction tx(*impl_);
    std::string state, claimed_by, claimed_until;
    impl_->sql << "SELECT state, claimed_by, claimed_until FROM letters WHERE id = :id", soci::use(id),
        soci::into(state), soci::into(claimed_by), soci::into(claimed_until);
    if (!impl_->sql.got_data()) return NotFound(fmt::format("no letter {}", id));
    if (state == "delivered") return FailedPrecondition(fmt::format("letter {} is delivered", id));
    if (state == "withdrawn") {
      return FailedPrecondition(fmt::format("letter {} was withdrawn (what it was about went away before it was sent)", id));
    }
    if (!claimed_by.empty() && claimed_until > now) {
      return FailedPrecondition(fmt::format("letter {} is being delivered right now (until {}): retry it after that",
                                            id, claimed_until));
    }
    // Another round of attempts: the count starts again; the incident stays open until it is delivered.
    impl_->sql << "UPDATE letters SET state = 'queued', attempts = 0, next_attempt_at = :n, claimed_by = '', "
                  "claimed_until = '' WHERE id = :id",
        soci::use(now), soci::use(id);
    tx.commit();
    return Status::Ok();
  });
}

Status SqlStore::put_digital_post_exemption(const DigitalPostExemption& e) {
  return guarded(*impl_, "registering an exemption from Digital Post", [&]() -> Status {
    Transaction tx(*impl_);
    const std::string cpr = e.cpr.reveal();
    impl_->sql << "INSERT INTO digital_post_exemptions (cpr, reason, registered_by, registered_at) VALUES (:c, :r, "
                  ":b, :a) ON CONFLICT (cpr) DO UPDATE SET reason = :r2, registered_by = :b2, registered_at = :a2",
        soci::use(cpr), soci::use(e.reason), soci::use(e.registered_by), soci::use(e.registered_at),
        soci::use(e.reason), soci::use(e.registered_by), soci::use(e.registered_at);
    tx.commit();
    return Status::Ok();
  });
}

Result<bool> SqlStore::remove_digital_post_exemption(const Cpr& cpr) {
  return guarded(*impl_, "removing an exemption from Digital Post", [&]() -> Result<bool> {
    Transaction tx(*impl_);
    const std::string key = cpr.reveal();
    soci::statement st = (impl_->sql.prepare << "DELETE FROM digital_post_exemptions WHERE cpr = :c", soci::use(key));
    st.execute(true);
    const bool removed = st.get_affected_rows() > 0;
    tx.commit();
    return removed;
  });
}

Result<std::optional<DigitalPostExemption>> SqlStore::digital_post_exemption(const Cpr& cpr) {
  using One = std::optional<DigitalPostExemption>;
  return guarded_read(*impl_, "reading the register of exemptions from Digital Post", [&]() -> Result<One> {
    const std::string key = cpr.reveal();
    DigitalPostExemption e{cpr, {}, {}, {}};
    impl_->sql << "SELECT reason, registered_by, registered_at FROM digital_post_exemptions WHERE cpr = :c",
        soci::use(key), soci::into(e.reason), soci::into(e.registered_by), soci::into(e.registered_at);
    if (!impl_->sql.got_data()) return One();
    return One(std::move(e));
  });
}

}  // namespace sagsflow::db
