#include "sagsflow/domain/instance_name.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <random>

namespace sagsflow {

std::string new_instance_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device random;
  return fmt::format("{}:{}:{:08x}", host, static_cast<long>(::getpid()), random());
}

}  // namespace sagsflow
