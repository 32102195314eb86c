#include "api_fixture.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/server/token_records.hpp"

namespace sagsflow::testing {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Shared {
  std::string dir;
  std::string db_url;
  std::string key;
  std::unique_ptr<server::Server> server;
};
Shared* shared = nullptr;

void run(const std::string& command) {
  const int rc = std::system((command + " >/dev/null").c_str());
  if (rc != 0) throw std::runtime_error("failed: " + command);
}

}  // namespace

HttpResult http(unsigned port, const HttpRequest& r) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(20, 0));
  Poco::Net::HTTPRequest req(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!r.token.empty()) req.set("Authorization", "Bearer " + r.token);
  for (const auto& [name, value] : r.headers) req.set(name, value);
  if (!r.body.empty() || r.method == "POST") {
    req.setContentType(r.content_type);
    if (r.chunked) {
      req.setChunkedTransferEncoding(true);
    } else {
      req.setContentLength(static_cast<std::streamsize>(r.body.size()));
    }
  }
  session.sendRequest(req) << r.body;
  Poco::Net::HTTPResponse res;
  std::istream& in = session.receiveResponse(res);
  HttpResult out;
  out.status = res.getStatus();
  out.content_type = res.getContentType();
  for (const auto& [k, v] : res) out.headers[k] = v;
  Poco::StreamCopier::copyToString(in, out.text);
  if (out.content_type.find("json") != std::string::npos) out.body = json::parse(out.text, nullptr, false);
  return out;
}

void ApiTest::SetUpTestSuite() {
  if (shared != nullptr) return;
  shared = new Shared;
  std::atexit([] { std::filesystem::remove_all(shared->dir); });
  shared->dir = (fs::temp_directory_path() / ("sagsflow-api-" + std::to_string(::getpid()))).string();
  fs::create_directories(shared->dir);
  shared->db_url = "sqlite:" + shared->dir + "/sagsflow.db";
  const std::string sf = std::string(SAGSFLOW_BIN) + " --db " + shared->db_url;
  // Each municipality's file loaded by its admin (init needs the role admin).
  for (const auto& [file, admin] : std::vector<std::pair<std::string, std::string>>{
           {"eksempel-kommune", "anna"}, {"supermarked", "ib"}, {"fuldt-torv", "mads"}}) {
    run(sf + " --actor " + admin + " init --municipality-file " + SAGSFLOW_SOURCE_DIR + "/examples/municipalities/" +
        file + ".yaml");
  }
  // The plugins are the installation's: installed by an admin of one of its municipalities.
  for (const auto& entry : fs::directory_iterator(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR)) {
    if (entry.path().extension() == ".so") {
      run(sf + " --municipality 0999 --actor anna plugins install " + entry.path().string());
    }
  }
  shared->key = random_signing_key();
  server::ServerConfig config;
  config.port = 0;
  config.threads = 4;
  config.db_url = shared->db_url;
  config.max_body_bytes = 64 * 1024;
  config.requests_per_minute = 100000;
  config.allow_simulation = true;
  config.sagsflow_executable = SAGSFLOW_BIN;  // this test program is not `sagsflow`
  auto started = server::Server::start(config, shared->key);
  ASSERT_TRUE(started.ok()) << started.status().message();
  shared->server = std::move(*started);
  ASSERT_TRUE(shared->server->plugin_warnings().empty());
}

void ApiTest::TearDownTestSuite() {
  // Every test is in this one suite: the shared server goes with it.
  if (shared != nullptr && shared->server) shared->server->stop();
}

std::string ApiTest::plain_installation(const std::string& name) {
  const std::string url = "sqlite:" + shared->dir + "/" + name + ".db";
  run(std::string(SAGSFLOW_BIN) + " --db " + url + " --actor anna init --municipality-file " + SAGSFLOW_SOURCE_DIR +
      "/examples/municipalities/eksempel-kommune.yaml");
  return url;
}

std::string random_signing_key() {
  std::string bytes(32, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), 32);
  std::string hex;
  for (unsigned char c : bytes) hex += fmt::format("{:02x}", c);
  return hex;
}

unsigned ApiTest::port() { return shared->server->port(); }
const std::string& ApiTest::key() { return shared->key; }
const std::string& ApiTest::db_url() { return shared->db_url; }
std::string ApiTest::dir() { return shared->dir; }

HttpResult ApiTest::get(const std::string& path, const std::string& token) {
  return http(port(), {"GET", path, token, "", "application/json", false});
}

HttpResult ApiTest::post(const std::string& path, const std::string& token, const json& body) {
  return http(port(), {"POST", path, token, body.dump(), "application/json", false});
}

