// The core's organisation rules answer every request: the same refusals per
// organisational model as from the CLI, the access log, worklists, the
// citizen's own view, health and metrics.
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include <fstream>
#include <thread>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- models

TEST_F(ApiTest, RegisteringAMoveAtTheFrontDeskDependsOnTheModel) {
  const json move = {{"channel", "personal_attendance"}, {"type", "transaction"}, {"area", "moving"},
                     {"service", "register_move"}, {"citizen_cpr", "010490-9989"}};
  // Supermarket (0991): the centre registers the move itself.
  auto supermarket = post("/api/v1/inquiries", staff_token("anna", "0991"), move);
  EXPECT_EQ(supermarket.status, 201) << supermarket.text;
  EXPECT_EQ(supermarket.body["inquiry"]["acting_authority"], "0991");
  expect_documented("POST", "/api/v1/inquiries", supermarket);
  // Full market square (0995): the triage desk may not; the refusal says why and stores nothing.
  const std::string grete = staff_token("grete", "0995");
  const auto before = get("/api/v1/inquiries", grete).body["inquiries"].size();
  auto full = post("/api/v1/inquiries", grete, move);
  EXPECT_EQ(full.status, 403) << full.text;
  EXPECT_EQ(full.body["code"], "forbidden");
  expect_documented("POST", "/api/v1/inquiries", full);
  EXPECT_EQ(get("/api/v1/inquiries", grete).body["inquiries"].size(), before);
}

TEST_F(ApiTest, AdviceShowsWhatTheCentreMayDoAndForWhichAuthority) {
  auto supermarket = get("/api/v1/areas/passports/advice", staff_token("anna", "0991"));
  ASSERT_EQ(supermarket.status, 200);
  expect_documented("GET", "/api/v1/areas/{area}/advice", supermarket);
  EXPECT_EQ(supermarket.body["services"]["decide"]["allowed"], true);
  auto full = get("/api/v1/areas/passports/advice", staff_token("grete", "0995"));
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.body["services"]["decide"]["allowed"], false);
  EXPECT_TRUE(full.body.contains("triage"));  // the full market square triages
  // Another authority's area: concrete guidance is refused, naming the owner.
  auto housing = get("/api/v1/areas/housing_support/advice", staff_token("frida"));
  const auto& concrete = housing.body["services"]["concrete_guidance"];
  EXPECT_EQ(concrete["allowed"], false);
  EXPECT_EQ(concrete["owning_authority_name"], "Udbetaling Danmark");
  auto areas = get("/api/v1/areas", staff_token("frida"));
  ASSERT_EQ(areas.status, 200);
  expect_documented("GET", "/api/v1/areas", areas);
}

