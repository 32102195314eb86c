// Template permit: a complete Sagsflow plugin to copy.
//
// - validate_form: a rule the manifest cannot state declaratively (a renewal
//   names the previous permit);
// - propose_decision: an objective criterion (household income against the
//   municipality's configured limit; no limit configured -> no proposal);
// - on_case_event: after a decision, queue the decision letter.
#include <sagsflow/plugin.hpp>

#include <string>

namespace {

class TemplatePermit : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json& c) override {
    const auto& f = c.at("fields");
    if (f.value("kind", "") == "renewal" && f.value("previous_permit", "").empty()) {
      return {{"previous_permit", "a renewal must name the previous permit"}};
    }
    return {};
  }

  std::optional<sagsflow::sdk::DecisionProposal> propose_decision(const nlohmann::json& c) override {
    const auto limit_text = host().config("income_limit");
    if (!limit_text) {
      host().log(SF_LOG_INFO, "no income_limit configured: no proposal");
      return std::nullopt;
    }
    const long long limit = std::stoll(*limit_text);
    const long long income = c.at("fields").value("income", 0LL);
    const std::string comparison = "household income " + std::to_string(income) + " kr";
    if (income <= limit) {
      return sagsflow::sdk::DecisionProposal{
          "granted", {comparison + " is within the limit of " + std::to_string(limit) + " kr"}, {{"limit", limit}}};
    }
    return sagsflow::sdk::DecisionProposal{
        "refused", {comparison + " exceeds the limit of " + std::to_string(limit) + " kr"}, {{"limit", limit}}};
  }

  void on_case_event(const nlohmann::json& event) override {
    const std::string action = event.value("action", "");
    if (action == "grant" || action == "refuse") {
      host().add_event(event.at("case_id").get<int64_t>(), "letter_queued", {{"decision", action}});
    }
  }
};

}  // namespace

SAGSFLOW_PLUGIN(TemplatePermit)
