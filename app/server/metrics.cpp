#include "metrics.hpp"

#include <fmt/format.h>

namespace sagsflow::server {

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string prometheus_metric(const std::string& name, const char* type, const std::string& help, long long value) {
  return fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}

std::string render_connections(const ConnectionCounts& c) {
  std::string out;
  out += "# HELP sagsflow_http_connections_open Connections open now.\n";
  out += "# TYPE sagsflow_http_connections_open gauge\n";
  out += fmt::format("sagsflow_http_connections_open {}\n", c.open);
  out += "# HELP sagsflow_http_connections_total Connections by what became of them (accepted; refused or evicted "
         "under a connection cap; timed_out by the request deadline or keep-alive timeout).\n";
  out += "# TYPE sagsflow_http_connections_total counter\n";
  out += fmt::format("sagsflow_http_connections_total{{outcome=\"accepted\"}} {}\n", c.accepted);
  out += fmt::format("sagsflow_http_connections_total{{outcome=\"refused\"}} {}\n", c.refused);
  out += fmt::format("sagsflow_http_connections_total{{outcome=\"evicted\"}} {}\n", c.evicted);
  out += fmt::format("sagsflow_http_connections_total{{outcome=\"timed_out\"}} {}\n", c.timed_out);
  out += "# HELP sagsflow_http_busy_total Requests answered 503 because every worker was busy and the queue full.\n";
  out += "# TYPE sagsflow_http_busy_total counter\n";
  out += fmt::format("sagsflow_http_busy_total {}\n", c.busy);
  return out;
}

void RequestMetrics::record(const std::string& method, const std::string& route, int status, double seconds) {
  MutexLock guard(mutex_);
  ++requests_[{method, route, status}];
  auto& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string RequestMetrics::render() const {
  MutexLock guard(mutex_);
  std::string out;
  out += "# HELP sagsflow_http_requests_total HTTP requests by method, route template and status.\n";
  out += "# TYPE sagsflow_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format("sagsflow_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", method,
                       prometheus_label(route), status, n);
  }
  out += "# HELP sagsflow_http_request_duration_seconds Time to answer a request, by route template.\n";
  out += "# TYPE sagsflow_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = prometheus_label(route);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("sagsflow_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r,
                         kBuckets[i], h.counts[i]);
    }
    out += fmt::format("sagsflow_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r, h.count);
    out += fmt::format("sagsflow_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, h.sum);
    out += fmt::format("sagsflow_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, h.count);
  }
  return out;
}

}  // namespace sagsflow::server
