// CaseStore: what the engine needs from durable storage.
//
// Contract for implementations (the SQL store in db/ is the real one):
// - create_case and append_event are each one transaction: the case state and
//   its event are written together or not at all, and with them the case's
//   list columns: the queue they are handed (CaseQueue), and the assignee,
//   status, running deadline and municipality of the state.
// - append_event succeeds only if the stored case is at new_state.version - 1;
//   otherwise it returns kConflict and writes nothing. This is what makes two
//   concurrent actions on one case unable to both win.
// - events are append-only; load_history returns them in sequence order.
// - A database failure is kStorage naming what was being done. Reading one
//   thing that is not there is kNotFound; a list may be empty.
// - Thread-safety: implementations are not required to be thread-safe; use
//   one per thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sagsflow/cases/case_state.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow {

struct WorkflowRecord {
  std::string id;
  int version = 0;
  std::string sha256;
  std::string file_name;
  std::string source;  // the YAML as deployed
  std::string deployed_at;
};

struct DeployOutcome {
  WorkflowRecord record;
  bool created = false;  // false when identical to the latest version
};

// Where a case's current task waits, as the engine places it when it stores
// a state (CaseEngine::queue_of): kind "unit", "specialist_group" or
// "authority", and the unit id, service area or authority id. Both empty when
// no organisation places the case. Stored in the case's row, so a worklist is
// one indexed query.
struct CaseQueue {
  std::string kind;
  std::string id;
  friend bool operator==(const CaseQueue&, const CaseQueue&) = default;
};

struct CaseFilter {
  std::optional<std::string> municipality;
  std::optional<std::string> stage;
  std::optional<CaseStatus> status;
  std::optional<Cpr> citizen;  // the citizen's own cases
  int limit = 100;
  // The cases whose stored queue is this one (a unit's queue).
  std::optional<CaseQueue> queue;
  // The cases claimed by this person (the assignee of the current stage).
  std::optional<std::string> assignee;
  // Open cases whose running (not paused, not yet breached) deadline is before this day.
  std::optional<Date> due_before;
  // Keyset pagination: only cases with an id greater than this (with
  // newest_first: smaller, and 0 starts at the newest case).
  long long after = 0;
  bool newest_first = false;
  // Free text: the cases whose search text or notes hold a word beginning
  // with the Danish stem of each of these words (lower case, no stop words:
  // SearchQuery::words). The store keeps the index in the transaction of
  // every state it writes (migration 22).
  std::vector<std::string> words;
  // The cases journalised under a KLE subject that begins with this ("23.09").
  std::optional<std::string> subject_prefix;
  // The case with this case number.
  std::optional<std::string> case_number;
  // Only cases of these workflows (a service area's); empty: every workflow.
  std::vector<std::string> workflows;
  // Only cases stored without a queue (rows written before the queue was a
  // column, or by a writer that handed none): what the engine must place.
  bool unplaced = false;
};

// A queue the engine computed for a case at `version` (CaseStore::place_cases).
struct CasePlacement {
  long long id = 0;
  long long version = 0;
  CaseQueue queue;
};

// A new case as a CaseBuilder builds it: its state, its opening event, and
// where its first task waits (nothing: not placed; see CaseFilter::unplaced).
struct NewCase {
  CaseState state;
  CaseEvent event;
  std::optional<CaseQueue> queue;
};

// One read of a case's personal data (form fields, CPR number, history) or
// of an inquiry (its citizen, outcome): who read it, for which authority and
// unit, when, and why. It names a case, an inquiry, or both (an inquiry of a
// case); a list is recorded as one record per case or inquiry it showed.
struct AccessRecord {
  long long id = 0;
  std::string at;  // ISO-8601 UTC
  std::string municipality;
  long long case_id = 0;  // 0: no case (an inquiry without one)
  std::string case_number;  // empty without a case
  long long inquiry_id = 0;  // 0: not an inquiry read
  long long appointment_id = 0;  // 0: not an appointment read (migration 19)
  std::string actor;
  std::string unit;
  std::string authority;
  std::string purpose;  // "case", "history", "list", "worklist", "inquiries", "answer to act approve" ...
  std::string via;      // "api", "cli", "web"
};

struct AccessFilter {
  std::optional<std::string> municipality;
  std::optional<long long> case_id;
  std::optional<long long> inquiry_id;
  std::optional<std::string> actor;
  std::optional<std::string> from;  // instants, inclusive
  std::optional<std::string> to;    // exclusive
  int limit = 200;
};

