// Template permit: a complete Sagsflow plugin to copy.
//
// - validate_form: a rule the manifest cannot state declaratively (a renewal
//   names the previous permit);
// - propose_decision: an objective criterion (household income against the
//   municipality's configured limit; no limit configured -> no proposal);
// - on_case_event: after a decision, queue the decision letter.
//
// <sagsflow/plugin_helpers.hpp> reads the case's fields without throwing on a
// missing or mistyped field, parses settings and dates (in Copenhagen time).
#include <sagsflow/plugin.hpp>
#include <sagsflow/plugin_helpers.hpp>

#include <stdexcept>
#include <string>

namespace {

using namespace sagsflow::sdk;  // fields_of, text_of, integer_of, whole_number ...

class TemplatePermit : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json& c) override {
    const auto& f = fields_of(c);
    if (text_of(f, "kind") == "renewal" && text_of(f, "previous_permit").empty()) {
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
    const auto limit_setting = whole_number(*limit_text);
    if (!limit_setting) throw std::runtime_error("setting income_limit must be a whole number, not '" + *limit_text + "'");
    const long long limit = *limit_setting;
    const long long income = integer_of(fields_of(c), "income", 0);
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
