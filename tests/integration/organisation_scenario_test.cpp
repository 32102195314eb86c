// The same six inquiries through the five example municipalities (one per
// organisational model), on the real engine and database: who receives them,
// who may decide, whose queue the decision lands in, and what the front desk
// is refused. The results are asserted and rendered as docs/organisation.md;
// the test fails when that file no longer matches (regenerate it with
// SAGSFLOW_UPDATE_DOCS=1).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/organisation/organisation.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "example_municipalities.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;

std::vector<std::string> split(const std::string& alternatives) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t bar; (bar = alternatives.find('|', start)) != std::string::npos; start = bar + 1) {
    out.push_back(alternatives.substr(start, bar - start));
  }
  out.push_back(alternatives.substr(start));
  return out;
}


// One inquiry: the matter, the question put to the front desk, and the steps
// that bring its case to the decision (each step: the action to take, or
// alternatives "a|b" tried in order; steps stop at the decision stage).
struct Inquiry {
  std::string name;
  std::string area;
  std::string workflow;
  Service front_desk_asked;
  std::vector<std::string> steps;
  std::vector<std::string> decision_actions;
  bool complaint = false;  // decide (refuse), then the citizen complains
};

const std::vector<Inquiry> kInquiries{
    {"A move", "moving", "moving", Service::kRegisterMove, {"register", "complete"}, {"register_move"}},
    {"A housing-support application", "housing_support", "housing_support", Service::kConcreteGuidance,
     {"register", "complete|forward_for_check", "forward"}, {"grant", "partly_grant", "refuse"}},
    {"A passport", "passports", "passport", Service::kDecide, {"register", "complete"}, {"grant", "refuse"}},
    {"A driving-licence application", "driving_licence", "driving_licence", Service::kDecide,
     {"register", "complete", "forward"}, {"issue", "refuse"}},
    {"A tax question", "tax_help", "tax_help", Service::kConcreteGuidance, {"register", "forward"}, {}},
    {"A complaint about a passport refusal", "passports", "passport", Service::kReceiveAndForward,
     {"register", "complete", "refuse", "complain"}, {"change_decision", "uphold"}, true},
};

const json kFields = {{"full_name", "Jens Hansen"}, {"address", "Nørregade 1"}, {"new_address", "Vestergade 2"},
                      {"residence_in_denmark", true}, {"topic", "annual_statement"},
                      {"move_date", "2026-11-20"},  {"height_cm", 182},           {"fee_paid", true},
                      {"household_income", 250000}, {"rent", 6500},               {"reasons", "Fotoet er uskarpt"}};
const std::vector<Attachment> kAttachments{{"photo", "image/jpeg", ""},
                                           {"identity_document", "passport", ""},
                                           {"health_certificate", "pdf", ""},
                                           {"lease", "pdf", ""}};

// What happened to one inquiry in one municipality.
struct Outcome {
  std::string served;     // where the citizen is served first
  std::string asked;      // the front desk's answer to the question
  std::string refusal;    // the refusal message, if any
  std::string deciders;   // who may take the decision (or complaint) action
  std::vector<std::string> decider_units;
  std::string queue;      // whose queue the decision lands in
  std::string stopped;    // a step nobody here may take
};

