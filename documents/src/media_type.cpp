#include "sagsflow/documents/media_type.hpp"

#include <magic.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

namespace sagsflow::documents {

namespace {

// One libmagic cookie per thread (its database is not thread-safe to share).
struct MagicCookie {
  magic_t cookie = nullptr;
  std::string error;
  MagicCookie() {
    cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (cookie == nullptr) {
      error = "libmagic could not be opened";
      return;
    }
    if (magic_load(cookie, nullptr) != 0) {
      const char* why = magic_error(cookie);
      error = std::string("libmagic could not load its database: ") + (why ? why : "unknown error");
      magic_close(cookie);
      cookie = nullptr;
    }
  }
  ~MagicCookie() {
    if (cookie != nullptr) magic_close(cookie);
  }
  MagicCookie(const MagicCookie&) = delete;
  MagicCookie& operator=(const MagicCookie&) = delete;
};

const std::map<std::string, std::string, std::less<>>& extensions() {
  static const std::map<std::string, std::string, std::less<>> kExt{
      {"application/pdf", ".pdf"},  {"image/jpeg", ".jpg"},      {"image/png", ".png"},
      {"image/gif", ".gif"},        {"image/tiff", ".tif"},      {"image/webp", ".webp"},
      {"text/plain", ".txt"},       {"application/zip", ".zip"}, {"application/xml", ".xml"},
      {"text/xml", ".xml"},         {"image/heic", ".heic"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
      {"application/msword", ".doc"}};
  return kExt;
}

bool lower_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}

// The length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 2;
  else if ((c & 0xF0) == 0xE0) n = 3;
  else if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if (n == 3 && c == 0xE0 && c1 < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && c1 >= 0xA0) return 0;  // surrogates
  if (n == 4 && c == 0xF0 && c1 < 0x90) return 0;   // overlong
  if (n == 4 && c == 0xF4 && c1 >= 0x90) return 0;  // beyond U+10FFFF
  return n;
}

// C1 control characters (U+0080..U+009F) and the bidirectional controls
// (U+202A..U+202E, U+2066..U+2069) can make a name read as another.
bool disguising(std::string_view s, size_t i, size_t n) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (n == 2) return c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
  if (n != 3 || c != 0xE2) return false;
  const auto c1 = static_cast<unsigned char>(s[i + 1]), c2 = static_cast<unsigned char>(s[i + 2]);
  return (c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) || (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9);
}

// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
std::string_view cut_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

Result<std::string> sniff_media_type(std::string_view bytes) {
  thread_local MagicCookie magic;
  if (magic.cookie == nullptr) return Internal(magic.error);
  if (bytes.empty()) return std::string("application/x-empty");
  const char* type = magic_buffer(magic.cookie, bytes.data(), bytes.size());
  if (type == nullptr) {
    const char* why = magic_error(magic.cookie);
    return Internal(std::string("libmagic could not tell what the document is: ") + (why ? why : "unknown error"));
  }
  return std::string(type);
}

std::string extension_for(std::string_view media_type) {
  auto it = extensions().find(media_type);
  return it == extensions().end() ? std::string() : it->second;
}

std::string sanitise_file_name(std::string_view declared, std::string_view media_type) {
  // The last path part: a client's folder names are none of ours.
  const auto slash = declared.find_last_of("/\\");
  if (slash != std::string_view::npos) declared = declared.substr(slash + 1);
  std::string clean;
  clean.reserve(declared.size());
  for (size_t i = 0; i < declared.size();) {
    const auto c = static_cast<unsigned char>(declared[i]);
    const size_t n = utf8_length(declared, i);
    if (n == 0) {  // not UTF-8
      clean += '_';
      ++i;
      continue;
    }
    if (disguising(declared, i, n)) {
      clean += '_';
      i += n;
      continue;
    }
    if (n == 1) {
      if (c < 0x20 || c == 0x7f) {
        ++i;
        continue;
      }
      if (std::string_view("\"*:<>?|;").find(static_cast<char>(c)) != std::string_view::npos) {
        clean += '_';
        ++i;
        continue;
      }
    }
    clean.append(declared.substr(i, n));
    i += n;
  }
  const auto first = clean.find_first_not_of(". ");
  clean = first == std::string::npos ? std::string() : clean.substr(first);
  while (!clean.empty() && (clean.back() == '.' || clean.back() == ' ')) clean.pop_back();

  const std::string wanted = extension_for(media_type);
  std::string stem = clean, ext;
  if (const auto dot = clean.find_last_of('.'); dot != std::string::npos && dot > 0 && clean.size() - dot <= 10) {
    stem = clean.substr(0, dot);
    ext = clean.substr(dot);
  }
  if (!wanted.empty()) {
    const bool same = lower_equal(ext, wanted) || (wanted == ".jpg" && lower_equal(ext, ".jpeg")) ||
                      (wanted == ".tif" && lower_equal(ext, ".tiff"));
    if (!same) {
      // The declared extension names another type: the name tells what the bytes are.
      if (!ext.empty() && extensions().end() == std::find_if(extensions().begin(), extensions().end(), [&](const auto& e) {
            return lower_equal(e.second, ext);
          })) {
        stem += ext;  // not an extension of a known type: part of the name
      }
      ext = wanted;
    }
  }
  while (!stem.empty() && (stem.back() == '.' || stem.back() == ' ')) stem.pop_back();
  if (stem.empty()) stem = "document";
  if (ext.size() >= kMaxFileNameBytes) ext.clear();
  std::string out = std::string(cut_utf8(stem, kMaxFileNameBytes - ext.size())) + ext;
  return out;
}

std::string ascii_file_name(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%') {
      out += static_cast<char>(c);
      ++i;
    } else {
      const size_t n = utf8_length(name, i);
      out += '_';
      i += n == 0 ? 1 : n;
    }
  }
  return out;
}

std::string rfc8187_encode(std::string_view name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool attr_char = std::isalnum(c) || std::string_view("!#$&+-.^_`|~").find(ch) != std::string_view::npos;
    if (attr_char && c < 0x80) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace sagsflow::documents
