#include "http_problems.hpp"

#include <string>

namespace sagsflow::server {

using nlohmann::json;

const std::vector<ProblemType>& problem_types() {
  static const std::vector<ProblemType> types{
      // The core's error codes (sagsflow/domain/result.hpp), as dispatch translates them.
      {"invalid_argument", 400, "Invalid argument",
       "A value in the request is not acceptable; `detail` says which and why, `field` names the field at fault. "
       "Correct the value and send the request again."},
      {"not_found", 404, "Not found",
       "The case, inquiry, person or other thing the request names does not exist, or is not visible to the caller."},
      {"already_exists", 409, "Already exists", "The thing the request would create exists already."},
      {"conflict", 409, "Conflict",
       "The request conflicts with the current state, e.g. the case changed since the version the client read "
       "(expected_version). Read the current state and decide again."},
      {"failed_precondition", 409, "Failed precondition",
       "The request is not possible in the current state (a case that is closed, a claim held by another)."},
      {"guard_failed", 422, "Guard failed",
       "The workflow refuses the action: one of its guards (a rule for this step) is not met; `detail` names it."},
      {"forbidden", 403, "Forbidden",
       "The caller is known but may not do this: the organisation's rules (unit, role, authority, the citizen's own "
       "cases) refuse it."},
      {"schema_too_new", 503, "Database schema too new",
       "The database was migrated by a newer Sagsflow; this server cannot use it until it is upgraded."},
      {"storage", 503, "Storage unavailable", "The database could not be read or written; try again later."},
      {"plugin_failed", 502, "Plugin failed",
       "A plugin the action needs failed or refused to answer; the action was not carried out."},
      {"internal", 500, "Internal error",
       "The server failed while answering; the error is in its log. Nothing the client sent caused it."},
      // The HTTP layer's own.
      {"invalid_idempotency_key", 400, "Invalid Idempotency-Key",
       "The Idempotency-Key header must be 1 to 255 visible ASCII characters (no spaces); a UUID is a good key."},
      {"idempotency_key_reused", 422, "Idempotency-Key reused",
       "This Idempotency-Key was used on this route by this caller with a different body. A retry must send the "
       "same body; a new request needs a new key. Nothing was created."},
      {"idempotency_key_in_use", 409, "Idempotency-Key in use",
       "A request with this Idempotency-Key is still being answered; retry it a moment later to get its answer."},
      {"no_such_route", 404, "No such route", "Nothing is served at this path."},
      {"method_not_allowed", 405, "Method not allowed",
       "The path is served, but not with this method; the Allow header lists the methods it answers."},
      {"unauthenticated", 401, "Unauthenticated", "The route needs a bearer token: Authorization: Bearer <token>."},
      {"invalid_token", 401, "Invalid token",
       "The bearer token was refused (malformed, wrongly signed, expired or not yet valid); `detail` says why."},
      {"invalid_session", 401, "Session ended",
       "The sign-in session of the cookie has expired (idle too long, or past its absolute lifetime), was ended by "
       "signing out, or is unknown; `detail` says which. Sign in again."},
      {"csrf_refused", 403, "Cross-site request refused",
       "A request that changes something and is authenticated by the session cookie must carry the session's "
       "X-CSRF-Token (GET /api/v1/session gives it), and its Origin header, when sent, must be this server's."},
      {"rate_limited", 429, "Too many requests",
       "The caller sent more requests a minute than the server allows; wait the seconds Retry-After gives."},
      {"body_too_large", 413, "Body too large",
       "The request body is over the route's limit; the connection is closed after the answer."},
      {"unsupported_media_type", 415, "Unsupported media type", "Request bodies must be application/json."},
      {"malformed_body", 400, "Malformed body",
       "The body is not a JSON object within the limits (size, nesting depth, number range); `detail` says where."},
      {"malformed_uri", 400, "Malformed URI",
       "The request target cannot be decoded: an invalid percent-encoding, a NUL byte, or bytes that are not "
       "valid UTF-8 (overlong forms included) in the path or the query."},
      {"malformed_request", 400, "Malformed request",
       "The request is not valid HTTP/1.1; the connection is closed after the answer."},
      {"bad_framing", 400, "Untrustworthy message length",
       "The request carries Content-Length together with Transfer-Encoding, or a Content-Length or "
       "Transfer-Encoding that cannot be used (RFC 9112 §6); the connection is closed after the answer."},
      {"uri_too_long", 414, "URI too long", "The request target is over the server's limit (server.max_uri_bytes)."},
      {"headers_too_large", 431, "Request header fields too large",
       "The header block is over the server's limit (server.max_header_bytes)."},
      {"busy", 503, "Busy",
       "Every worker is busy and the queue is full; try again after the seconds Retry-After gives."},
  };
  return types;
}

const ProblemType* find_problem_type(std::string_view code) {
  for (const auto& t : problem_types()) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

void add_problem_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/problems/{code}", Access::kPublic, [](Call& c) -> Result<json> {
                      const std::string code = c.params.at("code");
                      const ProblemType* t = find_problem_type(code);
                      if (t == nullptr) return NotFound("no problem type is named '" + code + "'");
                      return json{{"type", "/api/v1/problems/" + std::string(t->code)},
                                  {"code", t->code},
                                  {"status", t->status},
                                  {"title", t->title},
                                  {"explanation", t->explanation}};
                    }});
}

}  // namespace sagsflow::server
