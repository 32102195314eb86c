// Private to db/: the SOCI session behind a SqlStore and its helpers.
#pragma once

#include <fmt/format.h>
#include <soci/soci.h>

#include <stdexcept>

#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::db {

struct SqlStore::Impl {
  soci::session sql;
  Dialect dialect = Dialect::kSqlite;
  std::string display_url;

  // Statements of the hot path (load a case, update it, append its event),
  // prepared once per connection on first use; defined in sql_store.cpp.
  struct Hot;
  std::unique_ptr<Hot> hot;
  Hot& hot_statements();
  ~Impl();

  // The access record every read and every answer writes, and the step of
  // its id counter: prepared once per connection (audit_records.cpp).
  struct AccessInsert;
  std::unique_ptr<AccessInsert> access_insert;
  AccessInsert& access_insert_statements();

  // Statements every inquiry and every delivered event runs (the inquiry
  // insert and its id step, a plugin delivery's read and save, a case's
  // history): prepared once per connection on first use (below).
  struct Frequent;
  std::unique_ptr<Frequent> frequent;
  Frequent& frequent_statements();

  void begin();
  void commit();
  std::unique_ptr<soci::statement> begin_stmt, commit_stmt;  // SQLite only

  // Transactions nest: only the outermost begins and commits. An inner one
  // that ends without commit (an error) makes the whole unit roll back.
  int depth = 0;
  bool rollback_only = false;

  // Group commit (begin_group .. end_group): one transaction is open, and each
  // outermost unit runs under a SAVEPOINT, so a unit that fails is undone
  // alone. Parsed states remembered by an undone unit are forgotten with it.
  bool grouped = false;
  std::unique_ptr<soci::statement> savepoint_stmt, release_stmt, rollback_to_stmt;
  void begin_unit();
  void commit_unit();
  void rollback_unit() noexcept;
  void forget_parsed_states();

  // Set while a read lane defers its access records (defer_access_records).
  std::vector<AccessRecord>* deferred_access = nullptr;
  bool read_only = false;  // make_read_only: kept across a reconnect

  // After a failed statement: whether the connection itself is gone (a
  // PostgreSQL restart or a broken network; never for SQLite). When it is,
  // reconnects (which may fail: the server is still down) and forgets every
  // statement prepared on the old connection, so the next use prepares them
  // again. Returns whether the connection was lost. Not inside a unit that
  // is still open above this call: that unit is lost with its connection.
  bool recover_lost_connection();
  int reconnects = 0;  // how often the connection was re-established
  bool connected_once = false;  // PostgreSQL: opened; from then on a lost connection is re-established
};

// The search index (migration 22, search_records.cpp). The key column of
// case_search: SQLite's FTS5 rowid, PostgreSQL's case_id.
const char* search_key_column(Dialect dialect);
// What the index holds of `text`: its Danish stems on SQLite (FTS5 matches
// them as they are), its words on PostgreSQL (which stems them itself, with
// the same Snowball algorithm, in its `danish` configuration).
std::string search_index_text(Dialect dialect, std::string_view text);
// The condition a list adds for CaseFilter::words (bound to `param`, which
// the caller binds to search_match_text()).
std::string search_condition(Dialect dialect, const std::string& param);
std::string search_match_text(Dialect dialect, const std::vector<std::string>& words);
// The migration's step: a search row for every case stored before it.
void fill_search_index(SqlStore::Impl& impl);
inline constexpr int kSearchMigration = 22;

// Ids that come from a sequence `<name>_seq` on PostgreSQL (migration 10).
inline bool has_id_sequence(const std::string& name) {
  return name == "case_id" || name == "access_log_id" || name == "inquiry_id" || name == "job_id" ||
         name == "document_id" || name == "letter_id" || name == "appointment_id";
}

// The prepared step of the id `counter` names (inside a transaction; bound to
// `counter` and `id`, which must outlive it): its sequence on PostgreSQL
// (migration 10), its counters row on SQLite. Step the statement past its row
// (fetch until false) before the unit commits.
inline soci::statement prepared_id_step(soci::session& sql, Dialect dialect, std::string& counter, long long& id) {
  if (dialect == Dialect::kPostgresql && has_id_sequence(counter)) {
    return (sql.prepare << "SELECT nextval('" + counter + "_seq')", soci::into(id));
  }
  return (sql.prepare << "INSERT INTO counters (scope, name, value) VALUES ('*', :n, 1) "
                         "ON CONFLICT (scope, name) DO UPDATE SET value = counters.value + 1 RETURNING value",
          soci::use(counter), soci::into(id));
}

