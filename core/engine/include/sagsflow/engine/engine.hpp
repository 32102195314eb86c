// CaseEngine: runs cases through their workflow definitions, and is the one
// place that decides what a person may do to a case and what is recorded.
//
// Every action is checked against the case's workflow version (the stage's
// actions, roles, required fields and attachments, complaint deadline) and
// the organisation (who may see, perform, decide), turned into one event that
// carries its full effect, and stored with the new state in one transaction.
// Refusals come back as Status values whose message names what is wrong:
//   kNotFound         no case (or workflow) with that id
//   kInvalidArgument  a malformed request (fields not an object, no such action ...)
//   kForbidden        the organisation's rules refuse this person (the message names the rule)
//   kGuardFailed      the stage's requirements are not met (missing fields, attachments, reasons)
//   kFailedPrecondition the case is closed, or not in a stage that allows this
//   kConflict         the case moved on (expected_version, or another writer won the store's check)
//   kPluginFailed     the workflow's plugin failed; an incident is recorded on the case
//   kStorage          the database failed; nothing of the operation was written
// Signals fire after a successful commit; a change a receiver (a plugin's
// on_case_event) makes in turn is stored as its own event, and the state an
// operation returns is the case as stored after all of them.
//
// Reads of personal data are recorded in the access log (who, when, which
// case, why) by the engine itself: view_case() and history_for() for reads,
// change_and_view() for the answer to a change, in the same transaction as
// the change's event; list_cases_for() and worklist() record one row per case
// they return, in one transaction, before returning it (FrontDesk::inquiries
// does the same through record_reads()). The CLI, the API and the web pages
// go through these, so they write the same records.
//
// Thread-safety: an engine may be shared by threads only if its CaseStore
// may; the SQL store is one connection, so give each thread its own engine
// over its own store (the workflow cache is internally synchronised).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/complaint_deadline.hpp"
#include "sagsflow/cases/case_store.hpp"
#include "sagsflow/domain/domain.hpp"
#include "sagsflow/engine/events.hpp"
#include "sagsflow/organisation/organisation.hpp"
#include "sagsflow/search/case_search.hpp"
#include "sagsflow/engine/plugin_calls.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/config/workflow.hpp"

