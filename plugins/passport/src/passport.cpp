// Passport (pas), KLE 23.09.02: the municipality receives the application,
// checks identity, photo and fee, and issues the passport (its own decision).
//
// - validate_form (before `complete`): the rules the manifest cannot state:
//   the height is a whole number of centimetres from 50 to 250; the fee is
//   paid; an applicant under 18 needs the consent of the holders of parental
//   custody (the age comes from `applicant_age`, else `birth_date`, else the
//   masked CPR number when its century is certain).
// - propose_decision: granted when the application is complete and the photo
//   accepted; refused, with the reason, when `photo_accepted` is false; no
//   proposal while the photo has not been assessed. The fee for the
//   applicant's age group comes from the municipality's settings.
// - on_case_event: a decision queues the decision letter; an upheld decision
//   queues the letter telling the citizen the complaint has been sent on.
//
// Public SDK only: <sagsflow/plugin.hpp>, <sagsflow/plugin_helpers.hpp> and
// the standard library.
#include <sagsflow/plugin.hpp>
#include <sagsflow/plugin_helpers.hpp>

#include <cctype>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using sagsflow::sdk::DecisionProposal;
using sagsflow::sdk::FieldError;
using namespace sagsflow::sdk;  // the helpers: dates, JSON fields, settings
namespace chr = std::chrono;

constexpr int kMinHeightCm = 50;
constexpr int kMaxHeightCm = 250;
constexpr int kAgeOfMajority = 18;    // Danish age of majority (myndighedsalder)
constexpr int kOldestLivingAge = 125;  // no living applicant is older: rules out a CPR century

// ---- dates -----------------------------------------------------------------

// The application date: the day the case was opened (the host gives no
// "today" to validate_form; `updated_at` is only the case's last event).
std::optional<chr::sys_days> application_date(const json& c) {
  for (const char* key : {"opened_at", "updated_at"}) {
    if (auto d = date_at(c, key)) return d;
  }
  return std::nullopt;
}

// The birth date in a CPR number "DDMMYY-SSSS" or, as the host hands it to a
// plugin, masked "DDMMYY-XXXX". The century follows from the 7th digit
// (docs/legal.md#cpr-numbers: 0-3 -> 1900s; 4 or 9 -> 2000-2036 if YY <= 36, else
// 1937-1999; 5-8 -> 2000-2057 if YY <= 57, else 1858-1899). Masked, every
// century some 7th digit allows is tried; births in the future and ages no
// living person reaches are ruled out; only a single survivor is an answer.
std::optional<chr::sys_days> birth_date_from_cpr(const std::string& cpr, chr::sys_days on) {
  if (!all_digits(cpr, 0, 6)) return std::nullopt;
  const unsigned dd = static_cast<unsigned>(std::stoi(cpr.substr(0, 2)));
  const unsigned mm = static_cast<unsigned>(std::stoi(cpr.substr(2, 2)));
  const int yy = std::stoi(cpr.substr(4, 2));
  std::set<int> centuries;
  if (cpr.size() >= 8 && cpr[6] == '-' && std::isdigit(static_cast<unsigned char>(cpr[7]))) {
    const int d7 = cpr[7] - '0';
    if (d7 <= 3)
      centuries.insert(1900);
    else if (d7 == 4 || d7 == 9)
      centuries.insert(yy <= 36 ? 2000 : 1900);
    else
      centuries.insert(yy <= 57 ? 2000 : 1800);
  } else {
    centuries = {1900};
    if (yy <= 57) centuries.insert(2000);
    if (yy >= 58) centuries.insert(1800);
  }
  std::vector<chr::sys_days> plausible;
  for (int century : centuries) {
    const chr::year_month_day ymd{chr::year{century + yy}, chr::month{mm}, chr::day{dd}};
    if (!ymd.ok()) continue;
    const chr::sys_days birth{ymd};
    if (birth > on || age_on(birth, on) > kOldestLivingAge) continue;
    plausible.push_back(birth);
  }
  if (plausible.size() != 1) return std::nullopt;
  return plausible.front();
}

// ---- the form --------------------------------------------------------------

struct Age {
  std::optional<int> years;
  std::string problem;  // why it is unknown
};

// The applicant's age on the application date: `applicant_age`, else
// `birth_date`, else the CPR number on the case.
Age applicant_age(const json& c) {
  const json& f = fields_of(c);
  if (present(f, "applicant_age")) {
    const auto years = integer_of(f, "applicant_age");
    if (!years || *years < 0 || *years > 150) return {std::nullopt, "must be a whole number of years from 0 to 150"};
    return {static_cast<int>(*years), ""};
  }
  const auto on = application_date(c);
  if (present(f, "birth_date")) {
    const auto birth = parse_date(text_of(f, "birth_date"));
    if (!birth) return {std::nullopt, "birth_date must be a date YYYY-MM-DD"};
    if (!on) return {std::nullopt, "give the applicant's age: the application date is not known"};
    if (*birth > *on) return {std::nullopt, "birth_date lies after the application date"};
    return {age_on(*birth, *on), ""};
  }
  if (on && c.contains("citizen") && c.at("citizen").is_string()) {
    if (auto birth = birth_date_from_cpr(text_of(c, "citizen"), *on)) return {age_on(*birth, *on), ""};
  }
  return {std::nullopt,
          "give the applicant's age (or birth_date): the CPR number on the case is masked and its century "
          "cannot be read from DDMMYY alone"};
}

