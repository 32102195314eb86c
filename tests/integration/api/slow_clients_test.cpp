// A flood of slow and silent clients costs them, not the others: with 1,000
// connections open that send a partial request a byte at a time (or nothing),
// normal requests are still answered, and the whole-request deadline closes
// the slow ones; under a per-address cap the silent connections make room.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include "sagsflow/domain/thread_annotations.hpp"
#include <thread>

#include "api_fixture.hpp"
#include "raw_http.hpp"

namespace sagsflow::testing {
namespace {

using namespace std::chrono_literals;

// A counter or gauge of /metrics ("sagsflow_http_connections_open", or with its labels).
long long metric(unsigned port, const std::string& name) {
  RawConnection c(port);
  c.send(raw_request("GET", "/metrics"));
  const RawResponse r = c.read_response();
  const auto at = r.body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(r.body.substr(at + name.size() + 2));
}

std::unique_ptr<server::Server> start_server(const std::string& db_url, const std::string& key,
                                             int max_per_address, int request_timeout_seconds) {
  server::ServerConfig config;
  config.port = 0;
  config.threads = 4;
  config.db_url = db_url;
  config.requests_per_minute = 1000000;
  config.max_connections = 5000;
  config.max_connections_per_address = max_per_address;
  config.request_timeout_seconds = request_timeout_seconds;
  auto s = server::Server::start(config, key);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST_F(ApiTest, AThousandSlowConnectionsDoNotKeepNormalRequestsWaitingAndTheDeadlineClosesThem) {
  auto s = start_server(plain_installation("slow"), key(), 2000, 6);
  ASSERT_TRUE(s);
  const unsigned p = s->port();
  constexpr int kSlow = 1000;
  std::vector<RawConnection> slow;
  slow.reserve(kSlow);
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back(p);
    ASSERT_TRUE(slow.back().ok()) << i;
  }
  // Half send a request a byte at a time, the other half nothing at all.
  const std::string partial = raw_request("POST", "/api/v1/cases", "Content-Type: application/json\r\n", "{\"x\":1}");
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    for (std::size_t at = 0; trickling && at < partial.size(); ++at) {
      for (int i = 0; i < kSlow; i += 2) {
        ::send(slow[static_cast<std::size_t>(i)].fd(), partial.data() + at, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      std::this_thread::sleep_for(200ms);
    }
  });
  const auto opened = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(300ms);
  EXPECT_GE(metric(p, "sagsflow_http_connections_open"), kSlow) << "every slow connection is open";

  // 200 normal requests, on four clients at once, each on a new connection.
  constexpr int kClients = 4, kEach = 50;
  std::vector<double> latencies;
  Mutex latencies_mutex;
  std::atomic<int> served{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        const auto started = std::chrono::steady_clock::now();
        RawConnection c(p);
        c.send(raw_request("GET", i % 2 == 0 ? "/healthz" : "/api/v1/openapi.json"));
        const RawResponse r = c.read_response(20s);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        if (r.status == 200) ++served;
        MutexLock lock(latencies_mutex);
        latencies.push_back(ms);
      }
    });
  }
  for (auto& c : clients) c.join();
  const auto normal_done = std::chrono::steady_clock::now();
  EXPECT_EQ(served.load(), kClients * kEach);
  {
    MutexLock lock(latencies_mutex);
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double q) { return latencies[static_cast<std::size_t>(q * (latencies.size() - 1))]; };
    std::printf("[ slow clients ] %d slow connections open; %d normal requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                kSlow, served.load(), at(0.5), at(0.99), latencies.back());
  }
  // The normal requests were answered while the slow ones were still open (the deadline is 6 s away).
  EXPECT_GE(metric(p, "sagsflow_http_connections_open"), kSlow)
      << "the slow connections were closed before the normal requests were served ("
      << std::chrono::duration<double>(normal_done - opened).count() << " s)";

  // The request deadline (6 s, headers and body together) closes every slow one, trickling or silent.
  std::size_t closed = 0;
  const auto deadline_wait = std::chrono::steady_clock::now() + 15s;
  for (auto& c : slow) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_wait - std::chrono::steady_clock::now());
    if (c.closed_by_server(std::max(left, 1ms))) ++closed;
  }
  trickling = false;
  trickle.join();
  EXPECT_EQ(closed, static_cast<std::size_t>(kSlow));
  EXPECT_GE(metric(p, "sagsflow_http_connections_total{outcome=\"timed_out\"}"), kSlow);
  EXPECT_LE(metric(p, "sagsflow_http_connections_open"), 5);
}

