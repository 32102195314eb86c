// The self-service parts of the configuration: form labels and help per
// language in a plugin manifest (positioned errors), the Danish messages of
// the form's rules, and a municipality file's self-service mode per area.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/config/plugin_manifest.hpp"

using namespace sagsflow;
using nlohmann::json;

namespace {

std::string moving_manifest() {
  std::ifstream in(std::string(SAGSFLOW_SOURCE_DIR) + "/plugins/moving/moving.plugin.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The moving manifest with its form replaced by `form` (a YAML block starting "form:").
std::string with_form(const std::string& form) {
  std::string m = moving_manifest();
  const auto from = m.find("\nform:\n") + 1;
  const auto to = m.find("\nworkflow:", from) + 1;
  return m.substr(0, from) + form + m.substr(to);
}

std::string errors_of(const PluginManifestParseResult& r) {
  std::string text;
  for (const auto& d : r.errors) text += d.to_string() + "\n";
  return text;
}

}  // namespace

TEST(SelfServiceConfig, TheShippedMovingFormHasDanishAndEnglishLabelsHelpAndTheOptionalLease) {
  auto r = parse_plugin_manifest(moving_manifest(), "moving.plugin.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const FormSpec& form = r.manifest->form;
  const FormField* date = form.field("move_date");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(date->label, "Flyttedato");
  EXPECT_EQ(date->labels.in("en"), "Moving date");
  EXPECT_FALSE(date->help.in("da").empty());
  const FormAttachment* lease = form.attachment("lease");
  ASSERT_NE(lease, nullptr);
  EXPECT_FALSE(lease->required);
  EXPECT_EQ(lease->label, "Lejekontrakt eller skøde");
}

TEST(SelfServiceConfig, APlainLabelStaysValidAndEnumValuesCarryTheirLabels) {
  auto r = parse_plugin_manifest(with_form(R"(form:
  fields:
    - {name: a, label: Alene dansk, type: string}
    - name: b
      label: {da: Gruppe, en: Group}
      type: enum
      values: [x, {value: y, label: {da: Ypsilon, en: Upsilon}}]
  attachments: []
)"), "m.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& f = r.manifest->form.fields;
  EXPECT_EQ(f[0].labels.in("en"), "Alene dansk");  // no English: the Danish
  EXPECT_EQ(f[1].values, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(f[1].value_labels[0].label.empty());
  EXPECT_EQ(f[1].value_labels[1].label.in("en"), "Upsilon");
}

TEST(SelfServiceConfig, LabelErrorsAreReportedWithFileLineAndColumn) {
  auto r = parse_plugin_manifest(with_form(R"(form:
  fields:
    - name: a
      label: {en: Only English}
      type: string
    - name: b
      label: {da: B, fr: Bé}
      type: enum
      values: [x, x]
  attachments:
    - {name: c, help: {da: Hjælp, en: Help, de: Hilfe}}
)"), "m.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = errors_of(r);
  EXPECT_NE(text.find("m.yaml:"), std::string::npos) << text;
  EXPECT_NE(text.find("form field 'a'.label needs its Danish text (da:)"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown key 'fr'"), std::string::npos) << text;
  EXPECT_NE(text.find("lists 'x' twice"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown key 'de'"), std::string::npos) << text;
}

TEST(SelfServiceConfig, EveryBrokenRuleOfAFormHasADanishMessageAndUndeclaredFieldsAreNamedWhenStrict) {
  auto r = parse_plugin_manifest(moving_manifest(), "moving.plugin.yaml");
  ASSERT_TRUE(r.ok());
  const json values = {{"move_date", "2026-02-30"}, {"persons_moving", 1.5}, {"new_address", std::string(301, 'a')},
                       {"pets", true}};
  auto loose = r.manifest->form.problems(values, true);
  auto strict = r.manifest->form.problems(values, true, true);
  EXPECT_EQ(loose.size(), 3u);
  ASSERT_EQ(strict.size(), 4u);
  EXPECT_EQ(strict[0].field, "new_address");
  EXPECT_EQ(strict[0].message_da, "højst 300 tegn");
  EXPECT_EQ(strict[1].field, "move_date");
  EXPECT_EQ(strict[2].message_da, "skal være et helt tal");
  EXPECT_EQ(strict[3].field, "pets");
  // check() says the same, in English, as before.
  EXPECT_EQ(r.manifest->form.check(values, true).front(), "new_address: at most 300 characters");
  EXPECT_EQ(r.manifest->form.problems(json::array(), true, true).front().field, "fields");
}

TEST(SelfServiceConfig, AMunicipalityFileSetsEachAreasSelfServiceModeWithPositionedErrors) {
  const std::string head = "municipality:\n  code: \"0101\"\n  name: K\nservice_areas:\n";
  auto ok = parse_municipality(head + R"(  moving:
    self_service: form
  passports:
    self_service: {mode: attendance, why: "Fingeraftryk tages ved skranken."}
  tax_help:
    self_service: none
  housing_support: {}
)", "m.yaml");
  ASSERT_TRUE(ok.ok()) << ok.errors.front().to_string();
  EXPECT_EQ(ok.config->service_area("moving")->self_service.mode, SelfServiceMode::kForm);
  EXPECT_EQ(ok.config->service_area("passports")->self_service.mode, SelfServiceMode::kAttendance);
  EXPECT_EQ(ok.config->service_area("passports")->self_service.why, "Fingeraftryk tages ved skranken.");
  EXPECT_EQ(ok.config->service_area("tax_help")->self_service.mode, SelfServiceMode::kNone);
  EXPECT_FALSE(ok.config->service_area("housing_support")->self_service.mode.has_value());

  auto bad = parse_municipality(head + R"(  moving:
    self_service: online
  passports:
    self_service: {mode: attendance}
)", "m.yaml");
  ASSERT_FALSE(bad.ok());
  std::string text;
  for (const auto& d : bad.errors) text += d.to_string() + "\n";
  EXPECT_NE(text.find("m.yaml:6:19: error: service area 'moving'.self_service is 'online'; use form, attendance or none"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:8:19: error: service area 'passports'.self_service: personal attendance needs the reason"),
            std::string::npos) << text;
}
