// A plugin whose on_case_event fails after a decision has been committed, in
// the way its configuration `on_decision` names (no value: it behaves):
//   throw             throws
//   write_then_throw  writes a note to the case, then throws
//   refused_write     asks the host for an event it refuses (a bad kind), then
//                     reports that as its error
//   foreign_write     writes to the case named by `other_case` (not its own),
//                     which the host refuses, then reports that as its error
// Its form validation accepts everything, so cases reach their decision.
#include <sagsflow/plugin.hpp>

#include <stdexcept>
#include <string>

class EventFailingPermit : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  void on_case_event(const nlohmann::json& event) override {
    const std::string action = event.value("action", "");
    if (action != "grant" && action != "refuse") return;
    const auto mode = host().config("on_decision").value_or("");
    const auto id = event.at("case_id").get<int64_t>();
    if (mode == "throw") throw std::runtime_error("the letter service is down");
    if (mode == "write_then_throw") {
      if (!host().add_note(id, "the decision letter is queued")) throw std::runtime_error("the note was refused");
      throw std::runtime_error("the letter service went down after queuing");
    }
    if (mode == "refused_write") {
      if (!host().add_event(id, "Not A Kind!", {{"letter", "decision"}})) {
        throw std::runtime_error("the host refused the letter event");
      }
      return;
    }
    if (mode == "foreign_write") {
      const auto other = std::stoll(host().config("other_case").value_or("0"));
      if (!host().add_note(other, "a note on someone else's case")) {
        throw std::runtime_error("the host refused the note on case " + std::to_string(other));
      }
    }
  }
};

SAGSFLOW_PLUGIN(EventFailingPermit)
