// `sagsflow letter validate|fields|preview` through the real CLI binary: an
// admin's own template is checked with file:line:column, the fields of a kind
// are listed, and a preview writes a PDF whose text (read back with
// pdftotext) is the template filled with the example values.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sagsflow/domain/text_file.hpp"

namespace {
namespace fs = std::filesystem;

struct Ran {
  int exit_code = -1;
  std::string out, err;
};

class CliLetterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-letter-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Ran run(const std::string& args) {
    const auto out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string cmd = std::string(SAGSFLOW_BIN) + " " + args + " >" + out.string() + " 2>" + err.string() +
                            " </dev/null";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, sagsflow::read_text_file(out.string()).value(),
            sagsflow::read_text_file(err.string()).value()};
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(CliLetterTest, AnAdminsTemplateIsCheckedWithFileLineAndColumn) {
  const std::string good = std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/letters/decision.da.yaml";
  auto ok = run("letter validate " + good);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("ok (decision, da"), std::string::npos) << ok.out;

  const std::string bad = write("afslag.yaml",
                                "kind: decision\nlanguage: da\ntitle: \"Afgørelse\"\nsections:\n"
                                "  - heading: Klage\n    text: \"Klag senest {{complaint.dead_line}}\"\n");
  auto refused = run("letter validate " + bad);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("afslag.yaml:6:"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("'complaint.dead_line'"), std::string::npos) << refused.err;

  auto json = run("--json letter validate " + bad);
  auto report = nlohmann::json::parse(json.out);
  ASSERT_TRUE(report.is_array());
  EXPECT_FALSE(report[0]["ok"].get<bool>());
}

TEST_F(CliLetterTest, TheFieldsOfAKindAreListedAndAnUnknownKindIsRefused) {
  auto listed = run("letter fields hearing");
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("hearing.reply_by"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("case.number"), std::string::npos) << "the common fields too";
  EXPECT_EQ(listed.out.find("complaint.deadline"), std::string::npos) << "not a decision's fields";
  auto unknown = run("letter fields verdict");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("'verdict' is not a kind of letter"), std::string::npos) << unknown.err;
}

TEST_F(CliLetterTest, APreviewWritesThePdfTheCitizenWouldGet) {
  if (std::system("command -v pdftotext >/dev/null") != 0) GTEST_SKIP() << "poppler-utils is not installed";
  const std::string values = write("values.json", R"({
    "municipality.name": "Eksempel Kommune", "case.title": "Pas", "case.number": "05.04.02-G01-3-26",
    "date": "3. december 2026", "decision.outcome": "afslået",
    "decision.reasons": "Din identitet er ikke dokumenteret.", "complaint.guidance": "true",
    "complaint.to": "Eksempel Kommune", "complaint.how": "Skriv via Digital Post.",
    "complaint.deadline": "4. januar 2027", "complaint.appeals_body": "Rigspolitiet",
    "sender.name": "Carl Nielsen", "sender.unit": "Pas og kørekort", "authority.name": "Eksempel Kommune"})");
  const std::string pdf = (dir_ / "afgoerelse.pdf").string();
  auto made = run("letter preview " + std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/letters/decision.da.yaml --values " +
                  values + " --out " + pdf);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_EQ(std::system(("pdftotext -enc UTF-8 " + pdf + " " + (dir_ / "text.txt").string()).c_str()), 0);
  const std::string text = sagsflow::read_text_file((dir_ / "text.txt").string()).value();
  for (const char* expected : {"Afgørelse: Pas", "Din ansøgning er afslået.", "Din identitet er ikke dokumenteret.",
                               "senest den 4. januar 2027", "Rigspolitiet", "Sagsnr.: 05.04.02-G01-3-26",
                               "Side 1 af 1"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }

  // A value missing where the shown guidance needs it: no PDF, the field named.
  const std::string partial = write("partial.json", R"({"case.title": "Pas", "decision.outcome": "afslået",
    "decision.reasons": "x", "complaint.guidance": "true"})");
  auto refused = run("letter preview " + std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/letters/decision.da.yaml --values " +
                     partial + " --out " + (dir_ / "no.pdf").string());
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("'complaint.to'"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(dir_ / "no.pdf"));
}

}  // namespace
