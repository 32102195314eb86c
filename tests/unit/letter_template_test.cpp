// Letter templates (core/config/letter_template): every built-in template
// parses, in Danish and English, for every kind of letter; a template naming a
// field its kind does not have is refused with file, line and column; filling
// refuses a blank where content is due; sections with `when` come and go with
// their field; the most specific template is chosen, a municipality's own on a tie.
#include <gtest/gtest.h>

#include <set>

#include "sagsflow/config/letter_template.hpp"

namespace sagsflow {
namespace {

std::string errors_of(const LetterTemplateParseResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

TEST(LetterTemplateTest, EveryBuiltInTemplateParsesAndEveryKindHasADanishAndAnEnglishOne) {
  std::set<std::pair<std::string, std::string>> have;
  for (const auto& source : builtin_letter_template_sources()) {
    auto parsed = parse_letter_template(source.yaml, source.file_name);
    ASSERT_TRUE(parsed.ok()) << errors_of(parsed);
    have.insert({letter_kind_key(parsed.letter->kind), parsed.letter->language});
  }
  for (LetterKind kind : all_letter_kinds()) {
    for (const char* language : {"da", "en"}) {
      EXPECT_TRUE(have.contains({letter_kind_key(kind), language})) << letter_kind_key(kind) << " " << language;
    }
  }
  EXPECT_EQ(builtin_letter_templates().size(), builtin_letter_template_sources().size());
}

TEST(LetterTemplateTest, AFieldTheKindDoesNotHaveIsAnErrorAtItsLineAndColumn) {
  const std::string yaml =
      "kind: receipt\n"
      "language: da\n"
      "title: \"Kvittering\"\n"
      "sections:\n"
      "  - heading: Frist\n"
      "    text: >\n"
      "      Vi har modtaget din sag.\n"
      "      Klagefristen er {{ complaint.deadline }} og {{case.numbr}}.\n";
  auto parsed = parse_letter_template(yaml, "kommune/kvittering.yaml");
  ASSERT_FALSE(parsed.ok());
  const std::string errors = errors_of(parsed);
  // complaint.deadline belongs to decisions, case.numbr is a typo: both named, where they are.
  EXPECT_NE(errors.find("kommune/kvittering.yaml:8:23: error: section 1's text uses the field 'complaint.deadline'"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("kommune/kvittering.yaml:8:51:"), std::string::npos) << errors;
  EXPECT_NE(errors.find("'case.numbr'"), std::string::npos) << errors;
}

TEST(LetterTemplateTest, BrokenTemplatesAreRefusedNamingEachFault) {
  const auto refused = [](const std::string& yaml, const std::string& expected) {
    auto parsed = parse_letter_template(yaml, "t.yaml");
    EXPECT_FALSE(parsed.ok()) << yaml;
    EXPECT_NE(errors_of(parsed).find(expected), std::string::npos) << errors_of(parsed);
  };
  refused("kind: verdict\nlanguage: da\ntitle: x\nsections: [{text: y}]\n", "kind 'verdict' is not a kind of letter");
  refused("kind: decision\nlanguage: de\ntitle: x\nsections: [{text: y}]\n", "language 'de' is not da or en");
  refused("kind: decision\nlanguage: da\ntitle: x\n", "has no 'sections'");
  refused("kind: decision\nlanguage: da\ntitle: x\nsections: []\n", "at least one section");
  refused("kind: decision\nlanguage: da\ntitle: \"{{case.title\"\nsections: [{text: y}]\n", "without its");
  refused("kind: decision\nlanguage: da\ntitle: x\nsections: [{text: y, when: complaint.dedline}]\n",
          "when names the field 'complaint.dedline'");
  refused("kind: receipt\nlanguage: da\noutcome: refused\ntitle: x\nsections: [{text: y}]\n",
          "outcome applies to decision letters only");
  refused("kind: decision\nlanguage: da\ntitle: x\nsections: [{text: y}]\nfooter: z\n", "footer");
  refused("kind: decision\nlanguage: da\ntitle: x\nsections: [{text: y}]\nclosing: [\"{{signature}}\"]\n",
          "'signature'");
  refused(": : :\n  - [", "t.yaml");
}

LetterValues decision_values() {
  return {{"case.title", "Pas"},
          {"decision.outcome", "afslået"},
          {"decision.reasons", "Din identitet er ikke dokumenteret.\n\nDit gamle pas er meldt stjålet."},
          {"complaint.guidance", "true"},
          {"complaint.to", "Eksempel Kommune"},
          {"complaint.how", "Skriv til os via Digital Post."},
          {"complaint.deadline", "4. januar 2027"},
          {"complaint.appeals_body", "Rigspolitiet"},
          {"sender.name", "Carl Nielsen"},
          {"sender.unit", "Pas og kørekort"},
          {"authority.name", "Eksempel Kommune"}};
}

TEST(LetterTemplateTest, ARefusalCarriesReasonsAndComplaintGuidanceAndAGrantLeavesTheGuidanceOut) {
  const auto* t = choose_letter_template(builtin_letter_templates(), LetterKind::kDecision, "da", "passport",
                                         "decision", "refused");
  ASSERT_NE(t, nullptr);
  auto filled = fill_letter(*t, decision_values());
  ASSERT_TRUE(filled.ok()) << filled.status().to_string();
  EXPECT_EQ(filled->title, "Afgørelse: Pas");
  std::string all;
  for (const auto& s : filled->sections) {
    all += "#" + s.heading + "\n";
    for (const auto& p : s.paragraphs) all += p + "\n";
  }
  EXPECT_NE(all.find("Din ansøgning er afslået."), std::string::npos) << all;
  EXPECT_NE(all.find("#Begrundelse\nDin identitet er ikke dokumenteret.\nDit gamle pas er meldt stjålet.\n"),
            std::string::npos)
      << "the reasons' two paragraphs stay two: " << all;
  EXPECT_NE(all.find("senest den 4. januar 2027"), std::string::npos) << all;
  EXPECT_NE(all.find("Rigspolitiet"), std::string::npos) << all;
  EXPECT_EQ(all.find("#Regler"), std::string::npos) << "no rules named: no section";
  EXPECT_EQ(filled->closing.back(), "Pas og kørekort, Eksempel Kommune");

  LetterValues granted = decision_values();
  granted["decision.outcome"] = "bevilget";
  granted.erase("complaint.guidance");
  granted.erase("complaint.deadline");
  auto grant = fill_letter(*t, granted);
  ASSERT_TRUE(grant.ok()) << grant.status().to_string();
  for (const auto& s : grant->sections) EXPECT_NE(s.heading, "Klagevejledning");
}

TEST(LetterTemplateTest, ABlankWhereTheLawWantsContentIsRefusedNamingTheField) {
  const auto* t = choose_letter_template(builtin_letter_templates(), LetterKind::kDecision, "en", "", "", "");
  ASSERT_NE(t, nullptr);
  LetterValues values = decision_values();
  values["complaint.deadline"] = "";
  auto filled = fill_letter(*t, values);
  ASSERT_FALSE(filled.ok());
  EXPECT_EQ(filled.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(filled.status().message().find("'complaint.deadline'"), std::string::npos) << filled.status().message();
}

TEST(LetterTemplateTest, TheMostSpecificTemplateIsChosenAndAMunicipalitysOwnWinsATie) {
  std::vector<LetterTemplate> templates = builtin_letter_templates();
  const auto own = [](const std::string& extra, const std::string& title) {
    auto parsed = parse_letter_template("kind: decision\nlanguage: da\n" + extra + "title: " + title +
                                            "\nsections: [{text: x}]\n",
                                        "own.yaml");
    EXPECT_TRUE(parsed.ok()) << errors_of(parsed);
    return *parsed.letter;
  };
  templates.push_back(own("", "Kommunens egen"));
  templates.push_back(own("workflow: passport\noutcome: refused\n", "Pasafslag"));
  templates.push_back(own("workflow: passport\n", "Pas"));
  const auto title = [&](std::string_view wf, std::string_view outcome) {
    const auto* t = choose_letter_template(templates, LetterKind::kDecision, "da", wf, "decision", outcome);
    return t ? t->title : std::string("none");
  };
  EXPECT_EQ(title("passport", "refused"), "Pasafslag");
  EXPECT_EQ(title("passport", "granted"), "Pas");
  EXPECT_EQ(title("moving", "refused"), "Kommunens egen") << "the municipality's own beats the built-in on a tie";
  EXPECT_EQ(choose_letter_template(templates, LetterKind::kDecision, "fr", "", "", ""), nullptr);
}

}  // namespace
}  // namespace sagsflow
