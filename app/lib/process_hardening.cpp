#include "sagsflow/app/process_hardening.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace sagsflow::app {

Status harden_process(bool allow_core_dumps) {
  ::umask(077);
  rlimit core{};
  if (::getrlimit(RLIMIT_CORE, &core) != 0) return Internal(std::string("getrlimit(RLIMIT_CORE): ") + std::strerror(errno));
  core.rlim_cur = allow_core_dumps ? core.rlim_max : 0;
  if (::setrlimit(RLIMIT_CORE, &core) != 0) return Internal(std::string("setrlimit(RLIMIT_CORE): ") + std::strerror(errno));
  if (::prctl(PR_SET_DUMPABLE, allow_core_dumps ? 1 : 0, 0, 0, 0) != 0) {
    return Internal(std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno));
  }
  return Status::Ok();
}

bool core_dumps_requested_by_environment() {
  const char* value = std::getenv(kCoreDumpsVariable);
  if (value == nullptr) return false;
  const std::string_view v(value);
  return v == "1" || v == "true" || v == "yes";
}

}  // namespace sagsflow::app
