#include "http_target.hpp"

#include <fmt/format.h>

namespace sagsflow::server::http {

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX (and '+' as a space when `plus_is_space`); `what` and `offset`
// name the part of the target in messages.
Result<std::string> decode(std::string_view text, bool plus_is_space, const char* what, std::size_t offset) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int hi = i + 1 < text.size() ? hex(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return InvalidArgument(fmt::format("the {} has an invalid percent-encoding at byte {} of the target "
                                           "('%' must be followed by two hex digits)",
                                           what, offset + i));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (out.find('\0') != std::string::npos) {
    return InvalidArgument(fmt::format("the {} contains a NUL byte (%00)", what));
  }
  std::size_t bad = 0;
  if (!valid_utf8(out, &bad)) {
    return InvalidArgument(fmt::format("the {} is not valid UTF-8 once decoded (an invalid or overlong byte "
                                       "sequence at decoded byte {})",
                                       what, bad));
  }
  return out;
}

}  // namespace

bool valid_utf8(std::string_view s, std::size_t* bad_at) {
  const auto fail = [&](std::size_t at) {
    if (bad_at != nullptr) *bad_at = at;
    return false;
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned cp = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
      cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      cp = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      cp = b & 0x07u;
    } else {
      return fail(i);  // a continuation byte, an overlong lead (C0, C1) or above F4
    }
    if (i + n >= s.size()) return fail(i);  // truncated
    for (std::size_t k = 1; k <= n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0u) != 0x80u) return fail(i);
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return fail(i);
    }
    i += n + 1;
  }
  return true;
}

Result<Target> parse_target(std::string_view target) {
  Target t;
  if (target == "*") {
    t.path = "*";
    return t;
  }
  std::size_t start = 0;
  if (!target.empty() && target.front() != '/') {
    // absolute-form: scheme "://" authority path
    const auto scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) {
      return InvalidArgument("the request target must be a path starting with '/' (or an absolute URL)");
    }
    const auto path_start = target.find_first_of("/?", scheme_end + 3);
    if (path_start == std::string_view::npos) {
      t.path = "/";
      return t;
    }
    start = path_start;
  }
  if (target.empty()) return InvalidArgument("the request target is empty");
  const auto hash = target.find('#', start);
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  const auto question = target.find('?', start);
  const std::string_view raw_path =
      target.substr(start, question == std::string_view::npos ? std::string_view::npos : question - start);
  auto path = decode(raw_path, false, "path", start);
  if (!path.ok()) return path.status();
  t.path = raw_path.empty() ? "/" : std::move(*path);
  if (question == std::string_view::npos) return t;
  const std::string_view query = target.substr(question + 1);
  std::size_t at = 0;
  while (at <= query.size()) {
    auto amp = query.find('&', at);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(at, amp - at);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto name = decode(pair.substr(0, eq), true, "query", question + 1 + at);
      if (!name.ok()) return name.status();
      std::string value;
      if (eq != std::string_view::npos) {
        auto v = decode(pair.substr(eq + 1), true, "query", question + 1 + at + eq + 1);
        if (!v.ok()) return v.status();
        value = std::move(*v);
      }
      t.query.emplace_back(std::move(*name), std::move(value));
    }
    at = amp + 1;
  }
  return t;
}

}  // namespace sagsflow::server::http