// Where a plugin's hearing of one case's events stands (the durable queue of
// on_case_event deliveries): every event up to delivered_seq was delivered
// (or is one the plugin does not hear); after a failure the next attempt is
// due at next_attempt_at (ISO-8601 UTC; empty: now), and incident_seq is the
// event whose failure has already been recorded as an incident.
struct PluginDelivery {
  std::string plugin;
  long long case_id = 0;
  long long delivered_seq = 0;
  int attempts = 0;
  std::string next_attempt_at;
  long long incident_seq = 0;
  std::string last_error;
};

// A letter an event causes (the letter outbox, migration 15): queued in the
// unit of work that stores the event, delivered later by the letter worker.
// It belongs to a case, to an appointment (migration 21: the booking's
// confirmation, reminder, cancellation), or to both.
struct QueuedLetter {
  long long case_id = 0;                   // 0: none (an appointment's letter)
  std::optional<long long> appointment_id;  // the appointment it is about
  long long event_seq = 0;
  std::string municipality;
  std::string kind;      // letter_kind_key: receipt, decision, ...
  std::string language;  // da or en
  std::string workflow, stage, outcome;  // what the template is chosen by
  std::string idempotency_key;  // unique per letter, the same on every delivery attempt
  nlohmann::json values = nlohmann::json::object();  // field name -> text (personal data)
  std::string created_at;  // ISO-8601 UTC
};

// A note to one staff member that something on a case wants them (the
// pages show them; those with an e-mail address on the staff list also get
// an e-mail, which names only the case number). Kinds: "queue" (a case came
// to their unit's queue), "assigned" (a team leader handed them a case),
// "missing_received" (the citizen answered what a case they hold waited
// for), "deadline_near" (a case they hold, or their unit's when nobody holds
// it, nears or passed its deadline). Written in the unit of work of the
// event that causes it (migration 23).
struct Notification {
  long long id = 0;
  std::string municipality;
  std::string person;
  std::string kind;
  long long case_id = 0;
  std::string case_number;
  long long event_seq = 0;
  std::string created_at;  // ISO-8601 UTC
  std::string read_at;     // empty: unread
  std::string email;       // where the e-mail goes; empty: none is sent
  std::string mail_state;  // "none", "pending", "sent", "failed"
  int mail_attempts = 0;   // failed attempts so far
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // Builds the new case from its id and the next running number of
  // (municipality, year), and stores state, opening event and queue
  // atomically. When `build` fails its status is returned and nothing is stored.
  using CaseBuilder = std::function<Result<NewCase>(long long id, long long sequence)>;
  virtual Result<CaseState> create_case(const std::string& municipality, int year,
                                        const CaseBuilder& build) = 0;
  // Stores `new_state`, its `event` (seq == new_state.version) and `queue`
  // (nothing: the case is stored unplaced) if the stored case is at version -
  // 1: kConflict otherwise, kNotFound when there is no such case; nothing is
  // written on failure.
  virtual Status append_event(const CaseState& new_state, const CaseEvent& event,
                              const std::optional<CaseQueue>& queue) = 0;
  // The same without a queue: the case is stored unplaced.
  Status append_event(const CaseState& new_state, const CaseEvent& event) {
    return append_event(new_state, event, std::nullopt);
  }
  // Stores each placement's queue on its case if the case is still at the
  // placement's version (a case that moved on has had its queue stored with
  // its newer state), all in one unit. Returns how many stored queues changed.
  virtual Result<long long> place_cases(const std::vector<CasePlacement>& placements) = 0;

  // Runs `work` as one unit: everything this store writes while it runs
  // (cases, events, access records, inquiries) is committed together when it
  // returns Ok, and nothing of it when it returns an error or a write inside
  // it failed (then kStorage). Units nest: an inner one joins the outer.
  // The default runs `work` without a transaction, for stores that write
  // each call atomically and have nothing to group.
  virtual Status atomically(const std::function<Status()>& work) { return work(); }

  // kNotFound when no case has the id (or the number, in that municipality).
  virtual Result<CaseState> load_case(long long id) = 0;
  virtual Result<CaseState> find_case(const std::string& municipality,
                                      const std::string& case_number) = 0;
  // Every event of the case, seq 1 first; kNotFound when there are none.
  virtual Result<std::vector<CaseEvent>> load_history(long long id) = 0;
  // The cases matching every set filter field, by id (ids after
  // `filter.after`), at most max(1, limit); an empty list when none match.
  virtual Result<std::vector<CaseState>> list_cases(const CaseFilter& filter) = 0;
  // Open cases whose running (not paused, not yet breached) deadline is before
  // `day`, by id (empty when none).
  virtual Result<std::vector<long long>> cases_due_before(Date day) = 0;