namespace sagsflow {

struct EngineOptions {
  DanishCalendar calendar;
  Clock clock = system_clock();
  PluginCalls* plugins = nullptr;  // not owned; needed by workflows that name a plugin
  // Not owned. When set, every action is checked against the municipalities'
  // organisation (who may see, perform, decide; agreements; layers), and the
  // municipality's own workflow for an area replaces the shared one.
  const Organisation* organisation = nullptr;
  // check_deadlines() warns this many working days before a running deadline.
  int warn_working_days_before = 2;
  // When true the engine keeps, for its lifetime, which version of each
  // workflow is the latest and which municipalities are set up, instead of
  // reading them for every case it opens. Only for an engine that is replaced
  // when the configuration changes (the server's lanes reopen their
  // installations on a new SqlStore::config_generation); a workflow deployed
  // by this engine is taken up at once either way.
  bool cache_configuration = false;
  // A party hearing without a reply date asks for a reply within this many
  // calendar days (rolled to a working day).
  int hearing_reply_days = 14;
  // Events that send the citizen a letter (letter_orders.hpp) queue it in the
  // letter outbox, in the unit of work that stores the event. Off only for
  // what-ifs that must not write to citizens (simulations).
  bool letters = true;
  // A request for missing items asks for them within this many calendar
  // days (rolled to a working day); the letter states the date.
  int missing_reply_days = 14;
  // A processing deadline that will be missed: the delay letter expects a
  // decision this many working days after the deadline.
  int delay_working_days = 10;
};

// The form values an OpenCaseRequest or ActionRequest brings are refused
// (kInvalidArgument, naming the field and the limit, before anything is
// stored or copied) when a field's value nests deeper than kFieldDepthLimit
// levels (a scalar is 0, {"a":1} is 1), when all of them hold more than
// kFieldBytesLimit bytes, or when a field's name is empty or longer than
// kFieldNameBytesLimit bytes. The CLI and the API meet the same rule.
inline constexpr int kFieldDepthLimit = 16;
inline constexpr std::size_t kFieldBytesLimit = 256 * 1024;
inline constexpr std::size_t kFieldNameBytesLimit = 200;

struct OpenCaseRequest {
  std::string municipality;
  std::string workflow_id;
  std::optional<int> workflow_version;  // latest when empty
  std::optional<std::string> citizen_cpr;
  std::string title;
  nlohmann::json fields = nlohmann::json::object();  // null counts as no fields
  std::optional<std::string> facet;  // the workflow's when empty
  Actor actor;
  std::optional<std::string> subject;  // the workflow's when empty (e.g. an access request takes its case's)
  // The day the inquiry was received, when it is registered later (a letter
  // opened days after it came). Not after today; empty: today. Deadlines the
  // law counts from receipt (`from: receipt`) start on it.
  std::optional<Date> received_on;
  // The citizen opens the case themself (digital self-service): the
  // organisation's staff rules (may_open) do not apply; SelfService checks
  // first that the municipality offers the service as a form. The actor is
  // citizen_actor().
  bool by_citizen = false;
  // How the case came in, recorded with the opening (event data "intake"):
  // {channel, by, consent, ...}; null: nothing recorded.
  nlohmann::json intake;
};

// Who the citizen is in their case's history: events the citizen causes
// name "borgeren" (never the CPR number), with no unit and no authority.
inline constexpr const char* kCitizenActorId = "borgeren";
Actor citizen_actor();

// What the citizen may do with their own case now (CaseEngine::citizen_may):
// the same rules the operations below check.
struct CitizenMay {
  bool upload = false;         // the case is open
  bool hearing_reply = false;  // a party hearing is open
  bool complain = false;       // a decision can be complained about and no complaint is filed since
  bool complaint_late = false; // complain, but the complaint deadline has passed (the authority decides)
  bool withdraw = false;       // open and not decided
  bool missing_answered = false;  // the citizen is asked for missing items
};

// A complaint the citizen filed (CaseEngine::citizen_complaint).
struct ComplaintFiled {
  CaseState state;
  bool late = false;             // after the complaint deadline: recorded for the authority, stage unchanged
  std::optional<Date> deadline;  // the complaint deadline it was measured against
};

struct ActionRequest {
  long long case_id = 0;
  std::string action;
  Actor actor;
  nlohmann::json fields = nlohmann::json::object();  // null counts as no fields
  std::vector<Attachment> attachments;  // added_at is set by the engine
  std::optional<long long> expected_version;  // refuse if the case moved on
  std::string note;
  bool accept_late_complaint = false;  // the authority chose to hear a late complaint
  // Why the authority hears a complaint that came after the deadline:
  // required (not blank) when accept_late_complaint is needed.
  std::string late_reason;
  // How a decision this action makes reaches the citizen, as known now;
  // empty: the case's field `delivery_channel`, else Digital Post.
  std::optional<DeliveryChannel> delivery_channel;
  // A request for missing items (an action that pauses a check's clock) may
  // ask for more than the stage's requirements: these form fields and
  // attachment kinds of the workflow's plugin (e.g. a `lease`), each one the
  // form declares (kInvalidArgument naming one it does not).
  std::vector<std::string> ask_fields, ask_attachments;
};

// A published processing deadline (retssikkerhedsloven §3): one stage with
// a deadline of one service area's workflow in one municipality.
struct ProcessingDeadline {
  std::string municipality;
  std::string municipality_name;
  std::string service_area;
  std::string workflow_id;
  std::string workflow_title;
  std::string stage;
  std::string stage_title;
  DeadlineSpec deadline;
};

// Why personal data of a case is read; stored in the access log with the reader.
// Front ends use the purposes below, so the same read is logged the same way
// from the CLI and the API; only `via` tells them apart.
struct ReadPurpose {
  std::string purpose;  // kReadCase, kReadHistory, "answer to act approve" ...
  std::string via;      // "api", "cli", "web"
  // The purpose of the answer to a change: "answer to <operation>".
  static ReadPurpose answer_to(const std::string& operation, std::string via) {
    return {"answer to " + operation, std::move(via)};
  }
};
inline constexpr const char* kReadCase = "case";
inline constexpr const char* kReadHistory = "history";
inline constexpr const char* kReadAttachments = "attachments";
inline constexpr const char* kReadDocument = "document";  // a download of one document of the case
// Lists: one record per case (or inquiry) the list showed, all written in
// one unit of the store before the list is returned.
inline constexpr const char* kReadCaseList = "list";         // a list of cases (GET /api/v1/cases, case list)
inline constexpr const char* kReadWorklist = "worklist";     // a unit's queue or a person's claimed cases
inline constexpr const char* kReadInquiries = "inquiries";   // the inquiry register (GET /api/v1/inquiries, inquiry list)

// What a list showed of one record: a case, an inquiry, or an inquiry of a
// case (then both ids). An empty case_number is filled in from the store.
struct ReadSubject {
  std::string municipality;
  long long case_id = 0;     // 0: no case
  std::string case_number;
  long long inquiry_id = 0;  // 0: no inquiry
  long long appointment_id = 0;  // 0: no appointment
};

// A case as one person sees it: its state, and what they may do with it now.
// Whether `action` of `stage` asks the citizen for missing items: a check
// stage's action that pauses the clock. Only such an action takes
// ActionRequest::ask_fields and ask_attachments.
bool asks_citizen_for_missing(const StageDefinition& stage, const ActionDefinition& action);

struct CaseView {
  CaseState state;                        // as stored after everything the operation caused
  std::vector<ActionDefinition> actions;  // the actions of its stage this person may take
  std::vector<std::string> asking_actions;  // of those, the ones that ask the citizen for missing items
  Queue queue;                            // where its current task waits (empty without an organisation)
  bool may_claim = false;    // open, this person may act in its stage, and nobody holds it
  bool may_release = false;  // someone holds it, and it is this person or they are a team leader
};

// Who may take a case off their colleagues' hands (reassign, release theirs).
inline constexpr const char* kTeamLeaderRole = "teamleader";

// A worklist: the open cases waiting in a unit's queue, or assigned to a person.
// Filters a worklist or a list of cases may narrow to (all optional).
struct CaseListFilters {
  std::optional<std::string> stage;         // in this stage
  std::optional<std::string> service_area;  // of a workflow of this service area
  std::optional<Date> due_before;           // the running deadline falls before this day
  bool newest_first = false;                // newest first (default: oldest first)
};

struct WorklistQuery {
  std::string municipality;
  std::optional<std::string> unit;    // the unit's queue
  std::optional<std::string> person;  // claimed by this person
  int limit = 500;                    // cases on the page, at least 1
  long long after = 0;                // keyset cursor: the previous page's next_after
  bool count = false;                 // also count the whole list (every case of it this person may see)
  CaseListFilters filters;
};

// A search from the staff search box (sagsflow/search/case_search.hpp says
// what a query means). One page, newest first.
struct CaseSearch {
  std::string municipality;
  std::string text;     // the search box's text
  // Why the person searches. Required for a CPR number: finding a person's
  // cases by their identity is a read of personal data for a stated reason
  // (recorded as "search by CPR number: <purpose>").
  std::string purpose;
  int limit = 50;
  long long after = 0;  // the previous page's next_after
  bool count = false;
  CaseListFilters filters;
};
inline constexpr std::size_t kMaxSearchPurposeBytes = 200;
// The purposes the search records: kReadSearch for text, case numbers and
// KLE subjects; kReadSearchByCpr + ": " + the stated purpose for a CPR number.
inline constexpr const char* kReadSearch = "search";
inline constexpr const char* kReadSearchByCpr = "search by CPR number";
struct WorklistItem {
  CaseState state;
  Queue queue;
};

// One page of a list, by id (oldest first). A page holds at most `limit`
// cases; when visibility leaves some out, further rows are read (at most
// kListPageReads reads of the store) to fill it. `cut` says more cases may
// follow: ask again with after = next_after (they may turn out to be none
// this person may see). `total`, when asked for, counts every case of the
// list, from its start, that this person may see; it reads the list, at most
// kListCountLimit cases of it: beyond that `total` is a lower bound and
// `total_capped` is set. A page of `limit` cases takes at most
// kListPageReads + limit / 2000 reads.
inline constexpr int kListPageReads = 8;
inline constexpr long long kListCountLimit = 100000;
struct WorklistPage {
  std::vector<WorklistItem> items;
  bool cut = false;
  std::optional<long long> next_after;  // set when cut: the last id this page looked at
  std::optional<long long> total;
  bool total_capped = false;
};
struct CasePage {
  std::vector<CaseState> cases;
  bool cut = false;
  std::optional<long long> next_after;
  std::optional<long long> total;
  bool total_capped = false;
};
// What search_cases found, and what it took the query for.
struct CaseSearchPage {
  SearchKind kind = SearchKind::kText;
  CasePage page;
};

class CaseEngine {
 public:
  explicit CaseEngine(CaseStore& store, EngineOptions options = {});

