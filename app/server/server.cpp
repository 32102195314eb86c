#include "sagsflow/server/server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <variant>
#include <thread>
#include <istream>
#include <sstream>

#include "api.hpp"
#include "metrics.hpp"
#include "rate_limiter.hpp"
#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/domain/log.hpp"
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

const char* reason_for(int status) {
  return Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status))
      .c_str();
}

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

Reply problem(int status, const std::string& code, const std::string& detail, const std::string& instance,
              const std::string& field = {}) {
  json p = {{"type", "/api/v1/problems/" + code},
            {"title", reason_for(status)},
            {"status", status},
            {"code", code},
            {"detail", detail},
            {"field", field.empty() ? json() : json(field)},
            {"instance", instance}};
  return {status, "application/problem+json", p.dump(), {}};
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
  explicit Impl(const ServerConfig& c) : config(c), limiter(c.requests_per_minute) {}
  ServerConfig config;
  Api api;
  std::vector<Route> routes = all_routes();
  RequestMetrics metrics;
  RateLimiter limiter;
  std::unique_ptr<Poco::Net::HTTPServer> http;
  unsigned port = 0;
  // Records passed and near deadlines on open cases, at start and then every
  // config.deadline_check_minutes, until stop.
  std::thread deadline_checker;
  Mutex stop_mutex;
  CondVar stop_signal;
  bool stopping GUARDED_BY(stop_mutex) = false;
  void check_deadlines_until_stopped();
  // Delivers committed events to plugins from their durable queue (never
  // inside a request): woken by a commit, and every few seconds for retries.
  std::thread plugin_deliverer;
  CondVar delivery_signal;
  bool delivery_wanted GUARDED_BY(stop_mutex) = true;
  void deliver_plugin_events_until_stopped();

  Reply handle(Poco::Net::HTTPServerRequest& req, std::string& route_label);
  // The steps of handle().
  struct Matched {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };
  struct Caller {
    std::optional<Principal> principal;
    Status failure;  // why the token was refused; ok when there was none
  };
  std::variant<Matched, Reply> find_route(const std::string& method, const std::string& path) const;
  Caller authenticate(Poco::Net::HTTPServerRequest& req) const;
  static std::optional<Reply> refuse_access(const Route& route, const Caller& caller, const std::string& path);
  std::variant<nlohmann::json, Reply> read_json_body(Poco::Net::HTTPServerRequest& req, const Route& route,
                                                     const std::string& path) const;
  Reply dispatch(const Route& route, Call& call);
  // The method as metrics and logs name it: one of the known ones, else "other".
  static std::string method_label(const std::string& method) {
    for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
      if (method == known) return method;
    }
    return "other";
  }
  // /metrics is computed at most every few seconds, whatever the scrape rate.
  Mutex metrics_cache_mutex ACQUIRED_BEFORE(api.lock);
  std::string metrics_cache GUARDED_BY(metrics_cache_mutex);
  std::chrono::steady_clock::time_point metrics_cached_at GUARDED_BY(metrics_cache_mutex){};
  Reply health();
  // The 429 for a caller over limits.requests_per_minute, or nothing when the request may go ahead.
  std::optional<Reply> admit(const std::string& client, const std::string& path);
  Reply metrics_text();
  Reply serve_asset(const std::string& path);
};

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Server::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    const auto started = std::chrono::steady_clock::now();
    std::string route = "unmatched";
    Reply reply;
    try {
      reply = impl_.handle(req, route);
    } catch (const std::exception& e) {
      logger()->error("{} {}: {}", req.getMethod(), route, e.what());
      reply = problem(500, "internal", "the server failed while answering; the error is in its log", req.getURI());
    }
    res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    res.setContentType(reply.content_type);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Cache-Control", "no-store");
    for (const auto& [k, v] : reply.headers) res.set(k, v);
    if (reply.status == 413) res.setKeepAlive(false);  // what is left of the body is not a next request
    res.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    try {
      res.send() << reply.body;
    } catch (const Poco::Exception&) {  // the client went away
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    impl_.metrics.record(impl_.method_label(req.getMethod()), route, reply.status, seconds);
    // Paths carry ids, never CPR numbers; the log masks any CPR-shaped text anyway.
    const std::string& uri = req.getURI();
    logger()->info("{} {} {} {:.1f} ms", impl_.method_label(req.getMethod()), uri.substr(0, std::min(uri.find('?'), size_t{200})),
                   reply.status, seconds * 1000);
  }

 private:
  Server::Impl& impl_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Server::Impl& impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(impl_);
  }

 private:
  Server::Impl& impl_;
};

// Reads at most `limit` + 1 bytes of the body, so an oversized chunked body is noticed without reading it all.
std::string read_body(std::istream& in, std::size_t limit) {
  std::string body;
  char buffer[8192];
  while (body.size() <= limit && in) {
    in.read(buffer, sizeof buffer);
    body.append(buffer, static_cast<size_t>(in.gcount()));
  }
  return body;
}

