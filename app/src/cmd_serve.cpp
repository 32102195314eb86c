// `sagsflow serve`, `sagsflow token issue`, `sagsflow audit`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/server/config.hpp"
#include "sagsflow/server/server.hpp"
#include "sagsflow/server/tokens.hpp"

namespace sagsflow::cli {
namespace {

using nlohmann::json;

struct ServeArgs {
  std::string config_file;
  std::string address;
  int port = -1;
  int threads = 0;
  std::string signing_key;
  std::string tls_certificate;
  std::string tls_private_key;
  bool allow_simulation = false;
  // token issue
  std::string person;
  std::string unit;
  std::vector<std::string> roles;
  std::string citizen;
  int hours = 0;
  // audit
  long long case_id = 0;
  std::string actor;
  std::string from;
  std::string to;
  int limit = 200;
};

// --signing-key, SAGSFLOW_SIGNING_KEY_FILE, the configuration's, or signing.key beside an SQLite database.
std::string signing_key_path(const Context& ctx, const ServeArgs& a, const server::ServerConfig& config) {
  if (!a.signing_key.empty()) return a.signing_key;
  if (const char* env = std::getenv("SAGSFLOW_SIGNING_KEY_FILE"); env && *env) return env;
  if (!config.signing_key_file.empty()) return config.signing_key_file;
  auto url = db::DatabaseUrl::parse(config.db_url.empty() ? ctx.db_url : config.db_url);
  if (url.ok() && url->dialect == db::Dialect::kSqlite && url->connect != ":memory:") {
    return (std::filesystem::path(url->connect).parent_path() / "signing.key").string();
  }
  return {};
}

Result<server::ServerConfig> server_config(const Context& ctx, const ServeArgs& a) {
  server::ServerConfig c;
  if (!a.config_file.empty()) {
    auto loaded = server::load_server_config(a.config_file, c);
    if (!loaded.ok()) return loaded.status();
    c = *loaded;
  }
  if (c.db_url.empty() || ctx.db_given) c.db_url = ctx.db_url;
  if (!ctx.plugin_dir.empty()) c.plugin_dir = ctx.plugin_dir;
  if (!a.address.empty()) c.address = a.address;
  if (a.port >= 0) c.port = static_cast<unsigned>(a.port);
  if (a.threads > 0) c.threads = a.threads;
  if (!a.tls_certificate.empty()) c.tls_certificate = a.tls_certificate;
  if (!a.tls_private_key.empty()) c.tls_private_key = a.tls_private_key;
  if (a.allow_simulation) c.allow_simulation = true;
  c.signing_key_file = signing_key_path(ctx, a, c);
  if (auto st = c.check(); !st.ok()) return st;
  return c;
}

int serve(const Context& ctx, const ServeArgs& a) {
  auto config = server_config(ctx, a);
  if (!config.ok()) return fail(ctx, config.status());
  auto key = server::load_signing_key(config->signing_key_file);
  if (!key.ok()) return fail(ctx, key.status());
  // The server logs to stderr at info unless SAGSFLOW_LOG_LEVEL says otherwise.
  if (std::getenv("SAGSFLOW_LOG_LEVEL") == nullptr) logger()->set_level(spdlog::level::info);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any server thread starts
  auto server = server::Server::start(*config, *key);
  if (!server.ok()) return fail(ctx, server.status());
  for (const auto& w : (*server)->plugin_warnings()) std::cerr << "warning: " << w << "\n";
  std::cout << fmt::format("Sagsflow serves {} on {} (Ctrl-C stops)\n", config->db_url, (*server)->base_url())
            << std::flush;
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "Stopping\n";
  (*server)->stop();
  return kExitOk;
}

int issue_token(const Context& ctx, const ServeArgs& a) {
  server::ServerConfig none;
  if (!a.config_file.empty()) {
    auto loaded = server::load_server_config(a.config_file);
    if (!loaded.ok()) return fail(ctx, loaded.status());
    none = *loaded;
  }
  auto key = server::load_signing_key(signing_key_path(ctx, a, none));
  if (!key.ok()) return fail(ctx, key.status());
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  auto municipality = ctx.resolve_municipality(**store);
  if (!municipality.ok()) return fail(ctx, municipality.status());
  server::Principal who;
  who.municipality = *municipality;
  if (!a.citizen.empty() == !a.person.empty()) {
    return fail(ctx, InvalidArgument("give either --person (a staff token) or --citizen CPR (a citizen token)"));
  }
  if (!a.citizen.empty()) {
    auto cpr = Cpr::parse(a.citizen);
    if (!cpr.ok()) return fail(ctx, InvalidArgument("--citizen: " + cpr.status().message()));
    who.kind = server::PrincipalKind::kCitizen;
    who.citizen = *cpr;
  } else {
    auto org = load_organisation(**store);
    if (!org.ok()) return fail(ctx, org.status());
    // The same rule as every request: the core builds the actor from the staff list.
    auto actor = (*org)->actor_for({a.person, a.unit, "", a.roles}, *municipality);
    if (!actor.ok()) {
      return fail(ctx, actor.status().code() == ErrorCode::kForbidden && !(*org)->person(a.person, *municipality).ok()
                           ? NotFound(fmt::format("{} is not on the staff list of {}: a token is only issued to staff",
                                                  a.person, *municipality))
                           : actor.status());
    }
    who.person = a.person;
    who.unit = a.unit;
    who.roles = a.roles;
  }
  const int hours = a.hours > 0 ? a.hours : none.token_lifetime_hours;
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto token = server::issue_token(who, std::chrono::hours(hours), *key, now);
  if (!token.ok()) return fail(ctx, token.status());
  if (ctx.json) {
    print_json({{"token", *token},
                {"expires", format_timestamp(now + std::chrono::hours(hours))},
                {"for", who.label()},
                {"municipality", who.municipality}});
  } else {
    std::cout << *token << "\n";
  }
  return kExitOk;
}

int audit(const Context& ctx, const ServeArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const Actor actor = *me;
  if (auto st = s->organisation->may_administer(actor, s->municipality); !st.ok()) return fail(ctx, st);
  AccessFilter f;
  f.municipality = s->municipality;
  if (a.case_id > 0) f.case_id = a.case_id;
  if (!a.actor.empty()) f.actor = a.actor;
  if (!a.from.empty()) f.from = a.from;
  if (!a.to.empty()) f.to = a.to;
  f.limit = a.limit;
  auto records = s->engine->access_log(f);
  if (!records.ok()) return fail(ctx, records.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& r : *records) out.push_back(app::access_json(r));
    print_json(out);
    return kExitOk;
  }
  std::cout << fmt::format("{:<21} {:<18} {:<10} {:<10} {:<20} {:<32} {}\n", "AT", "CASE", "WHO", "UNIT", "AUTHORITY",
                           "PURPOSE", "VIA");
  for (const auto& r : *records) {
    std::cout << fmt::format("{:<21} {:<18} {:<10} {:<10} {:<20} {:<32} {}\n", r.at, r.case_number, r.actor, r.unit,
                             r.authority, r.purpose, r.via);
  }
  return kExitOk;
}

}  // namespace