  // Validates and stores a new version (or reports the unchanged latest one).
  Result<DeployOutcome> deploy_workflow(std::string_view yaml, std::string_view file_name);
  Result<std::shared_ptr<const WorkflowDefinition>> workflow(const std::string& id,
                                                             std::optional<int> version);

  Result<CaseState> open_case(const OpenCaseRequest& request);
  Result<CaseState> act(const ActionRequest& request);
  // The stored case, unchecked and unlogged: for Sagsflow's own work (plugin
  // host, deadline checks), never for showing a person.
  Result<CaseState> get_case(long long id) { return store_.load_case(id); }
  // The case as `actor` sees it, if they may see it: one load, the
  // organisation's check, one access-log record, and their actions and queue.
  // kNotFound, kForbidden (nothing about the case is told), kStorage.
  Result<CaseView> view_case(long long id, const Actor& actor, const ReadPurpose& why);
  // Runs `change` (a call of this engine's on one case: act, claim, note ...)
  // and answers with the case as `actor` sees it afterwards. The answer shows
  // personal data, so it is a read: recorded with `why` in the same
  // transaction as the change's event (or on its own when the change stored
  // nothing). Returns the change's error unchanged; kForbidden when the
  // change leaves a case `actor` may no longer see (the change is kept).
  Result<CaseView> change_and_view(const Actor& actor, const ReadPurpose& why,
                                   const std::function<Result<CaseState>()>& change);
  // Runs `work` as one unit of the store (everything written commits together
  // or not at all); the engine's signals are held until the unit commits and
  // dropped if it does not. Returns `work`'s error, or kStorage.
  Status atomically(const std::function<Status()>& work);
  // The case if `actor` may see it (and its personal data) under the
  // organisation rules; the read is written to the access log (who, when,
  // which case, why) before the case is returned.
  Result<CaseState> get_case_for(long long id, const Actor& actor, const ReadPurpose& why);
  // The case's history for `actor`, on the same terms as get_case_for.
  Result<std::vector<CaseEvent>> history_for(long long id, const Actor& actor, const ReadPurpose& why);
  // The citizen's own cases (no access-log entry: it is their own data).
  Result<std::vector<CaseState>> cases_of_citizen(const Cpr& citizen);
  // Case `id` if it is `citizen`'s own; kNotFound with the same message
  // whether it does not exist or is someone else's (no access-log entry).
  Result<CaseState> citizen_case(long long id, const Cpr& citizen);
  // Who read the case's personal data, newest first.
  Result<std::vector<AccessRecord>> access_log(const AccessFilter& filter) { return store_.list_access(filter); }

