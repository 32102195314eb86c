// Private to the server: routes, the call a handler gets, and the shared
// installation. Handlers translate HTTP to core calls and back; every rule
// (who may see, act, decide, administer) is the core's.
#pragma once

#include <atomic>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <set>
#include <thread>
#include <vector>

#include "sagsflow/app/installation.hpp"
#include "sagsflow/documents/document_store.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/server/config.hpp"
#include "sagsflow/server/token_gate.hpp"
#include "sagsflow/server/tokens.hpp"
#include "lanes.hpp"

namespace sagsflow::server {

// Who may call a route.
enum class Access {
  kPublic,   // no token (health, metrics, the OpenAPI document)
  kStaff,    // a staff token
  kCitizen,  // a citizen token
  kAnyone,   // any valid token
};

struct Api;
class SignIn;

// The sign-in session behind a request authenticated by the session cookie
// (sign_in.hpp): what GET /api/v1/session shows and the CSRF check needs.
struct SessionView {
  std::string id_sha256;
  std::string kind;      // "citizen" or "staff"
  std::string provider;  // the provider it was signed in through
  std::string name;      // a citizen's name from the provider; staff: their name on the staff list
  std::string csrf_token;
  Timestamp idle_expires{};
  Timestamp expires{};
};

// One request as a handler sees it.
struct Call {
  Api& api;
  std::string method;
  std::string path;
  std::map<std::string, std::string> params;  // from the route's {placeholders}
  std::map<std::string, std::string> query;
  nlohmann::json body;  // an object, or null when the request had none
  std::optional<Principal> principal;
  // Set when the session cookie (not a bearer token) authenticated the request.
  std::optional<SessionView> session;
  // Set by dispatch to the lane's installation the handler runs on (lanes.hpp).
  app::Installation* lane_installation = nullptr;

  // Routes with raw_body (document uploads): the request body as received
  // (bounded by the route's body limit) and its declared Content-Type.
  const std::string* request_body = nullptr;
  std::string request_content_type;
  // Headers a handler adds to its answer (Content-Disposition of a download).
  std::vector<std::pair<std::string, std::string>> response_headers;
  // raw_body is a stored document's bytes, sent as they are (not masked:
  // masking would change the document).
  bool raw_binary = false;

  int status = 200;   // a handler sets 201 when it created something
  // A handler answering with something other than JSON (CSV) sets both.
  std::optional<std::string> raw_body;
  std::string raw_content_type;
  std::string field;  // the request field at fault, when a helper refused it
  // Every field at fault, when a handler refuses several at once: [{field,
  // message}], answered as the problem's `errors` with the failing status.
  nlohmann::json errors;

  // The staff member behind the token as the core sees them: unit, roles and
  // authority from the staff list (the core checks them on every use).
  Result<Actor> staff() const;
  // staff(), who must administer the token's municipality (Organisation::may_administer).
  Result<Actor> admin() const;
  // The installation of the lane the handler runs on: a read-only one for a
  // route on Lane::kRead, a writer's otherwise.
  app::Installation& installation() const { return *lane_installation; }
  const std::string& municipality() const { return principal->municipality; }

  Result<long long> id_param(const std::string& name);
  // The case in the path parameter `name`: its id, or its case number
  // (23.05.10-G01-2-26) in the caller's municipality.
  Result<long long> case_param(const std::string& name = "id");
  // The id of the caller's municipality's case whose case number `text` is;
  // nothing when `text` is no case number.
  std::optional<Result<long long>> case_by_number(const std::string& text);
  // A string member of the body; refuses a missing required one or a non-string.
  Result<std::string> text(const std::string& name, bool required = true);
  // A string member with no length cap (a file's text; the route's body limit applies).
  Result<std::string> text_unbounded(const std::string& name);
  Result<bool> flag(const std::string& name, bool fallback = false);
  // An object member of the body (empty object when absent).
  Result<nlohmann::json> object(const std::string& name);
  Result<Cpr> cpr(const std::string& name);
  // A whole-number member of the body within [min, max]; nullopt when it is
  // absent or null. Refuses (400 naming the field and the range) a string, a
  // fraction (1.5, 1e3 written as a float), and a number out of range;
  // numbers beyond a double (1e999) are refused by the body reader.
  Result<std::optional<long long>> whole_number(const std::string& name, long long min, long long max);
  // The same for a query parameter: decimal digits only (no sign, spaces or
  // exponent), within [min, max]; nullopt when absent or empty.
  Result<std::optional<long long>> query_number(const std::string& name, long long min, long long max);
  Status refuse_field(const std::string& name, const std::string& message);
  std::string query_value(const std::string& name, const std::string& fallback = {}) const;
};

using Handler = std::function<Result<nlohmann::json>(Call&)>;

// Where a route's handler runs (lanes.hpp): on a read lane, in parallel with
// others (it stores nothing but the access records of what it shows), or on a
// writer, committed with the requests grouped with it.
// kOwn: the handler runs on the request thread outside every lane and calls
// api.lanes itself (each of its steps where it belongs: a document upload
// writes and syncs its bytes here before its unit goes to the writer);
// Call::installation() is not set for it.
enum class Lane { kRead, kWrite, kOwn };

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/cases/{id}"
  Access access = Access::kStaff;
  Handler handler;
  std::size_t max_body_bytes = 0;  // 0: limits.max_body_bytes
  // GET routes read (all_routes() sets kRead) unless they need a writer's
  // installation (its plugin host); the others write.
  Lane lane = Lane::kWrite;
  // A POST that creates something (a case, an inquiry): it takes an
  // Idempotency-Key header, so a retry whose answer was lost creates nothing
  // twice (Server::Impl::dispatch; docs/api.md).
  bool takes_idempotency_key = false;
  // The body is not JSON: the handler reads Call::request_body itself.
  bool raw_body = false;
  // A GET that needs the plugin host (plugin manifests' forms): it runs on a
  // writer, as read lanes load no plugins.
  bool needs_plugins = false;
};

