// SqlStore: the CaseStore on SQLite (embedded default) or PostgreSQL, via SOCI.
//
// Database URLs: "sqlite:PATH" (":memory:" allowed), or a PostgreSQL
// connection string ("postgresql://user@host:port/db" or "host=... dbname=...").
// SQLite runs in WAL mode with synchronous=FULL by default, so an
// acknowledged action survives a power cut; foreign keys are on. The SQLite
// file and its -wal and -shm are private to their owner: created 0600, and
// made 0600 on open when this process owns them and they were open to others.
//
// open() does not migrate; migrate() applies the numbered migrations that are
// missing and refuses a database newer than this binary. check_schema() tells
// whether the database is exactly at this binary's schema version.
//
// Errors: every method turns a database failure (a lost connection, a lock
// held past busy_timeout_ms, a violated constraint) into kStorage naming what
// it was doing; nothing throws. Each method that writes more than one row does
// so in one transaction, all or nothing. A stored row this binary cannot read
// (an inquiry's unknown channel or type) is kInternal. Methods not listed below
// with other codes return only these. The CaseStore and FrontDeskStore contracts
// (case_store.hpp, front_desk.hpp) hold as stated there.
//
// Thread-safety: not thread-safe. One SqlStore is one connection: use one per
// thread (several stores, in threads or processes, may share one database).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/cases/case_store.hpp"
#include "sagsflow/reports/channel_report.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/frontdesk/self_service.hpp"
#include "sagsflow/frontdesk/appointments.hpp"
#include "sagsflow/frontdesk/queue_desk.hpp"
#include "sagsflow/domain/kle.hpp"

