#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace sagsflow::server {

int RateLimiter::admit(const std::string& key, std::chrono::steady_clock::time_point now) {
  MutexLock guard(mutex_);
  const double capacity = per_minute_;
  const double per_second = per_minute_ / 60.0;
  if (buckets_.size() > 100000) {  // forget callers idle for over a minute
    std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.at > std::chrono::minutes(1); });
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(capacity, b.tokens + elapsed * per_second);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / per_second)));
}

}  // namespace sagsflow::server
