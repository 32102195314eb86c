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
// Public SDK only: <sagsflow/plugin.hpp> and the standard library.
#include <sagsflow/plugin.hpp>

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
namespace chr = std::chrono;

constexpr int kMinHeightCm = 50;
constexpr int kMaxHeightCm = 250;
constexpr int kAgeOfMajority = 18;    // Danish age of majority (myndighedsalder)
constexpr int kOldestLivingAge = 125;  // no living applicant is older: rules out a CPR century

// ---- dates -----------------------------------------------------------------

bool all_digits(const std::string& s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "YYYY-MM-DD", a real calendar date.
std::optional<chr::sys_days> parse_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 0, 4) || !all_digits(s, 5, 2) ||
      !all_digits(s, 8, 2)) {
    return std::nullopt;
  }
  const chr::year_month_day ymd{chr::year{std::stoi(s.substr(0, 4))},
                                chr::month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                                chr::day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
  if (!ymd.ok()) return std::nullopt;
  return chr::sys_days{ymd};
}

// The date in Copenhagen at an instant the host writes as "YYYY-MM-DDTHH:MM:SSZ"
// (UTC): CET, CEST from the last Sunday of March to the last Sunday of October,
// switching at 01:00 UTC.
std::optional<chr::sys_days> copenhagen_date(const std::string& ts) {
  if (ts.size() != 20 || ts[10] != 'T' || ts[13] != ':' || ts[16] != ':' || ts[19] != 'Z' ||
      !all_digits(ts, 11, 2) || !all_digits(ts, 14, 2) || !all_digits(ts, 17, 2)) {
    return std::nullopt;
  }
  const auto day = parse_date(ts.substr(0, 10));
  if (!day) return std::nullopt;
  const chr::sys_seconds t = chr::sys_seconds{*day} + chr::hours{std::stoi(ts.substr(11, 2))} +
                             chr::minutes{std::stoi(ts.substr(14, 2))} + chr::seconds{std::stoi(ts.substr(17, 2))};
  const chr::year y = chr::year_month_day{*day}.year();
  const chr::sys_seconds summer_from = chr::sys_days{y / chr::March / chr::Sunday[chr::last]} + chr::hours{1};
  const chr::sys_seconds summer_to = chr::sys_days{y / chr::October / chr::Sunday[chr::last]} + chr::hours{1};
  const chr::hours offset = (t >= summer_from && t < summer_to) ? chr::hours{2} : chr::hours{1};
  return chr::floor<chr::days>(t + offset);
}

int age_on(chr::sys_days birth, chr::sys_days on) {
  const chr::year_month_day b{birth}, o{on};
  int years = static_cast<int>(o.year()) - static_cast<int>(b.year());
  if (chr::month_day{o.month(), o.day()} < chr::month_day{b.month(), b.day()}) --years;
  return years;
}

// The application date: the day the case was opened (the host gives no
// "today" to validate_form; `updated_at` is only the case's last event).
std::optional<chr::sys_days> application_date(const json& c) {
  for (const char* key : {"opened_at", "updated_at"}) {
    if (c.contains(key) && c.at(key).is_string()) {
      if (auto d = copenhagen_date(c.at(key).get<std::string>())) return d;
    }
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

const json& fields_of(const json& c) {
  static const json empty = json::object();
  return c.contains("fields") && c.at("fields").is_object() ? c.at("fields") : empty;
}

bool is_true(const json& f, const char* key) { return f.contains(key) && f.at(key).is_boolean() && f.at(key).get<bool>(); }

bool present(const json& f, const char* key) {
  return f.contains(key) && !f.at(key).is_null() && !(f.at(key).is_string() && f.at(key).get<std::string>().empty());
}

bool has_attachment(const json& c, const std::string& name) {
  if (!c.contains("attachments") || !c.at("attachments").is_array()) return false;
  for (const auto& a : c.at("attachments")) {
    if (a.is_object() && a.value("name", "") == name) return true;
  }
  return false;
}

struct Age {
  std::optional<int> years;
  std::string problem;  // why it is unknown
};

// The applicant's age on the application date: `applicant_age`, else
// `birth_date`, else the CPR number on the case.
Age applicant_age(const json& c) {
  const json& f = fields_of(c);
  if (present(f, "applicant_age")) {
    const json& v = f.at("applicant_age");
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 150) {
      return {std::nullopt, "must be a whole number of years from 0 to 150"};
    }
    return {static_cast<int>(v.get<long long>()), ""};
  }
  const auto on = application_date(c);
  if (present(f, "birth_date")) {
    const auto birth = f.at("birth_date").is_string() ? parse_date(f.at("birth_date").get<std::string>())
                                                      : std::nullopt;
    if (!birth) return {std::nullopt, "birth_date must be a date YYYY-MM-DD"};
    if (!on) return {std::nullopt, "give the applicant's age: the application date is not known"};
    if (*birth > *on) return {std::nullopt, "birth_date lies after the application date"};
    return {age_on(*birth, *on), ""};
  }
  if (on && c.contains("citizen") && c.at("citizen").is_string()) {
    if (auto birth = birth_date_from_cpr(c.at("citizen").get<std::string>(), *on)) return {age_on(*birth, *on), ""};
  }
  return {std::nullopt,
          "give the applicant's age (or birth_date): the CPR number on the case is masked and its century "
          "cannot be read from DDMMYY alone"};
}

// A setting that must be a whole, non-negative number (an amount in kroner, an age).
long long setting_number(const std::string& key, const std::string& text) {
  size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < 0) {
    throw std::runtime_error("setting " + key + " must be a whole number, not '" + text + "'");
  }
  return value;
}

class Passport : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<FieldError> validate_form(const json& c) override {
    const json& f = fields_of(c);
    std::vector<FieldError> errors;

    if (!present(f, "height_cm") || !f.at("height_cm").is_number_integer()) {
      errors.push_back({"height_cm", "give the height as a whole number of centimetres"});
    } else if (const long long h = f.at("height_cm").get<long long>(); h < kMinHeightCm || h > kMaxHeightCm) {
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
    if (f.contains("photo_accepted") && f.at("photo_accepted").is_boolean() && !f.at("photo_accepted").get<bool>()) {
      std::string reason = "the photo does not meet the requirements for passport photos";
      if (present(f, "photo_rejection_reason") && f.at("photo_rejection_reason").is_string()) {
        reason += ": " + f.at("photo_rejection_reason").get<std::string>();
      }
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
    const json no_data = json::object();
    const json& data = event.contains("data") && event.at("data").is_object() ? event.at("data") : no_data;
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