  // Stores a new version (the latest + 1, from 1) unless `sha256` equals the
  // latest version's; then the latest is returned with created = false.
  virtual Result<DeployOutcome> deploy_workflow(const std::string& id, const std::string& source,
                                                const std::string& sha256,
                                                const std::string& file_name,
                                                const std::string& deployed_at) = 0;
  // The given version, or the latest when `version` is empty; kNotFound when
  // the workflow is not deployed or has no such version.
  virtual Result<WorkflowRecord> load_workflow(const std::string& id, std::optional<int> version) = 0;
  // Every version of every workflow, ordered by id and version, without the
  // source text (load_workflow has it).
  virtual Result<std::vector<WorkflowRecord>> list_workflows() = 0;

  // Inserts the municipality or renames it.
  virtual Status upsert_municipality(const std::string& code, const std::string& name) = 0;
  // kNotFound when the municipality is not set up.
  virtual Result<std::string> municipality_name(const std::string& code) = 0;
  // (code, name) pairs ordered by code.
  virtual Result<std::vector<std::pair<std::string, std::string>>> list_municipalities() = 0;

  // The access log: append-only, newest first when listed (at most
  // max(1, limit)). record_access returns the new record's id.
  virtual Result<long long> record_access(const AccessRecord& record) = 0;
  // Several records as one unit, all or none (the cases or inquiries one
  // list showed). The default writes them one by one inside atomically();
  // the SQL store writes them with one statement.
  virtual Status record_accesses(const std::vector<AccessRecord>& records) {
    return atomically([&]() -> Status {
      for (const auto& r : records) {
        if (auto id = record_access(r); !id.ok()) return id.status();
      }
      return Status::Ok();
    });
  }
  virtual Result<std::vector<AccessRecord>> list_access(const AccessFilter& filter) = 0;

  // The plugin's delivery cursor on the case; delivered_seq 0 and nothing
  // else set when none is stored (a case opened since: every event pending).
  virtual Result<PluginDelivery> plugin_delivery(const std::string& plugin, long long case_id) = 0;
  // Inserts or replaces the cursor of (plugin, case_id).
  virtual Status save_plugin_delivery(const PluginDelivery& delivery) = 0;
  // The cursors (stored or not yet) of the cases of `workflow_id` that have
  // events after them and whose next attempt is due at `now` (ISO-8601 UTC),
  // by case id, at most max(1, limit).
  virtual Result<std::vector<PluginDelivery>> pending_plugin_deliveries(const std::string& plugin,
                                                                        const std::string& workflow_id,
                                                                        const std::string& now, int limit) = 0;

  // The plugins' outbox: every stored event leaves its case's row, with the
  // case's latest seq, in the event's transaction; pending events are found
  // there, never by reading every case. Rows are claimed so that one
  // deliverer (of several server nodes) works on a case at a time.
  // claim_plugin_outbox claims for `holder` until `until` up to max(1, limit)
  // rows of `workflow_id` that are unclaimed, claimed by `holder`, or whose
  // claim ran out before `now` (instants ISO-8601 UTC; PostgreSQL skips rows
  // another node is claiming at that moment), and returns their case ids in
  // order.
  virtual Result<std::vector<long long>> claim_plugin_outbox(const std::string& workflow_id, const std::string& holder,
                                                             const std::string& now, const std::string& until,
                                                             int limit) = 0;
  // For each of `cases`: removes its row when `plugin`'s cursor has reached
  // the row's seq (an event stored since keeps it), else lifts `holder`'s
  // claim on it. One transaction.
  virtual Status settle_plugin_outbox(const std::string& plugin, const std::vector<long long>& cases,
                                      const std::string& holder) = 0;
  // Removes the rows of the cases of `workflow_id` (no plugin hears its events).
  virtual Status drop_plugin_outbox(const std::string& workflow_id) = 0;

  // Queues letters in the unit of work of their event (call inside
  // atomically() with append_event). A letter whose idempotency key is queued
  // already is left as it is (so a replayed unit queues nothing twice).
  virtual Status enqueue_letters(const std::vector<QueuedLetter>& letters) = 0;
  // Stores `notifications` (ids are assigned), in the caller's unit of work
  // when inside atomically(); nothing for an empty list.
  virtual Status add_notifications(const std::vector<Notification>& notifications) = 0;
};

}  // namespace sagsflow