  // Worklists. A claim holds while the case stays in its stage: when the case
  // moves on, it returns to the queue of its new stage. The cases returned
  // (and only those) are recorded in the access log with `why`, as
  // list_cases_for does. kInvalidArgument (neither or both of unit and
  // person), kForbidden (another person's list, not a team leader), kStorage.
  // The list is one indexed query on the queue and assignee columns the
  // engine stores with every state (CaseStore, CaseQueue); cases stored
  // unplaced are not on it until place_open_cases() places them.
  // worklist_page() answers one page with whether it was cut; worklist()
  // is its items.
  Result<WorklistPage> worklist_page(const WorklistQuery& query, const Actor& actor, const ReadPurpose& why);
  Result<std::vector<WorklistItem>> worklist(const WorklistQuery& query, const Actor& actor,
                                             const ReadPurpose& why);
  // The staff search box: parses `search.text` (kInvalidArgument saying
  // what is wrong with it), finds the matching cases of the municipality
  // that `actor` may see, newest first, and records each case shown in the
  // access log (all in one unit, before they are returned), with the search's
  // purpose. kInvalidArgument when a CPR number is searched without a
  // purpose (or one longer than kMaxSearchPurposeBytes); kForbidden when the
  // organisation cannot place `actor`; kStorage.
  Result<CaseSearchPage> search_cases(const CaseSearch& search, const Actor& actor, const std::string& via);
  // The id of the municipality's case with this case number (no read of
  // its personal data); kNotFound naming the number.
  Result<long long> case_id_by_number(const std::string& municipality, const std::string& number);
  // The workflows (ids) of a service area, of every deployed version;
  // kNotFound naming the area when no workflow serves it.
  Result<std::vector<std::string>> workflows_of_area(const std::string& area);
  // Narrows `filter` by `filters` (the service area becomes its workflows).
  Status apply_filters(const CaseListFilters& filters, CaseFilter& filter);