namespace sagsflow::db {

enum class Dialect { kSqlite, kPostgresql };

struct DatabaseUrl {
  Dialect dialect = Dialect::kSqlite;
  std::string connect;  // what SOCI gets
  // Safe to print: the SQLite URL as given; for PostgreSQL, the settings libpq
  // reads from the string (PQconninfoParse) as key=value pairs, with the
  // password (and any other secret setting) as ***.
  std::string display;
  // InvalidArgument for a URL that is neither, or a PostgreSQL string libpq
  // cannot read (the message then does not repeat the string).
  static Result<DatabaseUrl> parse(std::string_view url);
};

struct SqliteOptions {
  std::string synchronous = "FULL";  // OFF, NORMAL, FULL or EXTRA
  int busy_timeout_ms = 10000;
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // "0001_initial"
};

// The highest migration built into this binary.
int latest_schema_version();

// A plugin installed in this installation (see `sagsflow plugins`).
struct InstalledPlugin {
  std::string id;
  std::string version;
  std::string file_name;  // in the installation's plugin directory
  std::string sha256;
  std::string workflow_id;
  bool enabled = true;
  std::string installed_at;
  std::string disabled_reason{};  // set when Sagsflow disabled it (repeated crashes); empty otherwise
};

// What an operator wants to know about a connection.
struct StorageInfo {
  Dialect dialect = Dialect::kSqlite;
  std::string url;           // without password
  int schema_version = 0;
  std::string journal_mode;  // SQLite: "wal"
  std::string synchronous;   // SQLite: OFF, NORMAL, FULL or EXTRA
};

// A long operation (KLE import, simulation) as stored (migration 10).
struct JobRecord {
  long long id = 0;
  std::string kind;
  std::string municipality;
  std::string started_by;
  std::string state = "running";  // running, done, failed
  int done = 0;
  int total = 1;
  std::string step;
  std::string result = "null";  // JSON
  std::string error;
  std::string started_at;
  std::string finished_at;
  std::string node;  // the process that runs it
  std::string heartbeat_at;  // migration 13: when `node` last said it still runs it (running jobs)
};

// An Idempotency-Key as stored (migration 13): the answer of the request that
// created something, for its retries. status 0: reserved by a unit of work
// that has not finished (seen only by that unit itself).
struct IdempotencyRecord {
  std::string body_sha256;
  int status = 0;
  std::string resource;  // the created resource, e.g. "case:12" or "inquiry:7"
  std::string answer;    // the answer's JSON, CPR numbers masked
};

// A municipality file as loaded into the installation.
struct MunicipalityConfigRecord {
  std::string code;
  std::string file_name;
  std::string source;
  std::string sha256;
  std::string loaded_at;
  // The bytes of the PNG its letters.letterhead.logo names, read when it was
  // loaded (migration 16; stored as hex); empty: none.
  std::string logo_png{};
};

// A municipality's own letter template (`sagsflow letter install`,
// migration 16): its source as installed and, so a listing needs no parsing,
// what it applies to ('' for any workflow, stage or outcome).
struct LetterTemplateRecord {
  std::string municipality;
  std::string file_name;  // the file's own name, without folders: one per municipality
  std::string kind;       // letter_kind_key
  std::string language;   // da or en
  std::string workflow, stage, outcome;
  std::string source;
  std::string installed_by;
  std::string installed_at;  // ISO-8601 UTC
};

// A bearer token no node may accept any more (migration 0006).
struct RevokedToken {
  std::string jti;
  std::string revoked_by;
  std::string revoked_at;  // ISO-8601 UTC
  std::string keep_until;  // the token's expiry: the row is needed until then
  std::string reason;
};

// A sign-in through an OpenID provider under way (migration 17): the
// SHA-256 (hex) of its `state`, the provider ("citizen" or "staff"), the
// nonce and PKCE verifier, where to go after it, and until when it may be
// completed (ISO-8601 UTC).
struct LoginAttempt {
  std::string state_sha256;
  std::string provider;
  std::string nonce;
  std::string code_verifier;
  std::string return_to;
  std::string created_at;
  std::string expires_at;
};

// A browser's sign-in session (migration 17), found by the SHA-256 (hex) of
// the id its cookie carries. kind: "citizen" or "staff". A citizen's person
// and unit are empty and citizen_subject is their opaque subject; a staff
// member's citizen_subject is empty. roles are the staff member's. Times are
// ISO-8601 UTC; ended_at is empty while the session has not been ended.
struct SessionRecord {
  std::string id_sha256;
  std::string kind;
  std::string provider;
  std::string municipality;
  std::string person;
  std::string unit;
  std::vector<std::string> roles;
  std::string citizen_subject;
  std::string name;
  std::string csrf_token;
  std::string id_token;
  std::string created_at;
  std::string last_seen_at;
  std::string idle_expires_at;
  std::string expires_at;
  std::string ended_at;
};

// A document of a case as stored (migration 14); see
// sagsflow/documents/document_store.hpp for the store that writes its bytes.
struct DocumentRow {
  long long id = 0;
  long long case_id = 0;                    // 0: none (a letter about an appointment, migration 21)
  std::optional<long long> appointment_id;  // the appointment a letter's PDF is about
  std::string municipality;
  std::string kind;        // an attachment name of the workflow ("photo"), "other" or "letter"
  std::string name;        // sanitised file name
  std::string media_type;  // sniffed from the bytes
  long long size = 0;
  std::string sha256;      // 64 lower-case hex digits
  std::string added_by;
  std::string added_at;    // ISO-8601 UTC
};

// A letter of the outbox as stored (migration 15; sagsflow/app/letter_delivery.hpp delivers them).
// kWithdrawn (migration 21): not sent, because what it was about went away
// first (the reminder of an appointment cancelled meanwhile); no incident.
enum class LetterState { kQueued, kDelivered, kFailed, kWithdrawn };
const char* letter_state_key(LetterState s);  // "queued", "delivered", "failed", "withdrawn"
std::optional<LetterState> letter_state_from_key(std::string_view key);  // nothing for another word
struct LetterRow {
  long long id = 0;
  long long case_id = 0;                    // 0: none (an appointment's letter)
  std::optional<long long> appointment_id;  // the appointment it is about (migration 21)
  long long event_seq = 0;
  std::string municipality, kind, language, workflow, stage, outcome;
  std::string idempotency_key;
  nlohmann::json values = nlohmann::json::object();
  LetterState state = LetterState::kQueued;
  std::string channel;        // "digital_post", "print"; empty until chosen
  std::string rerouted_from;  // why the channel changed ("digital_post: recipient exempt"), else empty
  int attempts = 0;
  std::string next_attempt_at;
  std::string last_error;
  bool incident_open = false;
  std::optional<long long> document_id;  // the rendered PDF, a document of the case (kind "letter")
  std::string receipt;
  std::string created_at, delivered_at;
};

struct LetterFilter {
  std::optional<long long> case_id;
  std::optional<long long> appointment_id;
  std::optional<std::string> municipality;
  std::optional<LetterState> state;
  bool incidents_only = false;  // incident_open
  int limit = 200;
};

// A citizen exempt from Digital Post: letters go by physical post.
struct DigitalPostExemption {
  Cpr cpr;
  std::string reason;
  std::string registered_by, registered_at;
};

class SqlStore final : public CaseStore, public FrontDeskStore, public SelfServiceStore, public AppointmentStore,
                       public QueueStore {
 public:
  // Connects; kInvalidArgument for a bad URL (see DatabaseUrl::parse) or an
  // unknown synchronous setting; kStorage when the connection fails.
  static Result<std::unique_ptr<SqlStore>> open(const std::string& url, SqliteOptions sqlite = {});
  ~SqlStore() override;

  Dialect dialect() const;
  // The highest applied migration (0 on an empty database, where it creates
  // the empty migrations table).
  Result<int> schema_version();
  // The generation of the installation's configuration (migration 12): a
  // number that changes in the same transaction as any municipality file,
  // letter template, workflow version or installed plugin being stored, changed or removed
  // (by whichever process or node). A server compares it with the one its
  // lanes were opened with. kStorage.
  Result<long long> config_generation();
  // Applies the missing migrations in order, each in its own transaction (one
  // that fails leaves the ones before it applied and reports kStorage).
  // kSchemaTooNew, touching nothing, when the database is newer than this binary.
  Result<MigrationReport> migrate();
  // ok when the schema is current; kFailedPrecondition when older (asks for
  // `sagsflow db migrate`), kSchemaTooNew when newer. Changes nothing but,
  // like schema_version(), the migrations table of an empty database.
  Status check_schema();
  Result<StorageInfo> info();

  // The builder's own error is returned as it is, and nothing is stored (the
  // id and running number it was given are not used up).
  Result<CaseState> create_case(const std::string& municipality, int year,
                                const CaseBuilder& build) override;
  // kInternal when `event` is not the event of `new_state` (its seq and case id);
  // kNotFound when the case does not exist; kConflict as in CaseStore.
  Status append_event(const CaseState& new_state, const CaseEvent& event,
                      const std::optional<CaseQueue>& queue) override;
  using CaseStore::append_event;
  Result<long long> place_cases(const std::vector<CasePlacement>& placements) override;
  Status atomically(const std::function<Status()>& work) override;
  Result<CaseState> load_case(long long id) override;
  Result<CaseState> find_case(const std::string& municipality, const std::string& case_number) override;
  Result<std::vector<CaseEvent>> load_history(long long id) override;
  Result<std::vector<CaseState>> list_cases(const CaseFilter& filter) override;
  Result<std::vector<long long>> cases_due_before(Date day) override;
  Result<DeployOutcome> deploy_workflow(const std::string& id, const std::string& source,
                                        const std::string& sha256, const std::string& file_name,
                                        const std::string& deployed_at) override;
  Result<WorkflowRecord> load_workflow(const std::string& id, std::optional<int> version) override;
  Result<std::vector<WorkflowRecord>> list_workflows() override;
  Status upsert_municipality(const std::string& code, const std::string& name) override;
  Result<std::string> municipality_name(const std::string& code) override;
  Result<std::vector<std::pair<std::string, std::string>>> list_municipalities() override;
  Result<long long> record_access(const AccessRecord& record) override;
  Status record_accesses(const std::vector<AccessRecord>& records) override;
  Result<std::vector<AccessRecord>> list_access(const AccessFilter& filter) override;

  // The plugins' delivery queue (migration 0007; CaseStore).
  Result<PluginDelivery> plugin_delivery(const std::string& plugin, long long case_id) override;
  Status save_plugin_delivery(const PluginDelivery& delivery) override;
  Result<std::vector<PluginDelivery>> pending_plugin_deliveries(const std::string& plugin,
                                                                const std::string& workflow_id,
                                                                const std::string& now, int limit) override;
  Result<std::vector<long long>> claim_plugin_outbox(const std::string& workflow_id, const std::string& holder,
                                                     const std::string& now, const std::string& until,
                                                     int limit) override;
  Status settle_plugin_outbox(const std::string& plugin, const std::vector<long long>& cases,
                              const std::string& holder) override;
  Status drop_plugin_outbox(const std::string& workflow_id) override;
  Status enqueue_letters(const std::vector<QueuedLetter>& letters) override;

  // Notifications to staff (migration 23, notification_records.cpp).
  Status add_notifications(const std::vector<Notification>& notifications) override;
  // A person's notifications, newest first: at most `limit`, only unread
  // ones when `unread_only`; and how many are unread.
  Result<std::vector<Notification>> notifications_of(const std::string& municipality, const std::string& person,
                                                     bool unread_only, int limit);
  Result<long long> count_unread_notifications(const std::string& municipality, const std::string& person);
  // Marks the person's notifications `ids` (all of theirs when empty) read at
  // `now`; returns how many were unread. Another person's ids are untouched.
  Result<long long> mark_notifications_read(const std::string& municipality, const std::string& person,
                                            const std::vector<long long>& ids, const std::string& now);
  // The mail outbox: pending mails due at `now` (oldest first, at most
  // `limit`), and the answer for one: sent, or failed with the relay's error
  // and the next attempt's time (empty: given up, mail_state "failed").
  Result<std::vector<Notification>> due_notification_mails(const std::string& now, int limit);
  Status settle_notification_mail(long long id, bool sent, const std::string& error, const std::string& next_attempt_at);

  // Jobs (migration 10): long operations any node answers for. start_job
  // stores `job` as running with a new id (unique over all nodes), its
  // heartbeat at job.started_at, and returns the id; update_job stores the
  // progress or outcome of a running job and refreshes its heartbeat
  // (kNotFound when no job has its id; kFailedPrecondition, storing nothing,
  // when the job is no longer running, e.g. another node marked it failed);
  // load_job is the job, or nothing.
  Result<long long> start_job(const JobRecord& job);
  Status update_job(const JobRecord& job);
  Result<std::optional<JobRecord>> load_job(long long id);
  // Heartbeats (migration 13): sets heartbeat_at = `now` on the running jobs
  // of `node` (one indexed statement); the number of jobs touched.
  Result<long long> heartbeat_jobs(const std::string& node, const std::string& now);
  // Marks failed every running job whose heartbeat is before `cutoff`
  // (ISO-8601 UTC, compared as text) with `reason` as its error and `now` as
  // its end; the number marked. Reads the running jobs only (partial index).
  Result<long long> fail_stale_jobs(const std::string& cutoff, const std::string& now, const std::string& reason);

  // Idempotency keys (migration 13); call both inside the unit of work that
  // creates the resource. reserve_idempotency_key stores the key of `scope`
  // (the caller) and `route` as reserved for a body of `body_sha256` until
  // `expires_at`, and returns nothing, when no unexpired row has it (an
  // expired one is taken over); else it stores nothing and returns the row
  // found. On PostgreSQL a reservation another connection holds and has not
  // committed makes this wait for it (the primary key decides). complete_
  // idempotency_key stores the answer on the reserved row (kInternal when
  // there is none). remove_expired_idempotency_keys removes at most `limit`
  // rows whose expires_at is at or before `now`, returning how many.
  Result<std::optional<IdempotencyRecord>> reserve_idempotency_key(const std::string& scope, const std::string& route,
                                                                   const std::string& key,
                                                                   const std::string& body_sha256,
                                                                   const std::string& now,
                                                                   const std::string& expires_at);
  Status complete_idempotency_key(const std::string& scope, const std::string& route, const std::string& key,
                                  const IdempotencyRecord& answer);
  Result<long long> remove_expired_idempotency_keys(const std::string& now, int limit);

  // Leases (migration 10): background work one node does at a time.
  // take_lease gives `holder` the lease `name` until `until` when it is
  // free, ran out at or before `now`, or is `holder`'s already; true when
  // `holder` holds it now, false when another does.
  Result<bool> take_lease(const std::string& name, const std::string& holder, const std::string& now,
                          const std::string& until);
  // Gives the lease up when `holder` holds it (a node that stops cleanly), so
  // another node, or this one restarted, takes it at once.
  Status release_lease(const std::string& name, const std::string& holder);

  // How a figure is read. kKept: from the counters and daily aggregates of
  // migration 11, which triggers change in the same statement as the rows
  // they count (so a unit that rolls back, or its savepoint in a group
  // commit, leaves them as they were): a read of a few rows, whatever the
  // size of the installation. kRecount: counted from the rows themselves (a
  // scan of the table), to check the kept figures or measure what they save.
  // Both give the same figures.
  enum class Counting { kKept, kRecount };

  // Figures for /metrics: events per action over the whole installation
  // (actions with at least one event), and open cases per (municipality,
  // workflow, stage).
  Result<std::map<std::string, long long>> count_events_by_action(Counting how = Counting::kKept);
  struct OpenCount {
    std::string municipality, workflow_id, stage;
    long long count = 0;
  };
  Result<std::vector<OpenCount>> count_open_cases();
  // Open cases per municipality and stored queue (the cases row's queue_kind
  // and queue_id), ordered by municipality, kind, id; a case stored without a
  // queue counts under kind "" and id "". Groups without open cases are left out.
  struct QueueCount {
    std::string municipality, queue_kind, queue_id;
    long long count = 0;
  };
  Result<std::vector<QueueCount>> count_open_cases_by_queue(Counting how = Counting::kKept);

  // Open cases of `municipality` per stored queue, workflow version and the
  // day they were opened (the first ten characters of opened_at), ordered by
  // those columns: the channel report's backlog by age.
  struct OpenCaseGroup {
    std::string queue_kind, queue_id, workflow_id;
    int workflow_version = 0;
    std::string opened_day;
    long long count = 0;
  };
  Result<std::vector<OpenCaseGroup>> count_open_cases_by_day(const std::string& municipality,
                                                              Counting how = Counting::kKept);

  // The inquiry register counted by day, channel, type and outcome (channel
  // reports), ordered by day and then the other columns. With kKept and a
  // period of whole days (from and to are YYYY-MM-DD) it reads the daily
  // aggregates; any other period is counted from the inquiries.
  Result<std::vector<InquiryCount>> count_inquiries(const InquiryCountFilter& filter,
                                                    Counting how = Counting::kKept);
  // For the channel report's goals and profiles (channel_goals_report.hpp),
  // with the filter's period, unit and area:
  // - inquiries per UTC hour ("YYYY-MM-DDTHH") and channel, ordered by both,
  //   counted from the inquiries (the daily aggregates have no hours: a range
  //   of the inquiries_by_municipality index);
  // - inquiries per day, area and channel, ordered by those, read from the
  //   daily aggregates with kKept and a period of whole days, otherwise counted;
  // - the cases opened from inquiries on `channels`, each with its inquiry's
  //   time and the time of its first decision (an event whose data holds a
  //   decision), else of its closing, ordered by the inquiry's time.
  Result<std::vector<InquiryHourCount>> count_inquiries_by_hour(const InquiryCountFilter& filter);
  Result<std::vector<InquiryAreaCount>> count_inquiries_by_area(const InquiryCountFilter& filter,
                                                                Counting how = Counting::kKept);
  Result<std::vector<CaseAnswer>> case_answers(const InquiryCountFilter& filter, const std::vector<Channel>& channels);
  // Cases of `municipality` closed in [from, to) within or after their
  // deadlines (a deadline_passed event), and open ones past one. With kKept
  // and a period of whole days (YYYY-MM-DD) from the counts of migration 13
  // (a few rows a day); otherwise counted from the cases and their events.
  // Three reads, not one snapshot.
  Result<DeadlineCounts> count_deadlines(const std::string& municipality, const std::string& from, const std::string& to,
                                         Counting how = Counting::kKept);
  // Open cases of `municipality` by their running deadline (the due_date
  // column, an index range): overdue ones (due before `today`, not yet
  // recorded as passed by the deadline check) and those due in
  // [today, today + days). kInvalidArgument when days < 1.
  struct DueCounts {
    long long overdue = 0;
    long long due_within = 0;
  };
  Result<DueCounts> count_due(const std::string& municipality, Date today, int days);

  // The team leader's overview: open cases of `municipality` per stored
  // queue and person holding them (assignee "" when unclaimed), with how
  // many have passed their deadline (recorded as passed, or due before
  // `today`), how many are due from today to before `soon`, and the oldest
  // opening instant. Ordered by queue kind, queue id, assignee.
  struct WorkloadRow {
    std::string queue_kind, queue_id, assignee;
    long long open = 0, passed = 0, due_soon = 0;
    std::string oldest_opened_at;
  };
  Result<std::vector<WorkloadRow>> count_workload(const std::string& municipality, Date today, Date soon);

  // Inquiries and layer messages (FrontDeskStore).
  Result<long long> add_inquiry(const InquiryRecord& inquiry) override;
  Result<InquiryRecord> load_inquiry(long long id) override;
  Status mark_forwarded(long long id, const std::string& to, const std::string& on) override;
  Result<std::vector<InquiryRecord>> list_inquiries(const InquiryFilter& filter) override;
  Result<long long> add_layer_message(const LayerMessage& message) override;
  Result<std::vector<LayerMessage>> list_layer_messages(const std::string& municipality) override;

  // The municipality files loaded into this installation (insert or replace,
  // atomically), listed by code.
  Status save_municipality_config(const MunicipalityConfigRecord& record);
  Result<std::vector<MunicipalityConfigRecord>> municipality_configs();

  // A municipality's own letter templates (migration 16). Each change bumps
  // config_generation in its transaction. put stores the record, replacing
  // the one of the same municipality and file name (atomically); the list
  // is in the order they were installed (installed_at, then file name), so
  // of two equally specific ones the later installed wins; remove deletes
  // one, kNotFound when the municipality has no template of that name.
  Status put_letter_template(const LetterTemplateRecord& record);
  Result<std::vector<LetterTemplateRecord>> letter_templates(const std::string& municipality);
  Status remove_letter_template(const std::string& municipality, const std::string& file_name);

  // The imported KLE emneplan (`sagsflow kle import`); an import replaces the
  // last in one transaction, so readers see the old plan or the new, whole.
  Status replace_kle_plan(const KlePlan& plan, const std::string& file_name, const std::string& imported_at);
  // The subject, or nothing when the plan does not have it (or none was imported).
  Result<std::optional<KleSubject>> kle_subject(const std::string& number);
  // The publication date of the imported plan, or nothing when none was imported.
  Result<std::optional<std::string>> kle_published();

  // The installation's plugin records. record_plugin inserts or replaces (by
  // id, atomically); installed_plugins lists them by id; set_plugin_enabled and
  // forget_plugin return kNotFound when no plugin has the id; count_open_cases
  // counts the open cases of one workflow (all versions). Enabling or
  // (re)installing a plugin clears its disabled_reason and makes its pending
  // deliveries due now (the fixed plugin hears them at once);
  // disable_plugin_for disables it with Sagsflow's reason (kNotFound).
  Status record_plugin(const InstalledPlugin& plugin);  // insert or replace
  Result<std::vector<InstalledPlugin>> installed_plugins();
  Status set_plugin_enabled(const std::string& id, bool enabled);
  Status disable_plugin_for(const std::string& id, const std::string& reason);
  Status forget_plugin(const std::string& id);
  Result<long long> count_open_cases(const std::string& workflow_id);

  // Revoked bearer tokens. revoke_token stores the record and, in the same
  // transaction, purges those whose keep_until has passed (before
  // record.revoked_at); kAlreadyExists naming when and by whom when the jti
  // is revoked already (the first record stays). revoked_tokens lists those
  // still to honour at `now` (keep_until after it), by jti.
  Status revoke_token(const RevokedToken& record);
  Result<std::vector<RevokedToken>> revoked_tokens(const std::string& now);

  // Citizens' opaque token subjects. citizen_subject returns the subject of
  // (municipality, cpr), storing `new_subject` for them when they have none
  // (kAlreadyExists when `new_subject` is another citizen's). citizen_of_subject
  // is the citizen, or nothing when no citizen of `municipality` has the subject.
  Result<std::string> citizen_subject(const std::string& municipality, const Cpr& cpr, const std::string& new_subject,
                                      const std::string& created_at);
  Result<std::optional<Cpr>> citizen_of_subject(const std::string& municipality, const std::string& subject);

  // Sign-in attempts (migration 17). put_login_attempt stores one (kAlreadyExists
  // when its state_sha256 is stored already) and, in the same transaction,
  // removes the attempts expired at record.created_at. take_login_attempt
  // removes the attempt and returns it: nothing when there is none or it
  // expired before `now` (each attempt is completed once, on any node).
  Status put_login_attempt(const LoginAttempt& record);
  Result<std::optional<LoginAttempt>> take_login_attempt(const std::string& state_sha256, const std::string& now);

  // Sessions (migration 17). put_session stores a new one (kAlreadyExists for
  // an id_sha256 stored already). session() is the stored record whatever its
  // expiry (the caller judges it), or nothing. touch_session moves
  // last_seen_at and idle_expires_at of a session not ended (false when there
  // is none). end_session sets ended_at (false when there is none or it was
  // ended already). remove_expired_sessions removes up to `limit` sessions
  // ended, or expired (absolutely or idle) at `now`; how many.
  Status put_session(const SessionRecord& record);
  Result<std::optional<SessionRecord>> session(const std::string& id_sha256);
  Result<bool> touch_session(const std::string& id_sha256, const std::string& last_seen_at,
                             const std::string& idle_expires_at);
  Result<bool> end_session(const std::string& id_sha256, const std::string& now);
  Result<long long> remove_expired_sessions(const std::string& now, int limit);

  // Documents (migration 14). insert_document gives `row` a new id (unique
  // over all nodes) and stores it with, once per sha256, its content row:
  // `content` (the bytes, PostgreSQL only: stored as bytea) or nullptr (SQLite:
  // the bytes are a file the DocumentStore wrote and synced before). A content
  // row already there is kept (identical content is stored once); its size
  // must equal row.size (kInternal otherwise). kNotFound when the case does
  // not exist. The document row and content row are one unit.
  Result<long long> insert_document(const DocumentRow& row, const std::string* content);
  // The case's documents, oldest first.
  Result<std::vector<DocumentRow>> list_documents(long long case_id);
  // The document `id` of case `case_id`, or nothing (also when it is another case's).
  Result<std::optional<DocumentRow>> load_document(long long case_id, long long id);
  // The documents of an appointment (its letters' PDFs, migration 21), oldest first.
  Result<std::vector<DocumentRow>> appointment_documents(long long appointment_id);
  // The stored bytes of `sha256` (PostgreSQL); nothing when no content row
  // holds bytes for it (SQLite keeps them in files).
  Result<std::optional<std::string>> document_content(const std::string& sha256);
  // Whether a committed document row references `sha256` (the garbage
  // collector never removes such bytes).
  Result<bool> document_referenced(const std::string& sha256);

  // The letter outbox (migration 15). claim_letters gives `holder` up to
  // `limit` queued letters due at `now` that no other holder has claimed
  // (or whose claim ran out), claimed until `until`, oldest due first; on
  // PostgreSQL rows another node is claiming are skipped, not waited for.
  // save_letter stores every column a delivery attempt changes (state,
  // channel, rerouted_from, attempts, next_attempt_at, last_error,
  // incident_open, document_id, receipt, delivered_at) and lifts the claim
  // unless keep_claim.
  // list_letters: newest first; load_letter: nothing when there is none.
  Result<std::vector<LetterRow>> claim_letters(const std::string& holder, const std::string& now,
                                               const std::string& until, int limit);
  // Only `holder`'s claim on a queued letter may be settled: kConflict when
  // the claim ran out and another worker took it, or it is settled already.
  // keep_claim: the worker keeps the letter (it stored the document and goes
  // on to deliver it). renew_letter_claim extends a live claim of `holder`
  // to `until` (false when it ran out or is another's): checked just before
  // a letter is handed to its plugin.
  Status save_letter(const LetterRow& row, const std::string& holder, bool keep_claim = false);
  Result<bool> renew_letter_claim(long long id, const std::string& holder, const std::string& now,
                                  const std::string& until);
  Result<std::vector<LetterRow>> list_letters(const LetterFilter& filter);
  Result<std::optional<LetterRow>> load_letter(long long id);
  // Makes a failed or queued letter due now, for another round of attempts
  // (an admin's retry; the attempts count from 0 again); kNotFound when there
  // is none, kFailedPrecondition when it is delivered or a worker's claim on
  // it is live (a delivery may be under way).
  Status retry_letter(long long id, const std::string& now);

  // The register of exemptions from Digital Post (migration 15).
  Status put_digital_post_exemption(const DigitalPostExemption& exemption);
  Result<bool> remove_digital_post_exemption(const Cpr& cpr);  // whether there was one
  Result<std::optional<DigitalPostExemption>> digital_post_exemption(const Cpr& cpr);
  // Whether the citizen's letters go by physical post: exempt from Digital
  // Post, or from mandatory digital self-service (migrations 15 and 18).
  Result<bool> served_on_paper(const Cpr& cpr);

  // Self-service drafts and the register of exemptions from mandatory
  // digital self-service (migration 18; SelfServiceStore).
  Status put_draft(const Cpr& citizen, const std::string& municipality, const SelfServiceDraft& draft) override;
  Result<std::optional<SelfServiceDraft>> load_draft(const Cpr& citizen, const std::string& municipality,
                                                     const std::string& service) override;
  Result<bool> delete_draft(const Cpr& citizen, const std::string& municipality, const std::string& service) override;
  Status put_self_service_exemption(const SelfServiceExemption& exemption) override;
  Result<bool> remove_self_service_exemption(const Cpr& cpr) override;
  Result<std::optional<SelfServiceExemption>> self_service_exemption(const Cpr& cpr) override;

  // Appointments (migration 19; AppointmentStore). book_seat tries the free
  // seats in order with INSERT ... ON CONFLICT DO NOTHING against the partial
  // unique index, so a seat taken by a concurrent booking is skipped, never
  // doubled; kConflict when none is left.
  Result<Appointment> book_seat(const Appointment& a, int desks) override;
  Result<Appointment> load_appointment(long long id) override;
  Result<bool> cancel_appointment(long long id, const std::string& at, const std::string& by,
                                  const std::string& reason) override;
  Result<std::vector<std::pair<std::string, int>>> booked_counts(const std::string& municipality,
                                                                 const std::string& unit, const std::string& from,
                                                                 const std::string& to) override;
  Result<std::vector<Appointment>> appointments_to_remind(const std::string& from, const std::string& to) override;
  Result<std::vector<Appointment>> appointments_of(const std::string& municipality, const Cpr& citizen) override;
  Result<std::vector<Appointment>> appointments_at(const std::string& municipality, const std::string& unit,
                                                   const std::string& from, const std::string& to) override;

  // The queue of walk-in citizens (migration 20; QueueStore, queue_records.cpp).
  Result<QueueTicket> insert_ticket(const QueueTicket& ticket) override;
  Result<std::optional<QueueTicket>> call_oldest_waiting(const std::string& municipality, const std::string& day,
                                                         const std::vector<std::string>& groups,
                                                         const std::string& desk, const std::string& by,
                                                         const std::string& at) override;
  Result<QueueTicket> load_ticket(long long id) override;
  Status finish_ticket(long long id, TicketStatus to, const std::string& at,
                       std::optional<long long> inquiry_id) override;
  Result<std::vector<QueueTicket>> tickets_drawn(const std::string& municipality, const std::string& from,
                                                 const std::string& to) override;
  Result<std::vector<QueueTicket>> recently_called(const std::string& municipality, const std::string& day,
                                                   int limit) override;
  Result<std::map<std::string, long long>> waiting_by_group(const std::string& municipality,
                                                            const std::string& day) override;

  // Group commit. begin_group() opens one transaction (BEGIN IMMEDIATE on
  // SQLite) in which every outermost unit of work (each writing method,
  // atomically()) runs under a SAVEPOINT: a unit that fails is undone alone
  // and the others stand. end_group() commits them all with one sync; when
  // that fails nothing of the group is stored and the Status (kStorage) says
  // why. Groups do not nest (kInternal); a group may be empty.
  Status begin_group();
  Status end_group();
  // Rolls the open group back whole: none of its units is stored. kInternal
  // when no group is open or a unit of it is still running; kStorage.
  Status abandon_group();

  // A read lane's connection: the database refuses every write on it from
  // now on (SQLite query_only; PostgreSQL read-only transactions, set again
  // after a reconnect). kStorage.
  Status make_read_only();
  // While `sink` is set (not null), record_access and record_accesses check
  // their records and append them to `sink` instead of storing them (the id
  // returned is 0): the caller stores them on a writing connection before it
  // shows what was read. nullptr stores them again. The sink is not owned.
  void defer_access_records(std::vector<AccessRecord>* sink);

  struct Impl;

 private:
  explicit SqlStore(std::unique_ptr<Impl> impl);
  void seed_outbox_for(const std::string& plugin);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagsflow::db
