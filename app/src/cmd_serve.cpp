// `sagsflow serve`, `sagsflow token issue`, `sagsflow token revoke`, `sagsflow audit`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/app/process_hardening.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/server/config.hpp"
#include "sagsflow/server/server.hpp"
#include "sagsflow/server/token_records.hpp"
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
  // token revoke
  std::string jti;
  std::string token;
  std::string reason;
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
  // main() disallowed core dumps unless SAGSFLOW_CORE_DUMPS asked for them; the configuration may allow them too.
  if (config->core_dumps && !app::core_dumps_requested_by_environment()) {
    if (auto st = app::harden_process(true); !st.ok()) return fail(ctx, st);
  }
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

// The configuration `token issue` and `token revoke` read (--config), else the defaults.
Result<server::ServerConfig> token_config(const ServeArgs& a) {
  if (a.config_file.empty()) return server::ServerConfig{};
  return server::load_server_config(a.config_file);
}

Timestamp now_seconds() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

int issue_token(const Context& ctx, const ServeArgs& a) {
  auto config = token_config(a);
  if (!config.ok()) return fail(ctx, config.status());
  auto key = server::load_signing_key(signing_key_path(ctx, a, *config));
  if (!key.ok()) return fail(ctx, key.status());
  server::TokenPolicy policy;
  policy.max_lifetime = std::chrono::hours(config->token_max_lifetime_hours);
  auto tokens = server::TokenService::create(*key, policy);
  if (!tokens.ok()) return fail(ctx, tokens.status());
  if (!a.citizen.empty() == !a.person.empty()) {
    return fail(ctx, InvalidArgument("give either --person (a staff token) or --citizen CPR (a citizen token)"));
  }
  if (a.hours < 0) return fail(ctx, InvalidArgument(fmt::format("--hours {}: a lifetime must be positive", a.hours)));
  const int hours = a.hours > 0 ? a.hours : config->token_lifetime_hours;
  if (hours > config->token_max_lifetime_hours) {
    return fail(ctx, InvalidArgument(fmt::format("--hours {}: a token may live at most {} hours "
                                                 "(auth.token_max_lifetime_hours{})",
                                                 hours, config->token_max_lifetime_hours,
                                                 a.config_file.empty() ? ", the default" : " in " + a.config_file)));
  }
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  auto municipality = ctx.resolve_municipality(**store);
  if (!municipality.ok()) return fail(ctx, municipality.status());
  const auto now = now_seconds();
  server::Principal who;
  who.municipality = *municipality;
  if (!a.citizen.empty()) {
    auto cpr = Cpr::parse(a.citizen);
    if (!cpr.ok()) return fail(ctx, InvalidArgument("--citizen: " + cpr.status().message()));
    who.kind = server::PrincipalKind::kCitizen;
    who.citizen = *cpr;
    // The token carries an opaque id for the citizen, never the CPR number.
    auto subject = server::citizen_token_subject(**store, *municipality, *cpr, now);
    if (!subject.ok()) return fail(ctx, subject.status());
    who.citizen_subject = *subject;
  } else {
    auto org = load_organisation(**store);
    if (!org.ok()) return fail(ctx, org.status());
    // Only the municipality's own staff: someone on another municipality's list acts there, not here.
    auto listed = (*org)->person(a.person, *municipality);
    if (!listed.ok() || listed->municipality == nullptr || listed->municipality->code != *municipality) {
      const std::string elsewhere =
          listed.ok() && listed->municipality != nullptr ? " (they are on " + listed->municipality->code + "'s)" : "";
      return fail(ctx, NotFound(fmt::format("{} is not on the staff list of {}{}: a token for {} is only issued to "
                                            "its own staff",
                                            a.person, *municipality, elsewhere, *municipality)));
    }
    // The same rule as every request: the core builds the actor from the staff list.
    auto actor = (*org)->actor_for({a.person, a.unit, "", a.roles}, *municipality);
    if (!actor.ok()) return fail(ctx, actor.status());
    who.person = a.person;
    who.unit = a.unit;
    who.roles = a.roles;
  }
  auto token = tokens->issue(who, std::chrono::hours(hours), now);
  if (!token.ok()) return fail(ctx, token.status());
  auto issued = tokens->verify(*token, now);
  if (!issued.ok()) return fail(ctx, Internal("the new token does not verify: " + issued.status().message()));
  if (ctx.json) {
    print_json({{"token", *token},
                {"jti", issued->token_id},
                {"expires", format_timestamp(issued->expires)},
                {"for", who.label()},
                {"municipality", who.municipality}});
  } else {
    std::cout << *token << "\n";
    // stdout is the token alone (scripts read it); its id, for `sagsflow token revoke`, goes to stderr.
    std::cerr << fmt::format("token id (jti) {} for {}, expires {}\n", issued->token_id, who.label(),
                             format_timestamp(issued->expires));
  }
  return kExitOk;
}