  // Takes the case: only someone who may take an action in its current stage,
  // and not while a colleague holds it (kConflict names them).
  Result<CaseState> claim(long long id, const Actor& actor);
  // Gives the case back to its queue: the person holding it, or a team leader.
  Result<CaseState> release(long long id, const Actor& actor);
  // A team leader hands the case to `to`, who must be able to act on it.
  Result<CaseState> reassign(long long id, const Actor& actor, const Actor& to);
  // The cases matching `filter` that `actor` may see, each recorded in the
  // access log with `why` (one record per case returned, all in one unit of
  // the store; a list that cannot be recorded is not returned: kStorage).
  // kForbidden when the organisation cannot place `actor`; kInvalidArgument
  // when `why` has no purpose.
  // list_cases_page() is one page of it (filter.after, filter.limit) with
  // whether it was cut and, when `count`, the total; list_cases_for() is its cases.
  Result<CasePage> list_cases_page(const CaseFilter& filter, const Actor& actor, const ReadPurpose& why,
                                   bool count = false);
  Result<std::vector<CaseState>> list_cases_for(const CaseFilter& filter, const Actor& actor,
                                                const ReadPurpose& why);
  // Stores the queue queue_of() gives now on open cases (CaseStore::place_cases),
  // one unit of the store per `batch` cases: when `all`, every open case of
  // `municipality` (of every municipality when it is empty), after the
  // organisation changed (`sagsflow init`); otherwise only the open cases
  // stored unplaced (rows from before the queue was a column). A case whose
  // workflow cannot be read is left as it is (logged). Returns how many
  // stored queues changed; kStorage.
  Result<long long> place_open_cases(const std::string& municipality, bool all, int batch = 500);
  // Records that `actor` was shown `shown` (one access record each, all in
  // one unit of the store: all or none). For lists the engine does not build
  // itself (the front desk's inquiries). kInvalidArgument when `why` has no
  // purpose or a subject names neither a case nor an inquiry; kNotFound when
  // a subject's case does not exist; kStorage.
  Status record_reads(const std::vector<ReadSubject>& shown, const Actor& actor, const ReadPurpose& why);
  // Where the case's current task waits (unit, specialist group, or another
  // authority to forward to); empty without an organisation.
  Result<Queue> queue_of(const CaseState& state);
  // The service area the case belongs to (its workflow's).
  Result<std::string> area_of(const CaseState& state);
  Result<std::vector<CaseEvent>> history(long long id) { return store_.load_history(id); }
  // The actions of the case's current stage that `actor` holds a role for
  // and the organisation lets them take; none on a closed case. kForbidden
  // when they may not see the case.
  Result<std::vector<ActionDefinition>> available_actions(long long id, const Actor& actor);
  Result<std::vector<ActionDefinition>> available_actions(const CaseState& state, const Actor& actor);
  // Asks the workflow's plugin for a decision proposal on a case in a
  // decision stage and records it (event decision_proposed). A failing plugin
  // leaves an incident on the case and returns kPluginFailed.
  Result<CaseState> propose_decision(long long id, const Actor& actor);
  // Hands the case to the area's specialist group (event "escalated"): from
  // then on only specialist and expert staff of the area work on it.
  Result<CaseState> escalate(long long id, const Actor& actor, const std::string& reason);
  // A municipality acting under an agreement drafts the decision; the case
  // stays in its decision stage for the owning municipality to decide.
  Result<CaseState> draft_decision(long long id, const Actor& actor, const std::string& outcome,
                                   const std::string& reasons);
  // Records a letter to the citizen; it always names the acting authority.
  Result<CaseState> send_letter(long long id, const Actor& actor, const std::string& subject,
                                const std::string& body);
  // Records that a plugin failed on the case (an incident event) and returns
  // the kPluginFailed status that describes it.
  Status report_incident(long long id, const Actor& actor, const std::string& plugin, const std::string& operation,
                         const std::string& action, const Status& failure);
  // A note on the case; the stage does not change.
  Result<CaseState> add_note(long long id, const Actor& actor, const std::string& text);
  // Whether `actor` may add a document to the case: they may see it, it is
  // open, and they hold an action in its current stage (kForbidden,
  // kFailedPrecondition naming which).
  Status may_add_document(const CaseState& state, const Actor& actor);
  // Records that a document was added to the case (event "document_added",
  // the stage does not change), on the terms of may_add_document. `document`
  // is its metadata {id, kind, name, media_type, size, sha256} (the
  // DocumentStore's row, stored in the same unit by the caller). When
  // `satisfies` is not empty the document is received as the attachment of
  // that name (CaseState::attachments), so a stage that requires it is met.
  Result<CaseState> add_document(long long id, const Actor& actor, const nlohmann::json& document,
                                 const std::string& satisfies);
  // A note a plugin writes on a case of its own workflow (the plugin host
  // checks that); the organisation's person rules do not apply to it.
  Result<CaseState> add_plugin_note(long long id, const std::string& plugin, const std::string& text);
  // An event a plugin records on a case ("plugin_event"); the stage does not change.
  Result<CaseState> add_plugin_event(long long id, const std::string& plugin, const std::string& kind,
                                     const nlohmann::json& data);
  // Records a deadline_passed event on every open case whose running deadline
  // is past today, and a deadline_near event (once) on those due within
  // warn_working_days_before working days; returns how many were recorded.
  Result<int> check_deadlines();
  // Registers a request for access to the file of case `case_id`
  // (aktindsigt, Offentlighedsloven §36): a case of workflow "access_request"
  // under the same KLE subject with facet A53, decided within 7 working days.
  // `received_on`: the day the request was received when it is registered
  // later; the 7 working days count from it (docs/legal.md#deadlines-counted-from-receipt).
  Result<CaseState> open_access_request(long long case_id, const Actor& actor, const std::string& requester,
                                        const std::string& note, std::optional<Date> received_on = std::nullopt);

