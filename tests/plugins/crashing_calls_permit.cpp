// A plugin whose code kills the process it runs in, the way its configuration
// asks (no value: it behaves):
//   validate        in validate_form:   segv, abort, fpe, stack_overflow, loop
//   on_decision     in on_case_event after a grant or refuse: segv, loop
// Built twice: as crashing_calls_permit, and with CRASHING_CALLS_FIXED as the
// vendor's fixed build of the same plugin id (crashing_calls_permit_fixed),
// which ignores the configuration and, after a decision, writes a note naming
// the event it heard (so a test sees which pending event reached it).
#include <sagsflow/plugin.hpp>

#include <csignal>
#include <cstdlib>
#include <string>

namespace {

[[maybe_unused]] int deeper(int n) {
  volatile char frame[4096];
  frame[0] = static_cast<char>(n);
  return deeper(n + 1) + frame[0];  // not a tail call: every level keeps its frame
}

[[maybe_unused]] void misbehave(const std::string& how) {
  if (how == "segv") {
    volatile int* nowhere = nullptr;
    *nowhere = 1;
  } else if (how == "abort") {
    std::abort();
  } else if (how == "fpe") {
    volatile int zero = 0;
    volatile int x = 1 / zero;
    (void)x;
    std::raise(SIGFPE);  // where integer division by zero does not trap
  } else if (how == "stack_overflow") {
    volatile int r = deeper(0);
    (void)r;
  } else if (how == "loop") {
    for (volatile unsigned long i = 0;; i = i + 1) {
    }
  }
}

}  // namespace

class CrashingCallsPermit : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json& c) override {
#ifndef CRASHING_CALLS_FIXED
    misbehave(host().config("validate").value_or(""));
#endif
    if (c.at("fields").value("applicant", "") == "Nobody") return {{"applicant", "must be a real person"}};
    return {};
  }

  void on_case_event(const nlohmann::json& event) override {
    const std::string action = event.value("action", "");
    if (action != "grant" && action != "refuse") return;
#ifdef CRASHING_CALLS_FIXED
    host().add_note(event.at("case_id").get<int64_t>(),
                    "decision letter sent for event " + event.value("event_id", std::string("(none)")));
#else
    misbehave(host().config("on_decision").value_or(""));
#endif
  }
};

SAGSFLOW_PLUGIN(CrashingCallsPermit)
