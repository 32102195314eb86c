// The request target of an HTTP request, decoded and checked (RFC 3986,
// RFC 9112 §3.2): the path percent-decoded, the query split into its
// parameters. Every malformed target is refused with a message naming what is
// wrong and where, so the server answers 400 instead of failing.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::server::http {

struct Target {
  std::string path;  // percent-decoded, valid UTF-8, no NUL; "*" for `OPTIONS *`
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' is a space), in order
};

// Parses an origin-form ("/a/b?x=1"), absolute-form ("https://host/a?x=1") or
// asterisk-form ("*") target. kInvalidArgument for another form, a '%' not
// followed by two hex digits, a NUL byte, and a path or query that is not
// valid UTF-8 once decoded (overlong forms such as %C0%AE, surrogates and
// code points above U+10FFFF included).
Result<Target> parse_target(std::string_view target);

// Whether `text` is well-formed UTF-8 (RFC 3629: shortest form only, no
// surrogates, nothing above U+10FFFF). On failure `bad_at` is the byte offset.
bool valid_utf8(std::string_view text, std::size_t* bad_at = nullptr);

}  // namespace sagsflow::server::http