// Reads and drops what is left of an oversized body (up to `limit` bytes), so
// the client, still sending, reads the 413 instead of a reset connection.
void drain(std::istream& in, std::size_t limit) {
  char buffer[8192];
  std::size_t dropped = 0;
  while (dropped < limit && in) {
    in.read(buffer, sizeof buffer);
    dropped += static_cast<std::size_t>(in.gcount());
  }
}

constexpr std::size_t kMaxDrainBytes = 16 * 1024 * 1024;
// Case fields and plugin forms nest a few levels; nothing a client sends needs more.
constexpr int kMaxBodyDepth = 32;

}  // namespace

void Server::Impl::check_deadlines_until_stopped() {
  for (;;) {
    {
      MutexLock guard(api.lock);
      auto recorded = api.installation.engine->check_deadlines();
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
    MutexLock guard(api.lock);
    auto delivered = api.installation.plugins->deliver_pending(/*max_calls=*/20);
    if (!delivered.ok()) logger()->error("plugin event delivery failed: {}", delivered.status().message());
  }
}

Reply Server::Impl::serve_asset(const std::string& path) {
  const WebAsset* asset = find_web_asset(path == "/" ? "/index.html" : path);
  if (asset == nullptr) return problem(404, "no_such_route", "nothing is served at " + path, path);
  Reply r{200, std::string(asset->content_type), std::string(asset->body), {}};
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                         "connect-src 'self'; frame-ancestors 'none'");
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
  {
    MutexLock guard(api.lock);
    auto version = api.installation.store->schema_version();
    checks["database"] = version.ok() ? json{{"ok", true}, {"schema_version", *version}}
                                      : json{{"ok", false}, {"error", version.status().message()}};
    ok = ok && version.ok();
    json plugins = json::array();
    auto installed = api.installation.store->installed_plugins();
    if (installed.ok()) {
      for (const auto& p : *installed) {
        if (!p.enabled && !p.disabled_reason.empty()) {  // Sagsflow disabled it: repeated crashes
          ok = false;
          plugins.push_back({{"id", p.id}, {"version", p.version}, {"loaded", false},
                             {"disabled_reason", p.disabled_reason}});
        }
        if (!p.enabled) continue;
        const bool loaded = api.installation.plugins->find(p.id) != nullptr;
        ok = ok && loaded;
        plugins.push_back({{"id", p.id}, {"version", p.version}, {"loaded", loaded}});
      }
    }
    checks["plugins"] = plugins;
    checks["plugin_warnings"] = api.installation.plugin_warnings;
  }
  json body = {{"status", ok ? "ok" : "degraded"}, {"checks", checks}};
  return {ok ? 200 : 503, "application/json", body.dump(), {}};
}

Reply Server::Impl::metrics_text() {
  std::string out = metrics.render();
  MutexLock cache_guard(metrics_cache_mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - metrics_cached_at < std::chrono::seconds(5) && !metrics_cache.empty()) {
    return {200, "text/plain; version=0.0.4; charset=utf-8", out + metrics_cache, {}};
  }
  const size_t own = out.size();
  MutexLock guard(api.lock);
  auto& inst = api.installation;
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
  CaseFilter open;
  open.status = CaseStatus::kOpen;
  open.limit = 1000000;
  if (auto cases = inst.store->list_cases(open); cases.ok()) {
    std::map<std::tuple<std::string, std::string, std::string>, long long> per_queue;
    for (const auto& c : *cases) {
      auto q = inst.engine->queue_of(c);
      const std::string kind = q.ok() && !q->kind.empty() ? q->kind : "none";
      const std::string id = q.ok() ? q->id : "";
      ++per_queue[{c.municipality, kind, id}];
    }
    out += "# HELP sagsflow_open_cases Open cases per municipality and queue (unit, specialist group or authority).\n";
    out += "# TYPE sagsflow_open_cases gauge\n";
    for (const auto& [key, n] : per_queue) {
      const auto& [m, kind, id] = key;
      out += fmt::format("sagsflow_open_cases{{municipality=\"{}\",queue_kind=\"{}\",queue=\"{}\"}} {}\n",
                         prometheus_label(m), prometheus_label(kind), prometheus_label(id), n);
    }
  }
  out += "# HELP sagsflow_plugins_loaded Plugins loaded in this server.\n# TYPE sagsflow_plugins_loaded gauge\n";
  out += fmt::format("sagsflow_plugins_loaded {}\n", inst.plugins->loaded().size());
  metrics_cache = out.substr(own);
  metrics_cached_at = now;
  return {200, "text/plain; version=0.0.4; charset=utf-8", out, {}};
}

