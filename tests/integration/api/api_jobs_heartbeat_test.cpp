// Over HTTP, on a server of its own (jobs.heartbeat_seconds 1,
// jobs.stale_after_seconds 2): a job left "running" by a node that died (its
// heartbeat stopped) is marked failed, with the reason, by a server that
// starts on the database (a restart of the same node) and by a server already
// running (any node); GET /api/v1/admin/jobs/{id} shows it. A job whose
// heartbeat is fresh is left running.
#include <gtest/gtest.h>

#include <thread>

#include "api_fixture.hpp"
#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ApiJobsHeartbeatTest : public ApiTest {
 protected:
  // A job stored as running on `node`, its last heartbeat `ago` before now.
  static long long running_job(const std::string& db_url, const std::string& node, std::chrono::seconds ago) {
    auto store = db::SqlStore::open(db_url);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return 0;
    db::JobRecord job;
    job.kind = "simulation";
    job.municipality = "0999";
    job.started_by = "anna";
    job.started_at = format_timestamp(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) - ago);
    job.node = node;
    auto id = (*store)->start_job(job);
    EXPECT_TRUE(id.ok()) << id.status().to_string();
    return id.ok() ? *id : 0;
  }
  // The job as the server answers, once its state is not `state` (or after `wait`).
  static HttpResult job_after(unsigned server_port, long long id, const std::string& state, std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    HttpResult r;
    do {
      r = http(server_port, {"GET", "/api/v1/admin/jobs/" + std::to_string(id), staff_token("anna"), "", "", false, {}});
      if (r.status != 200 || r.body["state"] != state) return r;
      std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < until);
    return r;
  }
  static server::ServerConfig config_for(const std::string& db_url) {
    server::ServerConfig config;
    config.port = 0;
    config.threads = 2;
    config.db_url = db_url;
    config.job_heartbeat_seconds = 1;
    config.job_stale_after_seconds = 2;
    return config;
  }
};

TEST_F(ApiJobsHeartbeatTest, AJobWhoseNodeStoppedIsMarkedFailedByTheNextServerAndByOneAlreadyRunning) {
  const std::string url = plain_installation("job-heartbeats");
  // Left by a node that died a minute ago: the next server to start marks it at once.
  const long long left = running_job(url, "node-that-died", 60s);
  auto s = server::Server::start(config_for(url), key());
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto r = job_after((*s)->port(), left, "running", 3s);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["state"], "failed") << r.text;
  EXPECT_NE(r.body["error"].get<std::string>().find("the node running it stopped"), std::string::npos) << r.text;
  EXPECT_FALSE(r.body["finished_at"].is_null());
  expect_documented("GET", "/api/v1/admin/jobs/{id}", r);

  // A node that dies while this server runs: its job beats no more and is marked within the timeout and a round.
  const long long fresh = running_job(url, "node-dying-now", 0s);
  auto early = http((*s)->port(), {"GET", "/api/v1/admin/jobs/" + std::to_string(fresh), staff_token("anna"), "", "",
                                   false, {}});
  ASSERT_EQ(early.status, 200);
  EXPECT_EQ(early.body["state"], "running") << "a fresh heartbeat is left alone";
  const auto started = std::chrono::steady_clock::now();
  r = job_after((*s)->port(), fresh, "running", 6s);
  EXPECT_EQ(r.body["state"], "failed") << r.text;
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms) << "marked before its heartbeat was 2 s old (to the second)";
}

TEST_F(ApiJobsHeartbeatTest, TheServerRefusesAStaleTimeoutShorterThanTwoHeartbeats) {
  server::ServerConfig config = config_for(plain_installation("job-heartbeat-config"));
  config.job_stale_after_seconds = 1;
  auto s = server::Server::start(config, key());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("jobs.stale_after_seconds"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace sagsflow::testing
