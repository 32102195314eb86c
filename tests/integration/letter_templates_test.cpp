// A municipality's own letter templates and its letterhead's logo, stored in
// the database (migration 16), on both backends: the store puts, lists,
// replaces and removes templates and each change moves the configuration's
// generation; the logo's bytes survive the round trip and reach the
// organisation loaded from the store; letter_templates_for puts the built-in
// templates first and skips a stored one that no longer parses. Then the real
// CLI: `letter install` checks the file (file:line:column), refuses an
// unknown municipality and anyone who is not an admin; `letter list` shows
// which template wins; `letter preview --municipality` fills the
// municipality's own template under its letterhead (read back with pdftotext);
// `letter remove` gives the built-in one back.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sagsflow/app/installation.hpp"
#include "sagsflow/app/letter_templates.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A real 1x1 PNG (zlib-compressed IDAT, valid CRCs) that Cairo decodes.
const std::string kTinyPng = std::string(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01"
    "\x08\x00\x00\x00\x00\x3a\x7e\x9b\x55\x00\x00\x00\x0a\x49\x44\x41\x54\x78\x9c\x63\x60\x00\x00\x00"
    "\x02\x00\x01\x48\xaf\xa4\x71\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    67);

constexpr const char* kOwnRefusal = R"(kind: decision
language: da
workflow: passport
title: "Afslag: {{case.title}}"
sections:
  - heading: Det har vi besluttet
    text: "Vi kan desværre ikke give dig et pas. {{decision.reasons}}"
closing: ["Venlig hilsen", "{{sender.name}}"]
)";

db::LetterTemplateRecord record(const std::string& file, const std::string& source, const std::string& at) {
  return {kMunicipality, file, "decision", "da", "passport", "", "", source, "anna", at};
}

class LetterTemplateStoreTest : public DatabaseTest {};

TEST_P(LetterTemplateStoreTest, PutListReplaceAndRemoveEachMoveTheConfigurationGeneration) {
  auto store = connect_seeded();
  auto other = connect();  // another node sees the same
  long long last = *other->config_generation();
  const auto moved = [&](const char* what) {
    const long long now = *other->config_generation();
    EXPECT_GT(now, last) << what << " did not move the generation";
    last = now;
  };
  ASSERT_TRUE(store->put_letter_template(record("afslag.yaml", kOwnRefusal, "2026-12-01T10:00:00Z")).ok());
  moved("installing a template");
  ASSERT_TRUE(store->put_letter_template(record("kvittering.yaml", "x", "2026-12-01T11:00:00Z")).ok());
  auto changed = record("afslag.yaml", std::string(kOwnRefusal) + "# ny udgave\n", "2026-12-01T12:00:00Z");
  ASSERT_TRUE(store->put_letter_template(changed).ok());
  moved("replacing a template");

  auto listed = other->letter_templates(kMunicipality);
  ASSERT_TRUE(listed.ok()) << listed.status().to_string();
  ASSERT_EQ(listed->size(), 2u) << "the same file name is replaced, not added";
  EXPECT_EQ((*listed)[0].file_name, "kvittering.yaml") << "in the order they were installed";
  EXPECT_EQ((*listed)[1].file_name, "afslag.yaml");
  EXPECT_EQ((*listed)[1].source, changed.source);
  EXPECT_EQ((*listed)[1].installed_by, "anna");
  EXPECT_TRUE(other->letter_templates("0101")->empty()) << "another municipality has none";

  ASSERT_TRUE(store->remove_letter_template(kMunicipality, "kvittering.yaml").ok());
  moved("removing a template");
  auto again = store->remove_letter_template(kMunicipality, "kvittering.yaml");
  EXPECT_EQ(again.code(), ErrorCode::kNotFound) << again.to_string();
  EXPECT_EQ(*other->config_generation(), last) << "removing nothing changes nothing";
}

