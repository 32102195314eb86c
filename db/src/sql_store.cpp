#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "sagsflow/domain/time.hpp"
#include "sagsflow/search/case_search.hpp"
#include "store_impl.hpp"

namespace sagsflow::db {
using nlohmann::json;

namespace {

// The database file and its -wal and -shm hold every CPR number of the
// installation: only their owner may read them. A new file is created 0600
// (SQLite gives -wal and -shm the database file's mode); files this process
// owns that are open to group or others are made private.
void keep_sqlite_files_private(const std::string& path, bool before_open) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  if (before_open) {
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);  // else it exists, or SQLite reports why it cannot be opened
    return;
  }
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    if ((st.st_mode & 077) != 0) ::chmod(file.c_str(), st.st_mode & 0700);
  }
}

// The day the deadline check must look at the case: its running clock's due
// date or, while a party hearing is open, the hearing's reply date (the
// check resumes the clock when it passes), whichever comes first.
std::string due_date_column(const CaseState& s) {
  if (s.status != CaseStatus::kOpen) return {};
  std::string due;
  if (s.clock && !s.clock->paused() && !s.clock->breached) due = format_date(s.clock->due);
  if (s.hearing.is_object() && s.hearing.contains("reply_by") && s.hearing.at("reply_by").is_string()) {
    const std::string reply_by = s.hearing.at("reply_by").get<std::string>();
    if (due.empty() || reply_by < due) due = reply_by;
  }
  return due;
}

// The person holding the case in its current stage, or empty.
std::string assignee_column(const CaseState& s) {
  if (!s.assignee.is_object()) return {};
  const auto it = s.assignee.find("person");
  return it != s.assignee.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<CaseState> parse_state(const std::string& text, long long id) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return StorageError(fmt::format("stored state of case {} is not JSON", id));
  return case_state_from_json(j);
}

}  // namespace

struct SqlStore::Impl::Hot {
  // Values the statements are bound to: set them, then execute.
  long long id = 0, previous = 0, version = 0;
  long long outbox_case = 0, outbox_seq = 0;
  std::string outbox_workflow;
  std::string stage, status, due, state, updated_at;
  soci::indicator due_ind = soci::i_null;
  std::string queue_kind, queue_id, assignee;
  soci::indicator queue_ind = soci::i_null, assignee_ind = soci::i_null;
  CaseEvent event;
  std::string data;
  std::string loaded;
  soci::indicator loaded_ind = soci::i_null;
  long long loaded_version = 0;

  // Parsed states by case id. A version names exactly one state (events are
  // append-only), so an entry is used only while the stored version matches.
  static constexpr size_t kCacheLimit = 4096;
  std::unordered_map<long long, CaseState> parsed;
  void remember(const CaseState& s) {
    if (parsed.size() >= kCacheLimit && !parsed.contains(s.id)) parsed.clear();
    parsed.insert_or_assign(s.id, s);
  }

  // create_case: the case id's step, the municipality's year counter, the row.
  std::string case_counter = "case_id";
  long long new_id = 0;
  std::string number_scope, number_name;
  long long number_value = 0;
  CaseState created;
  std::string cpr;
  soci::indicator cpr_ind = soci::i_null;

  // The case's search row (migration 22): its body with every state whose
  // search text changed, its notes with every event that writes one.
  std::string search_body, search_note;
  long long search_id = 0;
  soci::statement search_insert;
  soci::statement search_update;
  soci::statement search_add_note;
  void index(const CaseState& s, const std::string& text, bool is_new, Dialect dialect) {
    search_id = s.id;
    search_body = search_index_text(dialect, text);
    if (!is_new) {
      search_update.execute(true);
      if (search_update.get_affected_rows() == 1) return;
    }
    search_insert.execute(true);  // new, or a row the migration's step could not read
  }
  void index_note(const CaseEvent& e, Dialect dialect) {
    const std::string note = event_search_note(e);
    if (note.empty()) return;
    search_id = e.case_id;
    search_note = search_index_text(dialect, note);
    if (!search_note.empty()) search_add_note.execute(true);
  }

  soci::statement load_version;
  soci::statement load;
  soci::statement update;
  soci::statement insert_event;
  soci::statement case_id_step;
  soci::statement number_step;
  soci::statement insert_case;

