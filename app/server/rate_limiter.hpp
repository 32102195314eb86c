// Requests per minute per caller: a token bucket per key (the signed-in
// person or citizen, else the client address).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace sagsflow::server {

class RateLimiter {
 public:
  explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}
  // 0 when the request may go ahead; otherwise the seconds to wait.
  int admit(const std::string& key, std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at;
  };
  int per_minute_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace sagsflow::server