TEST_P(LetterTemplateStoreTest, TheMunicipalitysTemplatesFollowTheBuiltInOnesAndOneThatNoLongerParsesIsSkipped) {
  auto store = connect_seeded();
  ASSERT_TRUE(store->put_letter_template(record("afslag.yaml", kOwnRefusal, "2026-12-01T10:00:00Z")).ok());
  ASSERT_TRUE(store->put_letter_template(
                       record("gammel.yaml", "kind: decision\nlanguage: da\ntitle: \"{{case.old_field}}\"\n"
                                             "sections: [{text: x}]\n", "2026-12-01T11:00:00Z"))
                  .ok());
  auto templates = app::letter_templates_for(*store, kMunicipality);
  ASSERT_TRUE(templates.ok()) << templates.status().to_string();
  const auto& builtin = builtin_letter_templates();
  ASSERT_EQ(templates->size(), builtin.size() + 1) << "the one that no longer parses is left out";
  EXPECT_EQ(templates->back().file, "afslag.yaml");
  const auto* passport = choose_letter_template(*templates, LetterKind::kDecision, "da", "passport", "decision", "refused");
  ASSERT_NE(passport, nullptr);
  EXPECT_EQ(passport->file, "afslag.yaml") << "the municipality's own wins for its workflow";
  const auto* moving = choose_letter_template(*templates, LetterKind::kDecision, "da", "moving", "decision", "refused");
  ASSERT_NE(moving, nullptr);
  EXPECT_NE(moving->file, "afslag.yaml") << "and only there";

  auto listing = app::list_letter_templates(*store, kMunicipality);
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->size(), builtin.size() + 1);
  EXPECT_FALSE(listing->back().builtin);
  for (const auto& l : *listing) EXPECT_TRUE(l.replaced_by.empty()) << l.file << " is narrower, not the same";
}

TEST_P(LetterTemplateStoreTest, TheLogosBytesTravelWithTheStoredFileToTheOrganisation) {
  auto store = connect_seeded();
  const std::string source = std::string("municipality: {code: \"") + kMunicipality +
                             "\", name: Kommune}\nletters: {letterhead: {address: Torvet 1, logo: logo.png}}\n";
  std::string bytes = kTinyPng;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);  // every byte value, NUL included
  db::MunicipalityConfigRecord config{kMunicipality, "/etc/sagsflow/kommune.yaml", source, sha256_hex(source),
                                      "2026-12-01T10:00:00Z", bytes};
  ASSERT_TRUE(store->save_municipality_config(config).ok());
  auto other = connect();
  auto stored = other->municipality_configs();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->front().logo_png, bytes);
  auto org = app::load_organisation(*other);
  ASSERT_TRUE(org.ok()) << org.status().to_string();
  const auto* m = (*org)->find(kMunicipality);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->letters.letterhead.logo_png, bytes) << "no node needs the file on its disk";
}

INSTANTIATE_TEST_SUITE_P(Backends, LetterTemplateStoreTest, AllBackends());

struct Ran {
  int exit_code = -1;
  std::string out, err;
};

