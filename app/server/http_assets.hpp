// The web pages as served: each asset of web_assets.hpp with a strong ETag
// (SHA-256 of its bytes) and its gzip form, computed once on first use.
// Thread-safety: constant after the first call (a function-local static).
#pragma once

#include <string>
#include <string_view>

namespace sagsflow::server::http {

struct PreparedAsset {
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
  std::string etag;       // "\"<sha256 hex>\""
  std::string gzip;       // the body gzipped
  std::string gzip_etag;  // "\"<sha256 hex>-gzip\"" (a different representation, a different tag)
};

// The asset served at `path` ("/index.html"), or nullptr.
const PreparedAsset* find_prepared_asset(std::string_view path);

// Whether an Accept-Encoding value accepts gzip (a "gzip" or "*" token whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);
// Whether an If-None-Match value matches `etag` ("*", or one of its tags, W/ ignored as RFC 9110 §13.1.2 says).
bool none_match(std::string_view if_none_match, std::string_view etag);

}  // namespace sagsflow::server::http
