// Every refusal of the plugin loader, proven with plugins the suite builds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "sagsflow/plugins/plugin_host.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::testing {
namespace {
namespace fs = std::filesystem;

// Copies a built plugin (library, manifest, workflow) into a fresh folder, so
// each test can change files freely.
class PluginLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-plugins-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string stage(const std::string& name, const std::string& as = "") {
    const fs::path from(SAGSFLOW_TEST_PLUGIN_DIR);
    const std::string target = as.empty() ? name : as;
    fs::copy_file(from / (name + ".so"), dir_ / (target + ".so"), fs::copy_options::overwrite_existing);
    fs::copy_file(from / (name + ".plugin.yaml"), dir_ / (target + ".plugin.yaml"), fs::copy_options::overwrite_existing);
    for (const auto& e : fs::directory_iterator(from)) {
      if (e.path().string().ends_with(".workflow.yaml")) {
        fs::copy_file(e.path(), dir_ / e.path().filename(), fs::copy_options::overwrite_existing);
      }
    }
    return (dir_ / (target + ".so")).string();
  }

  void rewrite_manifest(const std::string& library, const std::string& from, const std::string& to) {
    const auto path = manifest_path_for(library);
    std::string text = read_text_file(path).value();
    ASSERT_NE(text.find(from), std::string::npos) << from;
    text.replace(text.find(from), from.size(), to);
    std::ofstream(path, std::ios::trunc) << text;
  }

  // Loads and expects a refusal naming the file and containing `reason`.
  void expect_refused(PluginHost& host, const std::string& library, const std::string& reason) {
    auto r = host.load(library);
    ASSERT_FALSE(r.ok()) << library << " loaded but should have been refused for: " << reason;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(fs::path(library).filename().string()), std::string::npos)
        << "the refusal must name the file: " << r.status().message();
    EXPECT_NE(r.status().message().find(reason), std::string::npos) << r.status().message();
  }

  fs::path dir_;
};

TEST_F(PluginLoaderTest, LoadsAWellFormedPluginAndKnowsItsDeclaration) {
  PluginHost host;
  auto loaded = host.load(stage("good_permit"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  const auto& m = (*loaded)->info.manifest;
  EXPECT_EQ(m.id, "good_permit");
  EXPECT_EQ(m.version, "1.2.0");
  EXPECT_EQ(m.abi_major, 1);
  EXPECT_EQ(m.kle_subjects, std::vector<std::string>{"23.09.02"});
  ASSERT_EQ(m.tasks.size(), 2u);
  EXPECT_FALSE(m.tasks[1].simple);
  EXPECT_EQ(m.tasks[1].responsibilities.administrative, Placement::kDepartment);
  EXPECT_EQ(m.complaints.appeals_body, "Ankestyrelsen");
  EXPECT_EQ((*loaded)->info.sha256.size(), 64u);
  EXPECT_EQ(host.find("good_permit"), *loaded);
}

TEST_F(PluginLoaderTest, InspectReadsTheManifestWithoutRunningPluginCode) {
  // The crashing plugin would abort if any of its code ran.
  auto info = inspect_plugin(stage("crashing_permit"));
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(info->manifest.id, "crashing_permit");
  EXPECT_EQ(info->manifest.form.fields.size(), 3u);
}

TEST_F(PluginLoaderTest, RefusesAFileThatIsNotASharedLibrary) {
  const auto lib = stage("good_permit", "text_permit");
  std::ofstream(lib, std::ios::trunc) << "this is a text file\n";
  PluginHost host;
  expect_refused(host, lib, "is not a loadable shared library");
}

TEST_F(PluginLoaderTest, RefusesALibraryWithoutTheEntryPoint) {
  PluginHost host;
  expect_refused(host, stage("no_entry_permit"), "has no entry point 'sagsflow_plugin_entry'");
}

TEST_F(PluginLoaderTest, RefusesAPluginBuiltForAnotherAbiMajorBeforeRunningIt) {
  const auto lib = stage("crashing_permit");
  rewrite_manifest(lib, "abi: {major: 1, minor: 0}", "abi: {major: 2, minor: 0}");
  PluginHost host;
  expect_refused(host, lib, "built for plugin ABI 2.0, this Sagsflow speaks 1.2");
}

TEST_F(PluginLoaderTest, RefusesAPluginBuiltForANewerMinor) {
  const auto lib = stage("good_permit");
  rewrite_manifest(lib, "abi: {major: 1, minor: 0}", "abi: {major: 1, minor: 3}");
  PluginHost host;
  expect_refused(host, lib, "built for plugin ABI 1.3");
}

TEST_F(PluginLoaderTest, RefusesALibraryThatReportsAnotherAbi) {
  PluginHost host;
  expect_refused(host, stage("library_abi_permit"), "the library reports plugin ABI 2.0");
}

TEST_F(PluginLoaderTest, RefusesADescriptorTooSmallToBeOne) {
  PluginHost host;
  expect_refused(host, stage("short_descriptor_permit"), "its descriptor is 8 bytes");
}

TEST_F(PluginLoaderTest, RefusesAnEntryPointThatReturnsNothing) {
  PluginHost host;
  expect_refused(host, stage("null_descriptor_permit"), "returned no descriptor");
}

TEST_F(PluginLoaderTest, RefusesWhenManifestAndLibraryDisagree) {
  PluginHost host;
  const auto lib = stage("good_permit");
  rewrite_manifest(lib, "version: 1.2.0", "version: 1.3.0");
  expect_refused(host, lib, "manifest and library disagree: manifest says good_permit 1.3.0, library good_permit 1.2.0");

  const auto lib2 = stage("throwing_permit");
  rewrite_manifest(lib2, "appeals_body: Ankestyrelsen", "appeals_body: Someone else");
  expect_refused(host, lib2, "manifest and library disagree: the installed manifest is not the one");
}

TEST_F(PluginLoaderTest, RefusesTheSamePluginLoadedTwice) {
  PluginHost host;
  const auto lib = stage("good_permit");
  ASSERT_TRUE(host.load(lib).ok());
  expect_refused(host, lib, "the same plugin file is already loaded");
  // A copy of the same plugin under another file name: same id.
  const auto copy = stage("good_permit", "good_permit_copy");
  expect_refused(host, copy, "a plugin with id 'good_permit' is already loaded from");
}

TEST_F(PluginLoaderTest, RefusesAChecksumThatIsNotAllowed) {
  const auto lib = stage("good_permit");
  PluginHostOptions strict;
  strict.allowed_sha256 = std::set<std::string>{std::string(64, '0')};
  {
    PluginHost host(strict);
    expect_refused(host, lib, "is not in the allow-list");
  }
  strict.allowed_sha256->insert(sha256_of_file(lib).value());
  PluginHost host(strict);
  EXPECT_TRUE(host.load(lib).ok());
}

TEST_F(PluginLoaderTest, RefusesAMissingFileOrManifest) {
  PluginHost host;
  expect_refused(host, (dir_ / "nothing.so").string(), "the file does not exist");
  const auto lib = stage("good_permit");
  fs::remove(manifest_path_for(lib));
  expect_refused(host, lib, "no manifest beside it");
}

TEST_F(PluginLoaderTest, RefusesAnInvalidManifestWithPositions) {
  const auto lib = stage("good_permit");
  rewrite_manifest(lib, "complexity: simple", "complexity: easy");
  PluginHost host;
  expect_refused(host, lib, "good_permit.plugin.yaml:18:17: error: task 'receive_application'.complexity");
  expect_refused(host, lib, "complexity must be simple or complex");
}

}  // namespace
}  // namespace sagsflow::testing
