// The server's settings: defaults, then a configuration file, then options.
//
// The file is a Java-style properties file read by Poco::Util (one
// `key = value` per line, `#` comments):
//   server.address = 127.0.0.1          server.port = 8080
//   server.threads = 16                 server.queue = 64
//   server.io_threads = 2               (threads reading and writing connections)
//   server.request_timeout_seconds = 10 (one deadline for a request's headers and body, and for its answer)
//   server.keep_alive_seconds = 5       (an idle connection between requests is closed after this)
//   server.keep_alive_requests = 100    (answers per connection before it is closed)
//   server.max_uri_bytes = 8192         (a longer request target: 414)
//   server.max_header_bytes = 16384     (a larger header block: 431)
//   server.max_connections = 4096       (open connections in all)
//   server.max_connections_per_address = 256  (open connections from one client address)
//   server.tls.certificate = /etc/sagsflow/cert.pem   (both set: HTTPS only)
//   server.tls.private_key = /etc/sagsflow/key.pem
//   auth.signing_key_file = /etc/sagsflow/signing.key
//   auth.token_lifetime_hours = 8      (what `sagsflow token issue` gives by default)
//   auth.token_max_lifetime_hours = 720  (no token lives longer: issue and every check refuse it; at most 8760)
//   auth.revocation_refresh_seconds = 5  (how soon a `sagsflow token revoke` bites on this server; 1-300)
//   process.core_dumps = false         (true: allow core dumps; they hold the signing key and CPR numbers)
//   limits.max_body_bytes = 1048576
//   limits.document_max_bytes = 10485760  (an uploaded document's bytes at most; 1024 up to 33554432)
//   limits.document_max_parts = 8       (parts of one multipart upload at most)
//   limits.requests_per_minute = 600   (per signed-in person or citizen, else per address)
//   deadlines.check_minutes = 15       (record passed and near deadlines this often)
//   simulation.allowed = false         (true only for demo installations: simulations write into the database)
//   database.url = sqlite:/var/lib/sagsflow/sagsflow.db
//   database.read_connections = 4      (read lanes: reads run on these in parallel; 1-64)
//   database.write_connections = 4     (PostgreSQL: writing lanes; SQLite always has one writer; 1-64)
//   database.group_commit_max = 64     (SQLite: requests committed together at most; 1 turns group commit off)
//   database.config_refresh_milliseconds = 1000  (how soon init, workflow deploy and plugins changes bite; 50-600000)
//   plugins.directory = /var/lib/sagsflow/plugins
//   oidc.public_url = https://sagsflow.kommune.dk   (sign-in through OpenID Connect, docs/signin.md)
//   oidc.municipality = 0999           (whose citizens and staff sign in; default: the only one loaded)
//   oidc.citizen.issuer, oidc.citizen.client_id, oidc.citizen.client_secret_file,
//   oidc.citizen.cpr_claim, oidc.citizen.acr, oidc.citizen.name_claim
//   oidc.staff.issuer, oidc.staff.client_id, oidc.staff.client_secret_file,
//   oidc.staff.id_claim, oidc.staff.groups_claim, oidc.staff.group_roles, oidc.staff.acr
//   session.idle_minutes = 30          (a session unused this long ends; 1-1440)
//   session.idle_seconds               (the same in seconds, 10-86400, for tests; overrides idle_minutes)
//   session.absolute_hours = 8         (no session lives longer; 1-24)
//   mail.smtp_host = smtp.kommune.dk   (notifications by e-mail through this relay; empty: pages only)
//   mail.smtp_port = 25                mail.from = sagsflow@kommune.dk
//   mail.public_url                    (the link in a mail; default oidc.public_url)
//   mail.retry_first_seconds = 60      mail.retry_max_seconds = 3600     mail.max_attempts = 8
//
// Thread-safety: a ServerConfig is a plain value; the functions keep no state.
#pragma once

#include <cstddef>
#include <string>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::server {

// One OpenID provider a browser signs in through (docs/signin.md).
struct OidcProviderConfig {
  std::string issuer;             // empty: this kind of sign-in is off
  std::string client_id;
  std::string client_secret_file;  // mode 0600; the secret read at start
  std::string acr;                 // the lowest NSIS level accepted (a URI or low/substantial/high); empty: any
  // Citizens: the claim with the CPR number, and the one with their name.
  std::string cpr_claim = "https://data.gov.dk/model/core/eid/cprNumber";
  std::string name_claim = "name";
  // Staff: the claim with their id on the staff list, the one with their
  // groups, and GROUP:ROLE pairs ("sf-caseworkers:caseworker,sf-admins:admin").
  std::string id_claim = "preferred_username";
  std::string groups_claim = "groups";
  std::string group_roles;
  bool enabled() const { return !issuer.empty(); }
};

