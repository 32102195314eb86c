// A plugin whose code throws: the wrapper turns it into an error at the boundary.
#include <sagsflow/plugin.hpp>

#include <stdexcept>

class ThrowingPermit : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;
  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json&) override {
    throw std::runtime_error("income table missing");
  }
  std::optional<sagsflow::sdk::DecisionProposal> propose_decision(const nlohmann::json&) override {
    throw std::out_of_range("no such rule");
  }
  void on_case_event(const nlohmann::json& event) override {
    if (event.value("action", "") == "grant") throw std::runtime_error("cannot send the letter");
  }
};

SAGSFLOW_PLUGIN(ThrowingPermit)
