// The HTTP/1.1 front of the server (Boost.Beast over Boost.Asio): a few IO
// threads read whole requests, each within one deadline for its headers and
// body, and hand complete requests to a bounded pool of worker threads. A slow
// or idle client costs a socket and a few kB, never a worker.
//
// What it guarantees, before a request reaches Callbacks::handle:
// - the request line and headers arrived within Settings::request_timeout
//   (and the body too; one deadline per request, set once), else the
//   connection is closed;
// - a target over max_uri_bytes is answered 414, a header block over
//   max_header_bytes 431, a body over Callbacks::body_limit 413,
//   Content-Length together with Transfer-Encoding (RFC 9112 §6.1) and any
//   other malformed message 400; each of these closes the connection after
//   the answer (the rest of the stream cannot be trusted);
// - when the worker queue is full the request is answered 503 with
//   Retry-After at once, from the IO thread;
// - at most max_connections connections are open, and at most
//   max_connections_per_address from one client address: a new connection
//   over a cap closes the oldest connection (of that address, or of all for
//   the total cap) that has not delivered a complete request, else the
//   oldest one waiting between requests, else the new one is refused;
// - an idle keep-alive connection is closed after keep_alive_timeout, and
//   after max_requests_per_connection answers.
// Every answer carries X-Content-Type-Options, Referrer-Policy and
// Permissions-Policy (and Strict-Transport-Security over TLS), and
// Cache-Control: no-store unless the answer sets its own.
//
// Thread-safety: start, port, counts and stop may be called from any thread;
// stop is idempotent. Callbacks::handle runs on the worker threads (up to
// Settings::workers at once); body_limit and refuse on the IO threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow::server::http {

// One complete request.
struct Request {
  std::string method;   // as sent ("GET")
  std::string target;   // as sent ("/api/v1/cases?status=open")
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_address;  // "127.0.0.1"
  bool tls = false;
  // The first header named `name` (ASCII case-insensitive), or `fallback`.
  std::string header(std::string_view name, const std::string& fallback = {}) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool omit_body = false;  // HEAD: the headers of `body` (its Content-Length), no body
  bool close = false;      // close the connection after this answer
};

struct Settings {
  std::string address = "127.0.0.1";
  unsigned port = 0;
  std::string tls_certificate;  // both set: TLS only
  std::string tls_private_key;
  int io_threads = 2;
  int workers = 16;
  int queue = 64;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds keep_alive_timeout{5000};
  int max_requests_per_connection = 100;
  std::size_t max_uri_bytes = 8192;
  std::size_t max_header_bytes = 16384;
  int max_connections = 4096;
  int max_connections_per_address = 256;
};

struct Callbacks {
  // IO thread, once the headers are read: the largest body this request may have.
  std::function<std::size_t(const std::string& method, const std::string& target)> body_limit;
  // A worker thread: the answer to a complete request.
  std::function<Response(Request& request)> handle;
  // IO thread: the answer to a request refused before `handle` (status, a
  // stable problem code, a message naming what is wrong); nothing from the
  // request but its method is known for sure.
  std::function<Response(int status, const std::string& code, const std::string& detail)> refuse;
};

class Listener {
 public:
  // Binds, raises RLIMIT_NOFILE's soft limit to its hard limit, and starts the
  // IO and worker threads. kInvalidArgument when the address cannot be bound
  // or the TLS files cannot be read.
  static Result<std::unique_ptr<Listener>> start(const Settings& settings, Callbacks callbacks);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  unsigned port() const;
  ConnectionCounts counts() const;
  // Stops accepting, closes every connection, lets running handlers finish
  // (their answers are dropped), and joins every thread.
  void stop();

  struct Impl;

 private:
  explicit Listener(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// The fixed headers every answer gets (see above); `tls` adds HSTS.
std::vector<std::pair<std::string, std::string>> standard_headers(bool tls);

}  // namespace sagsflow::server::http