  // The calendar of `municipality`: the engine's, with the closing days its
  // municipality file declares added.
  DanishCalendar calendar_for(const std::string& municipality) const;
  // Days from posting to receipt of a physical letter in `municipality`
  // (its municipality file's table, else default_post_delivery_days()).
  PostDeliveryDays post_days_for(const std::string& municipality) const;
  // The appeals body complaints about the case's decisions go to: the
  // municipality's setting for the area, else the workflow's; empty when
  // neither names one.
  Result<std::string> appeals_body_of(const CaseState& state);
  // The complaint deadline of the case's latest decision if it is sent on
  // `sent` through `channel` (for delivery, which knows when and how it went).
  // kFailedPrecondition when the case has no decision or its workflow no
  // complaint deadline.
  Result<ComplaintDeadline> complaint_deadline_for(const CaseState& state, Date sent, DeliveryChannel channel);
  // Delivery records when and how the decision went out: the complaint
  // deadline is computed again from that (event "decision_sent"). Sagsflow's
  // own work: no person rules apply. kFailedPrecondition as above, and when
  // `sent` is before the decision.
  Result<CaseState> record_decision_sent(long long id, const Actor& actor, Date sent, DeliveryChannel channel);
  // Party hearing (partshøring, FVL §19) in any stage of an open case: records
  // the facts the citizen is heard on and the reply date (event
  // "hearing_started"; `reply_by` after today, empty: hearing_reply_days),
  // and pauses the running deadline clock. kInvalidArgument for blank facts
  // or a reply date not after today; kFailedPrecondition when a hearing is
  // already open or the case is closed; kForbidden as for any action.
  Result<CaseState> start_hearing(long long id, const Actor& actor, const std::string& facts,
                                  std::optional<Date> reply_by);
  // The citizen's reply came (event "hearing_ended", by "reply"): the clock
  // the hearing paused runs again. kFailedPrecondition without an open hearing.
  // What became of a letter to the citizen, as an event on the case by the
  // system: `action` is "letter_sent" (delivered; `letter` holds its id,
  // kind, channel, document and the receiver's receipt) or "letter_failed"
  // (no channel would take it; `letter` says why). kInvalidArgument for
  // another action; the store's errors.
  Result<CaseState> record_letter(long long id, const std::string& action, const nlohmann::json& letter);
  Result<CaseState> record_hearing_reply(long long id, const Actor& actor, const std::string& reply);