TEST_F(ApiTest, ConcreteGuidanceOnAnotherAuthoritysMatterIsRefusedNamingTheOwner) {
  auto r = post("/api/v1/inquiries", staff_token("frida"),
                {{"channel", "phone"}, {"type", "case_information"}, {"area", "housing_support"},
                 {"service", "concrete_guidance"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body["detail"].get<std::string>().find("Udbetaling Danmark"), std::string::npos);
}

TEST_F(ApiTest, OnlyThoseTheModelLetsDecideSeeTheDecisionAndTakeIt) {
  const long long id = passport_case_in_decision();
  const std::string path = "/api/v1/cases/" + std::to_string(id);
  // The front desk sees the case but holds no decision action; trying is refused by the core.
  auto desk = get(path, staff_token("frida"));
  ASSERT_EQ(desk.status, 200);
  expect_documented("GET", "/api/v1/cases/{id}", desk);
  EXPECT_TRUE(desk.body["actions"].empty());
  auto refused = post(path + "/actions/grant", staff_token("frida"));
  EXPECT_EQ(refused.status, 403) << refused.text;
  expect_documented("POST", "/api/v1/cases/{id}/actions/{action}", refused);
  // Another municipality's staff cannot even read it.
  auto stranger = get(path, staff_token("grete", "0995"));
  EXPECT_EQ(stranger.status, 403);
  // The caseworker at the centre decides (cooperation model, 0999).
  auto bo = get(path, staff_token("bo"));
  ASSERT_EQ(bo.status, 200);
  std::vector<std::string> actions;
  for (const auto& a : bo.body["actions"]) actions.push_back(a["name"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"grant", "refuse"}));
  auto granted = post(path + "/actions/grant", staff_token("bo"));
  EXPECT_EQ(granted.status, 200) << granted.text;
  EXPECT_EQ(granted.body["status"], "closed");
  expect_documented("POST", "/api/v1/cases/{id}/actions/{action}", granted);
}

TEST_F(ApiTest, AFrontDeskTransactionOpensTheCaseAndPointsTheInquiryAtIt) {
  auto r = post("/api/v1/inquiries", staff_token("frida"),
                {{"channel", "personal_attendance"}, {"type", "transaction"}, {"area", "passports"},
                 {"service", "receive_and_forward"}, {"citizen_cpr", "010490-9989"},
                 {"open_case", {{"workflow", "passport"}}}});
  ASSERT_EQ(r.status, 201) << r.text;
  expect_documented("POST", "/api/v1/inquiries", r);
  EXPECT_EQ(r.body["inquiry"]["case_id"], r.body["case"]["id"]);
  EXPECT_EQ(r.body["case"]["citizen"], "010490-XXXX");
  auto situation = post("/api/v1/inquiries", staff_token("frida"),
                        {{"channel", "personal_attendance"}, {"citizen_cpr", "010490-9989"},
                         {"life_situation", "moving"}});
  ASSERT_EQ(situation.status, 201) << situation.text;
  expect_documented("POST", "/api/v1/inquiries", situation);
  EXPECT_FALSE(situation.body["life_situation"]["information"].empty());
  auto unknown = post("/api/v1/inquiries", staff_token("frida"),
                      {{"channel", "phone"}, {"citizen_cpr", "010490-9989"}, {"life_situation", "lottery_win"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["field"], "life_situation");
}

// ---------------------------------------------------------------- audit

TEST_F(ApiTest, EveryReadOfPersonalDataIsRecordedAndRefusedReadsAreNot) {
  const long long id = passport_case_in_decision();
  const auto before = access_records(id).size();
  const std::string path = "/api/v1/cases/" + std::to_string(id);
  ASSERT_EQ(get(path, staff_token("bo")).status, 200);
  auto history = get(path + "/history", staff_token("bo"));
  ASSERT_EQ(history.status, 200);
  expect_documented("GET", "/api/v1/cases/{id}/history", history);
  auto attachments = get(path + "/attachments", staff_token("bo"));
  ASSERT_EQ(attachments.status, 200);
  expect_documented("GET", "/api/v1/cases/{id}/attachments", attachments);
  EXPECT_EQ(get(path, staff_token("grete", "0995")).status, 403);  // refused: no data, no record

  const json records = access_records(id);
  ASSERT_EQ(records.size(), before + 3);
  const json& newest = records[0];  // newest first
  EXPECT_EQ(newest["actor"], "bo");
  EXPECT_EQ(newest["authority"], "0999");
  EXPECT_EQ(newest["unit"], "bsc");
  EXPECT_EQ(newest["purpose"], "attachments");
  EXPECT_EQ(newest["via"], "api");
  EXPECT_EQ(records[1]["purpose"], "history");
  EXPECT_EQ(records[2]["purpose"], "case");
  for (const auto& r : records) EXPECT_NE(r["actor"], "grete");
}

TEST_F(ApiTest, OnlyAdminsReadTheAccessLog) {
  auto r = get("/api/v1/admin/audit", staff_token("frida"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body["detail"].get<std::string>().find("admin"), std::string::npos);
  expect_documented("GET", "/api/v1/admin/audit", r);
  auto ok = get("/api/v1/admin/audit?limit=5", staff_token("anna"));
  ASSERT_EQ(ok.status, 200);
  expect_documented("GET", "/api/v1/admin/audit", ok);
  auto bad = get("/api/v1/admin/audit?case=abc", staff_token("anna"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["field"], "case");
}

TEST_F(ApiTest, TheCitizenSeesWhichAuthorityLookedAtTheirCaseAndWhen) {
  const long long id = passport_case_in_decision("150585-1234");
  ASSERT_EQ(get("/api/v1/cases/" + std::to_string(id), staff_token("bo")).status, 200);
  const std::string citizen = citizen_token("150585-1234");
  auto reads = get("/api/v1/me/cases/" + std::to_string(id) + "/access", citizen);
  ASSERT_EQ(reads.status, 200) << reads.text;
  expect_documented("GET", "/api/v1/me/cases/{id}/access", reads);
  ASSERT_FALSE(reads.body["reads"].empty());
  EXPECT_EQ(reads.body["reads"][0]["authority"], "Eksempel Kommune");
  EXPECT_EQ(reads.body["reads"][0]["unit"], "Borgerservice");
  // Another citizen gets the same answer as for a case that does not exist.
  auto other = get("/api/v1/me/cases/" + std::to_string(id) + "/access", citizen_token("010490-9989"));
  EXPECT_EQ(other.status, 404);
  expect_documented("GET", "/api/v1/me/cases/{id}/access", other);
}

// ---------------------------------------------------------------- citizen

TEST_F(ApiTest, TheCitizenSeesOnlyTheirOwnCasesWithStatusDeadlineAndPlaceInTheQueue) {
  const long long first = passport_case_in_decision("230377-4321");
  const long long second = passport_case_in_decision("230377-4321");
  passport_case_in_decision("111188-2233");
  auto mine = get("/api/v1/me/cases", citizen_token("230377-4321"));
  ASSERT_EQ(mine.status, 200);
  expect_documented("GET", "/api/v1/me/cases", mine);
  ASSERT_EQ(mine.body["cases"].size(), 2u);
  for (const auto& c : mine.body["cases"]) {
    EXPECT_TRUE(c["id"] == first || c["id"] == second);
    EXPECT_EQ(c["stage"], "decision");
    EXPECT_TRUE(c["next_deadline"].is_string());
    EXPECT_LT(c["place_in_queue"]["position"].get<int>(), c["place_in_queue"]["of"].get<int>() + 1);
  }
  EXPECT_EQ(mine.body["cases"][0]["place_in_queue"]["position"].get<int>() + 1,
            mine.body["cases"][1]["place_in_queue"]["position"].get<int>());
}

// ---------------------------------------------------------------- worklists

TEST_F(ApiTest, ClaimReleaseAndReassignFollowTheRules) {
  const long long id = passport_case_in_decision();
  const std::string path = "/api/v1/cases/" + std::to_string(id);
  auto queue = get("/api/v1/worklists/units/bsc", staff_token("bo"));
  ASSERT_EQ(queue.status, 200);
  expect_documented("GET", "/api/v1/worklists/units/{unit}", queue);
  bool waiting = false;
  for (const auto& c : queue.body["cases"]) waiting = waiting || c["id"] == id;
  EXPECT_TRUE(waiting);

  auto frida = post(path + "/claim", staff_token("frida"));  // holds no action in the decision stage
  EXPECT_EQ(frida.status, 403);
  expect_documented("POST", "/api/v1/cases/{id}/claim", frida);
  auto bo = post(path + "/claim", staff_token("bo"));
  ASSERT_EQ(bo.status, 200) << bo.text;
  expect_documented("POST", "/api/v1/cases/{id}/claim", bo);
  EXPECT_EQ(bo.body["assignee"]["person"], "bo");
  auto carl = post(path + "/claim", staff_token("carl"));
  EXPECT_EQ(carl.status, 409);
  EXPECT_NE(carl.body["detail"].get<std::string>().find("bo"), std::string::npos);
  EXPECT_EQ(post(path + "/release", staff_token("carl")).status, 403);
  auto not_leader = post(path + "/reassign", staff_token("carl"), {{"to", "carl"}});
  EXPECT_EQ(not_leader.status, 403);
  auto nobody = post(path + "/reassign", staff_token("tove"), {{"to", "mallory"}});
  EXPECT_EQ(nobody.status, 400);
  EXPECT_EQ(nobody.body["field"], "to");
  auto to_frida = post(path + "/reassign", staff_token("tove"), {{"to", "frida"}});  // cannot act on it
  EXPECT_EQ(to_frida.status, 403);
  auto reassigned = post(path + "/reassign", staff_token("tove"), {{"to", "carl"}});
  ASSERT_EQ(reassigned.status, 200) << reassigned.text;
  expect_documented("POST", "/api/v1/cases/{id}/reassign", reassigned);
  EXPECT_EQ(reassigned.body["assignee"]["person"], "carl");
  auto carls = get("/api/v1/worklists/people/carl", staff_token("carl"));
  ASSERT_EQ(carls.status, 200);
  expect_documented("GET", "/api/v1/worklists/people/{person}", carls);
  EXPECT_EQ(carls.body["cases"].size(), 1u);
  EXPECT_EQ(get("/api/v1/worklists/people/carl", staff_token("bo")).status, 403);
  auto released = post(path + "/release", staff_token("carl"));
  ASSERT_EQ(released.status, 200);
  expect_documented("POST", "/api/v1/cases/{id}/release", released);
  EXPECT_TRUE(released.body["assignee"].is_null());
  // The claim is in the history.
  auto history = get(path + "/history", staff_token("carl"));
  std::vector<std::string> kinds;
  for (const auto& e : history.body["events"]) kinds.push_back(e["action"]);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "reassigned"), kinds.end());
}

// ---------------------------------------------------------------- admin

TEST_F(ApiTest, AdminsSeePluginsWorkflowsAndTheModelOthersDoNot) {
  const std::string anna = staff_token("anna");
  for (const char* route : {"/api/v1/admin/plugins", "/api/v1/admin/workflows", "/api/v1/admin/municipality",
                            "/api/v1/admin/workflows/{id}"}) {
    std::string path = route;
    if (path.ends_with("{id}")) path = "/api/v1/admin/workflows/passport";
    auto ok = get(path, anna);
    EXPECT_EQ(ok.status, 200) << path << ": " << ok.text;
    expect_documented("GET", route, ok);
    auto refused = get(path, staff_token("bo"));
    EXPECT_EQ(refused.status, 403) << path;
    expect_documented("GET", route, refused);
  }
  auto plugins = get("/api/v1/admin/plugins", anna);
  EXPECT_EQ(plugins.body["plugins"].size(), 8u);  // six service-area plugins, digital_post and print
  for (const auto& p : plugins.body["plugins"]) EXPECT_EQ(p["loaded"], true) << p.dump();
  auto m = get("/api/v1/admin/municipality", anna);
  EXPECT_EQ(m.body["model"], "cooperation");
  // Administering 0991 needs an admin of 0991: anna of 0999 is not one there.
  EXPECT_EQ(get("/api/v1/admin/plugins", staff_token("anna", "0991")).status, 403);
}

TEST_F(ApiTest, KleImportRunsAsAJobWhoseProgressCanBeFollowed) {
  const std::string anna = staff_token("anna");
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan><UdgivelsesDato>2026-10-01</UdgivelsesDato>
  <Hovedgruppe><HovedgruppeNr>23</HovedgruppeNr><HovedgruppeTitel>Borgerservice</HovedgruppeTitel>
    <Gruppe><GruppeNr>23.05</GruppeNr><GruppeTitel>Folkeregistrering</GruppeTitel>
      <Emne><EmneNr>23.05.10</EmneNr><EmneTitel>Flytning</EmneTitel>
        <SletningJaevnfoerPersondataloven>P5Y</SletningJaevnfoerPersondataloven></Emne>
    </Gruppe></Hovedgruppe></KLE-Emneplan>)";
  EXPECT_EQ(post("/api/v1/admin/kle-import", staff_token("bo"), {{"xml", xml}}).status, 403);
  auto missing = post("/api/v1/admin/kle-import", anna, json::object());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["field"], "xml");
  const auto follow = [&](const HttpResult& started) {
    json job = started.body;
    for (int i = 0; i < 200 && job["state"] == "running"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto polled = get("/api/v1/admin/jobs/" + std::to_string(job["id"].get<long long>()), anna);
      EXPECT_EQ(polled.status, 200);
      expect_documented("GET", "/api/v1/admin/jobs/{id}", polled);
      job = polled.body;
    }
    return job;
  };
  auto started = post("/api/v1/admin/kle-import", anna, {{"file_name", "emneplan.xml"}, {"xml", xml}});
  ASSERT_EQ(started.status, 202) << started.text;
  expect_documented("POST", "/api/v1/admin/kle-import", started);
  const json done = follow(started);
  EXPECT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["done"], done["total"]);
  EXPECT_EQ(done["result"]["subjects"], 1);
  EXPECT_FALSE(done["result"]["warnings"].empty());  // passport's 23.09.02 is not in this plan
  // A broken file fails the job with the line at fault; the imported plan stays.
  auto broken = post("/api/v1/admin/kle-import", anna, {{"file_name", "broken.xml"}, {"xml", "<KLE-Emneplan>\n<Hovedgruppe>\n"}});
  ASSERT_EQ(broken.status, 202);
  const json failed = follow(broken);
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_NE(failed["error"].get<std::string>().find("broken.xml:"), std::string::npos) << failed.dump();
  EXPECT_EQ(get("/api/v1/admin/jobs/999", anna).status, 404);
}