struct ServerConfig {
  std::string address = "127.0.0.1";
  unsigned port = 8080;  // 0: any free port (tests)
  int threads = 16;
  int queue = 64;
  int io_threads = 2;
  int request_timeout_seconds = 10;
  int keep_alive_seconds = 5;
  int keep_alive_requests = 100;
  std::size_t max_uri_bytes = 8192;
  std::size_t max_header_bytes = 16384;
  int max_connections = 4096;
  int max_connections_per_address = 256;
  std::string tls_certificate;
  std::string tls_private_key;
  std::string signing_key_file;
  int token_lifetime_hours = 8;
  int token_max_lifetime_hours = 24 * 30;
  int revocation_refresh_seconds = 5;
  bool core_dumps = false;
  std::size_t max_body_bytes = 1024 * 1024;
  // Document uploads (POST /api/v1/cases/{id}/documents): the document's size
  // at most, and the multipart body's parts at most. The route's body limit is
  // document_max_bytes plus 64 KiB for the parts' headers and form fields.
  std::size_t document_max_bytes = 10 * 1024 * 1024;
  int document_max_parts = 8;
  int requests_per_minute = 600;
  int deadline_check_minutes = 15;  // how often passed and near deadlines are recorded
  // A running job's node refreshes its heartbeat this often; any node marks a
  // running job failed once its heartbeat is older than stale_after (the node
  // running it stopped). stale_after is at least twice the heartbeat.
  int job_heartbeat_seconds = 10;
  int job_stale_after_seconds = 60;
  // How long an Idempotency-Key and its answer are kept for retries.
  int idempotency_key_hours = 24;
  // The letter outbox (docs/letters.md#delivery): how often it is looked at,
  // the first wait after a failed delivery (doubling up to retry_max), and
  // the attempts after which a letter fails for good.
  int letter_poll_milliseconds = 2000;
  int letter_retry_first_seconds = 30;
  int letter_retry_max_seconds = 3600;
  int letter_max_attempts = 20;
  // How long a worker's claim on a letter holds: a node that dies with letters
  // in hand leaves them to the others (or to itself, restarted) after this.
  int letter_lease_seconds = 300;
  // Notifications by e-mail (docs/operations.md#notifications-by-e-mail).
  std::string mail_smtp_host;
  unsigned mail_smtp_port = 25;
  std::string mail_from;
  std::string mail_public_url;
  int mail_retry_first_seconds = 60;
  int mail_retry_max_seconds = 3600;
  int mail_max_attempts = 8;
  // POST /api/v1/admin/simulations writes a simulated year into this
  // installation's database: for demo and test installations only.
  bool allow_simulation = false;
  // The `sagsflow` executable simulations run in; empty: this process's own (the server is `sagsflow serve`).
  std::string sagsflow_executable;
  std::string db_url;
  std::string plugin_dir;
  int read_connections = 4;
  int write_connections = 4;  // PostgreSQL only
  int group_commit_max = 64;  // SQLite only
  int config_refresh_milliseconds = 1000;  // the lanes read the configuration's generation this often
  // Sign-in through OpenID Connect: off unless a provider's issuer is set.
  std::string oidc_public_url;  // where the providers send the browser back (+ /auth/callback)
  std::string oidc_municipality;
  // Citizens: NSIS Substantial at least, unless configured otherwise.
  OidcProviderConfig oidc_citizen = [] {
    OidcProviderConfig c;
    c.acr = "https://data.gov.dk/concept/core/nsis/loa/Substantial";
    return c;
  }();
  OidcProviderConfig oidc_staff;
  int session_idle_seconds = 30 * 60;
  int session_absolute_hours = 8;
  bool sign_in_enabled() const { return oidc_citizen.enabled() || oidc_staff.enabled(); }

  bool tls() const { return !tls_certificate.empty(); }
  // kInvalidArgument, naming the key, for a value that cannot work (empty
  // address, port above 65535, threads outside 1-256, one TLS file without the
  // other, a limit outside its range, more connections per address than in all,
  // a token lifetime above the maximum, a sign-in provider without its client
  // id or secret file, oidc.public_url missing or not http(s) when one is set,
  // an acr that is not an NSIS level, group_roles that are not GROUP:ROLE).
  Status check() const;
};

// Reads `path` over `defaults`: kNotFound when the file does not exist;
// kInvalidArgument, naming the file and the key, for an unknown key, a value
// that does not parse or one check() refuses.
Result<ServerConfig> load_server_config(const std::string& path, ServerConfig defaults = {});

}  // namespace sagsflow::server
