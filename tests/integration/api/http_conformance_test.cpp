// HTTP as RFC 9110/9112 say, over real sockets to the shared server: HEAD on
// every GET route, Allow on every 405, OPTIONS, message framing that cannot
// be trusted (400 and close), limits on the target and the header block
// (414, 431), malformed targets answered 400 problem+json on a connection
// that stays usable, the security headers, the pages' ETag and gzip, and the
// problem type pages.
#include <Poco/InflatingStream.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>

#include <fstream>
#include <set>
#include <sstream>

#include "api_fixture.hpp"
#include "raw_http.hpp"
#include "http_target.hpp"
#include "sagsflow/server/config.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

bool has_placeholder(const std::string& pattern) { return pattern.find('{') != std::string::npos; }

void expect_problem(const RawResponse& r, int status, const std::string& code, const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json") << what;
  EXPECT_EQ(r.json.value("code", ""), code) << what << ": " << r.body;
  EXPECT_EQ(r.json.value("type", ""), "/api/v1/problems/" + code) << what;
}

TEST_F(ApiTest, HeadIsAnsweredOnEveryGetRouteWithTheGetHeadersAndNoBody) {
  const std::string auth = "Authorization: Bearer " + staff_token("anna") + "\r\n";
  std::vector<std::string> targets{"/", "/index.html", "/app.js", "/style.css", "/favicon.svg"};
  for (const auto& [method, pattern] : server::api_routes()) {
    if (method == "GET" && !has_placeholder(pattern)) targets.push_back(pattern);
  }
  ASSERT_GT(targets.size(), 10u);
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  for (const auto& target : targets) {
    ASSERT_TRUE(c.send(raw_request("GET", target, auth)));
    const RawResponse get = c.read_response();
    ASSERT_TRUE(c.send(raw_request("HEAD", target, auth)));
    const RawResponse head = c.read_response(10s, true);
    EXPECT_NE(get.status, 405) << target;
    EXPECT_LT(get.status, 500) << target << ": " << get.body;
    EXPECT_EQ(head.status, get.status) << target;
    EXPECT_EQ(head.header("content-type"), get.header("content-type")) << target;
    if (target != "/metrics") EXPECT_EQ(head.header("content-length"), get.header("content-length")) << target;
    EXPECT_FALSE(head.header("content-length").empty()) << target;
  }
  // Had a HEAD answer carried a body, this would read it as the status line.
  ASSERT_TRUE(c.send(raw_request("GET", "/healthz")));
  EXPECT_EQ(c.read_response().status, 200);
}

TEST_F(ApiTest, EveryMethodNotAllowedNamesTheAllowedMethodsAndOptionsAnswersThem) {
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  const std::vector<std::pair<std::string, std::string>> refused{
      {"DELETE", "/healthz"}, {"POST", "/metrics"}, {"PUT", "/index.html"}, {"DELETE", "/api/v1/cases"},
      {"PATCH", "/api/v1/openapi.json"}};
  for (const auto& [method, target] : refused) {
    ASSERT_TRUE(c.send(raw_request(method, target, "", method == "DELETE" ? "" : "{}")));
    const RawResponse r = c.read_response();
    expect_problem(r, 405, "method_not_allowed", method + " " + target);
    const std::string allow = r.header("allow");
    EXPECT_NE(allow.find("GET"), std::string::npos) << target << ": " << allow;
    EXPECT_NE(allow.find("HEAD"), std::string::npos) << target << ": " << allow;
    EXPECT_NE(allow.find("OPTIONS"), std::string::npos) << target << ": " << allow;
    EXPECT_EQ(allow.find(method), std::string::npos) << target << ": " << allow;
  }
  ASSERT_TRUE(c.send(raw_request("OPTIONS", "/api/v1/cases")));
  RawResponse options = c.read_response();
  EXPECT_EQ(options.status, 204);
  for (const char* m : {"GET", "HEAD", "POST", "OPTIONS"}) {
    EXPECT_NE(options.header("allow").find(m), std::string::npos) << options.header("allow");
  }
  ASSERT_TRUE(c.send(raw_request("OPTIONS", "*")));
  EXPECT_EQ(c.read_response().status, 204);
  ASSERT_TRUE(c.send(raw_request("OPTIONS", "/healthz")));
  options = c.read_response();
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.header("allow"), "GET, HEAD, OPTIONS");
  ASSERT_TRUE(c.send(raw_request("OPTIONS", "/api/v1/no-such-thing")));
  expect_problem(c.read_response(), 404, "no_such_route", "OPTIONS on nothing");
}