TEST_F(ApiTest, ChannelReportAsJsonAndCsvForTheMunicipalitysOwnStaff) {
  ASSERT_EQ(post("/api/v1/inquiries", staff_token("frida"),
                 {{"channel", "phone"}, {"type", "general_information"}, {"area", "passports"},
                  {"resolved_on_the_spot", true}})
                .status,
            201);
  const std::string q = "/api/v1/reports/channels?from=2020-01-01&to=2100-01-01&shift=phone:digital_self_service:0.5";
  auto r = get(q, staff_token("frida"));
  ASSERT_EQ(r.status, 200) << r.text;
  expect_documented("GET", "/api/v1/reports/channels", r);
  EXPECT_GE(r.body["inquiries"].get<long long>(), 1);
  EXPECT_GE(r.body["resolved_first_contact"].get<long long>(), 1);
  EXPECT_EQ(r.body["shifts"].size(), 1u);
  auto csv = get(q + "&format=csv", staff_token("frida"));
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.content_type.substr(0, 8), "text/csv");
  EXPECT_EQ(csv.text.substr(0, csv.text.find('\n')), "section,key,value,share,cost_kr");
  auto bad = get("/api/v1/reports/channels?shift=phone:pigeon:0.1", staff_token("frida"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["field"], "shift");
  auto weeks = get("/api/v1/reports/channels?counting_weeks=true", staff_token("frida"));
  EXPECT_EQ(weeks.status, 409);  // the example municipality sets no counting weeks
  expect_documented("GET", "/api/v1/reports/channels", weeks);
  EXPECT_EQ(get("/api/v1/reports/channels", citizen_token("010490-9989")).status, 403);
}