void add_serve_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static ServeArgs a;
  auto* s = app.add_subcommand("serve", "Serve the HTTP API, /healthz, /metrics and the web pages");
  s->add_option("--config", a.config_file, "Server configuration (properties file; see docs/operations.md)");
  s->add_option("--address", a.address, "Address to listen on (default 127.0.0.1)");
  s->add_option("--port", a.port, "Port (default 8080; 0 picks a free one)")->check(CLI::Range(0, 65535));
  s->add_option("--threads", a.threads, "Worker threads (default 16)")->check(CLI::Range(1, 1024));
  s->add_option("--signing-key", a.signing_key,
                "File with the token signing key (default: SAGSFLOW_SIGNING_KEY_FILE, the configuration's, or "
                "signing.key beside an SQLite database)");
  s->add_option("--tls-certificate", a.tls_certificate, "PEM certificate: serve HTTPS only");
  s->add_option("--tls-private-key", a.tls_private_key, "PEM private key of the certificate");
  s->add_flag("--allow-simulation", a.allow_simulation,
              "Let admins simulate a year from the web page into this database (demo installations only)");
  s->callback([&] { exit_code = serve(ctx, a); });

  auto* t = app.add_subcommand("token", "Bearer tokens for the API");
  t->require_subcommand(1);
  auto* ti = t->add_subcommand("issue", "Issue a signed token for a person on the staff list, or for a citizen");
  ti->add_option("--person", a.person, "Staff member id (the token carries their unit and roles)");
  ti->add_option("--unit", a.unit, "Unit (default: theirs from the staff list)");
  ti->add_option("--token-role", a.roles, "Limit the token to these roles (repeatable; default: all theirs)");
  ti->add_option("--citizen", a.citizen, "CPR number: a citizen token that reads only their own cases");
  ti->add_option("--hours", a.hours, "Lifetime in hours (default: auth.token_lifetime_hours, 8)");
  ti->add_option("--config", a.config_file, "Server configuration (for the signing key and lifetime)");
  ti->add_option("--signing-key", a.signing_key, "File with the token signing key");
  ti->callback([&] { exit_code = issue_token(ctx, a); });

  auto* au = app.add_subcommand("audit", "Who read which case's personal data, when and why (role admin)");
  au->add_option("--case", a.case_id, "Only this case id");
  au->add_option("--who", a.actor, "Only reads by this person");
  au->add_option("--from", a.from, "From this instant (ISO-8601 UTC, inclusive)");
  au->add_option("--to", a.to, "Until this instant (exclusive)");
  au->add_option("--limit", a.limit, "At most this many records, newest first")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  au->callback([&] { exit_code = audit(ctx, a); });
}

}  // namespace sagsflow::cli
