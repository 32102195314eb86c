// Logging (spdlog) with CPR masking.
//
// Every logger made here writes through a sink that replaces anything shaped
// like a CPR number with DDMMYY-XXXX before it reaches any output, so no log
// line carries a CPR number in clear, whatever the caller formatted.
//
// Thread-safety: logger() may be called and its logger used from any thread
// (it is made once, under a lock, and writes through thread-safe sinks).
// set_log_sink() must not race with logging on other threads: call it before
// they start, as the tests do.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace sagsflow {

// Wraps `inner` so everything it receives is CPR-masked first.
spdlog::sink_ptr make_cpr_masking_sink(spdlog::sink_ptr inner);

// The process-wide logger "sagsflow" (stderr, masked). Level from the
// SAGSFLOW_LOG_LEVEL environment variable (trace..off), default "warn".
std::shared_ptr<spdlog::logger> logger();
// Replaces the process-wide logger's sinks with `sink`, masked (tests capture
// output this way).
void set_log_sink(spdlog::sink_ptr sink);

}  // namespace sagsflow