  Hot(soci::session& sql, Dialect dialect)
      : search_insert((sql.prepare << fmt::format("INSERT INTO case_search ({}, body, notes) VALUES (:id, :b, '')",
                                                  search_key_column(dialect)),
                       soci::use(search_id), soci::use(search_body))),
        search_update((sql.prepare << fmt::format("UPDATE case_search SET body = :b WHERE {} = :id",
                                                  search_key_column(dialect)),
                       soci::use(search_body), soci::use(search_id))),
        search_add_note((sql.prepare << fmt::format("UPDATE case_search SET notes = notes || ' ' || :n WHERE {} = :id",
                                                    search_key_column(dialect)),
                         soci::use(search_note), soci::use(search_id))),
        load_version((sql.prepare << "SELECT version FROM cases WHERE id = :id", soci::use(id),
                      soci::into(loaded_version, loaded_ind))),
        load((sql.prepare << "SELECT state FROM cases WHERE id = :id", soci::use(id),
              soci::into(loaded, loaded_ind))),
        update((sql.prepare << "UPDATE cases SET stage = :st, status = :status, due_date = :due, "
                               "version = :v, state = :state, updated_at = :u, queue_kind = :qk, "
                               "queue_id = :qi, assignee = :as "
                               "WHERE id = :id AND version = :prev",
                soci::use(stage), soci::use(status), soci::use(due, due_ind), soci::use(version),
                soci::use(state), soci::use(updated_at), soci::use(queue_kind, queue_ind),
                soci::use(queue_id, queue_ind), soci::use(assignee, assignee_ind), soci::use(id),
                soci::use(previous))),
        insert_event((sql.prepare << "INSERT INTO case_events (case_id, seq, at, actor, unit, "
                                     "authority, action, from_stage, to_stage, data) VALUES "
                                     "(:c, :q, :at, :ac, :u, :au, :a, :f, :t, :d)",
                      soci::use(event.case_id), soci::use(event.seq), soci::use(event.at),
                      soci::use(event.actor), soci::use(event.unit), soci::use(event.authority),
                      soci::use(event.action), soci::use(event.from_stage), soci::use(event.to_stage),
                      soci::use(data))),
        case_id_step(prepared_id_step(sql, dialect, case_counter, new_id)),
        number_step((sql.prepare << "INSERT INTO counters (scope, name, value) VALUES (:s, :n, 1) "
                                    "ON CONFLICT (scope, name) DO UPDATE SET value = counters.value + 1 "
                                    "RETURNING value",
                     soci::use(number_scope), soci::use(number_name), soci::into(number_value))),
        insert_case((sql.prepare << "INSERT INTO cases (id, municipality, case_number, subject, facet, workflow_id, "
                                    "workflow_version, stage, status, citizen_cpr, due_date, version, state, "
                                    "opened_at, updated_at, queue_kind, queue_id, assignee) VALUES (:id, :m, :n, "
                                    ":s, :f, :w, :wv, :st, :status, :cpr, :due, :v, :state, :o, :u, :qk, :qi, :as)",
                     soci::use(created.id), soci::use(created.municipality), soci::use(created.case_number),
                     soci::use(created.subject), soci::use(created.facet), soci::use(created.workflow_id),
                     soci::use(created.workflow_version), soci::use(created.stage), soci::use(status),
                     soci::use(cpr, cpr_ind), soci::use(due, due_ind), soci::use(created.version),
                     soci::use(state), soci::use(created.opened_at), soci::use(created.updated_at),
                     soci::use(queue_kind, queue_ind), soci::use(queue_id, queue_ind),
                     soci::use(assignee, assignee_ind))),
        outbox((sql.prepare << "INSERT INTO plugin_outbox (case_id, workflow_id, seq) VALUES (:c, :w, :s) "
                               "ON CONFLICT (case_id) DO UPDATE SET seq = excluded.seq",
                soci::use(outbox_case), soci::use(outbox_workflow), soci::use(outbox_seq))) {}

  // The plugins' outbox row of a case (migration 10), in the event's transaction.
  soci::statement outbox;
  void note_for_plugins(const CaseState& s) {
    outbox_case = s.id;
    outbox_seq = s.version;
    outbox_workflow = s.workflow_id;
    outbox.execute(true);
  }
};



SqlStore::Impl::~Impl() = default;

SqlStore::Impl::Hot& SqlStore::Impl::hot_statements() {
  if (!hot) hot = std::make_unique<Hot>(sql, dialect);
  return *hot;
}

SqlStore::Impl::Frequent& SqlStore::Impl::frequent_statements() {
  if (!frequent) frequent = std::make_unique<Frequent>(sql, dialect);
  return *frequent;
}

