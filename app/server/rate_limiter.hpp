// Requests per minute per caller: a token bucket per key (the signed-in
// person or citizen, else the client address). Buckets idle for over a minute
// are forgotten once more than 100000 keys are held.
// Thread-safety: internally synchronised; admit() may be called from any
// number of threads at once.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "sagsflow/domain/thread_annotations.hpp"

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
  Mutex mutex_;
  std::map<std::string, Bucket> buckets_ GUARDED_BY(mutex_);
};

}  // namespace sagsflow::server