TEST_F(ApiTest, SimulationsAreRefusedUnlessTheServerAllowsThem) {
  server::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.db_url = plain_installation("no-simulations");
  auto production = server::Server::start(config, key());
  ASSERT_TRUE(production.ok()) << production.status().message();
  auto r = http((*production)->port(), {"POST", "/api/v1/admin/simulations", staff_token("anna"),
                                        json{{"profile", "volumes: {phone: 1}"}}.dump(), "application/json", false});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body["detail"].get<std::string>().find("simulation.allowed"), std::string::npos) << r.text;
}

TEST_F(ApiTest, ASimulationRunsAsAJobInItsOwnProcessAndFeedsTheReports) {
  const std::string anna = staff_token("anna");
  std::ifstream in(std::string(SAGSFLOW_SOURCE_DIR) + "/examples/profiles/koebenhavn-2012.yaml");
  const std::string profile((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto broken = post("/api/v1/admin/simulations", anna, {{"profile", "volumes: {pigeon: 1}\n"}});
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.body["field"], "profile");
  EXPECT_EQ(post("/api/v1/admin/simulations", anna, {{"profile", profile}, {"scale", 5}}).body["field"], "scale");
  EXPECT_EQ(post("/api/v1/admin/simulations", staff_token("bo"), {{"profile", profile}}).status, 403);
  auto started = post("/api/v1/admin/simulations", anna, {{"profile", profile}, {"scale", 0.002}, {"days", 10}});
  ASSERT_EQ(started.status, 202) << started.text;
  expect_documented("POST", "/api/v1/admin/simulations", started);
  json job = started.body;
  int progress_seen = 0;
  for (int i = 0; i < 600 && job["state"] == "running"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    job = get("/api/v1/admin/jobs/" + std::to_string(job["id"].get<long long>()), anna).body;
    if (job["done"].get<int>() > 0 && job["state"] == "running") ++progress_seen;
  }
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["done"], 10);
  EXPECT_GT(job["result"]["inquiries"].get<long long>(), 0);
  auto report = get("/api/v1/reports/channels?from=2025-01-01&to=2025-01-11", anna);
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.body["inquiries"], job["result"]["inquiries"]);
}