TEST_F(ApiTest, UnderAPerAddressCapSilentConnectionsMakeRoomForOnesThatSendRequests) {
  auto s = start_server(plain_installation("capped"), key(), 50, 30);
  ASSERT_TRUE(s);
  const unsigned p = s->port();
  // A client that has been served and waits on its kept-alive connection.
  RawConnection regular(p);
  ASSERT_TRUE(regular.send(raw_request("GET", "/healthz")));
  ASSERT_EQ(regular.read_response().status, 200);
  // 200 silent connections from the same address: four times the cap.
  std::vector<RawConnection> silent;
  for (int i = 0; i < 200; ++i) silent.emplace_back(p);
  std::this_thread::sleep_for(300ms);
  EXPECT_LE(metric(p, "sagsflow_http_connections_open"), 50);
  EXPECT_GE(metric(p, "sagsflow_http_connections_total{outcome=\"evicted\"}"), 150);
  std::size_t closed = 0;
  for (auto& c : silent) closed += c.closed_by_server(10ms) ? 1 : 0;
  EXPECT_GE(closed, 150u);
  // The oldest silent ones went first: the newest are still open ...
  EXPECT_FALSE(silent.back().closed_by_server(10ms));
  // ... and the served client's connection was kept, and still works.
  ASSERT_TRUE(regular.send(raw_request("GET", "/healthz")));
  EXPECT_EQ(regular.read_response().status, 200);
  // New clients are served while the silent ones sit at the cap.
  for (int i = 0; i < 20; ++i) {
    RawConnection c(p);
    ASSERT_TRUE(c.send(raw_request("GET", "/healthz")));
    EXPECT_EQ(c.read_response().status, 200) << i;
  }
}

TEST_F(ApiTest, AFullWorkerQueueIsAnswered503WithRetryAfterAtOnce) {
  server::ServerConfig config;
  config.port = 0;
  config.threads = 1;
  config.queue = 1;
  config.db_url = plain_installation("busy");
  config.requests_per_minute = 1000000;
  auto s = server::Server::start(config, key());
  ASSERT_TRUE(s.ok()) << s.status().message();
  // Sixty complete requests at once for one worker (each takes milliseconds:
  // the 150 kB OpenAPI document is parsed, masked and encoded) and a queue of one.
  std::vector<RawConnection> clients;
  for (int i = 0; i < 60; ++i) clients.emplace_back((*s)->port());
  for (auto& c : clients) ASSERT_TRUE(c.send(raw_request("GET", "/api/v1/openapi.json")));
  int ok = 0, busy = 0;
  for (auto& c : clients) {
    const RawResponse r = c.read_response(20s);
    if (r.status == 200) ++ok;
    if (r.status == 503) {
      ++busy;
      EXPECT_EQ(r.header("retry-after"), "1");
      EXPECT_EQ(r.json.value("code", ""), "busy");
    }
  }
  EXPECT_EQ(ok + busy, 60) << "every request is answered, 200 or 503";
  EXPECT_GE(ok, 1);
  EXPECT_GE(busy, 1) << "one worker and a queue of one cannot take sixty requests at once";
  EXPECT_EQ(metric((*s)->port(), "sagsflow_http_busy_total"), busy);
}

}  // namespace
}  // namespace sagsflow::testing
