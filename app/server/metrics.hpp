// Request counters and latency histograms for /metrics (Prometheus text format).
// Thread-safety: RequestMetrics is internally synchronised (one mutex); record()
// and render() may be called from any number of threads at once.
#pragma once

#include <array>
#include <map>
#include <string>
#include <tuple>

#include "sagsflow/domain/thread_annotations.hpp"

namespace sagsflow::server {

// The HTTP front's connections (app/server/http_server.hpp), for the gauges on /metrics.
struct ConnectionCounts {
  long long open = 0;       // open now
  long long accepted = 0;   // since start
  long long refused = 0;    // closed at once: over a cap with nothing to evict
  long long evicted = 0;    // closed to make room for a newer connection under a cap
  long long timed_out = 0;  // closed by the request deadline or the keep-alive timeout
  long long busy = 0;       // requests answered 503 because the worker queue was full
};
// The connection families, in Prometheus text exposition format.
std::string render_connections(const ConnectionCounts& counts);

class RequestMetrics {
 public:
  // Counts one answered request (route: the route template, not the path).
  void record(const std::string& method, const std::string& route, int status, double seconds);
  // The request families, in Prometheus text exposition format.
  std::string render() const;

 private:
  static constexpr std::array<double, 10> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};
  struct Histogram {
    std::array<long long, kBuckets.size()> counts{};
    long long count = 0;
    double sum = 0;
  };
  mutable Mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, long long> requests_ GUARDED_BY(mutex_);
  std::map<std::string, Histogram> latency_ GUARDED_BY(mutex_);
};

// "a\"b" -> a\"b for a Prometheus label value.
std::string prometheus_label(const std::string& value);
// One unlabelled metric in the text format: its HELP and TYPE lines ("counter" or "gauge"), then its value.
std::string prometheus_metric(const std::string& name, const char* type, const std::string& help, long long value);

}  // namespace sagsflow::server
