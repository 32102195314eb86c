// In-process events of the case engine (Boost.Signals2).
//
// Signals fire after the change is committed, on the thread that made it.
// A slot that throws is logged by the engine and does not undo the committed
// change, but the slots after it are not called for that event. Keep the
// returned connections (scoped_connection) for as long as the receiver lives;
// connections made on behalf of a plugin must be dropped before the plugin's
// library could go away.
//
// Thread-safety: Boost.Signals2 signals may be connected and fired from any
// thread; slots run on the firing thread, so a slot touching shared state
// locks it itself.
#pragma once

#include <boost/signals2/signal.hpp>

#include "sagsflow/cases/case_state.hpp"

namespace sagsflow {

struct EventBus {
  boost::signals2::signal<void(const CaseState&)> case_opened;
  boost::signals2::signal<void(const CaseState&, const CaseEvent&)> action_performed;
  boost::signals2::signal<void(const CaseState&)> deadline_passed;
};

}  // namespace sagsflow