class OrganisationScenarioTest : public ExampleMunicipalitiesTest {
 protected:
  Outcome run(const std::string& code, const Inquiry& q) {
    Outcome o;
    const Actor desk = front_desk(code);
    // 1. The citizen arrives: the triage desk (models 3-5) or the front desk.
    InquiryRequest req;
    req.municipality = code;
    req.area = q.area;
    req.service = q.front_desk_asked;
    req.actor = desk;
    auto registered = desk_->register_inquiry(req);
    if (registered.ok()) {
      o.asked = "yes";
    } else {
      o.asked = "refused";
      o.refusal = registered.status().message();
      req.service = Service::kSignpost;  // what the desk does instead
      registered = desk_->register_inquiry(req);
      EXPECT_TRUE(registered.ok()) << registered.status().message();
    }
    if (registered.ok() && registered->triage) {
      const auto& t = *registered->triage;
      o.served = fmt::format("triage → {} ({}{})", t.unit_name.empty() ? t.unit : t.unit_name, t.offer,
                             t.on && t.offer == "appointment" ? " " + format_date(*t.on) : "");
    } else {
      o.served = "front desk (customer line)";
    }
    // 2. Whoever may receive it opens the case; each step is taken by the first who may.
    OpenCaseRequest open;
    open.municipality = code;
    open.workflow_id = q.workflow;
    open.citizen_cpr = "070761-4285";
    open.fields = kFields;
    Result<CaseState> opened = NotFound("nobody");
    for (const auto& a : staff(code)) {
      open.actor = a;
      opened = engine_->open_case(open);
      if (opened.ok()) break;
    }
    EXPECT_TRUE(opened.ok()) << code << " " << q.name << ": nobody may receive it";
    if (!opened.ok()) return o;
    const long long id = opened->id;
    for (const auto& alternatives : q.steps) {
      auto current = engine_->get_case(id);
      if (current->status == CaseStatus::kClosed) break;
      if (!q.complaint && !may_take(id, code, q.decision_actions).empty()) break;
      std::string step;
      std::vector<Actor> who;
      for (const auto& candidate : split(alternatives)) {
        if (step.empty()) step = candidate;
        who = may_take(id, code, {candidate});
        if (!who.empty()) {
          step = candidate;
          break;
        }
      }
      if (who.empty()) {
        auto wf = engine_->workflow(current->workflow_id, current->workflow_version);
        const auto* stage = wf.ok() ? (*wf)->find_stage(current->stage) : nullptr;
        if (stage != nullptr && stage->kind == StageKind::kDecision) break;  // another authority decides
        auto state = engine_->get_case(id);
        auto queue = engine_->queue_of(*state);
        o.stopped = fmt::format("{} lies with {}", step, queue.ok() ? queue->name : "?");
        o.queue = queue.ok() ? queue->name : "";
        return o;
      }
      ActionRequest act{id, step, who.front(), json::object(), {}, std::nullopt, "", false};
      if (step == "complete") act.attachments = kAttachments;
      auto done = engine_->act(act);
      EXPECT_TRUE(done.ok()) << code << " " << q.name << " " << step << ": " << done.status().message();
      if (!done.ok()) return o;
    }
    // 3. The decision (or the reconsideration of a complaint).
    auto state = engine_->get_case(id);
    auto queue = engine_->queue_of(*state);
    o.queue = queue.ok() ? queue->name : "";
    if (state->status == CaseStatus::kClosed && !state->forwarded.is_null()) {
      o.queue = fmt::format("forwarded to {}", state->forwarded.value("name", "?"));
    }
    std::vector<std::string> names;
    for (const auto& a : may_take(id, code, q.decision_actions)) {
      names.push_back(fmt::format("{} ({})", a.id, org_.find(code)->unit(a.unit)->name));
      o.decider_units.push_back(a.unit);
    }
    o.deciders = names.empty() ? fmt::format("nobody here: {}", org_.authority_name(state->owning_authority))
                               : fmt::format("{}", fmt::join(names, ", "));
    return o;
  }

};

std::string render(const Organisation& org, const std::vector<std::string>& codes,
                   const std::map<std::pair<std::string, std::string>, Outcome>& results) {
  std::string md =
      "# What the organisational model changes\n\n"
      "<!-- Generated by tests/integration/organisation_scenario_test.cpp from the scenario's results; do not edit.\n"
      "     Regenerate: SAGSFLOW_UPDATE_DOCS=1 build/bin/sagsflow_integration_tests "
      "--gtest_filter='*OrganisationScenario*sqlite*' -->\n\n"
      "The same six inquiries, run through the real engine in the five example municipalities of\n"
      "`examples/municipalities/` on a Tuesday (one per [organisational model](legal.md#organisational-models)). Each cell is\n"
      "what the core decided, not what anyone wrote by hand. The rules behind it are described in\n"
      "[municipality.md](municipality.md#what-the-core-does-with-this-file).\n\n";
  std::vector<std::string> header{"inquiry"};
  for (const auto& c : codes) {
    header.push_back(fmt::format("{} {}", organisational_model_key(org.find(c)->model), c));
  }
  const auto table = [&](const std::string& title, auto&& cell) {
    md += "## " + title + "\n\n| " + fmt::format("{}", fmt::join(header, " | ")) + " |\n|";
    for (size_t i = 0; i < header.size(); ++i) md += "---|";
    md += "\n";
    for (const auto& q : kInquiries) {
      md += "| " + q.name;
      for (const auto& c : codes) {
        std::string text = cell(results.at({c, q.name}));
        for (auto& ch : text) {
          if (ch == '|') ch = '/';
        }
        md += " | " + text;
      }
      md += " |\n";
    }
    md += "\n";
  };
  table("Where the citizen is served first", [](const Outcome& o) { return o.served; });
  table("What the front desk is asked, and its answer", [](const Outcome& o) {
    return o.asked == "yes" ? std::string("may") : "refused";
  });
  table("Who may decide (or reconsider the complaint)",
        [](const Outcome& o) { return o.stopped.empty() ? o.deciders : "stops: " + o.stopped; });
  table("Whose queue the decision lands in", [](const Outcome& o) { return o.queue; });
  md += "## The questions put to the front desk\n\n";
  for (const auto& q : kInquiries) {
    md += fmt::format("- {}: `{}`\n", q.name, service_key(q.front_desk_asked));
  }
  md += "\n## Refusals, as the core words them (full market square)\n\n";
  for (const auto& q : kInquiries) {
    const auto& o = results.at({codes.back(), q.name});
    if (!o.refusal.empty()) md += fmt::format("- {}: {}\n", q.name, o.refusal);
  }
  return md;
}

