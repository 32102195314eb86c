// The web pages (app/web/) and the OpenAPI document, built into the binary
// so the server needs no files at run time (see app/CMakeLists.txt).
// Constant data: safe to read from any thread.
#pragma once

#include <string_view>
#include <vector>

namespace sagsflow::server {

struct WebAsset {
  std::string_view path;          // "/index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view body;
};

const std::vector<WebAsset>& web_assets();
// The asset served at `path`, or nullptr.
const WebAsset* find_web_asset(std::string_view path);
std::string_view embedded_openapi();

}  // namespace sagsflow::server
