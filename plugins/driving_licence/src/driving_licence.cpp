// Driving licence (kørekort), KLE 23.09.04. The police (Politiet) issue the
// licence and alone decide; the municipality receives the application, checks
// identity, residence and photo, collects the fee, may reject a photo, and
// forwards the application to the police (docs/legal.md#permitted-services: receive and forward,
// never decide for another authority).
//
// - validate_form (before `complete`): normal residence in Denmark, the fee
//   paid, and no rejected photo left standing.
// - propose_decision: never a proposal (the police decide), with a log line.
// - on_case_event: a rejected photo and the forwarding each queue a letter to
//   the citizen; the forwarding letter states the fee collected, read from
//   the municipality's settings.
//
// Public SDK only: <sagsflow/plugin.hpp>, <sagsflow/plugin_helpers.hpp> and
// the standard library.
#include <sagsflow/plugin.hpp>
#include <sagsflow/plugin_helpers.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using sagsflow::sdk::DecisionProposal;
using sagsflow::sdk::FieldError;
using namespace sagsflow::sdk;  // the helpers: JSON fields, settings

class DrivingLicence : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<FieldError> validate_form(const json& c) override {
    const json& f = fields_of(c);
    std::vector<FieldError> errors;

    if (!bool_of(f, "residence_in_denmark")) {
      errors.push_back({"residence_in_denmark", "state whether the applicant has normal residence in Denmark"});
    } else if (is_false(f, "residence_in_denmark")) {
      errors.push_back({"residence_in_denmark",
                        "a Danish driving licence requires normal residence in Denmark (Directive 2006/126/EC "
                        "art. 7(1)(e)); tell the citizen to apply in the country of normal residence"});
    }

    if (!is_true(f, "fee_paid")) {
      errors.push_back({"fee_paid", "the driving licence fee must be paid before the application is forwarded"});
    }

    const std::string rejection = text_of(f, "photo_rejection_reason");
    if (is_false(f, "photo_accepted")) {
      errors.push_back({"photo_accepted", "the photo is rejected: the citizen must bring a new photo"});
    } else if (!rejection.empty() && !is_true(f, "photo_accepted")) {
      errors.push_back({"photo_accepted", "a photo was rejected (" + rejection +
                                              "): confirm that the new photo meets the requirements "
                                              "(photo_accepted: true)"});
    }
    return errors;
  }

  std::optional<DecisionProposal> propose_decision(const json& c) override {
    host().log(SF_LOG_INFO, "case " + c.value("case_number", std::string("?")) +
                                ": driving licences are decided by Politiet; the municipality proposes no decision");
    return std::nullopt;
  }

  void on_case_event(const json& event) override {
    const std::string action = event.value("action", "");
    const json& data = data_of(event);
    const int64_t case_id = event.at("case_id").get<int64_t>();
    if (action == "reject_photo") {
      host().add_event(case_id, "letter_queued",
                       {{"letter", "photo_rejected"}, {"reason", text_of(fields_of(data), "photo_rejection_reason")}});
    } else if (action == "forward") {
      host().add_event(case_id, "letter_queued",
                       {{"letter", "forwarded_to_police"}, {"to", "Politiet"}, {"fee_kr", fee()}});
    }
  }

 private:
  // The fee collected for the police, from the municipality's settings.
  json fee() const {
    const auto text = host().config("fee");
    if (!text) {
      host().log(SF_LOG_WARN, "no fee configured: the forwarding letter names no amount");
      return nullptr;
    }
    const auto value = whole_number(*text);
    if (!value) throw std::runtime_error("setting fee must be a whole number of kroner, not '" + *text + "'");
    return *value;
  }
};

}  // namespace

SAGSFLOW_PLUGIN(DrivingLicence)