TEST_F(ApiTest, ContentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed) {
  const std::string frida = "Authorization: Bearer " + staff_token("frida") + "\r\n";
  for (const std::string framing : {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                                    "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"}) {
    RawConnection c(port());
    ASSERT_TRUE(c.ok());
    // Smuggled after the chunked body: a second request that must never be read.
    ASSERT_TRUE(c.send("POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n" + frida + "Content-Type: application/json\r\n" +
                       framing + "\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    const RawResponse r = c.read_response();
    expect_problem(r, 400, "bad_framing", framing);
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_TRUE(c.closed_by_server(5s)) << framing;
    EXPECT_EQ(c.read_response(100ms).status, 0) << "the smuggled request was answered";
  }
}

TEST_F(ApiTest, AnOverlongTargetIs414AndAnOversizedHeaderBlockIs431) {
  struct Case {
    std::string request;
    int status;
    std::string code;
  };
  const std::vector<Case> cases{
      {raw_request("GET", "/api/v1/cases?q=" + std::string(9000, 'a')), 414, "uri_too_long"},
      {raw_request("GET", "/api/v1/cases?q=" + std::string(40000, 'a')), 414, "uri_too_long"},
      {raw_request("GET", "/healthz", "X-Big: " + std::string(20000, 'b') + "\r\n"), 431, "headers_too_large"},
      {raw_request("GET", "/healthz", "X-Big: " + std::string(40000, 'b') + "\r\n"), 431, "headers_too_large"},
  };
  for (const auto& c : cases) {
    RawConnection conn(port());
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(conn.send(c.request));
    const RawResponse r = conn.read_response();
    expect_problem(r, c.status, c.code, c.request.substr(0, 40));
    EXPECT_TRUE(conn.closed_by_server(5s));
  }
  // Just under the limits is served.
  RawConnection conn(port());
  ASSERT_TRUE(conn.send(raw_request("GET", "/healthz?q=" + std::string(8000, 'a'), "X-Big: " + std::string(15000, 'b') + "\r\n")));
  EXPECT_EQ(conn.read_response().status, 200);
}

TEST_F(ApiTest, MalformedTargetsAre400ProblemsOnAConnectionThatStaysUsable) {
  const std::string auth = "Authorization: Bearer " + staff_token("frida") + "\r\n";
  const std::vector<std::string> targets{
      "/%c0%ae",                       // an overlong '.'
      "/api/v1/cases/%c0%ae%c0%ae",    // the same inside the API
      "/api/v1/cases/%e0%80%af",       // an overlong '/' in three bytes
      "/api/v1/cases/%ed%a0%80",       // a UTF-16 surrogate
      "/api/v1/cases/%f4%90%80%80",    // above U+10FFFF
      "/api/v1/cases/\xff\xfe",        // raw bytes that are not UTF-8
      "/api/v1/cases/\xc3\x28",        // a lead byte without its continuation
      "/%zz",                          // not a percent-encoding
      "/api/v1/cases/1%",              // a truncated one
      "/api/v1/cases/1%00",            // a NUL
      "/api/v1/cases?status=%ff",      // invalid UTF-8 in the query
      "/api/v1/cases?status=%c0%80",   // an overlong NUL in the query
  };
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  for (const auto& target : targets) {
    ASSERT_TRUE(c.send(raw_request("GET", target, auth))) << target;
    const RawResponse r = c.read_response();
    expect_problem(r, 400, "malformed_uri", target);
    EXPECT_FALSE(r.json.value("detail", "").empty()) << target;
    EXPECT_NE(r.header("connection"), "close") << target;
  }
  ASSERT_TRUE(c.send(raw_request("GET", "/api/v1/cases", auth)));
  EXPECT_EQ(c.read_response().status, 200) << "the connection is still usable";
  // A control byte in the raw target is no HTTP: answered, then closed.
  RawConnection d(port());
  ASSERT_TRUE(d.send(std::string("GET /api/v1/\x01 HTTP/1.1\r\nHost: x\r\n\r\n")));
  const RawResponse r = d.read_response();
  expect_problem(r, 400, "malformed_request", "a control byte");
  EXPECT_TRUE(d.closed_by_server(5s));
}

TEST_F(ApiTest, EveryAnswerCarriesTheSecurityHeadersAndNoHstsOverPlainHttp) {
  std::vector<RawResponse> answers;
  for (const std::string& request :
       {raw_request("GET", "/healthz"), raw_request("GET", "/api/v1/cases"), raw_request("GET", "/app.js"),
        raw_request("GET", "/nothing-here"), raw_request("GET", "/%c0%ae"), raw_request("OPTIONS", "/healthz"),
        std::string("POST /api/v1/cases HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")}) {
    RawConnection c(port());
    ASSERT_TRUE(c.send(request));
    answers.push_back(c.read_response());
  }
  for (const auto& r : answers) {
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << r.status;
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << r.status;
    EXPECT_NE(r.header("permissions-policy").find("camera=()"), std::string::npos) << r.status;
    EXPECT_EQ(r.header("strict-transport-security"), "") << r.status;
  }
}

TEST_F(ApiTest, PagesHaveAStrongETagAreRevalidatedAndGzippedWhenTheClientTakesIt) {
  RawConnection c(port());
  ASSERT_TRUE(c.send(raw_request("GET", "/app.js")));
  const RawResponse plain = c.read_response();
  ASSERT_EQ(plain.status, 200);
  ASSERT_TRUE(c.send(raw_request("GET", "/app.js", "Accept-Encoding: br, gzip;q=0.8\r\n")));
  const RawResponse zipped = c.read_response();
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.header("content-encoding"), "gzip");
  EXPECT_EQ(plain.header("content-encoding"), "");
  EXPECT_LT(zipped.body.size() * 2, plain.body.size()) << "app.js compresses to less than half";
  std::istringstream in(zipped.body);
  Poco::InflatingInputStream inflate(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::string unzipped;
  Poco::StreamCopier::copyToString(inflate, unzipped);
  EXPECT_EQ(unzipped, plain.body);
  for (const auto* r : {&plain, &zipped}) {
    EXPECT_EQ(r->header("cache-control"), "no-cache");
    EXPECT_EQ(r->header("vary"), "Accept-Encoding");
    ASSERT_GE(r->header("etag").size(), 3u);
    EXPECT_EQ(r->header("etag").front(), '"') << "a strong tag, not W/";
  }
  EXPECT_NE(plain.header("etag"), zipped.header("etag")) << "two representations, two tags";
  ASSERT_TRUE(c.send(raw_request("GET", "/app.js", "If-None-Match: \"other\", " + plain.header("etag") + "\r\n")));
  const RawResponse not_modified = c.read_response();
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.body, "");
  EXPECT_EQ(not_modified.header("etag"), plain.header("etag"));
  ASSERT_TRUE(c.send(raw_request("GET", "/app.js", "Accept-Encoding: gzip;q=0\r\nIf-None-Match: \"stale\"\r\n")));
  const RawResponse refused_gzip = c.read_response();
  EXPECT_EQ(refused_gzip.status, 200);
  EXPECT_EQ(refused_gzip.header("content-encoding"), "");
  EXPECT_EQ(refused_gzip.body, plain.body);
}

TEST_F(ApiTest, EveryProblemTypeResolvesToItsExplanation) {
  std::set<std::string> types;
  const auto collect = [&](const RawResponse& r) {
    ASSERT_TRUE(r.json.is_object()) << r.body;
    EXPECT_LT(r.status, 500) << r.body;
    types.insert(r.json.value("type", ""));
  };
  for (const std::string& request :
       {raw_request("GET", "/api/v1/cases"), raw_request("GET", "/api/v1/nothing"), raw_request("DELETE", "/healthz"),
        raw_request("GET", "/%c0%ae"), raw_request("GET", "/api/v1/cases?q=" + std::string(9000, 'q')),
        raw_request("GET", "/healthz", "X-Big: " + std::string(20000, 'b') + "\r\n"),
        std::string("POST /api/v1/cases HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
        std::string("GET /\x01 HTTP/1.1\r\n\r\n"),
        raw_request("GET", "/api/v1/cases/not-a-number", "Authorization: Bearer " + staff_token("frida") + "\r\n"),
        raw_request("GET", "/api/v1/cases", "Authorization: Bearer not.a.token\r\n")}) {
    RawConnection c(port());
    ASSERT_TRUE(c.send(request));
    collect(c.read_response());
  }
  EXPECT_GE(types.size(), 8u);
  for (const auto& type : types) {
    auto page = get(type, "");
    EXPECT_EQ(page.status, 200) << type;
    EXPECT_EQ(page.body.value("type", ""), type);
    EXPECT_GT(page.body.value("explanation", "").size(), 20u) << type;
    EXPECT_GE(page.body.value("status", 0), 400) << type;
  }
  auto unknown = get("/api/v1/problems/no_such_code", "");
  EXPECT_EQ(unknown.status, 404);
}

TEST_F(ApiTest, CprNumbersAreMaskedInProblemDetailAndInstance) {
  const std::string frida = staff_token("frida");
  for (const std::string& path : {"/api/v1/cases/010490-9989", "/api/v1/cases/0104909989",
                                  "/api/v1/cases/010490-9989/history", "/api/v1/no/010490-9989"}) {
    auto r = get(path, frida);
    EXPECT_GE(r.status, 400) << path;
    EXPECT_LT(r.status, 500) << path;
    EXPECT_EQ(r.content_type, "application/problem+json") << path;
    EXPECT_EQ(r.text.find("010490-9989"), std::string::npos) << r.text;
    EXPECT_EQ(r.text.find("0104909989"), std::string::npos) << r.text;
  }
}

TEST_F(ApiTest, KeepAliveEndsAfterTheConfiguredAnswersAndTheIdleTimeout) {
  server::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.db_url = plain_installation("keepalive");
  config.keep_alive_requests = 3;
  config.keep_alive_seconds = 1;
  auto s = server::Server::start(config, key());
  ASSERT_TRUE(s.ok()) << s.status().message();
  RawConnection c((*s)->port());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(c.send(raw_request("GET", "/healthz")));
    const RawResponse r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection") == "close", i == 3) << i;
  }
  EXPECT_TRUE(c.closed_by_server(3s));
  RawConnection idle((*s)->port());
  ASSERT_TRUE(idle.send(raw_request("GET", "/healthz")));
  EXPECT_EQ(idle.read_response().status, 200);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.closed_by_server(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - before, 900ms);
}

TEST_F(ApiTest, ServesHstsAndTheSecurityHeadersOverTls) {
  const std::string cert = dir() + "/hsts-cert.pem", pkey = dir() + "/hsts-key.pem";
  ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + pkey +
                         " -out " + cert + " >/dev/null 2>&1")
                            .c_str()),
            0);
  server::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.db_url = plain_installation("hsts");
  config.tls_certificate = cert;
  config.tls_private_key = pkey;
  auto tls = server::Server::start(config, key());
  ASSERT_TRUE(tls.ok()) << tls.status().message();
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", cert,
                                                           Poco::Net::Context::VERIFY_RELAXED);
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>((*tls)->port()), context);
  for (const char* method : {"GET", "HEAD"}) {
    Poco::Net::HTTPRequest req(method, "/index.html", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(res), body);
    EXPECT_EQ(res.getStatus(), 200) << method;
    EXPECT_EQ(res.get("Strict-Transport-Security", ""), "max-age=31536000") << method;
    EXPECT_EQ(res.get("Referrer-Policy", ""), "no-referrer") << method;
    EXPECT_EQ(body.empty(), std::string(method) == "HEAD") << method;
  }
}