// Bound values first: the statements are bound to them.
struct SqlStore::Impl::AccessInsert {
  AccessRecord r;
  long long id = 0;
  std::string counter = "access_log_id";
  soci::indicator case_ind = soci::i_null, inquiry_ind = soci::i_null, appointment_ind = soci::i_null;
  soci::statement step;
  soci::statement insert;
  AccessInsert(soci::session& sql, Dialect dialect)
      : step(prepared_id_step(sql, dialect, counter, id)),
        insert((sql.prepare << "INSERT INTO access_log (id, at, municipality, case_id, case_number, actor, unit, "
                               "authority, purpose, via, inquiry_id, appointment_id) VALUES (:id, :at, :m, :c, :n, "
                               ":a, :u, :au, :p, :v, :i, :ap)",
                soci::use(id), soci::use(r.at), soci::use(r.municipality), soci::use(r.case_id, case_ind),
                soci::use(r.case_number), soci::use(r.actor), soci::use(r.unit), soci::use(r.authority),
                soci::use(r.purpose), soci::use(r.via), soci::use(r.inquiry_id, inquiry_ind),
                soci::use(r.appointment_id, appointment_ind))) {}
};

// Bound values first: the statements are bound to them. Set them, then execute.
struct SqlStore::Impl::Frequent {
  // add_inquiry: the id step of its counter, then the row.
  std::string inquiry_counter = "inquiry_id";
  long long inquiry_id = 0;
  InquiryRecord inquiry;
  std::string channel, type, cpr;
  int with_form = 0, resolved = 0;
  long long case_id = 0;
  soci::indicator cpr_ind = soci::i_null, case_ind = soci::i_null;
  soci::statement inquiry_step;
  soci::statement inquiry_insert;

  // plugin_delivery and save_plugin_delivery.
  PluginDelivery delivery;
  soci::indicator delivered_ind = soci::i_null;
  soci::statement delivery_load;
  soci::statement delivery_remove;
  soci::statement delivery_insert;

  // load_history.
  long long history_case = 0;
  CaseEvent event;
  std::string event_data;
  soci::statement history;

  Frequent(soci::session& sql, Dialect dialect)
      : inquiry_step(prepared_id_step(sql, dialect, inquiry_counter, inquiry_id)),
        inquiry_insert((sql.prepare << "INSERT INTO inquiries (id, municipality, channel, inquiry_type, area, "
                                       "service, citizen_cpr, with_form, resolved_on_the_spot, outcome, handled_by, "
                                       "unit, acting_authority, owning_authority, routed_to, forwarded_to, "
                                       "forwarded_on, case_id, at) VALUES (:id, :m, :ch, :t, :a, :s, :cpr, :wf, :r, "
                                       ":o, :h, :u, :act, :own, :rt, :ft, :fo, :case, :at)",
                        soci::use(inquiry_id), soci::use(inquiry.municipality), soci::use(channel), soci::use(type),
                        soci::use(inquiry.area), soci::use(inquiry.service), soci::use(cpr, cpr_ind),
                        soci::use(with_form), soci::use(resolved), soci::use(inquiry.outcome),
                        soci::use(inquiry.handled_by), soci::use(inquiry.unit), soci::use(inquiry.acting_authority),
                        soci::use(inquiry.owning_authority), soci::use(inquiry.routed_to),
                        soci::use(inquiry.forwarded_to), soci::use(inquiry.forwarded_on),
                        soci::use(case_id, case_ind), soci::use(inquiry.at))),
        delivery_load((sql.prepare << "SELECT delivered_seq, attempts, next_attempt_at, incident_seq, last_error "
                                      "FROM plugin_deliveries WHERE plugin_id = :p AND case_id = :c",
                       soci::use(delivery.plugin), soci::use(delivery.case_id),
                       soci::into(delivery.delivered_seq, delivered_ind), soci::into(delivery.attempts),
                       soci::into(delivery.next_attempt_at), soci::into(delivery.incident_seq),
                       soci::into(delivery.last_error))),
        delivery_remove((sql.prepare << "DELETE FROM plugin_deliveries WHERE plugin_id = :p AND case_id = :c",
                         soci::use(delivery.plugin), soci::use(delivery.case_id))),
        delivery_insert((sql.prepare << "INSERT INTO plugin_deliveries (plugin_id, case_id, delivered_seq, attempts, "
                                        "next_attempt_at, incident_seq, last_error) VALUES (:p, :c, :s, :a, :n, :i, :e)",
                         soci::use(delivery.plugin), soci::use(delivery.case_id), soci::use(delivery.delivered_seq),
                         soci::use(delivery.attempts), soci::use(delivery.next_attempt_at),
                         soci::use(delivery.incident_seq), soci::use(delivery.last_error))),
        history((sql.prepare << "SELECT seq, at, actor, unit, authority, action, from_stage, to_stage, data "
                                "FROM case_events WHERE case_id = :id ORDER BY seq",
                 soci::use(history_case), soci::into(event.seq), soci::into(event.at), soci::into(event.actor),
                 soci::into(event.unit), soci::into(event.authority), soci::into(event.action),
                 soci::into(event.from_stage), soci::into(event.to_stage), soci::into(event_data))) {}
};