int revoke_token(const Context& ctx, const ServeArgs& a) {
  if (a.jti.empty() == a.token.empty()) {
    return fail(ctx, InvalidArgument("give the token id (jti) `sagsflow token issue` printed, or --token TOKEN"));
  }
  auto config = token_config(a);
  if (!config.ok()) return fail(ctx, config.status());
  const auto now = now_seconds();
  std::string jti = a.jti;
  // Unknown expiry: a token cannot outlive the longest lifetime (plus the clock skew allowed for iat).
  server::TokenPolicy policy;
  policy.max_lifetime = std::chrono::hours(config->token_max_lifetime_hours);
  Timestamp keep_until = now + policy.max_lifetime + policy.clock_skew;
  if (!a.token.empty()) {
    auto key = server::load_signing_key(signing_key_path(ctx, a, *config));
    if (!key.ok()) return fail(ctx, key.status());
    auto tokens = server::TokenService::create(*key, policy);
    if (!tokens.ok()) return fail(ctx, tokens.status());
    auto who = tokens->verify(a.token, now);
    if (!who.ok()) {
      return fail(ctx, Forbidden("not revoked: the token is not one this installation accepts, so there is nothing to revoke: " +
                                 who.status().message()));
    }
    jti = who->token_id;
    keep_until = who->expires;
  }
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  if (auto st = server::revoke_token_id(**store, jti, ctx.actor_id, a.reason, keep_until, now); !st.ok()) {
    return fail(ctx, st);
  }
  if (ctx.json) {
    print_json({{"revoked", jti},
                {"by", ctx.actor_id},
                {"at", format_timestamp(now)},
                {"kept_until", format_timestamp(keep_until)},
                {"refused_within_seconds", config->revocation_refresh_seconds}});
  } else {
    std::cout << fmt::format("Token {} is revoked: every server of this installation refuses it within {} s "
                             "(auth.revocation_refresh_seconds); the record is kept until {}.\n",
                             jti, config->revocation_refresh_seconds, format_timestamp(keep_until));
  }
  return kExitOk;
}

int audit(const Context& ctx, const ServeArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = require_admin(ctx, *s->organisation, s->municipality, "read the access log");
  if (!me.ok()) return fail(ctx, me.status());
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
    // A case-less inquiry's read names the inquiry.
    const std::string subject = r.case_id != 0 ? r.case_number : fmt::format("inquiry {}", r.inquiry_id);
    std::cout << fmt::format("{:<21} {:<18} {:<10} {:<10} {:<20} {:<32} {}\n", r.at, subject, r.actor, r.unit,
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
  ti->add_option("--hours", a.hours,
                 "Lifetime in hours (default: auth.token_lifetime_hours, 8; at most auth.token_max_lifetime_hours, 720)");
  ti->add_option("--config", a.config_file, "Server configuration (for the signing key and lifetime)");
  ti->add_option("--signing-key", a.signing_key, "File with the token signing key");
  ti->callback([&] { exit_code = issue_token(ctx, a); });
  auto* tr = t->add_subcommand("revoke", "Revoke a token: every server of the installation refuses it from then on");
  tr->add_option("jti", a.jti, "The token's id (jti), as `token issue` printed it");
  tr->add_option("--token", a.token, "The token itself (checked with the signing key; its id and expiry are used)");
  tr->add_option("--reason", a.reason, "Why, for the record");
  tr->add_option("--config", a.config_file, "Server configuration (for the signing key and lifetimes)");
  tr->add_option("--signing-key", a.signing_key, "File with the token signing key (with --token)");
  tr->callback([&] { exit_code = revoke_token(ctx, a); });

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