// A setting that must be a whole, non-negative number (an amount in kroner, an age).
long long setting_number(const std::string& key, const std::string& text) {
  const auto value = whole_number(text);
  if (!value) throw std::runtime_error("setting " + key + " must be a whole number, not '" + text + "'");
  return *value;
}

class Passport : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<FieldError> validate_form(const json& c) override {
    const json& f = fields_of(c);
    std::vector<FieldError> errors;

    if (!integer_of(f, "height_cm")) {
      errors.push_back({"height_cm", "give the height as a whole number of centimetres"});
    } else if (const long long h = *integer_of(f, "height_cm"); h < kMinHeightCm || h > kMaxHeightCm) {
      errors.push_back({"height_cm", "must be from " + std::to_string(kMinHeightCm) + " to " +
                                         std::to_string(kMaxHeightCm) + " cm, not " + std::to_string(h)});
    }

    if (!is_true(f, "fee_paid")) {
      errors.push_back({"fee_paid", "the passport fee must be paid before the application is complete"});
    }

    const Age age = applicant_age(c);
    if (!age.years) {
      errors.push_back({"applicant_age", age.problem});
    } else if (*age.years < kAgeOfMajority && !is_true(f, "guardian_consent")) {
      errors.push_back({"guardian_consent",
                        "the applicant is " + std::to_string(*age.years) +
                            ": an applicant under 18 needs the consent of the holders of parental custody"});
    }
    return errors;
  }

  std::optional<DecisionProposal> propose_decision(const json& c) override {
    if (c.contains("decided_on") && !c.at("decided_on").is_null()) {
      host().log(SF_LOG_INFO, "the case is already decided: no proposal");
      return std::nullopt;
    }
    const json& f = fields_of(c);
    if (is_false(f, "photo_accepted")) {
      std::string reason = "the photo does not meet the requirements for passport photos";
      if (const std::string why = text_of(f, "photo_rejection_reason"); !why.empty()) reason += ": " + why;
      return DecisionProposal{"refused", {reason}, {{"rule", "photo"}}};
    }

    std::vector<std::string> missing;
    for (const char* name : {"full_name", "height_cm", "fee_paid"}) {
      if (!present(f, name)) missing.emplace_back(name);
    }
    for (const char* name : {"photo", "identity_document"}) {
      if (!has_attachment(c, name)) missing.emplace_back(name);
    }
    const auto problems = validate_form(c);
    if (!missing.empty() || !problems.empty()) {
      std::string what;
      for (const auto& m : missing) what += (what.empty() ? "" : ", ") + m + " missing";
      for (const auto& p : problems) what += (what.empty() ? "" : ", ") + p.field + ": " + p.message;
      host().log(SF_LOG_INFO, "the application is not complete (" + what + "): no proposal");
      return std::nullopt;
    }
    if (!is_true(f, "photo_accepted")) {
      host().log(SF_LOG_INFO, "the photo has not been assessed (photo_accepted): no proposal");
      return std::nullopt;
    }

    const int age = *applicant_age(c).years;
    std::vector<std::string> reasons{
        "the application is complete: name, height, identity document and photo are present",
        "the passport fee is paid",
        "the photo meets the requirements for passport photos",
    };
    if (age < kAgeOfMajority) reasons.emplace_back("the holders of parental custody have consented");
    json details = {{"age", age}};
    const auto [fee_key, fee] = fee_for(age);
    details["fee_setting"] = fee_key;
    details["fee_kr"] = fee ? json(*fee) : json();
    return DecisionProposal{"granted", reasons, details};
  }

  void on_case_event(const json& event) override {
    const std::string action = event.value("action", "");
    const json& data = data_of(event);
    if (action == "grant" || action == "refuse" || action == "change_decision") {
      std::string outcome;
      if (data.contains("decision") && data.at("decision").is_object()) outcome = data.at("decision").value("outcome", "");
      host().add_event(event.at("case_id").get<int64_t>(), "letter_queued",
                       {{"letter", "decision"}, {"decision", action}, {"outcome", outcome}});
    } else if (action == "uphold") {
      host().add_event(event.at("case_id").get<int64_t>(), "letter_queued", {{"letter", "complaint_sent_on"}});
    }
  }

 private:
  // The fee for the applicant's age group, from the municipality's settings:
  // fee_child under 18; fee_senior from senior_age on when both are set;
  // fee_adult otherwise. Unset: no amount (logged).
  std::pair<std::string, std::optional<long long>> fee_for(int age) const {
    std::string key = age < kAgeOfMajority ? "fee_child" : "fee_adult";
    if (age >= kAgeOfMajority) {
      const auto senior_age = host().config("senior_age");
      if (senior_age && age >= setting_number("senior_age", *senior_age) && host().config("fee_senior")) {
        key = "fee_senior";
      }
    }
    const auto text = host().config(key);
    if (!text) {
      host().log(SF_LOG_WARN, "no " + key + " configured: the proposal names no fee");
      return {key, std::nullopt};
    }
    return {key, setting_number(key, *text)};
  }
};

}  // namespace

SAGSFLOW_PLUGIN(Passport)