// A long operation (an import, a simulation) running in the background; its
// progress is read with GET /api/v1/admin/jobs/{id}. Jobs are rows of the
// database (migration 10), so any node answers for a job another started.
struct Job {
  long long id = 0;
  std::string kind;
  std::string municipality;
  std::string started_by;
  std::string state = "running";  // running, done, failed
  int done = 0;
  int total = 1;
  std::string step;
  nlohmann::json result;
  std::string error;
  std::string started_at;
  std::string finished_at;
};
nlohmann::json job_json(const Job& job);
Job job_of(const db::JobRecord& record);

// The jobs this process runs: their threads, and the child processes they
// started. Their state lives in the database: start() stores the job on the
// caller's writer installation, and its progress and outcome go through the
// lanes from the job's own thread. Thread-safe.
class Jobs {
 public:
  using Progress = std::function<void(int done, int total, const std::string& step)>;
  using Work = std::function<Result<nlohmann::json>(const Progress&)>;
  ~Jobs() { join(); }
  // Where progress and outcomes are stored, and this process's name on its jobs (before the first start).
  void attach(Lanes& lanes, std::string node);
  // Stores `job` as running through `writer` (the calling handler's writer
  // installation: a handler must not wait for a lane itself), then runs
  // `work` on its own thread. The job as stored; kStorage.
  Result<Job> start(app::Installation& writer, Job job, Work work);
  // Waits for every job (the server's stop).
  void join();
  // Jobs of this process still running (their heartbeats are due).
  int running() const { return running_.load(); }
  // Child processes running for jobs: ended by stop_children() (the server's stop).
  void add_child(long pid);
  void remove_child(long pid);
  void stop_children();

 private:
  void store(const Job& job);
  mutable Mutex mutex_;
  Lanes* lanes_ = nullptr;
  std::string node_;
  std::atomic<int> running_{0};
  std::vector<std::thread> threads_ GUARDED_BY(mutex_);
  std::set<long> children_ GUARDED_BY(mutex_);
};

// The installation the server works on, as lanes: reads in parallel on
// read-only connections, writes committed together by a writer (lanes.hpp).
// Server::Impl::dispatch runs each handler on its route's lane and hands it
// that lane's installation through Call::installation().
struct Api {
  std::unique_ptr<Lanes> lanes;
  ServerConfig config;
  std::string signing_key;
  // Checks every bearer token (revocation, citizen subjects); thread-safe, used outside `lock`.
  std::unique_ptr<TokenGate> tokens;
  Timestamp started{};
  Jobs jobs;
  // The bytes of documents (beside the SQLite file, or in PostgreSQL).
  std::unique_ptr<documents::DocumentStore> documents;
  // Sign-in through OpenID Connect and sessions (sign_in.hpp); null when no provider is configured.
  std::shared_ptr<SignIn> sign_in;
};

// The gate over this installation: `key` and config's token limits; its
// sources read the store under api.lock. The revocation list is loaded before
// it returns. kInvalidArgument for a key check_signing_key refuses; kStorage.
Result<std::unique_ptr<TokenGate>> token_gate_for(Api& api, const std::string& key);

// Route tables, one per part of the API.
void add_case_routes(std::vector<Route>& routes);
void add_front_desk_routes(std::vector<Route>& routes);
void add_admin_routes(std::vector<Route>& routes);
void add_citizen_routes(std::vector<Route>& routes);
void add_report_routes(std::vector<Route>& routes);
void add_document_routes(std::vector<Route>& routes);
// Answers with a stored document's bytes as a download (routes_documents.cpp):
// its media type, a sanitised file name, never rendered in the page's origin.
Result<nlohmann::json> send_document(Call& c, const db::DocumentRow& row);
void add_letter_routes(std::vector<Route>& routes);
void add_public_routes(std::vector<Route>& routes);
void add_session_routes(std::vector<Route>& routes);
void add_self_service_routes(std::vector<Route>& routes);
void add_appointment_routes(std::vector<Route>& routes);
void add_queue_routes(std::vector<Route>& routes);
void add_notification_routes(std::vector<Route>& routes);
std::vector<Route> all_routes();

// Shared JSON forms.
nlohmann::json case_summary_json(const CaseState& state);

}  // namespace sagsflow::server