TEST_F(ApiTest, TheConnectionSettingsAreCheckedAndNamedInErrors) {
  const std::string path = dir() + "/limits.properties";
  const auto load = [&](const std::string& text) {
    std::ofstream(path) << text;
    return server::load_server_config(path);
  };
  auto good = load("server.request_timeout_seconds = 3\nserver.keep_alive_seconds = 2\nserver.keep_alive_requests = 7\n"
                   "server.max_uri_bytes = 4096\nserver.max_header_bytes = 8192\nserver.max_connections = 900\n"
                   "server.max_connections_per_address = 30\nserver.io_threads = 3\n");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->request_timeout_seconds, 3);
  EXPECT_EQ(good->keep_alive_seconds, 2);
  EXPECT_EQ(good->keep_alive_requests, 7);
  EXPECT_EQ(good->max_uri_bytes, 4096u);
  EXPECT_EQ(good->max_header_bytes, 8192u);
  EXPECT_EQ(good->max_connections, 900);
  EXPECT_EQ(good->max_connections_per_address, 30);
  EXPECT_EQ(good->io_threads, 3);
  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"server.request_timeout_seconds = 0\n", "server.request_timeout_seconds"},
           {"server.keep_alive_seconds = -1\n", "server.keep_alive_seconds"},
           {"server.max_uri_bytes = 10\n", "server.max_uri_bytes"},
           {"server.max_header_bytes = 99999999999\n", "server.max_header_bytes"},
           {"server.max_connections = 99999999999\n", "server.max_connections"},
           {"server.max_connections = 10\nserver.max_connections_per_address = 20\n",
            "server.max_connections_per_address"},
           {"server.io_threads = 0\n", "server.io_threads"}}) {
    auto bad = load(text);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_NE(bad.status().message().find(key), std::string::npos) << bad.status().message();
  }
}

