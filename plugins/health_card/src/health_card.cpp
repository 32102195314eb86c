// Health card and choice of GP: group 1 chooses a GP, group 2 does not; a
// card after a move names the move; a complete request is granted at once.
#include <sagsflow/plugin.hpp>

namespace {

class HealthCard : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json& c) override {
    std::vector<sagsflow::sdk::FieldError> errors;
    const auto& f = c.at("fields");
    const std::string group = f.value("insurance_group", "");
    const std::string gp = f.value("gp_choice", "");
    if (group == "group_1" && gp.empty()) {
      errors.push_back({"gp_choice", "sikringsgruppe 1 chooses a GP practice"});
    }
    if (group == "group_2" && !gp.empty()) {
      errors.push_back({"gp_choice", "sikringsgruppe 2 has free choice of doctor and chooses no GP practice"});
    }
    if (f.value("reason", "") == "move" && f.value("move_case", "").empty() && f.value("new_address", "").empty()) {
      errors.push_back({"move_case", "a card after a move names the move (its case number) or the new address"});
    }
    return errors;
  }

  std::optional<sagsflow::sdk::DecisionProposal> propose_decision(const nlohmann::json& c) override {
    const auto& f = c.at("fields");
    return sagsflow::sdk::DecisionProposal{
        "granted",
        {"the request is complete: order the card (" + f.value("insurance_group", std::string("?")) + ")"},
        {{"gp_choice", f.value("gp_choice", "")}}};
  }

  void on_case_event(const nlohmann::json& event) override {
    if (event.value("action", "") == "issue") {
      host().add_event(event.at("case_id").get<int64_t>(), "card_ordered", nlohmann::json::object());
    }
  }
};

}  // namespace

SAGSFLOW_PLUGIN(HealthCard)