// ---------------------------------------------------------------- operations

TEST_F(ApiTest, HealthzReportsTheDatabaseAndEveryPlugin) {
  auto r = get("/healthz", "");
  ASSERT_EQ(r.status, 200) << r.text;
  expect_documented("GET", "/healthz", r);
  EXPECT_EQ(r.body["status"], "ok");
  EXPECT_EQ(r.body["checks"]["database"]["ok"], true);
  EXPECT_EQ(r.body["checks"]["plugins"].size(), 8u);  // six service-area plugins, digital_post and print
}

TEST_F(ApiTest, MetricsReportRequestsLatenciesActionsQueuesAndBreaches) {
  passport_case_in_decision();
  auto r = get("/metrics", "");
  ASSERT_EQ(r.status, 200);
  expect_documented("GET", "/metrics", r);
  for (const char* family :
       {"sagsflow_http_requests_total{method=\"POST\",route=\"/api/v1/cases\",status=\"201\"}",
        "sagsflow_http_request_duration_seconds_bucket{route=\"/api/v1/cases/{id}/actions/{action}\",le=\"+Inf\"}",
        "sagsflow_case_actions_total{action=\"complete\"}", "sagsflow_open_cases{municipality=\"0999\"",
        "sagsflow_deadline_breaches_total ", "sagsflow_plugins_loaded 8"}) {  // six service-area plugins, two delivery plugins
    EXPECT_NE(r.text.find(family), std::string::npos) << family;
  }
}

