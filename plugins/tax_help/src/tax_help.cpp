// Tax help: the centre serves Skattestyrelsen's citizens with general
// guidance and forms, and forwards; it never decides or assesses concretely.
#include <sagsflow/plugin.hpp>

namespace {

class TaxHelp : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json& c) override {
    const auto& f = c.at("fields");
    if (f.value("concrete_assessment_requested", false)) {
      return {{"concrete_assessment_requested",
               "a concrete assessment of the citizen's tax exercises Skattestyrelsen's authority; the centre gives "
               "general guidance and forwards the question to Skattestyrelsen (72 22 18 18, skat.dk)"}};
    }
    if (f.value("topic", "") == "other" && f.value("question", "").empty()) {
      return {{"question", "say what the question is about, so Skattestyrelsen can answer it"}};
    }
    return {};
  }

  std::optional<sagsflow::sdk::DecisionProposal> propose_decision(const nlohmann::json&) override {
    host().log(SF_LOG_INFO, "Skattestyrelsen decides tax matters: the municipality never proposes a decision");
    return std::nullopt;
  }

  void on_case_event(const nlohmann::json& event) override {
    if (event.value("action", "") == "forward") {
      host().add_event(event.at("case_id").get<int64_t>(), "forwarded_to_skattestyrelsen", nlohmann::json::object());
    }
  }
};

}  // namespace

SAGSFLOW_PLUGIN(TaxHelp)