bool SqlStore::Impl::recover_lost_connection() {
  if (dialect != Dialect::kPostgresql || !connected_once) return false;
  // No backend: an earlier reconnect failed (the server was still down).
  if (sql.get_backend() != nullptr && sql.is_connected()) return false;  // the statement failed, the connection is fine
  // Statements prepared on the old connection are gone with it.
  hot.reset();
  access_insert.reset();
  frequent.reset();
  begin_stmt.reset();
  commit_stmt.reset();
  depth = 0;
  rollback_only = false;
  try {
    sql.reconnect();
    sql << "SET client_min_messages TO WARNING";
    if (read_only) sql << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
    ++reconnects;
  } catch (const std::exception&) {
    // Still down: the next call tries again.
  }
  return true;
}

void SqlStore::Impl::begin() {
  if (dialect != Dialect::kSqlite) {
    try {
      sql << "BEGIN";
    } catch (const std::exception&) {
      // Nothing of the unit has run yet: after a lost connection (a restart)
      // beginning again on a new one is always safe.
      if (depth != 0 || !recover_lost_connection()) throw;
      sql << "BEGIN";
    }
    return;
  }
  if (!begin_stmt) begin_stmt = std::make_unique<soci::statement>((sql.prepare << "BEGIN IMMEDIATE"));
  begin_stmt->execute(true);
}

void SqlStore::Impl::commit() {
  if (dialect != Dialect::kSqlite) {
    sql << "COMMIT";
    return;
  }
  if (!commit_stmt) commit_stmt = std::make_unique<soci::statement>((sql.prepare << "COMMIT"));
  commit_stmt->execute(true);
}

void SqlStore::Impl::forget_parsed_states() {
  if (hot) hot->parsed.clear();
}

void SqlStore::Impl::begin_unit() {
  if (!grouped) {
    begin();
    return;
  }
  if (!savepoint_stmt) savepoint_stmt = std::make_unique<soci::statement>((sql.prepare << "SAVEPOINT unit"));
  savepoint_stmt->execute(true);
}

void SqlStore::Impl::commit_unit() {
  if (!grouped) {
    commit();
    return;
  }
  if (!release_stmt) release_stmt = std::make_unique<soci::statement>((sql.prepare << "RELEASE SAVEPOINT unit"));
  release_stmt->execute(true);
}

void SqlStore::Impl::rollback_unit() noexcept {
  // States remembered inside a unit that did not commit were never stored.
  forget_parsed_states();
  try {
    if (!grouped) {
      sql << "ROLLBACK";
      return;
    }
    if (!rollback_to_stmt) {
      rollback_to_stmt = std::make_unique<soci::statement>((sql.prepare << "ROLLBACK TO SAVEPOINT unit"));
    }
    rollback_to_stmt->execute(true);
    if (!release_stmt) release_stmt = std::make_unique<soci::statement>((sql.prepare << "RELEASE SAVEPOINT unit"));
    release_stmt->execute(true);
  } catch (...) {  // the connection is gone; the database discards the transaction
  }
}

Status SqlStore::begin_group() {
  if (impl_->grouped || impl_->depth != 0) return Internal("a group of units was begun inside another unit of work");
  return guarded(*impl_, "beginning a group commit", [&]() -> Status {
    impl_->begin();
    impl_->rollback_only = false;
    impl_->grouped = true;
    return Status::Ok();
  });
}

Status SqlStore::end_group() {
  if (!impl_->grouped) return Internal("no group commit is open");
  impl_->grouped = false;
  Status done = guarded(*impl_, "committing a group of actions", [&]() -> Status {
    impl_->commit();
    return Status::Ok();
  });
  if (!done.ok()) {
    impl_->forget_parsed_states();
    try {
      impl_->sql << "ROLLBACK";
    } catch (...) {  // nothing open any more
    }
  }
  return done;
}

Status SqlStore::abandon_group() {
  if (!impl_->grouped) return Internal("no group commit is open");
  if (impl_->depth != 0) return Internal("a group of units was abandoned inside one of its units");
  impl_->grouped = false;
  impl_->forget_parsed_states();
  return guarded(*impl_, "undoing a group of units", [&]() -> Status {
    impl_->sql << "ROLLBACK";
    return Status::Ok();
  });
}