// The route for `method` and `path`, with its path parameters; or the 404/405 to answer.
std::variant<Server::Impl::Matched, Reply> Server::Impl::find_route(const std::string& method,
                                                                    const std::string& path) const {
  std::vector<std::string> parts;
  {
    std::istringstream in(path);
    for (std::string seg; std::getline(in, seg, '/');) {
      if (!seg.empty()) parts.push_back(seg);
    }
  }
  std::vector<std::string> allowed;
  for (const auto& r : routes) {
    std::map<std::string, std::string> p;
    if (!match(r.pattern, parts, p)) continue;
    if (r.method == method) return Matched{&r, std::move(p)};
    allowed.push_back(r.method);
  }
  if (!allowed.empty()) {
    Reply r = problem(405, "method_not_allowed",
                      fmt::format("{} answers {}, not {}", path, fmt::join(allowed, ", "), method), path);
    r.headers.emplace_back("Allow", fmt::format("{}", fmt::join(allowed, ", ")));
    return r;
  }
  return problem(404, "no_such_route", fmt::format("the API has no route {} {}", method, path), path);
}

// Who is calling: the token's principal, if any, and why a token was refused.
Server::Impl::Caller Server::Impl::authenticate(Poco::Net::HTTPServerRequest& req) const {
  Caller caller;
  const std::string authorization = req.get("Authorization", "");
  if (authorization.empty()) return caller;
  if (authorization.rfind("Bearer ", 0) != 0) {
    caller.failure = Forbidden("the Authorization header must be 'Bearer <token>'");
    return caller;
  }
  auto who = verify_token(authorization.substr(7), api.signing_key,
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
  if (!caller.principal) {
    const bool missing = caller.failure.ok();
    Reply r = problem(401, missing ? "unauthenticated" : "invalid_token",
                      missing ? "this route needs a bearer token (Authorization: Bearer <token>)"
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
std::variant<json, Reply> Server::Impl::read_json_body(Poco::Net::HTTPServerRequest& req, const Route& route,
                                                       const std::string& path) const {
  const std::string& method = req.getMethod();
  if (method != "POST" && method != "PUT" && method != "PATCH") return json();
  const std::size_t max_body = route.max_body_bytes > 0 ? route.max_body_bytes : config.max_body_bytes;
  const auto declared = req.getContentLength64();
  if (declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH && static_cast<std::size_t>(declared) > max_body) {
    if (static_cast<std::size_t>(declared) <= kMaxDrainBytes) drain(req.stream(), kMaxDrainBytes);
    return problem(413, "body_too_large", fmt::format("the body has {} bytes; the limit is {}", declared, max_body),
                   path);
  }
  const std::string text = read_body(req.stream(), max_body);
  if (text.size() > max_body) {
    drain(req.stream(), kMaxDrainBytes);
    return problem(413, "body_too_large", fmt::format("the body is over the limit of {} bytes", max_body), path);
  }
  if (text.empty()) return json();
  const std::string type = req.getContentType();
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
Reply Server::Impl::dispatch(const Route& route, Call& call) {
  Result<json> result = Internal("not run");
  {
    MutexLock guard(api.lock);
    call.locked_installation = &api.installation;
    result = route.handler(call);
    call.locked_installation = nullptr;
  }
  if (!result.ok()) {
    const int status = http_status_for(result.status().code());
    return problem(status, error_code_name(result.status().code()), result.status().message(), call.path, call.field);
  }
  if (call.raw_body) return {call.status, call.raw_content_type, std::move(*call.raw_body), {}};
  return {call.status, "application/json", result->dump(), {}};
}

// route -> authenticate -> rate limit -> read body -> dispatch.
Reply Server::Impl::handle(Poco::Net::HTTPServerRequest& req, std::string& route_label) {
  const std::string method = req.getMethod();
  Poco::URI uri;
  try {
    uri = Poco::URI(req.getURI());
  } catch (const Poco::Exception&) {
    return problem(400, "malformed_uri", "the request URI cannot be parsed", "");
  }
  const std::string path = uri.getPath();
  if (path == "/healthz" || path == "/metrics") {
    route_label = path;
    if (method != "GET") return problem(405, "method_not_allowed", path + " answers GET only", path);
    if (auto refused = admit("address:" + req.clientAddress().host().toString(), path)) return std::move(*refused);
    return path == "/healthz" ? health() : metrics_text();
  }
  if (path.rfind("/api/", 0) != 0) {
    route_label = "web";
    if (method != "GET" && method != "HEAD") return problem(405, "method_not_allowed", "the pages answer GET", path);
    return serve_asset(path);
  }

  auto found = find_route(method, path);
  if (auto* refusal = std::get_if<Reply>(&found)) return std::move(*refusal);
  auto& matched = std::get<Matched>(found);
  route_label = matched.route->pattern;

  const Caller caller = authenticate(req);
  // One allowance per person, per citizen token (a masked CPR number is shared by everyone born that day), or per address.
  const std::string client = !caller.principal ? "address:" + req.clientAddress().host().toString()
                             : caller.principal->kind == PrincipalKind::kCitizen ? "citizen:" + caller.principal->token_id
                                                                                 : "staff:" + caller.principal->person;
  if (auto refused = admit(client, path)) return std::move(*refused);
  if (auto refused = refuse_access(*matched.route, caller, path)) return std::move(*refused);

  auto body = read_json_body(req, *matched.route, path);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  json& object = std::get<json>(body);

  Call call{api, method, path, std::move(matched.params), {}, object.is_null() ? json::object() : object,
            caller.principal};
  try {
    for (const auto& [k, v] : uri.getQueryParameters()) call.query[k] = v;
  } catch (const Poco::Exception&) {
    return problem(400, "malformed_uri", "the query string cannot be decoded", path);
  }
  return dispatch(*matched.route, call);
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::start(const ServerConfig& config, std::string signing_key) {
  if (auto st = config.check(); !st.ok()) return st;
  if (signing_key.size() < kMinSigningKeyBytes) {
    return InvalidArgument(fmt::format("the signing key must have at least {} bytes", kMinSigningKeyBytes));
  }
  auto impl = std::make_unique<Impl>(config);
  app::InstallationOptions options{config.db_url, config.plugin_dir};
  options.plugin_delivery = EventDelivery::kByWorker;
  options.plugin_delivery_wakeup = [raw = impl.get()] {
    MutexLock lock(raw->stop_mutex);
    raw->delivery_wanted = true;
    raw->delivery_signal.notify_all();
  };
  auto installation = app::open_installation(options);
  if (!installation.ok()) return installation.status();
  {
    MutexLock guard(impl->api.lock);
    impl->api.installation = std::move(*installation);
    for (const auto& w : impl->api.installation.plugin_warnings) logger()->warn("plugin not loaded: {}", w);
  }
  impl->api.config = config;
  impl->api.signing_key = std::move(signing_key);
  impl->api.started = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  try {
    const Poco::Net::SocketAddress address(config.address, static_cast<Poco::UInt16>(config.port));
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    if (config.tls()) {
      Poco::Net::Context::Ptr context = new Poco::Net::Context(
          Poco::Net::Context::TLS_SERVER_USE, config.tls_private_key, config.tls_certificate, "",
          Poco::Net::Context::VERIFY_NONE, 9, false, "HIGH:!aNULL:!MD5");
      socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
    } else {
      socket = std::make_unique<Poco::Net::ServerSocket>(address, 64);
    }
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config.threads);
    params->setMaxQueued(config.queue);
    // A browser keeps several idle connections open, each holding a worker
    // thread in Poco: let idle ones go soon so they cannot starve new callers.
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(2, 0));
    params->setMaxKeepAliveRequests(200);
    params->setTimeout(Poco::Timespan(30, 0));
    impl->port = socket->address().port();
    impl->http = std::make_unique<Poco::Net::HTTPServer>(new Factory(*impl), *socket, params);
    impl->http->start();
  } catch (const Poco::Exception& e) {
    return InvalidArgument(fmt::format("cannot serve on {}:{}{}: {}", config.address, config.port,
                                       config.tls() ? " (TLS)" : "", e.displayText()));
  }
  logger()->info("serving on {}://{}:{}", config.tls() ? "https" : "http", config.address, impl->port);
  impl->deadline_checker = std::thread([raw = impl.get()] { raw->check_deadlines_until_stopped(); });
  impl->plugin_deliverer = std::thread([raw = impl.get()] { raw->deliver_plugin_events_until_stopped(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

unsigned Server::port() const { return impl_->port; }

std::string Server::base_url() const {
  return fmt::format("{}://{}:{}", impl_->config.tls() ? "https" : "http", impl_->config.address, impl_->port);
}

std::vector<std::string> Server::plugin_warnings() const {
  MutexLock guard(impl_->api.lock);
  return impl_->api.installation.plugin_warnings;
}

void Server::stop() {
  if (!impl_) return;
  if (impl_->http) {
    impl_->http->stopAll(true);
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
  impl_->api.jobs.stop_children();
  impl_->api.jobs.join();
}

std::vector<std::pair<std::string, std::string>> api_routes() {
  std::vector<std::pair<std::string, std::string>> out{{"GET", "/healthz"}, {"GET", "/metrics"}};
  for (const auto& r : all_routes()) out.emplace_back(r.method, r.pattern);
  return out;
}

const std::string& openapi_document() {
  static const std::string text(embedded_openapi());
  return text;
}

}  // namespace sagsflow::server