// BEGIN IMMEDIATE on SQLite (take the write lock up front, so a transaction
// never fails half-way on a lock upgrade), BEGIN on PostgreSQL. Rolls back
// unless committed.
class Transaction {
 public:
  explicit Transaction(SqlStore::Impl& impl) : impl_(impl) {
    if (impl_.depth == 0) {
      impl_.begin_unit();
      impl_.rollback_only = false;
    }
    ++impl_.depth;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!open_) return;
    --impl_.depth;
    if (impl_.depth > 0) {
      impl_.rollback_only = true;  // the outer unit must not commit half of this one
      return;
    }
    impl_.rollback_unit();
  }
  // Commits (the outermost) or hands the work to the enclosing transaction.
  // Throws, and rolls back, when an inner transaction of this unit failed.
  void commit() {
    if (impl_.depth == 1 && impl_.rollback_only) {
      throw std::runtime_error("a part of this unit of work failed; nothing of it was written");
    }
    if (impl_.depth == 1) impl_.commit_unit();
    --impl_.depth;
    open_ = false;
  }

 private:
  SqlStore::Impl& impl_;
  bool open_ = true;
};

// The next value of the installation-wide counter `name` (inside a transaction).
inline long long next_counter(soci::session& sql, const std::string& name) {
  long long value = 0;
  sql << "INSERT INTO counters (scope, name, value) VALUES ('*', :n, 1) "
         "ON CONFLICT (scope, name) DO UPDATE SET value = counters.value + 1 RETURNING value",
      soci::use(name), soci::into(value);
  return value;
}

// The next id of `name` (inside a transaction): on PostgreSQL from its
// sequence when it has one (no row lock: writers on other connections and
// nodes never wait for it; ids of rolled-back units are skipped), else from
// the counters row (SQLite has one writer).
inline long long next_id(SqlStore::Impl& impl, const std::string& name) {
  if (impl.dialect != Dialect::kPostgresql || !has_id_sequence(name)) return next_counter(impl.sql, name);
  long long value = 0;
  impl.sql << "SELECT nextval('" + name + "_seq')", soci::into(value);
  return value;
}

// The kStorage Status for an exception from a statement of `what`; when the
// connection was lost (outside any unit of work) it is re-established first,
// and the message says whether that worked.
inline Status storage_error_of(SqlStore::Impl& impl, std::string_view what, const std::exception& e) {
  const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e);
  const std::string message = soci_error != nullptr ? soci_error->get_error_message() : std::string(e.what());
  const int before = impl.reconnects;
  if (impl.depth == 0 && impl.recover_lost_connection()) {
    return StorageError(fmt::format("{}: the connection to the database was lost ({}); {}", what, message,
                                    impl.reconnects > before ? "it has been re-established, repeat the request"
                                                             : "the database does not answer yet, try again shortly"));
  }
  return StorageError(fmt::format("{}: {}", what, message));
}

// Runs `f`, turning database exceptions into a kStorage Status naming `what`.
// A write: when the connection was lost, it is re-established for the next
// call, and this one fails (its outcome may be unknown when the commit was
// under way; an action's version guard makes repeating it safe).
template <typename F>
auto guarded(SqlStore::Impl& impl, std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return storage_error_of(impl, what, e);
  }
}

// A read that changes nothing: when the connection was lost outside any unit
// of work, it is re-established and the read runs once more; any other
// failure is returned as it is (not run twice).
template <typename F>
auto guarded_read(SqlStore::Impl& impl, std::string_view what, F&& f) -> decltype(f()) {
  if (impl.depth != 0) return guarded(impl, what, f);
  const int before = impl.reconnects;
  try {
    return f();
  } catch (const std::exception& e) {
    Status failed = storage_error_of(impl, what, e);
    if (impl.reconnects == before) return failed;  // not a lost connection, or still down
  }
  return guarded(impl, what, f);
}

// Bytes as lower-case hex, and back (for bytes kept in a TEXT column of both
// dialects); hex_to_bytes is kInternal, naming `what`, for text that is not hex.
inline std::string bytes_to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 15];
  }
  return out;
}
inline Result<std::string> hex_to_bytes(std::string_view hex, std::string_view what) {
  const auto value = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Internal(fmt::format("{} is stored as hex of an odd length", what));
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = value(hex[2 * i]), lo = value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Internal(fmt::format("{} is not stored as hex", what));
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// Applies missing migrations; refuses a newer database.
Result<MigrationReport> apply_migrations(SqlStore::Impl& impl);
Result<int> read_schema_version(SqlStore::Impl& impl);
// Statements of one migration for one dialect (exposed for tests).
std::vector<std::string> migration_statements(const std::string& sql, Dialect dialect);

}  // namespace sagsflow::db