TEST_P(OrganisationScenarioTest, SixInquiriesThroughFiveModelsDifferAsTheGuideSays) {
  if (not_ready()) return;
  std::map<std::pair<std::string, std::string>, Outcome> results;
  for (const auto& code : codes_) {
    for (const auto& q : kInquiries) results[{code, q.name}] = run(code, q);
  }
  const auto& at = [&](const std::string& code, const std::string& name) -> const Outcome& {
    return results.at({code, name});
  };
  const std::string supermarket = "0991", cooperation = "0992", limited = "0993", hybrid = "0994", full = "0995";

  // The passport: the supermarket's centre decides; the full market square's booth decides.
  for (const auto& u : at(supermarket, "A passport").decider_units) EXPECT_EQ(u, "bsc");
  EXPECT_FALSE(at(supermarket, "A passport").decider_units.empty());
  for (const auto& u : at(full, "A passport").decider_units) {
    EXPECT_TRUE(u == "pas-bod" || u == "pas") << u << ": the department and its booth, nobody else";
  }
  EXPECT_FALSE(at(full, "A passport").decider_units.empty());
  EXPECT_EQ(at(supermarket, "A passport").asked, "yes") << "the supermarket's front desk decides passports";
  for (const auto& code : {limited, hybrid, full}) {
    EXPECT_EQ(at(code, "A passport").asked, "refused") << code << ": the front desk does not decide passports";
  }
  // Whose queue: the centre's in models 1-2, the department's or booth's in 3-5.
  EXPECT_EQ(at(supermarket, "A passport").queue, "Borgerservice");
  EXPECT_EQ(at(cooperation, "A passport").queue, "Borgerservice");
  EXPECT_NE(at(limited, "A passport").queue, "Borgerservice");
  EXPECT_NE(at(full, "A passport").queue.find("bod"), std::string::npos) << at(full, "A passport").queue;

  for (const auto& code : codes_) {
    // Another authority's matters are never decided here.
    for (const char* name : {"A housing-support application", "A driving-licence application"}) {
      const auto& o = at(code, name);
      EXPECT_TRUE(o.decider_units.empty()) << code << " " << name << ": " << o.deciders;
    }
    // Concrete guidance on tax or housing support would exercise another authority's power.
    EXPECT_EQ(at(code, "A tax question").asked, "refused") << code;
    EXPECT_NE(at(code, "A tax question").refusal.find("Skattestyrelsen"), std::string::npos);
    EXPECT_EQ(at(code, "A housing-support application").asked, "refused") << code;
    EXPECT_NE(at(code, "A housing-support application").refusal.find("Udbetaling Danmark"), std::string::npos);
    // A complaint can always be received; the municipality reconsiders its own decision.
    EXPECT_EQ(at(code, "A complaint about a passport refusal").asked, "yes") << code;
    EXPECT_FALSE(at(code, "A complaint about a passport refusal").decider_units.empty()) << code;
    // The triage desk exists only without a centre chief (models 3 to 5).
    const bool triage = at(code, "A move").served.starts_with("triage");
    EXPECT_EQ(triage, code == limited || code == hybrid || code == full) << code;
  }
  // The tax booth of the full market square is staffed on Wednesdays: an appointment, not a wasted trip.
  EXPECT_NE(at(full, "A tax question").served.find("appointment 2026-11-25"), std::string::npos)
      << at(full, "A tax question").served;

  if (GetParam() != "sqlite") return;  // one rendering is enough
  const std::string doc = render(org_, codes_, results);
  const std::string path = std::string(SAGSFLOW_SOURCE_DIR) + "/docs/organisation.md";
  if (std::getenv("SAGSFLOW_UPDATE_DOCS") != nullptr) {
    std::ofstream(path) << doc;
  }
  auto current = read_text_file(path);
  ASSERT_TRUE(current.ok()) << path << " is missing; run with SAGSFLOW_UPDATE_DOCS=1";
  EXPECT_EQ(*current, doc) << "docs/organisation.md no longer matches the scenario; regenerate it with "
                              "SAGSFLOW_UPDATE_DOCS=1 (see the comment at its top)";
}

INSTANTIATE_TEST_SUITE_P(Backends, OrganisationScenarioTest, AllBackends(),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sagsflow::testing
