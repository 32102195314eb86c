// The Sagsflow HTTP server: the JSON API under /api/v1, /healthz, /metrics
// and the web pages, over one installation (see docs/operations.md).
//
// Every request is answered with JSON; errors as application/problem+json
// with a stable `code`, a `detail` message and the `field` at fault (CPR
// numbers masked), its `type` a page explaining the code. Request bodies
// above limits.max_body_bytes get 413, callers above
// limits.requests_per_minute 429 with Retry-After. The HTTP front
// (app/server/http_server.hpp) reads requests asynchronously within one
// deadline each and caps connections per address and in all.
//
// Thread-safety: start, stop and the accessors are for the owning thread;
// requests are answered on the server.threads worker threads, which run
// every call into the installation under one lock (see app/server/api.hpp).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sagsflow/domain/result.hpp"
#include "sagsflow/server/config.hpp"

namespace sagsflow::server {

class Server {
 public:
  // Opens the installation (config.db_url), binds and starts serving, and
  // starts the deadline checker. kInvalidArgument when config.check() refuses,
  // check_signing_key refuses the key (tokens.hpp), or the address cannot be
  // bound (or the TLS files not read); open_installation's errors; kStorage
  // when the list of revoked tokens cannot be read.
  static Result<std::unique_ptr<Server>> start(const ServerConfig& config, std::string signing_key);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  unsigned port() const;  // the bound port (the free one chosen for port 0)
  std::string base_url() const;  // "http://127.0.0.1:8080"
  // Plugins that are installed and enabled but did not load (also on /healthz).
  std::vector<std::string> plugin_warnings() const;
  // Stops accepting and closes open connections, stops the deadline checker,
  // kills the child processes of background jobs and waits for the jobs.
  // Safe to call again; the destructor calls it.
  void stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Every (method, path template) the API serves, e.g. ("GET", "/api/v1/cases/{id}").
std::vector<std::pair<std::string, std::string>> api_routes();
// The OpenAPI 3 document served at /api/v1/openapi.json (constant; any thread).
const std::string& openapi_document();

}  // namespace sagsflow::server
