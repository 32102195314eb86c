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

}  // namespace sagsflow::server