std::string ApiTest::staff_token(const std::string& person, const std::string& municipality) {
  server::Principal p;
  p.person = person;
  p.municipality = municipality;
  auto t = server::issue_token(p, std::chrono::hours(1), shared->key,
                               std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  return t.ok() ? *t : std::string();
}

std::string ApiTest::citizen_token(const std::string& cpr, const std::string& municipality) {
  server::Principal p;
  p.kind = server::PrincipalKind::kCitizen;
  p.citizen = *Cpr::parse(cpr);
  p.municipality = municipality;
  // As `sagsflow token issue --citizen` does: the token carries the citizen's opaque subject.
  auto store = db::SqlStore::open(shared->db_url);
  if (!store.ok()) return {};
  auto subject = server::citizen_token_subject(
      **store, municipality, *p.citizen,
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  if (!subject.ok()) return {};
  p.citizen_subject = *subject;
  auto t = server::issue_token(p, std::chrono::hours(1), shared->key,
                               std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  return t.ok() ? *t : std::string();
}

long long ApiTest::passport_case_in_decision(const std::string& cpr) {
  const std::string frida = staff_token("frida");
  auto opened = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"citizen_cpr", cpr}});
  EXPECT_EQ(opened.status, 201) << opened.text;
  const long long id = opened.body.value("id", 0LL);
  const std::string base = "/api/v1/cases/" + std::to_string(id) + "/actions/";
  EXPECT_EQ(post(base + "register", frida).status, 200);
  auto complete = post(base + "complete", frida,
                       {{"fields", {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}}},
                        {"attachments", {{{"name", "photo"}, {"kind", "image/jpeg"}},
                                         {{"name", "identity_document"}, {"kind", "passport"}}}}});
  EXPECT_EQ(complete.status, 200) << complete.text;
  EXPECT_EQ(complete.body.value("stage", ""), "decision");
  return id;
}

json ApiTest::access_records(long long case_id) {
  auto r = get("/api/v1/admin/audit?case=" + std::to_string(case_id), staff_token("anna"));
  EXPECT_EQ(r.status, 200) << r.text;
  return r.body.value("records", json::array());
}

void expect_documented(const std::string& method, const std::string& pattern, const HttpResult& r) {
  static const json doc = json::parse(server::openapi_document());
  std::string lower = method;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  ASSERT_TRUE(doc["paths"].contains(pattern)) << pattern << " is not in the OpenAPI document";
  ASSERT_TRUE(doc["paths"][pattern].contains(lower)) << method << " " << pattern << " is not in the OpenAPI document";
  const auto& responses = doc["paths"][pattern][lower]["responses"];
  const std::string status = std::to_string(r.status);
  ASSERT_TRUE(responses.contains(status)) << method << " " << pattern << " answered " << status
                                          << ", which the document does not list: " << r.text;
  const std::string type = r.content_type.substr(0, r.content_type.find(';'));
  const auto& content = responses[status]["content"];
  ASSERT_TRUE(content.contains(type)) << method << " " << pattern << " " << status << " answered " << type
                                      << ", documented: " << content.dump();
  if (type.find("json") == std::string::npos) return;
  const auto problems = schema_mismatches(doc, content[type]["schema"], r.body);
  EXPECT_TRUE(problems.empty()) << method << " " << pattern << " " << status << ": "
                                << ::testing::PrintToString(problems);
}

std::vector<std::string> schema_mismatches(const json& doc, const json& schema, const json& value,
                                           const std::string& where) {
  std::vector<std::string> out;
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];  // "#/components/schemas/Name"
    return schema_mismatches(doc, doc["components"]["schemas"][ref.substr(ref.rfind('/') + 1)], value, where);
  }
  if (schema.contains("oneOf")) {
    for (const auto& option : schema["oneOf"]) {
      if (schema_mismatches(doc, option, value, where).empty()) return out;
    }
    out.push_back(where + ": matches none of oneOf");
    return out;
  }
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) types.push_back(t);
    } else {
      types.push_back(schema["type"]);
    }
    const auto is = [&](const std::string& t) {
      if (t == "null") return value.is_null();
      if (t == "string") return value.is_string();
      if (t == "integer") return value.is_number_integer();
      if (t == "number") return value.is_number();
      if (t == "boolean") return value.is_boolean();
      if (t == "array") return value.is_array();
      if (t == "object") return value.is_object();
      return false;
    };
    if (std::none_of(types.begin(), types.end(), is)) {
      out.push_back(where + ": is " + std::string(value.type_name()) + ", documented as " + schema["type"].dump());
      return out;
    }
  }
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
    out.push_back(where + ": " + value.dump() + " is not in the documented enum");
  }
  if (value.is_object()) {
    const json required = schema.value("required", json::array());
    const json properties = schema.value("properties", json::object());
    for (const auto& name : required) {
      if (!value.contains(name.get<std::string>())) out.push_back(where + ": lacks required '" + name.get<std::string>() + "'");
    }
    for (const auto& [name, sub] : properties.items()) {
      if (value.contains(name)) {
        auto more = schema_mismatches(doc, sub, value[name], where + "." + name);
        out.insert(out.end(), more.begin(), more.end());
      }
    }
    if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
      for (const auto& [name, sub] : value.items()) {
        auto more = schema_mismatches(doc, schema["additionalProperties"], sub, where + "." + name);
        out.insert(out.end(), more.begin(), more.end());
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      auto more = schema_mismatches(doc, schema["items"], value[i], where + "[" + std::to_string(i) + "]");
      out.insert(out.end(), more.begin(), more.end());
    }
  }
  return out;
}

}  // namespace sagsflow::testing