  // The citizen's own operations on their case (self-service). Each loads
  // the case as citizen_case() does (kNotFound, the same message whether it
  // does not exist or is someone else's), records one event by
  // citizen_actor() and returns the case as stored. Rules in citizen_actions.cpp.
  //
  // What the citizen may do now (see CitizenMay); kStorage, kNotFound for a workflow that is gone.
  Result<CitizenMay> citizen_may(const CaseState& state);
  // A document the citizen added (event "document_added"; `kind` is the
  // attachment it is received as, "other" for none; the caller checked the
  // kind, media type and size and stored the bytes in the same unit). When
  // the case waits for missing items and every attachment asked for has now
  // come (and no field was asked for), the items are received
  // (missing_received) and the paused clock runs again.
  // kFailedPrecondition for a closed case.
  Result<CaseState> citizen_document_added(long long id, const Cpr& citizen, const nlohmann::json& document,
                                           const std::string& kind);
  // The citizen says they have sent what they were asked for ("that is
  // all"): the missing items are received and the clock runs again (event
  // "missing_answered"). kFailedPrecondition when nothing is asked for.
  Result<CaseState> citizen_missing_answered(long long id, const Cpr& citizen);
  // The citizen's comment in an open party hearing (FVL §19): as
  // record_hearing_reply. kInvalidArgument for blank text or more than 64 KiB.
  Result<CaseState> citizen_hearing_reply(long long id, const Cpr& citizen, const std::string& text);
  // The citizen complains about the case's latest decision. Within the
  // complaint deadline the complaint is filed into the workflow's complaint
  // stage (the stage's action with `complaint: true`, taken by the citizen);
  // after it, it is recorded for the authority marked late (event
  // "complaint_received", the stage unchanged): the authority decides whether
  // to hear it (act with accept_late_complaint). kFailedPrecondition without
  // a decision, when a complaint is already filed, or when the case is in no
  // stage that takes a complaint in time; kInvalidArgument for blank text.
  Result<ComplaintFiled> citizen_complaint(long long id, const Cpr& citizen, const std::string& text);
  // The citizen withdraws the application: the case closes as withdrawn
  // (event "withdrawn", its clock stopped). kFailedPrecondition after a
  // decision or on a closed case; kInvalidArgument for a reason over 2000 bytes.
  Result<CaseState> citizen_withdraw(long long id, const Cpr& citizen, const std::string& reason);
  // Records that the citizen read their own case (actor and authority
  // "citizen", like their document downloads). kStorage.
  Status record_citizen_read(const CaseState& state, const std::string& purpose, const std::string& via);
  // The published processing deadlines of every municipality the store knows
  // (or only `municipality`), per service area, from the workflows deployed
  // (the latest version each municipality uses). No personal data.
  Result<std::vector<ProcessingDeadline>> processing_deadlines(const std::string& municipality = {});

  EventBus& events() { return events_; }
  // The store the engine works on, for the plugin host's delivery queue of
  // committed events (CaseStore::plugin_delivery ...).
  CaseStore& store() { return store_; }
  const DanishCalendar& calendar() const { return options_.calendar; }
  const EngineOptions& options() const { return options_; }
  Date today() const { return copenhagen_date(options_.clock()); }
  Timestamp now() const { return options_.clock(); }