Status SqlStore::make_read_only() {
  return guarded(*impl_, "making the connection read-only", [&]() -> Status {
    if (impl_->dialect == Dialect::kSqlite) {
      impl_->sql << "PRAGMA query_only=1";
    } else {
      impl_->sql << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
    }
    impl_->read_only = true;
    return Status::Ok();
  });
}

void SqlStore::defer_access_records(std::vector<AccessRecord>* sink) { impl_->deferred_access = sink; }

SqlStore::SqlStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqlStore::~SqlStore() = default;

Result<std::unique_ptr<SqlStore>> SqlStore::open(const std::string& url, SqliteOptions sqlite) {
  auto parsed = DatabaseUrl::parse(url);
  if (!parsed.ok()) return parsed.status();
  static const std::set<std::string> kSync{"OFF", "NORMAL", "FULL", "EXTRA"};
  if (!kSync.contains(sqlite.synchronous)) {
    return InvalidArgument("SQLite synchronous must be OFF, NORMAL, FULL or EXTRA, got '" +
                           sqlite.synchronous + "'");
  }
  auto impl = std::make_unique<Impl>();
  impl->dialect = parsed->dialect;
  impl->display_url = parsed->display;
  auto st = guarded(*impl, "opening database " + parsed->display, [&]() -> Status {
    if (parsed->dialect == Dialect::kSqlite) {
      keep_sqlite_files_private(parsed->connect, true);
      impl->sql.open(*soci::factory_sqlite3(), "db=" + parsed->connect);
      // The busy timeout first: switching to WAL needs a lock that another
      // connection may hold for a moment.
      impl->sql << "PRAGMA busy_timeout=" + std::to_string(sqlite.busy_timeout_ms);
      std::string mode;
      impl->sql << "PRAGMA journal_mode=WAL", soci::into(mode);
      impl->sql << "PRAGMA synchronous=" + sqlite.synchronous;
      impl->sql << "PRAGMA foreign_keys=ON";
      keep_sqlite_files_private(parsed->connect, false);
    } else {
      impl->sql.open(*soci::factory_postgresql(), parsed->connect);
      impl->sql << "SET client_min_messages TO WARNING";
      impl->connected_once = true;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return std::unique_ptr<SqlStore>(new SqlStore(std::move(impl)));
}

Dialect SqlStore::dialect() const { return impl_->dialect; }
Result<int> SqlStore::schema_version() { return read_schema_version(*impl_); }
Result<long long> SqlStore::config_generation() {
  return guarded_read(*impl_, "reading the configuration's generation", [&]() -> Result<long long> {
    long long generation = 0;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT generation FROM config_generation WHERE id = 1", soci::into(generation, ind);
    if (!impl_->sql.got_data() || ind != soci::i_ok) return StorageError("the configuration's generation row is missing");
    return generation;
  });
}

Result<MigrationReport> SqlStore::migrate() { return apply_migrations(*impl_); }

Status SqlStore::check_schema() {
  auto v = schema_version();
  if (!v.ok()) return v.status();
  if (*v > latest_schema_version()) {
    return Status(ErrorCode::kSchemaTooNew,
                  fmt::format("database {} is at schema version {}, newer than this sagsflow (which "
                              "knows up to {}); use a newer sagsflow", impl_->display_url, *v,
                              latest_schema_version()));
  }
  if (*v < latest_schema_version()) {
    return FailedPrecondition(fmt::format(
        "database {} is at schema version {}, this sagsflow needs {}: run `sagsflow db migrate`",
        impl_->display_url, *v, latest_schema_version()));
  }
  return Status::Ok();
}

Result<StorageInfo> SqlStore::info() {
  auto version = schema_version();
  if (!version.ok()) return version.status();
  return guarded_read(*impl_, "reading database settings", [&]() -> Result<StorageInfo> {
    StorageInfo info;
    info.dialect = impl_->dialect;
    info.url = impl_->display_url;
    info.schema_version = *version;
    if (impl_->dialect == Dialect::kSqlite) {
      int sync = 0;
      impl_->sql << "PRAGMA journal_mode", soci::into(info.journal_mode);
      impl_->sql << "PRAGMA synchronous", soci::into(sync);
      static const char* kNames[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
      info.synchronous = sync >= 0 && sync <= 3 ? kNames[sync] : std::to_string(sync);
    }
    return info;
  });
}

Result<CaseState> SqlStore::create_case(const std::string& municipality, int year,
                                        const CaseBuilder& build) {
  return guarded(*impl_, "opening a case", [&]() -> Result<CaseState> {
    // The transaction first: beginning it may re-establish a lost connection,
    // which drops (and so must come before taking) the prepared statements.
    Transaction tx(*impl_);
    auto& hot = impl_->hot_statements();
    // RETURNING leaves a statement open on SQLite until it is stepped past its one row.
    const auto step = [](soci::statement& st, long long& value) {
      st.execute(true);
      const long long got = value;
      while (st.fetch()) {
      }
      value = got;
      return got;
    };
    const long long id = step(hot.case_id_step, hot.new_id);
    // The gapless number of the municipality's year: a counter row, locked until this unit commits.
    hot.number_scope = municipality;
    hot.number_name = "case_number/" + std::to_string(year);
    const long long sequence = step(hot.number_step, hot.number_value);
    auto built = build(id, sequence);
    if (!built.ok()) return built.status();
    const CaseState& state = built->state;
    const CaseEvent& event = built->event;

    hot.created = state;
    hot.state = to_json(state, /*reveal_cpr=*/true).dump();
    hot.cpr = state.citizen ? state.citizen->reveal() : std::string();
    hot.cpr_ind = state.citizen ? soci::i_ok : soci::i_null;
    hot.due = due_date_column(state);
    hot.due_ind = hot.due.empty() ? soci::i_null : soci::i_ok;
    hot.status = case_status_key(state.status);
    hot.queue_kind = built->queue ? built->queue->kind : std::string();
    hot.queue_id = built->queue ? built->queue->id : std::string();
    hot.queue_ind = built->queue ? soci::i_ok : soci::i_null;
    hot.assignee = assignee_column(state);
    hot.assignee_ind = hot.assignee.empty() ? soci::i_null : soci::i_ok;
    hot.insert_case.execute(true);
    hot.event = event;
    hot.data = event.data.dump();
    hot.insert_event.execute(true);
    hot.index(state, case_search_text(state), /*is_new=*/true, impl_->dialect);
    hot.index_note(event, impl_->dialect);
    hot.note_for_plugins(state);
    tx.commit();
    return state;
  });
}

Status SqlStore::atomically(const std::function<Status()>& work) {
  const bool outermost = impl_->depth == 0;
  Status done = guarded(*impl_, "storing one unit of work", [&]() -> Status {
    Transaction tx(*impl_);
    Status worked = work();
    if (!worked.ok()) return worked;  // tx rolls back (or marks the enclosing unit)
    tx.commit();
    return Status::Ok();
  });
  // States remembered inside a unit that did not commit were never stored.
  if (!done.ok() && outermost) impl_->forget_parsed_states();
  return done;
}

Status SqlStore::append_event(const CaseState& s, const CaseEvent& e, const std::optional<CaseQueue>& queue) {
  return guarded(*impl_, "recording action '" + e.action + "'", [&]() -> Status {
    if (e.seq != s.version || e.case_id != s.id) {
      return Internal(fmt::format("event {} does not belong to case state version {}", e.seq, s.version));
    }
    // The transaction first: beginning it may re-establish a lost connection,
    // which drops (and so must come before taking) the prepared statements.
    Transaction tx(*impl_);
    auto& hot = impl_->hot_statements();
    hot.state = to_json(s, /*reveal_cpr=*/true).dump();
    hot.due = due_date_column(s);
    hot.due_ind = hot.due.empty() ? soci::i_null : soci::i_ok;
    hot.status = case_status_key(s.status);
    hot.queue_kind = queue ? queue->kind : std::string();
    hot.queue_id = queue ? queue->id : std::string();
    hot.queue_ind = queue ? soci::i_ok : soci::i_null;
    hot.assignee = assignee_column(s);
    hot.assignee_ind = hot.assignee.empty() ? soci::i_null : soci::i_ok;
    hot.stage = s.stage;
    hot.version = s.version;
    hot.updated_at = s.updated_at;
    hot.id = s.id;
    hot.previous = s.version - 1;
    hot.event = e;
    hot.data = e.data.dump();

    hot.update.execute(true);
    if (hot.update.get_affected_rows() != 1) {
      long long stored = -1;
      soci::indicator ind = soci::i_null;
      impl_->sql << "SELECT version FROM cases WHERE id = :id", soci::use(s.id), soci::into(stored, ind);
      if (ind != soci::i_ok) return NotFound(fmt::format("case {} does not exist", s.id));
      return Conflict(fmt::format("case {} was changed by another action (now at version {}, this "
                                  "action was based on version {}); nothing was written: re-read "
                                  "the case and try again", s.case_number, stored, s.version - 1));
    }
    hot.insert_event.execute(true);
    // The search row only when what the case is found by changed (most
    // actions change the stage, not the fields): the previous state is the
    // one this action was based on, usually still parsed.
    const auto previous = hot.parsed.find(s.id);
    if (previous == hot.parsed.end() || previous->second.version != s.version - 1 ||
        !same_search_text(previous->second, s)) {
      hot.index(s, case_search_text(s), /*is_new=*/false, impl_->dialect);
    }
    hot.index_note(e, impl_->dialect);
    hot.note_for_plugins(s);
    tx.commit();
    hot.remember(s);
    return Status::Ok();
  });
}

Result<CaseState> SqlStore::load_case(long long id) {
  return guarded_read(*impl_, fmt::format("reading case {}", id), [&]() -> Result<CaseState> {
    auto& hot = impl_->hot_statements();
    hot.id = id;
    hot.loaded_ind = soci::i_null;
    // Each statement is stepped to its end: a SQLite statement left on a row
    // keeps its read snapshot open, which stops WAL checkpoints and makes
    // every later commit's sync dearer.
    const bool exists = hot.load_version.execute(true);
    while (hot.load_version.fetch()) {
    }
    if (!exists || hot.loaded_ind != soci::i_ok) return NotFound(fmt::format("case {} does not exist", id));
    if (auto it = hot.parsed.find(id); it != hot.parsed.end() && it->second.version == hot.loaded_version) {
      return it->second;
    }
    hot.loaded_ind = soci::i_null;
    const bool found = hot.load.execute(true);
    while (hot.load.fetch()) {
    }
    if (!found || hot.loaded_ind != soci::i_ok) return NotFound(fmt::format("case {} does not exist", id));
    auto state = parse_state(hot.loaded, id);
    if (state.ok()) hot.remember(*state);
    return state;
  });
}

Result<CaseState> SqlStore::find_case(const std::string& municipality, const std::string& number) {
  return guarded_read(*impl_, "reading case " + number, [&]() -> Result<CaseState> {
    std::string text;
    long long id = 0;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT id, state FROM cases WHERE municipality = :m AND case_number = :n",
        soci::use(municipality), soci::use(number), soci::into(id), soci::into(text, ind);
    if (ind != soci::i_ok) {
      return NotFound(fmt::format("municipality {} has no case {}", municipality, number));
    }
    return parse_state(text, id);
  });
}

Result<std::vector<CaseEvent>> SqlStore::load_history(long long id) {
  return guarded_read(*impl_, fmt::format("reading the history of case {}", id), [&]() -> Result<std::vector<CaseEvent>> {
    std::vector<CaseEvent> out;
    auto& f = impl_->frequent_statements();
    f.history_case = id;
    f.history.execute();
    bool broken = false;
    long long broken_seq = 0;
    // Stepped to its end even past a broken row (a statement left on a row keeps its read snapshot open).
    while (f.history.fetch()) {
      if (broken) continue;
      CaseEvent& e = out.emplace_back(f.event);
      e.case_id = id;
      e.data = json::parse(f.event_data, nullptr, false);
      if (e.data.is_discarded()) {
        broken = true;
        broken_seq = e.seq;
      }
    }
    if (broken) return StorageError(fmt::format("event {} of case {} is not JSON", broken_seq, id));
    if (out.empty()) return NotFound(fmt::format("case {} does not exist", id));
    return out;
  });
}

Result<std::vector<CaseState>> SqlStore::list_cases(const CaseFilter& f) {
  return guarded_read(*impl_, "listing cases", [&]() -> Result<std::vector<CaseState>> {
    // Every filter is a column of the row, so the indexes of migration 9
    // serve the list (a unit's queue, a person's claimed cases, due before a
    // day) and keyset pagination on id reads only the page.
    std::vector<std::string> params;
    params.reserve(8);
    std::string query = f.newest_first ? "SELECT id, state FROM cases WHERE (:after = 0 OR id < :after2)"
                                       : "SELECT id, state FROM cases WHERE id > :after";
    const auto add = [&](const char* column, const char* op, const std::string& value) {
      query += fmt::format(" AND {} {} :p{}", column, op, params.size());
      params.push_back(value);
    };
    if (f.municipality) add("municipality", "=", *f.municipality);
    if (f.stage) add("stage", "=", *f.stage);
    if (f.status) add("status", "=", case_status_key(*f.status));
    if (f.citizen) add("citizen_cpr", "=", f.citizen->reveal());
    if (f.queue) {
      add("queue_kind", "=", f.queue->kind);
      add("queue_id", "=", f.queue->id);
    }
    if (f.assignee) add("assignee", "=", *f.assignee);
    if (f.due_before) {
      query += " AND status = 'open' AND due_date IS NOT NULL";
      add("due_date", "<", format_date(*f.due_before));
    }
    if (f.unplaced) query += " AND status = 'open' AND queue_kind IS NULL";
    if (f.case_number) add("case_number", "=", *f.case_number);
    if (f.subject_prefix) {
      // A KLE prefix as a range, which the subject index serves: every
      // character after a prefix ("23.09") is a digit or '.', all below '/'.
      add("subject", ">=", *f.subject_prefix);
      add("subject", "<", *f.subject_prefix + "/");
    }
    if (!f.workflows.empty()) {
      query += " AND workflow_id IN (";
      for (std::size_t i = 0; i < f.workflows.size(); ++i) {
        query += fmt::format("{}:p{}", i ? ", " : "", params.size());
        params.push_back(f.workflows[i]);
      }
      query += ")";
    }
    if (!f.words.empty()) {
      const std::string match = search_match_text(impl_->dialect, f.words);
      if (match.empty()) return std::vector<CaseState>{};  // no word to look for finds nothing
      query += " AND " + search_condition(impl_->dialect, fmt::format("p{}", params.size()));
      params.push_back(match);
    }
    query += fmt::format(" ORDER BY id {} LIMIT {}", f.newest_first ? "DESC" : "ASC", std::max(1, f.limit));

    long long after = f.after;
    long long after2 = f.after;
    long long id = 0;
    std::string text;
    soci::statement st(impl_->sql);
    st.exchange(soci::use(after));
    if (f.newest_first) st.exchange(soci::use(after2));
    for (auto& p : params) st.exchange(soci::use(p));
    st.exchange(soci::into(id));
    st.exchange(soci::into(text));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    std::vector<CaseState> out;
    while (st.fetch()) {
      auto s = parse_state(text, id);
      if (!s.ok()) return s.status();
      out.push_back(std::move(*s));
    }
    return out;
  });
}

Result<long long> SqlStore::place_cases(const std::vector<CasePlacement>& placements) {
  return guarded(*impl_, "storing the queues of cases", [&]() -> Result<long long> {
    if (placements.empty()) return 0LL;
    // Only a changed queue is written: recomputing every open case's queue
    // after `sagsflow init` rewrites the rows whose queue moved, not all.
    const char* differs = impl_->dialect == Dialect::kSqlite ? "IS NOT" : "IS DISTINCT FROM";
    CasePlacement p;
    Transaction tx(*impl_);  // first: beginning may re-establish the connection the statement is prepared on
    soci::statement st = (impl_->sql.prepare
                              << fmt::format("UPDATE cases SET queue_kind = :k, queue_id = :i WHERE id = :id "
                                             "AND version = :v AND (queue_kind {0} :k2 OR queue_id {0} :i2)",
                                             differs),
                          soci::use(p.queue.kind), soci::use(p.queue.id), soci::use(p.id), soci::use(p.version),
                          soci::use(p.queue.kind), soci::use(p.queue.id));
    long long changed = 0;
    for (const auto& placement : placements) {
      p = placement;
      st.execute(true);
      changed += st.get_affected_rows();
    }
    tx.commit();
    return changed;
  });
}

Result<std::vector<long long>> SqlStore::cases_due_before(Date day) {
  return guarded_read(*impl_, "finding overdue cases", [&]() -> Result<std::vector<long long>> {
    const std::string d = format_date(day);
    std::vector<long long> out;
    long long id = 0;
    soci::statement st = (impl_->sql.prepare
                              << "SELECT id FROM cases WHERE status = 'open' AND due_date IS NOT NULL "
                                 "AND due_date < :d ORDER BY id",
                          soci::use(d), soci::into(id));
    st.execute();
    while (st.fetch()) out.push_back(id);
    return out;
  });
}

Result<DeployOutcome> SqlStore::deploy_workflow(const std::string& id, const std::string& source,
                                                const std::string& sha256,
                                                const std::string& file_name,
                                                const std::string& deployed_at) {
  return guarded(*impl_, "deploying workflow " + id, [&]() -> Result<DeployOutcome> {
    Transaction tx(*impl_);
    DeployOutcome out;
    out.record = {id, 0, sha256, file_name, source, deployed_at};
    int latest = 0;
    std::string latest_sha;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT version, sha256 FROM workflow_versions WHERE workflow_id = :id "
                  "ORDER BY version DESC LIMIT 1",
        soci::use(id), soci::into(latest, ind), soci::into(latest_sha);
    if (ind == soci::i_ok && latest_sha == sha256) {
      auto existing = load_workflow(id, latest);
      if (!existing.ok()) return existing.status();
      out.record = *existing;
      return out;  // unchanged: no new version
    }
    out.record.version = (ind == soci::i_ok ? latest : 0) + 1;
    out.created = true;
    impl_->sql << "INSERT INTO workflow_versions (workflow_id, version, sha256, file_name, source, "
                  "deployed_at) VALUES (:id, :v, :sha, :f, :src, :at)",
        soci::use(id), soci::use(out.record.version), soci::use(sha256), soci::use(file_name),
        soci::use(source), soci::use(deployed_at);
    tx.commit();
    return out;
  });
}

Result<WorkflowRecord> SqlStore::load_workflow(const std::string& id, std::optional<int> version) {
  return guarded_read(*impl_, "reading workflow " + id, [&]() -> Result<WorkflowRecord> {
    WorkflowRecord r;
    soci::indicator ind = soci::i_null;
    const std::string columns = "SELECT workflow_id, version, sha256, file_name, source, deployed_at "
                                "FROM workflow_versions WHERE workflow_id = :id";
    if (version) {
      impl_->sql << columns + " AND version = :v", soci::use(id), soci::use(*version),
          soci::into(r.id, ind), soci::into(r.version), soci::into(r.sha256), soci::into(r.file_name),
          soci::into(r.source), soci::into(r.deployed_at);
    } else {
      impl_->sql << columns + " ORDER BY version DESC LIMIT 1", soci::use(id), soci::into(r.id, ind),
          soci::into(r.version), soci::into(r.sha256), soci::into(r.file_name), soci::into(r.source),
          soci::into(r.deployed_at);
    }
    if (ind != soci::i_ok) {
      return NotFound(version ? fmt::format("workflow {} has no version {}", id, *version)
                              : fmt::format("workflow {} is not deployed", id));
    }
    return r;
  });
}

Result<std::vector<WorkflowRecord>> SqlStore::list_workflows() {
  return guarded_read(*impl_, "listing workflows", [&]() -> Result<std::vector<WorkflowRecord>> {
    std::vector<WorkflowRecord> out;
    WorkflowRecord r;
    soci::statement st = (impl_->sql.prepare
                              << "SELECT workflow_id, version, sha256, file_name, deployed_at FROM "
                                 "workflow_versions ORDER BY workflow_id, version",
                          soci::into(r.id), soci::into(r.version), soci::into(r.sha256),
                          soci::into(r.file_name), soci::into(r.deployed_at));
    st.execute();
    while (st.fetch()) out.push_back(r);
    return out;
  });
}

Status SqlStore::upsert_municipality(const std::string& code, const std::string& name) {
  return guarded(*impl_, "storing municipality " + code, [&]() -> Status {
    const std::string now = format_timestamp(system_clock()());
    impl_->sql << "INSERT INTO municipalities (code, name, created_at) VALUES (:c, :n, :at) "
                  "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
        soci::use(code), soci::use(name), soci::use(now);
    return Status::Ok();
  });
}

Result<std::string> SqlStore::municipality_name(const std::string& code) {
  return guarded_read(*impl_, "reading municipality " + code, [&]() -> Result<std::string> {
    std::string name;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT name FROM municipalities WHERE code = :c", soci::use(code), soci::into(name, ind);
    if (ind != soci::i_ok) {
      return NotFound("municipality " + code + " is not set up in this database (run `sagsflow init`)");
    }
    return name;
  });
}

Result<std::vector<std::pair<std::string, std::string>>> SqlStore::list_municipalities() {
  using List = std::vector<std::pair<std::string, std::string>>;
  return guarded_read(*impl_, "listing municipalities", [&]() -> Result<List> {
    List out;
    std::string code, name;
    soci::statement st = (impl_->sql.prepare << "SELECT code, name FROM municipalities ORDER BY code",
                          soci::into(code), soci::into(name));
    st.execute();
    while (st.fetch()) out.emplace_back(code, name);
    return out;
  });
}

}  // namespace sagsflow::db