// The real CLI against this test's database (SAGSFLOW_DB), files in a folder of its own.
class LetterTemplateCliTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& ch : name) ch = ch == '/' ? '_' : ch;  // "Test/0": the backend's index
    dir_ = fs::temp_directory_path() / ("sagsflow-letter-cli-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::setenv("SAGSFLOW_DB", url().c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("SAGSFLOW_DB");
    if (!dir_.empty()) fs::remove_all(dir_);
    DatabaseTest::TearDown();
  }
  Ran run(const std::string& args) {
    const auto out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string cmd = std::string(SAGSFLOW_BIN) + " --plugin-dir " + (dir_ / "plugins").string() + " " + args +
                            " >" + out.string() + " 2>" + err.string() + " </dev/null";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text_file(out.string()).value(),
            read_text_file(err.string()).value()};
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_P(LetterTemplateCliTest, AnAdminInstallsListsPreviewsAndRemovesTheMunicipalitysOwnTemplate) {
  write("logo.png", kTinyPng);
  const std::string file = write("kommune.yaml", std::string("municipality: {code: \"") + kMunicipality + R"(", name: Prøve Kommune}
units:
  - {id: bsc, name: Borgerservice, kind: citizen_service_centre, has_chief: true}
staff:
  - {id: anna, name: Anna Admin, unit: bsc, roles: [admin, caseworker]}
  - {id: bo, name: Bo Berg, unit: bsc, roles: [caseworker]}
letters:
  letterhead:
    address: "Torvet 1\n9999 Prøveby"
    phone: "99 99 99 99"
    web: "https://www.proeve.dk"
    cvr: "64942212"
    logo: logo.png
)");
  auto init = run("--actor anna init --municipality-file " + file);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string own = write("afslag.yaml", kOwnRefusal);

  auto not_admin = run("--actor bo letter install " + own + " --municipality " + kMunicipality);
  EXPECT_EQ(not_admin.exit_code, 4) << not_admin.err;
  EXPECT_NE(not_admin.err.find("admin"), std::string::npos) << not_admin.err;
  auto not_acting = run("--actor anna --role caseworker letter install " + own);
  EXPECT_EQ(not_acting.exit_code, 4) << "anna holds admin but does not act in it: " << not_acting.err;
  auto unknown = run("--actor anna letter install " + own + " --municipality 0101");
  EXPECT_EQ(unknown.exit_code, 5) << unknown.err;
  const std::string broken = write("broken.yaml", "kind: decision\nlanguage: da\ntitle: x\nsections:\n"
                                                  "  - text: \"{{decision.reason}}\"\n");
  auto refused = run("--actor anna letter install " + broken + " --municipality " + kMunicipality);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("broken.yaml:5:"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("'decision.reason'"), std::string::npos) << refused.err;

  auto installed = run("--actor anna --json letter install " + own + " --municipality " + kMunicipality);
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_FALSE(json::parse(installed.out)["replaced"].get<bool>());
  auto replaced = run("--actor anna --json letter install " + own);  // the only municipality by default
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_TRUE(json::parse(replaced.out)["replaced"].get<bool>());

  // Listed after the built-in ones; a second own one for exactly the same letters wins over the first.
  const std::string same = write("afslag2.yaml", kOwnRefusal);
  ASSERT_EQ(run("--actor anna letter install " + same).exit_code, 0);
  auto listed = run("--json letter list --municipality " + std::string(kMunicipality));
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto list = json::parse(listed.out);
  ASSERT_GE(list.size(), 3u);
  const auto& first = list[list.size() - 2];
  const auto& second = list[list.size() - 1];
  EXPECT_EQ(first["file"], "afslag.yaml");
  EXPECT_EQ(first["origin"], "municipality");
  EXPECT_FALSE(first["used"].get<bool>());
  EXPECT_EQ(first["replaced_by"], "afslag2.yaml");
  EXPECT_EQ(second["file"], "afslag2.yaml");
  EXPECT_TRUE(second["used"].get<bool>());
  EXPECT_EQ(second["installed_by"], "anna");
  auto text_list = run("letter list");
  EXPECT_NE(text_list.out.find("no, afslag2.yaml wins"), std::string::npos) << text_list.out;
  EXPECT_NE(text_list.out.find("built-in"), std::string::npos) << text_list.out;
  ASSERT_EQ(run("--actor anna letter remove afslag2.yaml").exit_code, 0);
  EXPECT_EQ(run("--actor bo letter remove afslag.yaml").exit_code, 4) << "only an admin removes";

  // The preview chooses as letters will: the municipality's own, under its letterhead.
  if (std::system("command -v pdftotext >/dev/null") != 0) GTEST_SKIP() << "poppler-utils is not installed";
  const std::string values = write("values.json", R"({"case.title": "Pas", "decision.reasons": "Du er ikke mødt op.",
    "sender.name": "Carl Nielsen", "sender.unit": "Pas og kørekort"})");
  const std::string pdf = (dir_ / "afslag.pdf").string();
  auto made = run("letter preview --municipality " + std::string(kMunicipality) +
                  " --kind decision --workflow passport --outcome refused --values " + values + " --out " + pdf);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.err.find("template: afslag.yaml"), std::string::npos) << made.err;
  ASSERT_EQ(std::system(("pdftotext -enc UTF-8 " + pdf + " " + (dir_ / "a.txt").string()).c_str()), 0);
  const std::string text = read_text_file((dir_ / "a.txt").string()).value();
  for (const char* expected : {"Afslag: Pas", "Vi kan desværre ikke give dig et pas. Du er ikke mødt op.",
                               "Prøve Kommune", "9999 Prøveby", "CVR 64942212", "https://www.proeve.dk"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }
  if (std::system("command -v pdfimages >/dev/null") == 0) {
    ASSERT_EQ(std::system(("pdfimages -list " + pdf + " > " + (dir_ / "images.txt").string()).c_str()), 0);
    const std::string images = read_text_file((dir_ / "images.txt").string()).value();
    EXPECT_NE(images.find("image"), std::string::npos) << "the stored logo is on the letter:\n" << images;
  }

  // Removed, the built-in template is used again.
  ASSERT_EQ(run("--actor anna letter remove afslag.yaml --municipality " + std::string(kMunicipality)).exit_code, 0);
  auto builtin = run("letter preview --municipality " + std::string(kMunicipality) +
                     " --kind decision --workflow passport --outcome refused --values " + values + " --out " + pdf);
  EXPECT_EQ(builtin.err.find("template: afslag.yaml"), std::string::npos) << builtin.err;
  auto gone = run("--actor anna letter remove afslag.yaml");
  EXPECT_EQ(gone.exit_code, 5) << gone.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, LetterTemplateCliTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