 private:
  // Stores `event` on `current` and fires its signal. When the running
  // operation answers with the case (change_and_view) and `answers`, the
  // answer's access record is written in the same transaction. Returns the
  // case as stored after the signal's receivers wrote theirs.
  Result<CaseState> commit(const CaseState& current, CaseEvent event, bool answers = true);
  // The letters `event` causes (none when options_.letters is off).
  std::vector<QueuedLetter> letters_for(const CaseState& before, const CaseEvent& event, const CaseState& after);
  // True when the running operation answers with the case (change_and_view),
  // has not yet recorded that read, and its reader may see `state`.
  bool answer_wanted(const CaseState& state);
  // Writes that read (call inside the unit that stores `state`).
  Status record_answer(const CaseState& state);
  // The view of `state` for `actor` (no load, no record).
  Result<CaseView> view_of(CaseState state, const Actor& actor);
  // The steps of act(), each one rule.
  struct ActionPlan;
  Result<ActionPlan> plan_action(const CaseState& state, const ActionRequest& req);
  Status check_may_take(const ActionPlan& plan, const CaseState& state, const Actor& actor);
  Status check_requirements(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                            const nlohmann::json& fields);
  Status check_complaint_window(const ActionPlan& plan, const CaseState& state, const ActionRequest& req, Date today);
  Status check_hearing_held(const ActionPlan& plan, const CaseState& state, const nlohmann::json& fields);
  Result<nlohmann::json> extension_of(const ActionPlan& plan, const CaseState& state, const nlohmann::json& fields,
                                      Date today) const;
  Result<nlohmann::json> journal_of(const ActionPlan& plan, const CaseState& state, Date today);
  Result<nlohmann::json> late_complaint_of(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                           Date today) const;
  // The day the case's inquiry was received.
  Date receipt_date(const CaseState& state) const;
  // Ends an open hearing (`by` "reply" or "deadline").
  Result<CaseState> end_hearing(const CaseState& state, const Actor& actor, const std::string& by,
                                const std::string& reply, Date today);
  Status check_form_with_plugin(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                const nlohmann::json& fields);
  nlohmann::json missing_request(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                 const nlohmann::json& fields, Date today) const;
  nlohmann::json clock_operations(const ActionPlan& plan, const CaseState& state, Date today) const;
  Result<nlohmann::json> decision_of(const ActionPlan& plan, const CaseState& state, const ActionRequest& req,
                                     const nlohmann::json& fields, Date today);
  std::string appeals_body_for(const WorkflowDefinition& wf, const std::string& municipality) const;
  CaseEvent next_event(const CaseState& current, const Actor& actor, std::string action, std::string to_stage) const;
  // Stores an incident event and returns the kPluginFailed status to report.
  Status record_incident(const CaseState& current, const Actor& actor, const std::string& plugin,
                         const std::string& operation, const std::string& action, const Status& failure);
  // The organisation's check of seeing `state`; ok without an organisation.
  Status check_may_see(const Actor& actor, const CaseState& state);
  // Writes one access-log record for a read of `state` by `actor`.
  Status record_read(const CaseState& state, const Actor& actor, const ReadPurpose& why);
  // One page of the cases matching `filter` that `actor` may see (no
  // record: callers record what they show); see CasePage.
  Result<CasePage> visible_page(CaseFilter filter, const Actor& actor, bool count);
  // The notifications `event` causes (Notification in the case store): who
  // is told, by the rules of core/engine/notifications.cpp.
  std::vector<Notification> notifications_for(const CaseEvent& event, const CaseState& after,
                                              const std::optional<CaseQueue>& queue) const;
  // The queue to store with `state`; nothing (stored unplaced) when its workflow cannot be read.
  std::optional<CaseQueue> placement_of(const CaseState& state);
  // Records each of `cases` as read by `actor`, in one unit.
  Status record_list_read(const std::vector<const CaseState*>& cases, const Actor& actor, const ReadPurpose& why);
  // When an action the case's stage lacks (or a closed case) is explained by
  // the change that moved the case on from a stage that had it: the
  // kConflict to answer with (re-read and retry); Ok otherwise.
  Status moved_on_conflict(const CaseState& state, const ActionRequest& req, const WorkflowDefinition& wf);
  // Refuses a closed case or one `actor` holds no action on in its stage.
  Status check_may_work_on(const CaseState& state, const Actor& actor, const char* what);
  // The ops that resume a clock the citizen's missing items paused (none when no clock is paused, or a hearing holds it).
  nlohmann::json resume_for_citizen(const CaseState& state, Date today) const;
  Status check_asked_items(const ActionPlan& plan, const ActionRequest& req) const;
  Result<std::vector<std::string>> plugin_form_problems(const WorkflowDefinition& wf, const CaseState& state,
                                                        const nlohmann::json& fields);
  template <typename... Args, typename Signal>
  void emit(Signal& signal, const Args&... args);
  template <typename... Args, typename Signal>
  void emit_now(Signal& signal, const Args&... args);

  CaseStore& store_;
  EngineOptions options_;
  EventBus events_;
  // A workflow definition and the stored version it is.
  struct Resolved {
    std::shared_ptr<const WorkflowDefinition> definition;
    int version = 0;
  };
  Result<Resolved> resolve_workflow(const std::string& id, std::optional<int> version);
  Status check_municipality(const std::string& code);

  Mutex cache_mutex_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const WorkflowDefinition>> cache_ GUARDED_BY(cache_mutex_);
  // cache_configuration: the latest version of each workflow, and the municipalities known to be set up.
  std::map<std::string, int> latest_ GUARDED_BY(cache_mutex_);
  std::set<std::string> municipalities_ GUARDED_BY(cache_mutex_);
};

}  // namespace sagsflow
