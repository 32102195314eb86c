// Change of address (flytning), KLE 23.05.10. CPR Act §12: a move is reported
// within 5 days after it, and can be reported up to 28 days ahead. The
// municipality registers the move in CPR; a complete report is resolved at
// first contact.
//
// - validate_form (before `complete`): the move date is at most 28 days
//   ahead; the new address differs from the previous one. A late report is
//   valid (the move is registered all the same) but noted.
// - propose_decision: "register the move" when the report is complete, with
//   the reasons naming the date rule.
// - on_case_event: after `register`, or an action that brings a move date, a
//   report more than 5 days after the move gets the note "late report (CPR
//   Act §12)"; after `register_move` the confirmation letter is queued.
//
// Dates: the host hands a plugin no "today". The report date is the day the
// case was opened (`opened_at`, the citizen's report); the 28-day rule counts
// from the case's latest event (`updated_at`), the latest instant the plugin
// knows and never later than today, so the rule is never applied too leniently.
// Instants are UTC; the dates are Copenhagen dates.
//
// Public SDK only: <sagsflow/plugin.hpp>, <sagsflow/plugin_helpers.hpp> and
// the standard library.
#include <sagsflow/plugin.hpp>
#include <sagsflow/plugin_helpers.hpp>

#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using sagsflow::sdk::DecisionProposal;
using sagsflow::sdk::FieldError;
using namespace sagsflow::sdk;  // the helpers: dates in Copenhagen time, JSON fields
namespace chr = std::chrono;

constexpr int kReportWithinDaysAfter = 5;  // CPR Act §12
constexpr int kReportAtMostDaysAhead = 28;  // CPR Act §12

// ---- dates -----------------------------------------------------------------

// The latest date the plugin knows: the case's last event (never after today).
std::optional<chr::sys_days> latest_date(const json& c) {
  if (auto d = date_at(c, "updated_at")) return d;
  return date_at(c, "opened_at");
}

// ---- the report --------------------------------------------------------------

std::string normalised(std::string s) {
  std::string out;
  for (char ch : s) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// When the move is, when it was reported, and how that sits with CPR Act §12.
struct Timing {
  chr::sys_days move;
  chr::sys_days reported;
  int days_after_move;  // negative: reported ahead of the move

  bool late() const { return days_after_move > kReportWithinDaysAfter; }
  std::string rule() const {
    const std::string when = "reported on " + format_date(reported) + ", ";
    if (days_after_move < 0) {
      return when + std::to_string(-days_after_move) + " days before the move on " + format_date(move) +
             ": within the 28 days ahead that CPR Act §12 allows";
    }
    if (!late()) {
      return when + std::to_string(days_after_move) + " days after the move on " + format_date(move) +
             ": within the 5 days of CPR Act §12";
    }
    return when + std::to_string(days_after_move) + " days after the move on " + format_date(move) +
           ": later than the 5 days of CPR Act §12; the late report is noted and the move is registered all the "
           "same";
  }
};

// The move date and the report date (the day the case was opened).
std::optional<Timing> timing_of(const json& c) {
  const auto move = parse_date(text_of(fields_of(c), "move_date"));
  auto reported = date_at(c, "opened_at");
  if (!reported) reported = date_at(c, "updated_at");
  if (!move || !reported) return std::nullopt;
  return Timing{*move, *reported, static_cast<int>((*reported - *move).count())};
}

class Moving : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;

  std::vector<FieldError> validate_form(const json& c) override {
    const json& f = fields_of(c);
    std::vector<FieldError> errors;

    const auto move = parse_date(text_of(f, "move_date"));
    if (!move) {
      errors.push_back({"move_date", "give the date of the move as YYYY-MM-DD"});
    } else if (const auto latest = latest_date(c)) {
      const int ahead = static_cast<int>((*move - *latest).count());
      if (ahead > kReportAtMostDaysAhead) {
        errors.push_back({"move_date", "a move can be reported at most 28 days ahead (CPR Act §12): " +
                                           format_date(*move) + " is " + std::to_string(ahead) + " days after " +
                                           format_date(*latest) + "; it can be registered from " +
                                           format_date(*move - chr::days{kReportAtMostDaysAhead})});
      }
    }

    const std::string previous = normalised(text_of(f, "previous_address"));
    if (!previous.empty() && previous == normalised(text_of(f, "new_address"))) {
      errors.push_back({"new_address", "is the same as previous_address: that is not a move"});
    }
    return errors;
  }

  std::optional<DecisionProposal> propose_decision(const json& c) override {
    const json& f = fields_of(c);
    const std::string address = text_of(f, "new_address");
    const auto timing = timing_of(c);
    if (address.empty() || !timing) {
      host().log(SF_LOG_INFO, "the report is not complete (new_address and move_date): no proposal");
      return std::nullopt;
    }
    if (const auto problems = validate_form(c); !problems.empty()) {
      host().log(SF_LOG_INFO, "the report does not meet the rules (" + problems.front().field + ": " +
                                  problems.front().message + "): no proposal");
      return std::nullopt;
    }
    return DecisionProposal{"granted",
                            {"register the move: the report is complete (new address, move date " +
                                 format_date(timing->move) + ")",
                             timing->rule()},
                            {{"move_date", format_date(timing->move)},
                             {"reported_on", format_date(timing->reported)},
                             {"days_after_move", timing->days_after_move},
                             {"late", timing->late()}}};
  }

  void on_case_event(const json& event) override {
    const std::string action = event.value("action", "");
    const int64_t case_id = event.at("case_id").get<int64_t>();
    const json& data = data_of(event);

    if (action == "register_move") {
      const auto c = host().read_case(case_id);
      host().add_event(case_id, "letter_queued",
                       {{"letter", "move_registered"}, {"move_date", c ? text_of(fields_of(*c), "move_date") : ""}});
      return;
    }
    // The receipt, or a later action that brings (or corrects) the move date.
    const bool brings_date = fields_of(data).contains("move_date");
    if (action != "register" && !(brings_date && action != "open")) return;
    const auto c = host().read_case(case_id);
    if (!c) {
      host().log(SF_LOG_WARN, "case " + std::to_string(case_id) + " could not be read: the report date is not checked");
      return;
    }
    const auto timing = timing_of(*c);
    if (!timing || !timing->late()) return;
    const std::string note = "late report (CPR Act §12): moved on " + format_date(timing->move) + ", reported on " +
                             format_date(timing->reported) + ", " + std::to_string(timing->days_after_move) +
                             " days after the move (at the latest 5 days after); the move is registered all the same";
    if (host().add_note(case_id, note)) return;
    // The host can refuse a plugin's note (it checks the writer like a person);
    // keep the finding on the case as the plugin's own event instead.
    host().log(SF_LOG_WARN, "case " + std::to_string(case_id) +
                                ": the host refused the late-report note; recorded as a late_report event instead");
    host().add_event(case_id, "late_report",
                     {{"note", note},
                      {"move_date", format_date(timing->move)},
                      {"reported_on", format_date(timing->reported)},
                      {"days_after_move", timing->days_after_move}});
  }
};

}  // namespace

SAGSFLOW_PLUGIN(Moving)
