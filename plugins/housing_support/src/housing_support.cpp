// Housing support: Udbetaling Danmark's matter, which the centre helps with,
// or, when a municipality runs it as its own task, proposals from the
// configured income limit and maximum rent (example values only in README).
#include <sagsflow/plugin.hpp>

#include <string>

namespace {

constexpr const char* kUdk = "udbetaling-danmark";

bool is_decision_stage(const nlohmann::json& c) {
  const std::string stage = c.value("stage", "");
  return stage == "decision" || stage == "reconsideration";
}

class HousingSupport : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  bool runs_as_municipal_task() { return host().config("run_as_municipal_task").value_or("") == "true"; }

  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json& c) override {
    std::vector<sagsflow::sdk::FieldError> errors;
    const auto& f = c.at("fields");
    if (f.contains("household_size") && f.at("household_size").is_number_integer() &&
        f.at("household_size").get<long long>() < 1) {
      errors.push_back({"household_size", "a household has at least one person"});
    }
    if (is_decision_stage(c)) {
      const std::string owner = c.value("owning_authority", "");
      if (owner == kUdk) {
        errors.push_back({"", "Udbetaling Danmark decides housing support (since 1 March 2013); the municipality "
                              "may receive, check and forward the application, not decide it"});
      } else if (!runs_as_municipal_task()) {
        errors.push_back({"", "housing support is decided by Udbetaling Danmark; set run_as_municipal_task: \"true\" "
                              "only where the municipality runs it as its own task"});
      }
    }
    return errors;
  }

  std::optional<sagsflow::sdk::DecisionProposal> propose_decision(const nlohmann::json& c) override {
    if (c.value("owning_authority", "") == kUdk || !runs_as_municipal_task()) {
      host().log(SF_LOG_INFO, "Udbetaling Danmark decides housing support: no municipal proposal");
      return std::nullopt;
    }
    const auto limit_text = host().config("income_limit");
    const auto max_rent_text = host().config("max_rent");
    if (!limit_text || !max_rent_text) {
      host().log(SF_LOG_INFO, "income_limit or max_rent not configured: no proposal");
      return std::nullopt;
    }
    const long long limit = std::stoll(*limit_text), max_rent = std::stoll(*max_rent_text);
    const auto& f = c.at("fields");
    const long long income = f.value("household_income", 0LL), rent = f.value("rent", 0LL);
    const nlohmann::json details = {{"income_limit", limit}, {"max_rent", max_rent}};
    if (income > limit) {
      return sagsflow::sdk::DecisionProposal{
          "refused",
          {"household income " + std::to_string(income) + " kr exceeds the limit of " + std::to_string(limit) + " kr"},
          details};
    }
    if (rent > max_rent) {
      return sagsflow::sdk::DecisionProposal{
          "partly_granted",
          {"household income is within the limit", "support is counted on a rent of at most " +
                                                       std::to_string(max_rent) + " kr, not the " +
                                                       std::to_string(rent) + " kr asked for"},
          details};
    }
    return sagsflow::sdk::DecisionProposal{
        "granted", {"household income " + std::to_string(income) + " kr is within the limit of " +
                    std::to_string(limit) + " kr and the rent within " + std::to_string(max_rent) + " kr"},
        details};
  }

  void on_case_event(const nlohmann::json& event) override {
    const std::string action = event.value("action", "");
    if (action == "forward" || action == "forward_for_check") {
      host().add_event(event.at("case_id").get<int64_t>(), "forwarded_to_udbetaling_danmark", {{"action", action}});
    }
  }
};

}  // namespace

SAGSFLOW_PLUGIN(HousingSupport)
