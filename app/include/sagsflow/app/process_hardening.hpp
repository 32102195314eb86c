// What a Sagsflow process does to itself first: nothing it creates is for
// group or others, and, unless the operator allows them, no core dumps (a
// dump holds the token signing key and the CPR numbers the process has read).
//
// Thread-safety: call from main before any other thread starts (umask and
// the dumpable flag are per process).
#pragma once

#include <string>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::app {

// The environment variable that allows core dumps when set to 1 (or true, yes).
inline constexpr const char* kCoreDumpsVariable = "SAGSFLOW_CORE_DUMPS";

// Sets the umask to 077 (files 0600, directories 0700) and, unless
// `allow_core_dumps`, makes the process undumpable (prctl PR_SET_DUMPABLE 0:
// no core file, no ptrace by other processes of the same user) with a core
// size limit of 0; with it, dumpable again and the core limit as high as the
// hard limit allows. kInternal naming the call that failed.
Status harden_process(bool allow_core_dumps);

// Whether SAGSFLOW_CORE_DUMPS asks for core dumps.
bool core_dumps_requested_by_environment();

}  // namespace sagsflow::app
