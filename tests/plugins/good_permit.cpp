// A well-behaved plugin written with the SDK's C++ wrapper.
#include <sagsflow/plugin.hpp>

#include <string>

class GoodPermit : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<sagsflow::sdk::FieldError> validate_form(const nlohmann::json& c) override {
    const auto& f = c.at("fields");
    if (f.value("applicant", "") == "Nobody") return {{"applicant", "must be a real person"}};
    return {};
  }

  std::optional<sagsflow::sdk::DecisionProposal> propose_decision(const nlohmann::json& c) override {
    const auto limit = host().config("income_limit");
    if (!limit) return std::nullopt;  // not configured: no proposal
    const long long income = c.at("fields").value("income", 0LL);
    const long long max = std::stoll(*limit);
    if (income <= max) {
      return sagsflow::sdk::DecisionProposal{"granted", {"income " + std::to_string(income) + " is within the limit " + *limit}, {}};
    }
    return sagsflow::sdk::DecisionProposal{"refused", {"income " + std::to_string(income) + " exceeds the limit " + *limit},
                                           {{"limit", max}}};
  }

  void on_case_event(const nlohmann::json& event) override {
    if (event.value("action", "") == "register") {
      host().add_note(event.at("case_id").get<int64_t>(), "received by the test permit plugin");
    }
  }
};

SAGSFLOW_PLUGIN(GoodPermit)
