#include "sagsflow/server/server.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA2Engine.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <variant>
#include <thread>
#include <sstream>

#include "api.hpp"
#include "http_assets.hpp"
#include "http_problems.hpp"
#include "http_server.hpp"
#include "http_target.hpp"
#include "instance_lock.hpp"
#include "metrics.hpp"
#include "rate_limiter.hpp"
#include "sign_in.hpp"
#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/instance_name.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/app/letter_delivery.hpp"
#include "sagsflow/app/notification_mail.hpp"
#include "web_assets.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kGuardFailed: return 422;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kPluginFailed: return 502;
    case ErrorCode::kStorage:
    case ErrorCode::kSchemaTooNew: return 503;
    default: return 500;
  }
}

// JSON text that never throws: bytes that are not UTF-8 (echoed from a client) become U+FFFD.
std::string dump_json(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string title_for(int status, const std::string& code) {
  if (const ProblemType* t = find_problem_type(code)) return std::string(t->title);
  return Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
}

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// An error as application/problem+json (RFC 9457); `type` resolves to the
// code's explanation (http_problems.hpp). detail, instance and field are
// masked: they may echo what the client sent.
Reply problem(int status, const std::string& code, const std::string& detail, const std::string& instance,
              const std::string& field = {}, const json& errors = json()) {
  json p = {{"type", "/api/v1/problems/" + code},
            {"title", title_for(status, code)},
            {"status", status},
            {"code", code},
            {"detail", mask_cpr_numbers(detail)},
            {"field", field.empty() ? json() : json(mask_cpr_numbers(field))},
            {"instance", mask_cpr_numbers(instance)}};
  if (errors.is_array()) {
    p["errors"] = errors;
    mask_cpr_numbers_in(p["errors"]);
  }
  return {status, "application/problem+json", dump_json(p), {}};
}

// The Allow value for a resource answering `methods`: HEAD with GET, and OPTIONS always.
std::string allow_value(const std::vector<std::string>& methods) {
  std::vector<std::string> all;
  const auto add = [&](const std::string& m) {
    if (std::find(all.begin(), all.end(), m) == all.end()) all.push_back(m);
  };
  for (const auto& m : methods) {
    add(m);
    if (m == "GET") add("HEAD");
  }
  add("OPTIONS");
  return fmt::format("{}", fmt::join(all, ", "));
}

Reply not_allowed(const std::string& path, const std::string& method, const std::vector<std::string>& methods) {
  const std::string allow = allow_value(methods);
  Reply r = problem(405, "method_not_allowed", fmt::format("{} answers {}, not {}", path, allow, method), path);
  r.headers.emplace_back("Allow", allow);
  return r;
}

// OPTIONS on a resource answering `methods`.
Reply options_reply(const std::vector<std::string>& methods) {
  Reply r{204, "", "", {}};
  r.headers.emplace_back("Allow", allow_value(methods));
  return r;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::istringstream in(path);
  for (std::string seg; std::getline(in, seg, '/');) {
    if (!seg.empty()) parts.push_back(seg);
  }
  return parts;
}

http::Response to_response(Reply reply, bool head) {
  http::Response r;
  r.status = reply.status;
  r.content_type = std::move(reply.content_type);
  r.body = std::move(reply.body);
  r.headers = std::move(reply.headers);
  r.omit_body = head;
  r.close = reply.status == 413;  // what is left of the body is not a next request
  return r;
}

// "/api/v1/cases/{id}" against "/api/v1/cases/12": fills params.
bool match(const std::string& pattern, const std::vector<std::string>& parts,
           std::map<std::string, std::string>& params) {
  std::vector<std::string> want;
  std::istringstream in(pattern);
  for (std::string seg; std::getline(in, seg, '/');) {
    if (!seg.empty()) want.push_back(seg);
  }
  if (want.size() != parts.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      found[want[i].substr(1, want[i].size() - 2)] = parts[i];
    } else if (want[i] != parts[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

struct Server::Impl {
  explicit Impl(const ServerConfig& c) : config(c), limiter(c.requests_per_minute) {
    add_problem_routes(routes);
    // An upload's body: the document and the parts' headers and form fields.
    for (Route& r : routes) {
      if (r.raw_body) r.max_body_bytes = c.document_max_bytes + 64 * 1024;
    }
  }
  InstanceLock instance_lock;  // first, so released last: one server per SQLite file
  // This process's name on the jobs it runs and the leases it takes.
  const std::string node = new_instance_name();
  ServerConfig config;
  Api api;
  std::vector<Route> routes = all_routes();
  RequestMetrics metrics;
  RateLimiter limiter;
  std::unique_ptr<http::Listener> http;
  std::atomic<http::Listener*> listener{nullptr};  // http, for the worker threads (set once it runs)
  unsigned port = 0;
  // Records passed and near deadlines on open cases, at start and then every
  // config.deadline_check_minutes, until stop.
  std::thread deadline_checker;
  Mutex stop_mutex;
  CondVar stop_signal;
  bool stopping GUARDED_BY(stop_mutex) = false;
  bool stopped = false;  // stop() ran (called from the owner's thread only)
  void check_deadlines_until_stopped();
  // Delivers committed events to plugins from their durable queue (never
  // inside a request): woken by a commit, and every few seconds for retries.
  std::thread plugin_deliverer;
  CondVar delivery_signal;
  bool delivery_wanted GUARDED_BY(stop_mutex) = true;
  void deliver_plugin_events_until_stopped();
  // Renders and delivers the letter outbox (app/letter_delivery.hpp) on an
  // installation of its own (letter_installation's), every
  // config.letter_poll_milliseconds until stop.
  std::thread letter_deliverer;
  app::InstallationOptions letter_installation;
  void deliver_letters_until_stopped();

  Reply handle(const http::Request& req, std::string& route_label);
  // The answer on a worker thread: handle() timed, counted and logged.
  http::Response answer(http::Request& req);
  // A request the HTTP front refused before handle(), counted and logged.
  http::Response refused(int status, const std::string& code, const std::string& detail);
  // The body limit of the route `method` `target` names (limits.max_body_bytes when none or the route has none).
  std::size_t body_limit_for(const std::string& method, const std::string& target) const;
  // The methods the API routes matching `path` answer (empty: no route).
  std::vector<std::string> methods_for(const std::string& path) const;
  // The steps of handle().
  struct Matched {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };
  struct Caller {
    std::optional<Principal> principal;
    Status failure;  // why the token was refused; ok when there was none
    std::optional<SessionView> session;  // set when the session cookie authenticated the request
    bool by_cookie = false;              // the failure is the session cookie's
  };
  std::variant<Matched, Reply> find_route(const std::string& method, const std::string& path) const;
  Caller authenticate(const http::Request& req) const;
  static std::optional<Reply> refuse_access(const Route& route, const Caller& caller, const std::string& path);
  std::variant<nlohmann::json, Reply> read_json_body(const http::Request& req, const Route& route,
                                                     const std::string& path) const;
  // idempotency_key: the request's Idempotency-Key (already checked), or null.
  Reply dispatch(const Route& route, Call& call, const std::string* idempotency_key = nullptr);
  // The units of dispatch() for a request with an Idempotency-Key: the key is
  // reserved, the handler run and its answer stored in one unit of work, or
  // the stored answer of an earlier request with the key is replayed.
  Result<json> run_idempotent(const Route& route, Call& call, app::Installation& installation, const std::string& key,
                              std::optional<db::IdempotencyRecord>& replayed);
  // Marks running jobs whose node stopped as failed, refreshes this node's
  // jobs' heartbeats, and removes expired Idempotency-Keys, every
  // config.job_heartbeat_seconds from the start until stop.
  std::thread job_keeper;
  void keep_jobs_until_stopped();
  // The method as metrics and logs name it: one of the known ones, else "other".
  static std::string method_label(const std::string& method) {
    for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
      if (method == known) return method;
    }
    return "other";
  }
  // /metrics is computed at most every few seconds, whatever the scrape rate.
  Mutex metrics_cache_mutex;
  std::string metrics_cache GUARDED_BY(metrics_cache_mutex);
  std::chrono::steady_clock::time_point metrics_cached_at GUARDED_BY(metrics_cache_mutex){};
  Reply health();
  // The 429 for a caller over limits.requests_per_minute, or nothing when the request may go ahead.
  std::optional<Reply> admit(const std::string& client, const std::string& path);
  Reply metrics_text();
  Reply serve_asset(const std::string& path, const http::Request& req);
  // /auth/login/{citizen,staff}, /auth/callback and /auth/logout (sign_in.hpp).
  Reply handle_auth(const http::Request& req, const std::string& path,
                    const std::map<std::string, std::string>& query, std::string& route_label);
};

namespace {

// Case fields and plugin forms nest a few levels; nothing a client sends needs more.
constexpr int kMaxBodyDepth = 32;

}  // namespace

void Server::Impl::check_deadlines_until_stopped() {
  for (;;) {
    {
      Result<int> recorded = Internal("not run");
      // One node checks per interval: the lease runs out a little before the next check is due.
      const Timestamp now = system_clock()();
      const auto lease = std::chrono::seconds(std::max(30, config.deadline_check_minutes * 60 - 10));
      Status committed = api.lanes->write(
          [&](app::Installation& i) {
            auto mine = i.store->take_lease("deadline_check", node, format_timestamp(now), format_timestamp(now + lease));
            if (!mine.ok()) {
              recorded = mine.status();
            } else if (!*mine) {
              recorded = 0;  // another node checks this interval
              logger()->debug("deadline check: another node holds the lease");
            } else {
              recorded = i.engine->check_deadlines();
              // The same node queues the appointment reminders now due (each once, by its letter's key).
              if (i.appointments) {
                auto reminders = i.appointments->queue_reminders(*i.engine);
                if (!reminders.ok()) {
                  logger()->error("appointment reminders: {}", reminders.status().message());
                } else if (*reminders > 0) {
                  logger()->info("appointment reminders: {} letter(s) queued", *reminders);
                }
              }
            }
          },
          Lanes::Grouping::kAlone);
      if (!committed.ok()) recorded = committed;
      if (!recorded.ok()) {
        logger()->error("deadline check failed: {}", recorded.status().message());
      } else if (*recorded > 0) {
        logger()->info("deadline check: {} deadline event(s) recorded", *recorded);
      }
    }
    MutexLock lock(stop_mutex);
    const auto next = std::chrono::steady_clock::now() + std::chrono::minutes(config.deadline_check_minutes);
    while (!stopping && std::chrono::steady_clock::now() < next) stop_signal.wait_until(stop_mutex, next);
    if (stopping) return;
  }
}

void Server::Impl::deliver_plugin_events_until_stopped() {
  constexpr auto kRetryEvery = std::chrono::seconds(2);
  for (;;) {
    {
      MutexLock lock(stop_mutex);
      const auto next = std::chrono::steady_clock::now() + kRetryEvery;
      while (!stopping && !delivery_wanted && std::chrono::steady_clock::now() < next) {
        delivery_signal.wait_until(stop_mutex, next);
      }
      if (stopping) return;
      delivery_wanted = false;
    }
    constexpr size_t kCallsPerRound = 20;  // then other work on the writer goes first
    Status delivered = Internal("not run");
    bool more = false;
    Status committed = api.lanes->write(
        [&](app::Installation& i) {
          auto calls = i.plugins->deliver_pending(kCallsPerRound);
          delivered = calls.ok() ? Status::Ok() : calls.status();
          more = calls.ok() && calls->delivered + calls->failed >= kCallsPerRound;
        },
        Lanes::Grouping::kAlone);
    if (!committed.ok()) delivered = committed;
    if (!delivered.ok()) logger()->error("plugin event delivery failed: {}", delivered.message());
    if (more) {  // a backlog: the next round at once, not in 2 s
      MutexLock lock(stop_mutex);
      delivery_wanted = true;
    }
  }
}

void Server::Impl::deliver_letters_until_stopped() {
  app::LetterWorkOptions options;
  options.holder = node;
  options.first_retry = std::chrono::seconds(config.letter_retry_first_seconds);
  options.max_retry = std::chrono::seconds(config.letter_retry_max_seconds);
  options.max_attempts = config.letter_max_attempts;
  options.lease = std::chrono::seconds(config.letter_lease_seconds);
  const auto every = std::chrono::milliseconds(config.letter_poll_milliseconds);
  // The worker's own installation (connection and plugin processes): a
  // delivery plugin waiting on a slow receiver holds up no request. It is
  // opened again when the configuration's generation moves.
  std::optional<app::Installation> own;
  // Notification mails go out from the same worker (app/notification_mail.hpp).
  app::MailSettings mail;
  mail.smtp_host = config.mail_smtp_host;
  mail.smtp_port = config.mail_smtp_port;
  mail.from = config.mail_from;
  mail.public_url = config.mail_public_url.empty() ? config.oidc_public_url : config.mail_public_url;
  mail.first_retry = std::chrono::seconds(config.mail_retry_first_seconds);
  mail.max_retry = std::chrono::seconds(config.mail_retry_max_seconds);
  mail.max_attempts = config.mail_max_attempts;
  for (;;) {
    bool more = false;
    if (api.documents || mail.enabled()) {
      if (own) {
        auto generation = own->store->config_generation();
        if (generation.ok() && *generation != own->config_generation) own.reset();
      }
      if (!own) {
        auto opened = app::open_installation(letter_installation);
        if (opened.ok()) {
          own.emplace(std::move(*opened));
        } else {
          logger()->error("the letter worker cannot open the installation: {}", opened.status().message());
        }
      }
      if (own && api.documents) {
        auto report = app::deliver_due_letters(*own, *api.documents, options);
        if (!report.ok()) {
          logger()->error("letters could not be delivered: {}", report.status().message());
          own.reset();  // a lost connection: open again next round
        } else {
          more = static_cast<int>(report->claimed) >= options.batch;
        }
      }
      if (own && mail.enabled()) {
        auto sent = app::send_notification_mails(*own, mail, node, system_clock()());
        if (!sent.ok()) {
          logger()->error("notification mails could not be sent: {}", sent.status().message());
          own.reset();
        } else if (sent->sent + sent->retried + sent->failed > 0) {
          logger()->info("notification mails: {} sent, {} to retry, {} failed", sent->sent, sent->retried, sent->failed);
          more = more || sent->sent + sent->retried + sent->failed >= mail.batch;
        }
      }
    }
    MutexLock lock(stop_mutex);
    const auto next = std::chrono::steady_clock::now() + (more ? std::chrono::milliseconds(0) : every);
    while (!stopping && std::chrono::steady_clock::now() < next) stop_signal.wait_until(stop_mutex, next);
    if (stopping) return;
  }
}

void Server::Impl::keep_jobs_until_stopped() {
  const auto every = std::chrono::seconds(config.job_heartbeat_seconds);
  const std::string reason =
      fmt::format("the node running it stopped (no heartbeat for more than {} s, jobs.stale_after_seconds); nothing "
                  "more of it will run: start it again",
                  config.job_stale_after_seconds);
  for (;;) {
    const Timestamp now = system_clock()();
    Status kept = Internal("not run");
    long long failed = 0, removed = 0;
    Status committed = api.lanes->write(
        [&](app::Installation& i) {
          // This node's jobs first, so a slow round never makes them look stale.
          if (api.jobs.running() > 0) {
            if (auto beat = i.store->heartbeat_jobs(node, format_timestamp(now)); !beat.ok()) {
              kept = beat.status();
              return;
            }
          }
          auto stale = i.store->fail_stale_jobs(
              format_timestamp(now - std::chrono::seconds(config.job_stale_after_seconds)), format_timestamp(now), reason);
          if (!stale.ok()) {
            kept = stale.status();
            return;
          }
          failed = *stale;
          constexpr int kKeysPerRound = 500;  // a short batch; the rest next round
          auto gone = i.store->remove_expired_idempotency_keys(format_timestamp(now), kKeysPerRound);
          if (!gone.ok()) {
            kept = gone.status();
            return;
          }
          removed = *gone;
          if (api.sign_in) {
            auto sessions = i.store->remove_expired_sessions(format_timestamp(now), kKeysPerRound);
            if (!sessions.ok()) {
              kept = sessions.status();
              return;
            }
          }
          kept = Status::Ok();
        },
        Lanes::Grouping::kAlone);
    if (!committed.ok()) kept = committed;
    if (!kept.ok()) {
      logger()->error("job heartbeat: {}", kept.message());
    } else {
      if (failed > 0) logger()->warn("{} running job(s) marked failed: the node running them stopped", failed);
      if (removed > 0) logger()->debug("{} expired Idempotency-Key(s) removed", removed);
    }
    MutexLock lock(stop_mutex);
    const auto next = std::chrono::steady_clock::now() + every;
    while (!stopping && std::chrono::steady_clock::now() < next) stop_signal.wait_until(stop_mutex, next);
    if (stopping) return;
  }
}

// A page or script: strong ETag, revalidated on every use (no-cache), gzipped when the client takes it.
Reply Server::Impl::serve_asset(const std::string& path, const http::Request& req) {
  const http::PreparedAsset* asset = http::find_prepared_asset(path == "/" ? "/index.html" : path);
  if (asset == nullptr) return problem(404, "no_such_route", "nothing is served at " + path, path);
  const bool gzip = http::accepts_gzip(req.header("Accept-Encoding")) && asset->gzip.size() < asset->body.size();
  const std::string& etag = gzip ? asset->gzip_etag : asset->etag;
  Reply r{200, std::string(asset->content_type), {}, {}};
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                         "connect-src 'self'; frame-ancestors 'none'");
  if (http::none_match(req.header("If-None-Match"), etag)) {
    r.status = 304;
    return r;
  }
  if (gzip) {
    r.body = asset->gzip;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = std::string(asset->body);
  }
  return r;
}

std::optional<Reply> Server::Impl::admit(const std::string& client, const std::string& path) {
  const int wait = limiter.admit(client);
  if (wait == 0) return std::nullopt;
  Reply r = problem(429, "rate_limited",
                    fmt::format("more than {} requests a minute; try again in {} s", config.requests_per_minute, wait),
                    path);
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

Reply Server::Impl::health() {
  json checks;
  bool ok = true;
  // On a writer: it has the plugin host.
  Status committed = api.lanes->write([&](app::Installation& installation) {
    // Ready only on the schema this binary was built for: during a rolling
    // upgrade a node of the other version says so instead of failing requests.
    auto version = installation.store->schema_version();
    const int wanted = db::latest_schema_version();
    if (!version.ok()) {
      checks["database"] = json{{"ok", false}, {"error", version.status().message()}};
    } else if (*version != wanted) {
      checks["database"] = json{{"ok", false}, {"schema_version", *version}, {"schema_version_needed", wanted},
                                {"error", *version < wanted ? "the database needs `sagsflow db migrate`"
                                                            : "the database was migrated by a newer sagsflow"}};
    } else {
      checks["database"] = json{{"ok", true}, {"schema_version", *version}};
    }
    ok = ok && version.ok() && *version == wanted;
    json plugins = json::array();
    auto installed = installation.store->installed_plugins();
    if (installed.ok()) {
      for (const auto& p : *installed) {
        if (!p.enabled && !p.disabled_reason.empty()) {  // Sagsflow disabled it: repeated crashes
          ok = false;
          plugins.push_back({{"id", p.id}, {"version", p.version}, {"loaded", false},
                             {"disabled_reason", p.disabled_reason}});
        }
        if (!p.enabled) continue;
        const bool loaded = installation.plugins->find(p.id) != nullptr;
        ok = ok && loaded;
        plugins.push_back({{"id", p.id}, {"version", p.version}, {"loaded", loaded}});
      }
    }
    checks["plugins"] = plugins;
    checks["plugin_warnings"] = installation.plugin_warnings;
  });
  if (!committed.ok()) {
    ok = false;
    checks["database"] = json{{"ok", false}, {"error", committed.message()}};
  }
  json body = {{"status", ok ? "ok" : "degraded"}, {"checks", checks}};
  mask_cpr_numbers_in(body);
  return {ok ? 200 : 503, "application/json", dump_json(body), {}};
}

Reply Server::Impl::metrics_text() {
  std::string out = metrics.render();
  if (const http::Listener* l = listener.load()) out += render_connections(l->counts());
  const Lanes::Figures lanes = api.lanes->figures();
  out += prometheus_metric("sagsflow_write_groups_total", "counter",
                           "Group commits on the SQLite writer (one transaction, one sync).", lanes.groups);
  out += prometheus_metric("sagsflow_grouped_requests_total", "counter", "Requests committed in those groups.",
                           lanes.grouped_requests);
  out += prometheus_metric("sagsflow_config_generation", "gauge",
                           "The newest configuration generation this server has read.", lanes.config_generation);
  out += prometheus_metric("sagsflow_lane_reopens_total", "counter",
                           "Lanes reopened on a newer configuration (init, workflow deploy, plugins).", lanes.reopened);
  out += prometheus_metric("sagsflow_lane_reopen_failures_total", "counter",
                           "Reopens that failed; the lane kept its previous configuration.", lanes.reopen_failures);
  MutexLock cache_guard(metrics_cache_mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - metrics_cached_at < std::chrono::seconds(5) && !metrics_cache.empty()) {
    return {200, "text/plain; version=0.0.4; charset=utf-8", out + metrics_cache, {}};
  }
  const size_t own = out.size();
  std::size_t plugins_loaded = 0;
  if (Status st = api.lanes->write([&](app::Installation& i) { plugins_loaded = i.plugins->loaded().size(); });
      !st.ok()) {
    return {503, "text/plain; charset=utf-8", "the server is stopping\n", {}};
  }
  // The counts on a read lane: they never hold up a write.
  Status read = api.lanes->read([&](app::Installation& inst) {
  auto events = inst.store->count_events_by_action();
  if (events.ok()) {
    out += "# HELP sagsflow_case_actions_total Case events recorded, by action (all processes of the installation).\n";
    out += "# TYPE sagsflow_case_actions_total counter\n";
    for (const auto& [action, n] : *events) {
      out += fmt::format("sagsflow_case_actions_total{{action=\"{}\"}} {}\n", prometheus_label(action), n);
    }
    out += "# HELP sagsflow_deadline_breaches_total Deadlines passed (deadline_passed events).\n";
    out += "# TYPE sagsflow_deadline_breaches_total counter\n";
    out += fmt::format("sagsflow_deadline_breaches_total {}\n",
                       events->contains("deadline_passed") ? events->at("deadline_passed") : 0);
  }
  // The queue each open case is stored with (the engine's queue_of at its
  // last change), from the counters the store keeps as cases change.
  if (auto counts = inst.store->count_open_cases_by_queue(); counts.ok()) {
    std::map<std::tuple<std::string, std::string, std::string>, long long> per_queue;
    for (const auto& c : *counts) {
      const std::string kind = c.queue_kind.empty() ? "none" : c.queue_kind;
      per_queue[{c.municipality, kind, c.queue_id}] += c.count;
    }
    out += "# HELP sagsflow_open_cases Open cases per municipality and queue (unit, specialist group or authority).\n";
    out += "# TYPE sagsflow_open_cases gauge\n";
    for (const auto& [key, n] : per_queue) {
      const auto& [m, kind, id] = key;
      out += fmt::format("sagsflow_open_cases{{municipality=\"{}\",queue_kind=\"{}\",queue=\"{}\"}} {}\n",
                         prometheus_label(m), prometheus_label(kind), prometheus_label(id), n);
    }
  }
  });
  if (!read.ok()) return {503, "text/plain; charset=utf-8", "the database did not answer\n", {}};
  out += "# HELP sagsflow_plugins_loaded Plugins loaded in this server.\n# TYPE sagsflow_plugins_loaded gauge\n";
  out += fmt::format("sagsflow_plugins_loaded {}\n", plugins_loaded);
  metrics_cache = mask_cpr_numbers(out.substr(own));
  metrics_cached_at = now;
  return {200, "text/plain; version=0.0.4; charset=utf-8", out.substr(0, own) + metrics_cache, {}};
}

// The route for `method` and `path`, with its path parameters; or the 404/405 to answer.
std::variant<Server::Impl::Matched, Reply> Server::Impl::find_route(const std::string& method,
                                                                    const std::string& path) const {
  const std::vector<std::string> parts = split_path(path);
  std::vector<std::string> allowed;
  for (const auto& r : routes) {
    std::map<std::string, std::string> p;
    if (!match(r.pattern, parts, p)) continue;
    if (r.method == method) return Matched{&r, std::move(p)};
    allowed.push_back(r.method);
  }
  if (!allowed.empty()) return not_allowed(path, method, allowed);
  return problem(404, "no_such_route", fmt::format("the API has no route {} {}", method, path), path);
}

std::vector<std::string> Server::Impl::methods_for(const std::string& path) const {
  const std::vector<std::string> parts = split_path(path);
  std::vector<std::string> methods;
  for (const auto& r : routes) {
    std::map<std::string, std::string> p;
    if (match(r.pattern, parts, p)) methods.push_back(r.method);
  }
  return methods;
}

std::size_t Server::Impl::body_limit_for(const std::string& method, const std::string& target) const {
  auto parsed = http::parse_target(target);
  if (!parsed.ok() || parsed->path.rfind("/api/", 0) != 0) return config.max_body_bytes;
  const std::vector<std::string> parts = split_path(parsed->path);
  for (const auto& r : routes) {
    std::map<std::string, std::string> p;
    if (r.method == method && match(r.pattern, parts, p)) {
      return r.max_body_bytes > 0 ? r.max_body_bytes : config.max_body_bytes;
    }
  }
  return config.max_body_bytes;
}

// Who is calling: the token's principal, if any, and why a token was refused.
Server::Impl::Caller Server::Impl::authenticate(const http::Request& req) const {
  Caller caller;
  const std::string authorization = req.header("Authorization", "");
  if (authorization.empty()) {
    // A browser signed in through OpenID Connect: the session cookie.
    if (!api.sign_in) return caller;
    const std::string cookie = req.header("Cookie", "");
    if (cookie.empty()) return caller;
    const std::string id = SignIn::cookie_value(cookie);
    if (id.empty()) return caller;
    auto signed_in = api.sign_in->authenticate(
        id, std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (signed_in.ok()) {
      caller.principal = std::move(signed_in->principal);
      caller.session = std::move(signed_in->session);
    } else {
      caller.failure = signed_in.status();
      caller.by_cookie = true;
    }
    return caller;
  }
  if (authorization.rfind("Bearer ", 0) != 0) {
    caller.failure = Forbidden("the Authorization header must be 'Bearer <token>'");
    return caller;
  }
  auto who = api.tokens->authenticate(std::string_view(authorization).substr(7),
                                     std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  if (who.ok()) {
    caller.principal = *who;
  } else {
    caller.failure = who.status();
  }
  return caller;
}

// The 401/403 when the route's access rule refuses the caller.
std::optional<Reply> Server::Impl::refuse_access(const Route& route, const Caller& caller, const std::string& path) {
  if (route.access == Access::kPublic) return std::nullopt;
  if (!caller.principal && caller.by_cookie) {
    if (caller.failure.code() == ErrorCode::kStorage) {
      return problem(503, "storage", caller.failure.message(), path);
    }
    return problem(401, "invalid_session", caller.failure.message(), path);
  }
  if (!caller.principal) {
    const bool missing = caller.failure.ok();
    Reply r = problem(401, missing ? "unauthenticated" : "invalid_token",
                      missing ? "this route needs a bearer token (Authorization: Bearer <token>) or a signed-in "
                                "session"
                              : caller.failure.message(),
                      path);
    r.headers.emplace_back("WWW-Authenticate", missing ? "Bearer realm=\"sagsflow\""
                                                       : "Bearer realm=\"sagsflow\", error=\"invalid_token\"");
    return r;
  }
  if (route.access == Access::kStaff && caller.principal->kind != PrincipalKind::kStaff) {
    return problem(403, "forbidden", "this route is for municipal staff; a citizen token cannot use it", path);
  }
  if (route.access == Access::kCitizen && caller.principal->kind != PrincipalKind::kCitizen) {
    return problem(403, "forbidden", "this route is for citizens (their own cases); use a citizen token", path);
  }
  return std::nullopt;
}

// The body: JSON objects only, within the route's size limit; null when there is none.
// (The HTTP front has already refused a body over the limit with 413 while reading it.)
std::variant<json, Reply> Server::Impl::read_json_body(const http::Request& req, const Route& route,
                                                       const std::string& path) const {
  const std::string& method = req.method;
  if (method != "POST" && method != "PUT" && method != "PATCH") return json();
  const std::size_t max_body = route.max_body_bytes > 0 ? route.max_body_bytes : config.max_body_bytes;
  const std::string& text = req.body;
  if (text.size() > max_body) {
    return problem(413, "body_too_large", fmt::format("the body has {} bytes; the limit is {}", text.size(), max_body),
                   path);
  }
  if (text.empty()) return json();
  const std::string type = req.header("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    return problem(415, "unsupported_media_type", fmt::format("the body must be application/json, not '{}'", type),
                   path);
  }
  auto parsed = parse_bounded_json(text, {max_body, kMaxBodyDepth});
  if (!parsed.ok()) return problem(400, "malformed_body", "the body: " + parsed.status().message(), path);
  json body = std::move(*parsed);
  if (!body.is_object()) return problem(400, "malformed_body", "the body must be a JSON object", path);
  return body;
}

// Runs the handler (the core decides) and turns its answer into HTTP.
namespace {

std::string sha256_hex(const std::string& bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

bool has_header(const http::Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

// A key is what a client makes up (a UUID): 1-255 visible ASCII characters.
bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char ch : key) {
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

// What an answer shows that the retry shows again: its case and inquiry.
std::vector<ReadSubject> subjects_of(const json& answer, const std::string& municipality) {
  std::vector<ReadSubject> out;
  const auto add_case = [&](const json& j) {
    if (j.is_object() && j.contains("id") && j["id"].is_number_integer() && j.contains("case_number")) {
      out.push_back({municipality, j["id"].get<long long>(), j["case_number"].is_string() ? j["case_number"].get<std::string>() : "", 0});
    }
  };
  add_case(answer);
  if (answer.contains("case")) add_case(answer["case"]);
  if (answer.contains("inquiry") && answer["inquiry"].is_object() && answer["inquiry"].contains("id") &&
      answer["inquiry"]["id"].is_number_integer()) {
    out.push_back({municipality, 0, "", answer["inquiry"]["id"].get<long long>()});
  }
  return out;
}

std::string resource_of(const std::vector<ReadSubject>& subjects) {
  std::string out;
  for (const auto& s : subjects) {
    if (!out.empty()) out += ' ';
    out += s.case_id != 0      ? fmt::format("case:{}", s.case_id)
           : s.inquiry_id != 0 ? fmt::format("inquiry:{}", s.inquiry_id)
                               : fmt::format("appointment:{}", s.appointment_id);
  }
  return out;
}

}  // namespace

Result<json> Server::Impl::run_idempotent(const Route& route, Call& call, app::Installation& installation,
                                          const std::string& key, std::optional<db::IdempotencyRecord>& replayed) {
  // The caller (a staff member of a municipality) and the route scope the key.
  // A citizen's keys are theirs alone: scoped by a hash of their CPR number (never stored in clear).
  const bool citizen = call.principal->kind == PrincipalKind::kCitizen && call.principal->citizen;
  const std::string scope =
      citizen ? fmt::format("{}/citizen:{}", call.principal->municipality, sha256_hex(call.principal->citizen->reveal()))
              : fmt::format("{}/{}", call.principal->municipality, call.principal->person);
  const std::string route_id = route.method + " " + route.pattern;
  // The key as its hash: a client may put anything in it, and nothing it sends is stored unmasked.
  const std::string key_sha256 = sha256_hex(key);
  const std::string body_sha256 = sha256_hex(dump_json(call.body));
  const Timestamp now = system_clock()();
  const std::string expires = format_timestamp(now + std::chrono::hours(config.idempotency_key_hours));
  Result<json> result = Internal("not run");
  // One unit: the reservation, everything the handler stores, the answer.
  // When the handler fails, its unit rolls back with the reservation: a retry runs afresh.
  Status unit = installation.engine->atomically([&]() -> Status {
    auto found = installation.store->reserve_idempotency_key(scope, route_id, key_sha256, body_sha256,
                                                             format_timestamp(now), expires);
    if (!found.ok()) return found.status();
    if (*found) {
      replayed = std::move(**found);
      if (replayed->body_sha256 != body_sha256 || replayed->status == 0) return Status::Ok();
      // The retry shows what the first answer showed: on record as a read.
      json answer = json::parse(replayed->answer, nullptr, /*allow_exceptions=*/false);
      if (answer.is_discarded()) return Internal("the stored answer of an Idempotency-Key is not JSON");
      if (citizen) return Status::Ok();  // their own case: no staff read to record
      auto actor = call.staff();
      if (!actor.ok()) return actor.status();
      const auto shown = subjects_of(answer, call.principal->municipality);
      if (shown.empty()) return Status::Ok();
      return installation.engine->record_reads(shown, *actor,
                                               ReadPurpose::answer_to("a retry of " + route_id + " (Idempotency-Key)", "api"));
    }
    result = route.handler(call);
    if (!result.ok()) return result.status();
    json masked = *result;
    mask_cpr_numbers_in(masked);
    db::IdempotencyRecord answer{body_sha256, call.status, resource_of(subjects_of(masked, call.principal->municipality)),
                                 dump_json(masked)};
    return installation.store->complete_idempotency_key(scope, route_id, key_sha256, answer);
  });
  if (!unit.ok()) {
    replayed.reset();
    return unit;
  }
  return result;
}

Reply Server::Impl::dispatch(const Route& route, Call& call, const std::string* idempotency_key) {
  Result<json> result = Internal("not run");
  std::optional<db::IdempotencyRecord> replayed;
  const auto run = [&](app::Installation& installation) {
    call.lane_installation = &installation;
    replayed.reset();
    result = idempotency_key != nullptr ? run_idempotent(route, call, installation, *idempotency_key, replayed)
                                        : route.handler(call);
    call.lane_installation = nullptr;
  };
  // A commit (or a read's access records) that failed: nothing the handler did stands, whatever it answered.
  Status committed = Status::Ok();
  if (route.lane == Lane::kOwn) {
    result = route.handler(call);  // it calls the lanes itself
  } else {
    committed = route.lane == Lane::kRead ? api.lanes->read(run) : api.lanes->write(run);
  }
  if (!committed.ok()) {
    call.raw_body.reset();
    replayed.reset();
    result = committed;
  }
  if (replayed) {
    if (replayed->status == 0) {
      return problem(409, "idempotency_key_in_use", "a request with this Idempotency-Key is still being answered",
                     call.path);
    }
    if (replayed->body_sha256 != sha256_hex(dump_json(call.body))) {
      return problem(422, "idempotency_key_reused",
                     fmt::format("this Idempotency-Key was used for {} {} with a different body; a retry sends the "
                                 "same body, a new request a new key. Nothing was created",
                                 route.method, route.pattern),
                     call.path);
    }
    Reply r{replayed->status, "application/json", replayed->answer, {}};
    r.headers.emplace_back("Idempotent-Replayed", "true");
    return r;
  }
  if (!result.ok()) {
    const int status = http_status_for(result.status().code());
    return problem(status, error_code_name(result.status().code()), result.status().message(), call.path, call.field,
                   call.errors);
  }
  if (call.raw_body) {
    // A stored document goes out as it was stored; everything else is masked.
    std::string body = call.raw_binary ? std::move(*call.raw_body) : mask_cpr_numbers(*call.raw_body);
    return {call.status, call.raw_content_type, std::move(body), std::move(call.response_headers)};
  }
  mask_cpr_numbers_in(*result);
  return {call.status, "application/json", dump_json(*result), std::move(call.response_headers)};
}

// target -> route -> authenticate -> rate limit -> read body -> dispatch. HEAD
// is answered as GET without the body (the HTTP front drops it), OPTIONS with
// the methods the resource answers.
Reply Server::Impl::handle(const http::Request& req, std::string& route_label) {
  const std::string& method = req.method;
  auto target = http::parse_target(req.target);
  if (!target.ok()) return problem(400, "malformed_uri", target.status().message(), "");
  const std::string& path = target->path;
  const std::string address = "address:" + req.client_address;
  if (path == "*") {
    if (method != "OPTIONS") return problem(400, "malformed_uri", "'*' is a target for OPTIONS only", "");
    route_label = "*";
    return options_reply({"GET", "POST", "PUT", "PATCH", "DELETE"});
  }
  if (path == "/healthz" || path == "/healthz/ready" || path == "/healthz/live" || path == "/metrics") {
    route_label = path;
    if (method == "OPTIONS") return options_reply({"GET"});
    if (method != "GET" && method != "HEAD") return not_allowed(path, method, {"GET"});
    if (path == "/healthz/live") return {200, "application/json", R"({"status":"ok"})", {}};  // never waits, never limited
    if (auto refused = admit(address, path)) return std::move(*refused);
    return path == "/metrics" ? metrics_text() : health();
  }
  if (path.rfind("/auth/", 0) == 0) {
    std::map<std::string, std::string> query;
    for (const auto& [k, v] : target->query) query[k] = v;
    if (auto refused = admit(address, path)) return std::move(*refused);
    return handle_auth(req, path, query, route_label);
  }
  if (path.rfind("/api/", 0) != 0) {
    route_label = "web";
    if (method == "OPTIONS") return options_reply({"GET"});
    if (method != "GET" && method != "HEAD") return not_allowed(path, method, {"GET"});
    return serve_asset(path, req);
  }
  if (method == "OPTIONS") {
    const auto methods = methods_for(path);
    if (methods.empty()) return problem(404, "no_such_route", fmt::format("the API has no route {}", path), path);
    if (auto refused = admit(address, path)) return std::move(*refused);
    return options_reply(methods);
  }
  const std::string effective = method == "HEAD" ? "GET" : method;

  auto found = find_route(effective, path);
  if (auto* refusal = std::get_if<Reply>(&found)) return std::move(*refusal);
  auto& matched = std::get<Matched>(found);
  route_label = matched.route->pattern;

  const Caller caller = authenticate(req);
  // One allowance per person, per citizen token (a masked CPR number is shared by everyone born that day), or per address.
  const std::string client = !caller.principal ? address
                             : caller.principal->kind == PrincipalKind::kCitizen ? "citizen:" + caller.principal->token_id
                                                                                 : "staff:" + caller.principal->person;
  if (auto refused = admit(client, path)) return std::move(*refused);
  if (auto refused = refuse_access(*matched.route, caller, path)) return std::move(*refused);
  // Cross-site request forgery: a browser sends the cookie with any request, so
  // a change authenticated by it must show the session's own token.
  if (caller.session && effective != "GET") {
    if (Status st = api.sign_in->check_csrf(*caller.session, req.header("X-CSRF-Token"), req.header("Origin"));
        !st.ok()) {
      return problem(403, "csrf_refused", st.message(), path);
    }
  }

  std::variant<json, Reply> body = json();
  if (!matched.route->raw_body) body = read_json_body(req, *matched.route, path);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  json& object = std::get<json>(body);

  // A creating POST may carry an Idempotency-Key; elsewhere the header means nothing and is ignored.
  const bool keyed = matched.route->takes_idempotency_key && has_header(req, "Idempotency-Key");
  const std::string key = keyed ? req.header("Idempotency-Key") : std::string();
  if (keyed && !valid_idempotency_key(key)) {
    return problem(400, "invalid_idempotency_key",
                   fmt::format("the Idempotency-Key header ({} characters) must be 1 to 255 visible ASCII characters",
                               key.size()),
                   path);
  }
  Call call{api, effective, path, std::move(matched.params), {}, object.is_null() ? json::object() : object,
            caller.principal, caller.session};
  for (const auto& [k, v] : target->query) call.query[k] = v;
  if (matched.route->raw_body) {
    call.request_body = &req.body;
    call.request_content_type = req.header("Content-Type");
  }
  return dispatch(*matched.route, call, keyed ? &key : nullptr);
}

Reply Server::Impl::handle_auth(const http::Request& req, const std::string& path,
                                const std::map<std::string, std::string>& query, std::string& route_label) {
  const std::string& method = req.method;
  const bool get = method == "GET" || method == "HEAD";
  const auto to_reply = [](AuthAnswer a) { return Reply{a.status, a.content_type, std::move(a.body), std::move(a.headers)}; };
  if (path == "/auth/login/citizen" || path == "/auth/login/staff" || path == "/auth/callback") {
    route_label = path;
    if (method == "OPTIONS") return options_reply({"GET"});
    if (!get) return not_allowed(path, method, {"GET"});
    if (!api.sign_in) {
      return problem(404, "no_such_route", "sign-in through OpenID Connect is not configured on this server", path);
    }
    if (path == "/auth/callback") return to_reply(api.sign_in->callback(query, req.tls));
    return to_reply(api.sign_in->login(path.substr(std::string("/auth/login/").size()), query));
  }
  if (path == "/auth/logout") {
    route_label = path;
    if (method == "OPTIONS") return options_reply({"POST"});
    if (method != "POST") return not_allowed(path, method, {"POST"});
    if (!api.sign_in) {
      return problem(404, "no_such_route", "sign-in through OpenID Connect is not configured on this server", path);
    }
    const Caller caller = authenticate(req);
    if (!caller.session) {
      return problem(401, "invalid_session",
                     caller.failure.ok() ? "there is no session to end: this browser is not signed in"
                                         : caller.failure.message(),
                     path);
    }
    if (Status st = api.sign_in->check_csrf(*caller.session, req.header("X-CSRF-Token"), req.header("Origin"));
        !st.ok()) {
      return problem(403, "csrf_refused", st.message(), path);
    }
    return to_reply(api.sign_in->logout(*caller.session));
  }
  route_label = "/auth/unknown";
  return problem(404, "no_such_route", "nothing is served at " + path, path);
}

http::Response Server::Impl::answer(http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  std::string route = "unmatched";
  Reply reply;
  try {
    reply = handle(req, route);
  } catch (const std::exception& e) {
    logger()->error("{} {}: {}", method_label(req.method), mask_cpr_numbers(route), mask_cpr_numbers(e.what()));
    reply = problem(500, "internal", "the server failed while answering; the error is in its log", "");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics.record(method_label(req.method), route, reply.status, seconds);
  // The route template, never the path: paths carry ids, and what a client puts in a path is its own.
  logger()->info("{} {} {} {:.1f} ms", method_label(req.method), mask_cpr_numbers(route), reply.status,
                 seconds * 1000);
  return to_response(std::move(reply), req.method == "HEAD");
}

http::Response Server::Impl::refused(int status, const std::string& code, const std::string& detail) {
  metrics.record("other", "unparsed", status, 0);
  logger()->info("- unparsed {} ({})", status, code);
  http::Response r = to_response(problem(status, code, detail, ""), false);
  return r;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::start(const ServerConfig& config, std::string signing_key) {
  if (auto st = config.check(); !st.ok()) return st;
  if (auto st = check_signing_key(signing_key, "(given to the server)"); !st.ok()) return st;
  auto impl = std::make_unique<Impl>(config);
  if (auto url = db::DatabaseUrl::parse(config.db_url); url.ok() && url->dialect == db::Dialect::kSqlite) {
    auto lock = InstanceLock::acquire(url->connect);
    if (!lock.ok()) return lock.status();
    impl->instance_lock = std::move(*lock);
  }
  app::InstallationOptions options{config.db_url, config.plugin_dir};
  options.plugin_delivery = EventDelivery::kByWorker;
  options.plugin_delivery_wakeup = [raw = impl.get()] {
    MutexLock lock(raw->stop_mutex);
    raw->delivery_wanted = true;
    raw->delivery_signal.notify_all();
  };
  impl->letter_installation = options;
  impl->letter_installation.delivery_plugins_only = true;
  Lanes::Options lane_options;
  lane_options.installation = options;
  lane_options.readers = config.read_connections;
  lane_options.writers = config.write_connections;
  lane_options.group_commit_max = config.group_commit_max;
  lane_options.config_refresh = std::chrono::milliseconds(config.config_refresh_milliseconds);
  auto lanes = Lanes::open(lane_options);
  if (!lanes.ok()) return lanes.status();
  impl->api.lanes = std::move(*lanes);
  impl->api.jobs.attach(*impl->api.lanes, impl->node);
  auto document_store = documents::DocumentStore::open(config.db_url);
  if (document_store.ok()) {
    impl->api.documents = std::move(*document_store);
  } else {
    logger()->warn("documents cannot be stored: {}", document_store.status().message());
  }
  if (impl->api.documents) {
    // Orphaned document files (an upload whose unit did not commit, a crash
    // between the file and the commit) older than an hour are removed at start.
    Result<documents::GcReport> gc = Internal("not run");
    Status ran = impl->api.lanes->read([&](app::Installation& i) {
      gc = impl->api.documents->collect_garbage(*i.store, std::chrono::hours(1));
    });
    if (!ran.ok()) gc = ran;
    if (!gc.ok()) {
      logger()->warn("orphaned document files were not cleaned: {}", gc.status().message());
    } else if (gc->removed + gc->temporary_removed > 0) {
      logger()->info("removed {} orphaned document files and {} temporary ones", gc->removed, gc->temporary_removed);
    }
  }
  for (const auto& w : impl->api.lanes->plugin_warnings()) logger()->warn("plugin not loaded: {}", w);
  impl->api.config = config;
  auto gate = token_gate_for(impl->api, signing_key);  // loads the revocation list
  if (!gate.ok()) return gate.status();
  impl->api.tokens = std::move(*gate);
  if (config.sign_in_enabled()) {
    auto sign_in = SignIn::create(impl->api, oidc::poco_http(std::chrono::seconds(10)));
    if (!sign_in.ok()) return sign_in.status();
    impl->api.sign_in = std::move(*sign_in);
  }
  impl->api.signing_key = std::move(signing_key);
  impl->api.started = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  http::Settings settings;
  settings.address = config.address;
  settings.port = config.port;
  settings.tls_certificate = config.tls_certificate;
  settings.tls_private_key = config.tls_private_key;
  settings.io_threads = config.io_threads;
  settings.workers = config.threads;
  settings.queue = config.queue;
  settings.request_timeout = std::chrono::seconds(config.request_timeout_seconds);
  settings.keep_alive_timeout = std::chrono::seconds(config.keep_alive_seconds);
  settings.max_requests_per_connection = config.keep_alive_requests;
  settings.max_uri_bytes = config.max_uri_bytes;
  settings.max_header_bytes = config.max_header_bytes;
  settings.max_connections = config.max_connections;
  settings.max_connections_per_address = config.max_connections_per_address;
  http::Callbacks callbacks;
  Impl* raw = impl.get();
  callbacks.body_limit = [raw](const std::string& method, const std::string& target) {
    return raw->body_limit_for(method, target);
  };
  callbacks.handle = [raw](http::Request& req) { return raw->answer(req); };
  callbacks.refuse = [raw](int status, const std::string& code, const std::string& detail) {
    return raw->refused(status, code, detail);
  };
  auto listener = http::Listener::start(settings, std::move(callbacks));
  if (!listener.ok()) return listener.status();
  impl->http = std::move(*listener);
  impl->port = impl->http->port();
  impl->listener = impl->http.get();
  logger()->info("serving on {}://{}:{}", config.tls() ? "https" : "http", config.address, impl->port);
  impl->deadline_checker = std::thread([raw = impl.get()] { raw->check_deadlines_until_stopped(); });
  impl->plugin_deliverer = std::thread([raw = impl.get()] { raw->deliver_plugin_events_until_stopped(); });
  impl->job_keeper = std::thread([raw = impl.get()] { raw->keep_jobs_until_stopped(); });
  impl->letter_deliverer = std::thread([raw = impl.get()] { raw->deliver_letters_until_stopped(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

unsigned Server::port() const { return impl_->port; }

std::string Server::base_url() const {
  return fmt::format("{}://{}:{}", impl_->config.tls() ? "https" : "http", impl_->config.address, impl_->port);
}

std::vector<std::string> Server::plugin_warnings() const {
  return impl_->api.lanes->plugin_warnings();  // the writers' configuration, as last opened
}

void Server::stop() {
  if (!impl_ || impl_->stopped) return;  // once: the destructor calls it again after an explicit stop()
  impl_->stopped = true;
  if (impl_->http) {
    impl_->http->stop();
    impl_->listener = nullptr;
    impl_->http.reset();
  }
  {
    MutexLock guard(impl_->stop_mutex);
    impl_->stopping = true;
  }
  impl_->stop_signal.notify_all();
  impl_->delivery_signal.notify_all();
  if (impl_->deadline_checker.joinable()) impl_->deadline_checker.join();
  if (impl_->plugin_deliverer.joinable()) impl_->plugin_deliverer.join();
  if (impl_->job_keeper.joinable()) impl_->job_keeper.join();
  if (impl_->letter_deliverer.joinable()) impl_->letter_deliverer.join();
  impl_->api.jobs.stop_children();
  impl_->api.jobs.join();
  if (impl_->api.lanes) {
    // The next deadline check is another node's (or this one's after a restart) at once.
    Status released = Internal("not run");
    Status committed = impl_->api.lanes->write(
        [&](app::Installation& i) { released = i.store->release_lease("deadline_check", impl_->node); },
        Lanes::Grouping::kAlone);
    if (!committed.ok()) released = committed;
    if (!released.ok()) logger()->warn("the deadline check lease was not given up: {}", released.message());
    impl_->api.lanes->stop();  // after everything that writes
  }
}

std::vector<std::pair<std::string, std::string>> api_routes() {
  std::vector<std::pair<std::string, std::string>> out{
      {"GET", "/healthz"}, {"GET", "/healthz/ready"}, {"GET", "/healthz/live"}, {"GET", "/metrics"},
      // Sign-in (handle_auth): pages and redirects for a browser, outside /api.
      {"GET", "/auth/login/citizen"}, {"GET", "/auth/login/staff"}, {"GET", "/auth/callback"}, {"POST", "/auth/logout"}};
  std::vector<Route> routes = all_routes();
  add_problem_routes(routes);
  for (const auto& r : routes) out.emplace_back(r.method, r.pattern);
  return out;
}

const std::string& openapi_document() {
  static const std::string text(embedded_openapi());
  return text;
}

}  // namespace sagsflow::server
