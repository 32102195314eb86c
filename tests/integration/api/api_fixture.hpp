// One real `sagsflow` installation on an SQLite file (the example
// municipality 0999, the supermarket 0991 and the full market square 0995,
// every first-party plugin), served by a real Server on 127.0.0.1 and called
// over real HTTP. Set up once for the whole test program (starting and
// stopping a server costs ~250 ms), so each test makes its own cases.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sagsflow/server/server.hpp"
#include "sagsflow/server/tokens.hpp"

namespace sagsflow::testing {

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::map<std::string, std::string> headers;
  std::string text;
  nlohmann::json body;  // parsed when the answer is JSON
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;
  std::string token;         // bearer token; empty: none
  std::string body;          // sent as is
  std::string content_type = "application/json";
  bool chunked = false;
  std::vector<std::pair<std::string, std::string>> headers;  // sent besides the above
};

HttpResult http(unsigned port, const HttpRequest& request);

// A signing key check_signing_key accepts: 32 random bytes, in hex.
std::string random_signing_key();

class ApiTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  // Calls the shared server.
  HttpResult get(const std::string& path, const std::string& token);
  HttpResult post(const std::string& path, const std::string& token, const nlohmann::json& body = nlohmann::json::object());
  // A staff token as `sagsflow token issue --person` gives it.
  static std::string staff_token(const std::string& person, const std::string& municipality = "0999");
  static std::string citizen_token(const std::string& cpr, const std::string& municipality = "0999");
  // Opens a passport case at 0999's front desk (frida) and takes it to the decision stage.
  long long passport_case_in_decision(const std::string& cpr = "010490-9989");
  // The access log as the admin (anna) reads it, for one case.
  nlohmann::json access_records(long long case_id);

  // A second installation (example municipality, no plugins) for a test's
  // own server, e.g. with other limits or TLS; plugins stay with the shared one.
  static std::string plain_installation(const std::string& name);

  static unsigned port();
  static const std::string& key();
  static const std::string& db_url();
  static std::string dir();
};

// Fails the test unless the OpenAPI document lists `status` for the route and
// the answer matches the schema it gives for that status and content type.
void expect_documented(const std::string& method, const std::string& pattern, const HttpResult& result);

// Checks `value` against the OpenAPI document's schema `schema` (resolving
// $ref, type incl. null, enum, required, properties, items, oneOf,
// additionalProperties); returns what does not match, empty when it does.
std::vector<std::string> schema_mismatches(const nlohmann::json& document, const nlohmann::json& schema,
                                           const nlohmann::json& value, const std::string& where = "$");

}  // namespace sagsflow::testing
