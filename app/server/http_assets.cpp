#include "http_assets.hpp"

#include <Poco/DeflatingStream.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <map>
#include <sstream>

#include "web_assets.hpp"

namespace sagsflow::server::http {

namespace {

std::string sha256_hex(std::string_view bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string gzip(std::string_view bytes) {
  std::ostringstream out;
  {
    Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 9);
    deflate.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    deflate.close();
  }
  return out.str();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

const PreparedAsset* find_prepared_asset(std::string_view path) {
  static const std::map<std::string_view, PreparedAsset> prepared = [] {
    std::map<std::string_view, PreparedAsset> m;
    for (const auto& a : web_assets()) {
      const std::string hash = sha256_hex(a.body);
      m.emplace(a.path, PreparedAsset{a.path, a.content_type, a.body, "\"" + hash + "\"", gzip(a.body),
                                      "\"" + hash + "-gzip\""});
    }
    return m;
  }();
  const auto it = prepared.find(path);
  return it == prepared.end() ? nullptr : &it->second;
}

bool accepts_gzip(std::string_view value) {
  bool star = false;
  bool gzip_listed = false;
  bool gzip_ok = false;
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    const auto semi = item.find(';');
    const std::string_view name = trim(item.substr(0, semi));
    bool zero = false;
    if (semi != std::string_view::npos) {
      std::string_view param = trim(item.substr(semi + 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const std::string_view q = trim(param.substr(2));
        zero = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
      }
    }
    if (iequals(name, "gzip") || iequals(name, "x-gzip")) {
      gzip_listed = true;
      gzip_ok = !zero;
    } else if (name == "*") {
      star = !zero;
    }
  }
  return gzip_listed ? gzip_ok : star;
}

bool none_match(std::string_view value, std::string_view etag) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view tag = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace sagsflow::server::http
