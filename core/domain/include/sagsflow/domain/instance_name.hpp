// A name for this process among the server nodes sharing a database: the
// holder on outbox claims, leases and jobs (host:pid:random, so two processes,
// even on one host after a pid is reused, never look alike).
//
// Thread-safety: safe from any thread; each call makes a new name.
#pragma once

#include <string>

namespace sagsflow {

std::string new_instance_name();

}  // namespace sagsflow
