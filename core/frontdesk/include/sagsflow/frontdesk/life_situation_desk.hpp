// Registering a life situation at the front desk: opens the cases the
// situation implies and registers the inquiry with what the citizen was told.
// The situations themselves are parsed in sagsflow/config/life_situation.hpp.
// Thread-safety: as the engine and front desk it is given: one thread at a time.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sagsflow/config/life_situation.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"

namespace sagsflow {

struct LifeSituationRequest {
  std::string municipality;
  std::string situation;  // id
  std::string citizen_cpr;
  Channel channel = Channel::kPersonalAttendance;
  Actor actor;
};

struct LifeSituationOutcome {
  const LifeSituation* situation = nullptr;
  std::vector<CaseState> opened;
  // Tasks not opened, each with the reason (workflow not deployed, not ours to receive ...).
  std::vector<std::pair<LifeSituationTask, std::string>> skipped;
  std::vector<LifeSituationInfo> information;
  InquiryRecord inquiry;  // the registration, naming the acting authority
};

// Registers the inquiry with what the citizen was told, then opens the
// situation's tasks through the engine (every organisation rule applies), in
// the situation's order. kNotFound (listing the known ids) for an unknown
// situation; kInvalidArgument for a malformed CPR number; the front desk's
// errors when the registration is refused, and then no case is opened. Not
// atomic: a task that cannot be opened is listed in `skipped` with the reason,
// and the inquiry and the cases opened before it stay.
Result<LifeSituationOutcome> register_life_situation(CaseEngine& engine, FrontDesk& desk,
                                                     const LifeSituationRequest& request);

}  // namespace sagsflow
