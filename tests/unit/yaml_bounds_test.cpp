// YAML from outside is bounded before a tree is built: size, nesting depth
// (flow and block), aliases that expand; each refusal names file and line.
#include <gtest/gtest.h>

#include <string>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/config/plugin_manifest.hpp"
#include "sagsflow/config/workflow.hpp"
#include "sagsflow/config/yaml_bounds.hpp"

using namespace sagsflow;

TEST(YamlBounds, DeepFlowNestingIsRefusedWithTheLine) {
  const std::string text = "id: x\nfields: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto e = yaml_bounds_error(text, "deep.yaml");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->pos.line, 2);
  EXPECT_NE(e->to_string().find("deep.yaml:2:"), std::string::npos) << e->to_string();
  EXPECT_NE(e->message.find("nested deeper than 64 levels"), std::string::npos) << e->message;
}

TEST(YamlBounds, DeepBlockNestingIsRefused) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += std::string(static_cast<size_t>(i), ' ') + "k" + std::to_string(i) + ":\n";
  auto e = yaml_bounds_error(text, "block.yaml");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->pos.line, 65);  // the 65th mapping opens on line 65
  EXPECT_NE(e->message.find("nested deeper than 64"), std::string::npos);
}

TEST(YamlBounds, AnAliasBombIsRefusedBeforeItExpands) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  auto e = yaml_bounds_error(text, "bomb.yaml");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message.find("more than 500000 nodes"), std::string::npos) << e->message;
  EXPECT_EQ(e->pos.line, 6);  // 10^6 nodes are passed on the sixth line
}

TEST(YamlBounds, OrdinaryFilesAndSmallAliasesPass) {
  EXPECT_FALSE(yaml_bounds_error("base: &b {x: 1}\nother: *b\nlist: [1, 2, [3, {a: b}]]\n", "ok.yaml"));
  EXPECT_FALSE(yaml_bounds_error("not: [valid\n", "syntax.yaml"));  // syntax is the tree builder's to report
  auto big = yaml_bounds_error(std::string(5 * 1024 * 1024, '#'), "big.yaml");
  ASSERT_TRUE(big.has_value());
  EXPECT_NE(big->message.find("the limit is 4194304"), std::string::npos);
}

TEST(YamlBounds, EveryConfigReaderRefusesADeepFileNamingIt) {
  const std::string deep = "id: x\n" + std::string("title: ") + std::string(50000, '{') + "\n";
  auto wf = parse_workflow(deep, "deep_workflow.yaml");
  ASSERT_FALSE(wf.ok());
  ASSERT_FALSE(wf.errors.empty());
  EXPECT_EQ(wf.errors[0].file, "deep_workflow.yaml");
  EXPECT_EQ(wf.errors[0].pos.line, 2);
  auto manifest = parse_plugin_manifest(deep, "deep_manifest.yaml");
  ASSERT_FALSE(manifest.ok());
  EXPECT_NE(manifest.errors.at(0).to_string().find("deep_manifest.yaml:2:"), std::string::npos);
}

TEST(YamlBounds, IdentifiersAreCheckedWithoutRegexOnHugeInput) {
  const std::string huge_id = "id: " + std::string(200000, 'a') + "\n";
  auto wf = parse_workflow(huge_id, "huge.yaml");
  ASSERT_FALSE(wf.ok());
}

// Found by the plugin_manifest_yaml fuzz target: asking a missing node for its
// position threw yaml-cpp's InvalidNode out of the parser, ending the process.
TEST(YamlBounds, AMissingNodeInAManifestIsAnErrorNotAThrow) {
  for (const char* text : {"abi: {}\n", "abi: {major: 1}\n", "abi: []\n", "form: {fields: {a: {}}}\n"}) {
    PluginManifestParseResult manifest;
    EXPECT_NO_THROW(manifest = parse_plugin_manifest(text, "plugin.yaml")) << text;
    EXPECT_FALSE(manifest.ok()) << text;
  }
}
