#include "sagsflow/server/config.hpp"

#include "sagsflow/server/oidc.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <limits>
#include <set>
#include <utility>

namespace sagsflow::server {

Status ServerConfig::check() const {
  if (address.empty()) return InvalidArgument("server.address is empty");
  if (port > 65535) return InvalidArgument(fmt::format("server.port {} is not a port number", port));
  if (threads < 1 || threads > 256) return InvalidArgument(fmt::format("server.threads {} is not 1-256", threads));
  if (queue < 1) return InvalidArgument("server.queue must be at least 1");
  const auto range = [](const char* key, long long value, long long low, long long high) -> Status {
    if (value < low || value > high) {
      return InvalidArgument(fmt::format("{} {} is not {}-{}", key, value, low, high));
    }
    return Status::Ok();
  };
  for (const Status& st : {range("server.io_threads", io_threads, 1, 64),
                           range("server.request_timeout_seconds", request_timeout_seconds, 1, 3600),
                           range("server.keep_alive_seconds", keep_alive_seconds, 1, 3600),
                           range("server.keep_alive_requests", keep_alive_requests, 1, 1000000),
                           range("server.max_uri_bytes", static_cast<long long>(max_uri_bytes), 256, 1 << 20),
                           range("server.max_header_bytes", static_cast<long long>(max_header_bytes), 1024, 1 << 20),
                           range("server.max_connections", max_connections, 1, 1000000),
                           range("server.max_connections_per_address", max_connections_per_address, 1, 1000000),
                           range("database.read_connections", read_connections, 1, 64),
                           range("database.write_connections", write_connections, 1, 64),
                           range("database.group_commit_max", group_commit_max, 1, 4096),
                           range("database.config_refresh_milliseconds", config_refresh_milliseconds, 50, 600000)}) {
    if (!st.ok()) return st;
  }
  if (max_connections_per_address > max_connections) {
    return InvalidArgument(fmt::format("server.max_connections_per_address {} is more than server.max_connections {}",
                                       max_connections_per_address, max_connections));
  }
  if (tls_certificate.empty() != tls_private_key.empty()) {
    return InvalidArgument("server.tls.certificate and server.tls.private_key go together: set both or neither");
  }
  if (max_body_bytes < 1024) return InvalidArgument("limits.max_body_bytes must be at least 1024");
  if (document_max_bytes < 1024 || document_max_bytes > 32 * 1024 * 1024) {
    return InvalidArgument(fmt::format("limits.document_max_bytes {} is not 1024-33554432", document_max_bytes));
  }
  if (document_max_parts < 1 || document_max_parts > 100) {
    return InvalidArgument(fmt::format("limits.document_max_parts {} is not 1-100", document_max_parts));
  }
  if (requests_per_minute < 1) return InvalidArgument("limits.requests_per_minute must be at least 1");
  if (deadline_check_minutes < 1) return InvalidArgument("deadlines.check_minutes must be at least 1");
  if (job_heartbeat_seconds < 1 || job_heartbeat_seconds > 3600) {
    return InvalidArgument(fmt::format("jobs.heartbeat_seconds {} is not 1-3600", job_heartbeat_seconds));
  }
  if (job_stale_after_seconds < 2 * job_heartbeat_seconds || job_stale_after_seconds > 7 * 24 * 3600) {
    return InvalidArgument(fmt::format("jobs.stale_after_seconds {} must be at least twice jobs.heartbeat_seconds ({}) "
                                       "and at most a week",
                                       job_stale_after_seconds, job_heartbeat_seconds));
  }
  if (idempotency_key_hours < 1 || idempotency_key_hours > 24 * 30) {
    return InvalidArgument(fmt::format("idempotency.keep_hours {} is not 1-720", idempotency_key_hours));
  }
  if (!mail_smtp_host.empty() && (mail_from.find('@') == std::string::npos || mail_from.find_first_of(" <>\r\n") != std::string::npos)) {
    return InvalidArgument(fmt::format("mail.from '{}' must be the sender's address (e.g. sagsflow@kommune.dk) when "
                                       "mail.smtp_host is set", mail_from));
  }
  if (mail_smtp_port < 1 || mail_smtp_port > 65535) {
    return InvalidArgument(fmt::format("mail.smtp_port {} is not 1-65535", mail_smtp_port));
  }
  if (mail_retry_first_seconds < 1 || mail_retry_max_seconds < mail_retry_first_seconds || mail_retry_max_seconds > 86400) {
    return InvalidArgument("mail.retry_first_seconds must be at least 1 and at most mail.retry_max_seconds (at most 86400)");
  }
  if (mail_max_attempts < 1 || mail_max_attempts > 100) {
    return InvalidArgument(fmt::format("mail.max_attempts {} is not 1-100", mail_max_attempts));
  }
  if (letter_poll_milliseconds < 50 || letter_poll_milliseconds > 600000) {
    return InvalidArgument(fmt::format("letters.poll_milliseconds {} is not 50-600000", letter_poll_milliseconds));
  }
  if (letter_retry_first_seconds < 1 || letter_retry_first_seconds > 86400) {
    return InvalidArgument(fmt::format("letters.retry_first_seconds {} is not 1-86400", letter_retry_first_seconds));
  }
  if (letter_retry_max_seconds < letter_retry_first_seconds || letter_retry_max_seconds > 7 * 86400) {
    return InvalidArgument(fmt::format("letters.retry_max_seconds {} must be at least letters.retry_first_seconds ({}) "
                                       "and at most a week",
                                       letter_retry_max_seconds, letter_retry_first_seconds));
  }
  if (letter_lease_seconds < 10 || letter_lease_seconds > 86400) {
    return InvalidArgument(fmt::format("letters.lease_seconds {} is not 10-86400", letter_lease_seconds));
  }
  if (letter_max_attempts < 1 || letter_max_attempts > 1000) {
    return InvalidArgument(fmt::format("letters.max_attempts {} is not 1-1000", letter_max_attempts));
  }
  if (token_lifetime_hours < 1) return InvalidArgument("auth.token_lifetime_hours must be at least 1");
  if (token_max_lifetime_hours < 1 || token_max_lifetime_hours > 24 * 365) {
    return InvalidArgument(fmt::format("auth.token_max_lifetime_hours {} is not 1-8760", token_max_lifetime_hours));
  }
  if (token_lifetime_hours > token_max_lifetime_hours) {
    return InvalidArgument(fmt::format("auth.token_lifetime_hours {} is above auth.token_max_lifetime_hours {}",
                                       token_lifetime_hours, token_max_lifetime_hours));
  }
  if (revocation_refresh_seconds < 1 || revocation_refresh_seconds > 300) {
    return InvalidArgument(fmt::format("auth.revocation_refresh_seconds {} is not 1-300", revocation_refresh_seconds));
  }
  if (session_idle_seconds < 10 || session_idle_seconds > 86400) {
    return InvalidArgument(fmt::format("session.idle_minutes is {} s; it must be 1-1440 minutes (session.idle_seconds "
                                       "10-86400)",
                                       session_idle_seconds));
  }
  if (session_absolute_hours < 1 || session_absolute_hours > 24) {
    return InvalidArgument(fmt::format("session.absolute_hours {} is not 1-24", session_absolute_hours));
  }
  for (const auto& [name, p] : {std::pair{"citizen", &oidc_citizen}, std::pair{"staff", &oidc_staff}}) {
    const std::string prefix = std::string("oidc.") + name + ".";
    if (!p->enabled()) continue;
    if (p->issuer.rfind("https://", 0) != 0 && p->issuer.rfind("http://", 0) != 0) {
      return InvalidArgument(fmt::format("{}issuer '{}' is not an http(s) URL", prefix, p->issuer));
    }
    if (p->client_id.empty()) return InvalidArgument(prefix + "client_id is missing (" + prefix + "issuer is set)");
    if (p->client_secret_file.empty()) {
      return InvalidArgument(prefix + "client_secret_file is missing (" + prefix + "issuer is set)");
    }
    if (!p->acr.empty() && !oidc::nsis_level(p->acr)) {
      return InvalidArgument(fmt::format("{}acr '{}' is not an NSIS level (low, substantial, high or their "
                                         "https://data.gov.dk/concept/core/nsis/loa/... URIs)",
                                         prefix, p->acr));
    }
    if (name == std::string("citizen") && p->cpr_claim.empty()) return InvalidArgument(prefix + "cpr_claim is empty");
    if (name == std::string("staff")) {
      if (p->id_claim.empty()) return InvalidArgument(prefix + "id_claim is empty");
      if (auto roles = oidc::parse_group_roles(p->group_roles); !roles.ok()) {
        return InvalidArgument(prefix + "group_roles: " + roles.status().message() +
                               " (e.g. sf-caseworkers:caseworker,sf-admins:admin)");
      } else if (roles->empty()) {
        return InvalidArgument(prefix + "group_roles is empty: no group would give a role");
      }
    }
  }
  if (sign_in_enabled()) {
    if (oidc_public_url.rfind("https://", 0) != 0 && oidc_public_url.rfind("http://", 0) != 0) {
      return InvalidArgument(fmt::format("oidc.public_url '{}' must be the http(s) URL browsers reach this server at "
                                         "(a provider is configured)",
                                         oidc_public_url));
    }
  }
  return Status::Ok();
}

Result<ServerConfig> load_server_config(const std::string& path, ServerConfig c) {
  if (!std::filesystem::exists(path)) return NotFound("no server configuration file " + path);
  static const std::set<std::string> kKeys{
      "server.address",        "server.port",          "server.threads",
      "server.queue",          "server.tls.certificate", "server.tls.private_key",
      "server.io_threads",     "server.request_timeout_seconds", "server.keep_alive_seconds",
      "server.keep_alive_requests", "server.max_uri_bytes", "server.max_header_bytes",
      "server.max_connections", "server.max_connections_per_address",
      "auth.signing_key_file", "auth.token_lifetime_hours", "auth.token_max_lifetime_hours",
      "auth.revocation_refresh_seconds", "process.core_dumps", "limits.max_body_bytes",
      "limits.document_max_bytes", "limits.document_max_parts",
      "limits.requests_per_minute", "deadlines.check_minutes", "simulation.allowed", "database.url",   "plugins.directory",
      "database.read_connections", "database.write_connections", "database.group_commit_max",
      "database.config_refresh_milliseconds",
      "jobs.heartbeat_seconds", "jobs.stale_after_seconds", "idempotency.keep_hours",
      "letters.poll_milliseconds", "letters.retry_first_seconds", "letters.retry_max_seconds", "letters.max_attempts",
      "letters.lease_seconds",
      "oidc.public_url", "oidc.municipality",
      "oidc.citizen.issuer", "oidc.citizen.client_id", "oidc.citizen.client_secret_file", "oidc.citizen.cpr_claim",
      "oidc.citizen.name_claim", "oidc.citizen.acr",
      "oidc.staff.issuer", "oidc.staff.client_id", "oidc.staff.client_secret_file", "oidc.staff.id_claim",
      "oidc.staff.groups_claim", "oidc.staff.group_roles", "oidc.staff.acr",
      "session.idle_minutes", "session.idle_seconds", "session.absolute_hours",
      "mail.smtp_host", "mail.smtp_port", "mail.from", "mail.public_url", "mail.retry_first_seconds",
      "mail.retry_max_seconds", "mail.max_attempts"};
  std::string key;
  try {
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(new Poco::Util::PropertyFileConfiguration(path));
    std::vector<std::string> roots;
    file->keys(roots);
    std::function<void(const std::string&)> walk = [&](const std::string& prefix) {
      std::vector<std::string> children;
      file->keys(prefix, children);
      if (children.empty()) {
        if (!kKeys.contains(prefix)) throw Poco::InvalidArgumentException("unknown key '" + prefix + "'");
        return;
      }
      for (const auto& child : children) walk(prefix + "." + child);
    };
    for (const auto& r : roots) walk(r);
    const auto str = [&](const char* k, std::string& out) {
      key = k;
      if (file->hasProperty(k)) out = file->getString(k);
    };
    const auto num = [&](const char* k, auto& out) {
      key = k;
      if (!file->hasProperty(k)) return;
      using T = std::decay_t<decltype(out)>;
      const Poco::Int64 v = file->getInt64(k);
      if (!std::in_range<T>(v)) throw Poco::InvalidArgumentException(fmt::format("{} is out of range", v));
      out = static_cast<T>(v);
    };
    str("server.address", c.address);
    num("server.port", c.port);
    num("server.threads", c.threads);
    num("server.queue", c.queue);
    num("server.io_threads", c.io_threads);
    num("server.request_timeout_seconds", c.request_timeout_seconds);
    num("server.keep_alive_seconds", c.keep_alive_seconds);
    num("server.keep_alive_requests", c.keep_alive_requests);
    num("server.max_uri_bytes", c.max_uri_bytes);
    num("server.max_header_bytes", c.max_header_bytes);
    num("server.max_connections", c.max_connections);
    num("server.max_connections_per_address", c.max_connections_per_address);
    str("server.tls.certificate", c.tls_certificate);
    str("server.tls.private_key", c.tls_private_key);
    str("auth.signing_key_file", c.signing_key_file);
    num("auth.token_lifetime_hours", c.token_lifetime_hours);
    num("auth.token_max_lifetime_hours", c.token_max_lifetime_hours);
    num("auth.revocation_refresh_seconds", c.revocation_refresh_seconds);
    key = "process.core_dumps";
    if (file->hasProperty(key)) c.core_dumps = file->getBool(key);
    num("limits.max_body_bytes", c.max_body_bytes);
    num("limits.document_max_bytes", c.document_max_bytes);
    num("limits.document_max_parts", c.document_max_parts);
    num("limits.requests_per_minute", c.requests_per_minute);
    num("deadlines.check_minutes", c.deadline_check_minutes);
    key = "simulation.allowed";
    if (file->hasProperty(key)) c.allow_simulation = file->getBool(key);
    str("database.url", c.db_url);
    str("plugins.directory", c.plugin_dir);
    num("database.read_connections", c.read_connections);
    num("database.write_connections", c.write_connections);
    num("database.group_commit_max", c.group_commit_max);
    num("database.config_refresh_milliseconds", c.config_refresh_milliseconds);
    num("jobs.heartbeat_seconds", c.job_heartbeat_seconds);
    num("jobs.stale_after_seconds", c.job_stale_after_seconds);
    num("idempotency.keep_hours", c.idempotency_key_hours);
    num("letters.poll_milliseconds", c.letter_poll_milliseconds);
    num("letters.retry_first_seconds", c.letter_retry_first_seconds);
    num("letters.retry_max_seconds", c.letter_retry_max_seconds);
    num("letters.max_attempts", c.letter_max_attempts);
    num("letters.lease_seconds", c.letter_lease_seconds);
    str("oidc.public_url", c.oidc_public_url);
    while (!c.oidc_public_url.empty() && c.oidc_public_url.back() == '/') c.oidc_public_url.pop_back();
    str("oidc.municipality", c.oidc_municipality);
    for (const auto& [name, p] : {std::pair{"citizen", &c.oidc_citizen}, std::pair{"staff", &c.oidc_staff}}) {
      const std::string prefix = std::string("oidc.") + name + ".";
      const auto text = [&](const std::string& k, std::string& out) { str((prefix + k).c_str(), out); };
      text("issuer", p->issuer);
      text("client_id", p->client_id);
      text("client_secret_file", p->client_secret_file);
      text("acr", p->acr);
      text("cpr_claim", p->cpr_claim);
      text("name_claim", p->name_claim);
      text("id_claim", p->id_claim);
      text("groups_claim", p->groups_claim);
      text("group_roles", p->group_roles);
    }
    if (file->hasProperty("session.idle_minutes")) {
      int minutes = 0;
      num("session.idle_minutes", minutes);
      if (minutes < 1 || minutes > 1440) {
        throw Poco::InvalidArgumentException(fmt::format("{} is not 1-1440", minutes));
      }
      c.session_idle_seconds = minutes * 60;
    }
    num("session.idle_seconds", c.session_idle_seconds);
    num("session.absolute_hours", c.session_absolute_hours);
    str("mail.smtp_host", c.mail_smtp_host);
    num("mail.smtp_port", c.mail_smtp_port);
    str("mail.from", c.mail_from);
    str("mail.public_url", c.mail_public_url);
    num("mail.retry_first_seconds", c.mail_retry_first_seconds);
    num("mail.retry_max_seconds", c.mail_retry_max_seconds);
    num("mail.max_attempts", c.mail_max_attempts);
  } catch (const Poco::Exception& e) {
    return InvalidArgument(fmt::format("{}: {}{}", path, key.empty() ? "" : key + ": ", e.displayText()));
  }
  if (auto st = c.check(); !st.ok()) return InvalidArgument(path + ": " + st.message());
  return c;
}

}  // namespace sagsflow::server