TEST(HttpTarget, AcceptsEveryShortestUtf8FormAndRefusesTheRest) {
  using server::http::valid_utf8;
  for (const std::string ok : {"", "a", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
                               "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "K\xc3\xb8benhavn \xe2\x80\x93 \xc3\x86"}) {
    EXPECT_TRUE(valid_utf8(ok)) << ok;
  }
  for (const std::string bad : {"\x80", "\xc0\xae", "\xc1\xbf", "\xc2", "\xe0\x80\xaf", "\xe0\x9f\xbf", "\xed\xa0\x80",
                                "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
                                "ok\xe2\x80"}) {
    EXPECT_FALSE(valid_utf8(bad)) << ::testing::PrintToString(bad);
  }
}

TEST(HttpTarget, DecodesThePathAndTheQueryOfEveryForm) {
  using server::http::parse_target;
  auto t = parse_target("/api/v1/cases/12?status=open&who=J%C3%B8rgen+Hansen&flag&=x");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->path, "/api/v1/cases/12");
  const std::vector<std::pair<std::string, std::string>> query{
      {"status", "open"}, {"who", "J\xc3\xb8rgen Hansen"}, {"flag", ""}, {"", "x"}};
  EXPECT_EQ(t->query, query);
  auto absolute = parse_target("https://sagsflow.example/api/v1/cases?x=1");
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(absolute->path, "/api/v1/cases");
  EXPECT_EQ(parse_target("http://host")->path, "/");
  EXPECT_EQ(parse_target("*")->path, "*");
  EXPECT_EQ(parse_target("/a%2Fb")->path, "/a/b");
  for (const char* bad : {"", "cases", "/%", "/%4", "/%g0", "/a%00b", "/%c0%ae", "/?x=%zz", "/?%ff=1"}) {
    auto r = parse_target(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace sagsflow::testing
