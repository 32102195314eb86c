#include "sagsflow/domain/log.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <mutex>

#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/thread_annotations.hpp"

namespace sagsflow {
namespace {

class CprMaskingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit CprMaskingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string masked = mask_cpr_numbers(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg);
    copy.payload = masked;
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }
  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> f) override {
    inner_->set_formatter(std::move(f));
  }

 private:
  spdlog::sink_ptr inner_;
};

// The process-wide logger, made on first use. `mutex` also serialises
// set_log_sink()'s changes to the logger's sinks.
struct LoggerSlot {
  Mutex mutex;
  std::shared_ptr<spdlog::logger> logger GUARDED_BY(mutex);
};

LoggerSlot& logger_slot() {
  static LoggerSlot slot;
  return slot;
}

}  // namespace

spdlog::sink_ptr make_cpr_masking_sink(spdlog::sink_ptr inner) {
  return std::make_shared<CprMaskingSink>(std::move(inner));
}

std::shared_ptr<spdlog::logger> logger() {
  auto& slot = logger_slot();
  MutexLock lock(slot.mutex);
  auto& l = slot.logger;
  if (!l) {
    auto sink = make_cpr_masking_sink(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l = std::make_shared<spdlog::logger>("sagsflow", sink);
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    const char* level = std::getenv("SAGSFLOW_LOG_LEVEL");
    l->set_level(level ? spdlog::level::from_str(level) : spdlog::level::warn);
  }
  return l;
}

void set_log_sink(spdlog::sink_ptr sink) {
  auto l = logger();
  MutexLock lock(logger_slot().mutex);
  l->sinks().clear();
  l->sinks().push_back(make_cpr_masking_sink(std::move(sink)));
}

}  // namespace sagsflow