TEST_F(ApiTest, ServesHttpsWithTheConfiguredCertificate) {
  const std::string cert = dir() + "/cert.pem", pkey = dir() + "/key.pem";
  ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + pkey +
                         " -out " + cert + " >/dev/null 2>&1")
                            .c_str()),
            0);
  server::ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.db_url = plain_installation("tls");
  config.tls_certificate = cert;
  config.tls_private_key = pkey;
  auto tls = server::Server::start(config, key());
  ASSERT_TRUE(tls.ok()) << tls.status().message();
  EXPECT_EQ((*tls)->base_url().rfind("https://", 0), 0u);
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", cert,
                                                           Poco::Net::Context::VERIFY_RELAXED);
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>((*tls)->port()), context);
  Poco::Net::HTTPRequest req("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(req);
  Poco::Net::HTTPResponse res;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(res), body);
  EXPECT_EQ(res.getStatus(), 200) << body;
  EXPECT_NE(body.find("\"database\""), std::string::npos);
}

// ---------------------------------------------------------------- OpenAPI

TEST_F(ApiTest, EveryRouteIsInTheOpenApiDocumentAndEveryDocumentedRouteIsServed) {
  const json doc = json::parse(server::openapi_document());
  std::set<std::pair<std::string, std::string>> served, documented;
  for (auto [method, path] : server::api_routes()) {
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    served.insert({method, path});
  }
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      documented.insert({method, path});
      EXPECT_TRUE(op.contains("operationId")) << method << " " << path;
      // Every path placeholder is a documented parameter.
      for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
        const std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
        bool found = false;
        const json parameters = op.value("parameters", json::array());
        for (const auto& p : parameters) found = found || (p["name"] == name && p["in"] == "path");
        EXPECT_TRUE(found) << method << " " << path << " does not document {" << name << "}";
      }
    }
  }
  for (const auto& r : served) EXPECT_TRUE(documented.contains(r)) << r.first << " " << r.second << " is not documented";
  for (const auto& r : documented) EXPECT_TRUE(served.contains(r)) << r.first << " " << r.second << " is not served";
  auto live = get("/api/v1/openapi.json", "");
  ASSERT_EQ(live.status, 200);
  EXPECT_EQ(live.body, doc);
}

}  // namespace
}  // namespace sagsflow::testing
