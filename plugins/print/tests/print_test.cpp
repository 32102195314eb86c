// The print delivery plugin against MockHost: a letter goes into today's
// batch (the PDF and a line in batch.csv with the recipient's name and CPR
// number for the print provider); delivering the same letter again adds
// nothing and answers with the same receipt; files are 0600, folders 0700.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sagsflow/testing/mock_host.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

using namespace sagsflow::testing;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::NiceMock;
using ::testing::Return;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

json a_letter(long long id, const std::string& key, const std::string& name = "Jens Hansen") {
  return {{"letter_id", id},
          {"idempotency_key", key},
          {"message_uuid", "6f1c8a52-0d4e-5b7a-9c3e-2a1b0c9d8e7f"},
          {"municipality", "0101"},
          {"case_id", 4},
          {"case_number", "0101-2026-000004"},
          {"kind", "decision"},
          {"language", "da"},
          {"title", "Afgørelse"},
          {"channel", "print"},
          {"recipient", {{"cpr", "0707614285"}, {"name", name}}},
          {"sender", {{"name", "Testkommune"}, {"cvr", "29189846"}}},
          {"document", {{"name", "afgoerelse.pdf"}, {"media_type", "application/pdf"}, {"size", 12}}}};
}

// deliver_letter through the descriptor, as the host calls it (sagsflow/testing/plugin_calls.hpp).
json deliver(const sf_plugin_descriptor* d, const json& letter, const std::string& pdf) {
  return delivery_of(d, letter, pdf);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

class PrintBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("print-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    ON_CALL(host_, config("folder")).WillByDefault(Return(folder_.string()));
    d_ = sagsflow_plugin_entry(host_.api());
    ASSERT_NE(d_, nullptr);
    ASSERT_NE(d_->deliver_letter, nullptr);
  }
  void TearDown() override { fs::remove_all(folder_); }
  // The one batch folder (YYYY-MM-DD).
  fs::path batch() {
    for (const auto& e : fs::directory_iterator(folder_)) {
      if (e.is_directory() && e.path().filename().string()[0] != '.') return e.path();
    }
    return {};
  }
  std::vector<std::string> pdfs() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(batch())) {
      if (e.path().extension() == ".pdf") names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path folder_;
  NiceMock<MockHost> host_;
  const sf_plugin_descriptor* d_ = nullptr;
};

TEST_F(PrintBatch, ALetterIsAddedToTodaysBatchWithItsPdfAndALine) {
  const std::string pdf("%PDF-1.7\0\xff%%EOF", 15);
  const json answer = deliver(d_, a_letter(17, "letter-17-v1", "Hansen, Jens \"Jensemand\""), pdf);
  ASSERT_EQ(answer["status"], "delivered") << answer.dump();
  const fs::path b = batch();
  ASSERT_FALSE(b.empty());
  const std::string date = b.filename().string();
  EXPECT_THAT(date, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}"));
  EXPECT_EQ(answer["receipt"], "print batch " + date + ", line 1");
  ASSERT_EQ(pdfs().size(), 1u);
  EXPECT_THAT(pdfs()[0], MatchesRegex("17-[0-9a-f]{16}\\.pdf"));
  EXPECT_EQ(slurp(b / pdfs()[0]), pdf);
  EXPECT_EQ(slurp(b / "batch.csv"), "letter_id,case_number,recipient_name,cpr,file\n"
                                    "17,0101-2026-000004,\"Hansen, Jens \"\"Jensemand\"\"\",0707614285," +
                                        pdfs()[0] + "\n");
  EXPECT_EQ(mode_of(b / pdfs()[0]), 0600u);
  EXPECT_EQ(mode_of(b / "batch.csv"), 0600u);
  EXPECT_EQ(mode_of(b), 0700u);
  EXPECT_EQ(mode_of(folder_), 0700u);
}

TEST_F(PrintBatch, DeliveringTheSameKeyAgainWritesNothingNewAndAnswersTheSameReceipt) {
  const json first = deliver(d_, a_letter(17, "letter-17-v1"), "%PDF-first");
  const json second = deliver(d_, a_letter(18, "letter-18-v1"), "%PDF-second");
  ASSERT_EQ(first["status"], "delivered");
  const std::string csv = slurp(batch() / "batch.csv");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(deliver(d_, a_letter(17, "letter-17-v1"), "%PDF-first"), first);
  EXPECT_EQ(deliver(d_, a_letter(18, "letter-18-v1"), "%PDF-second"), second);
  EXPECT_EQ(slurp(batch() / "batch.csv"), csv);
  EXPECT_EQ(pdfs().size(), 2u);
  EXPECT_THAT(first["receipt"].get<std::string>(), HasSubstr(", line 1"));
  EXPECT_THAT(second["receipt"].get<std::string>(), HasSubstr(", line 2"));
}

TEST_F(PrintBatch, ALetterWhoseFirstRunStoppedHalfWayIsCompletedOnceOnTheSameBatch) {
  const json first = deliver(d_, a_letter(17, "letter-17-v1"), "%PDF-first");
  ASSERT_EQ(first["status"], "delivered");
  // As if the run had stopped after the line was written: the key's record holds only the batch date.
  fs::path record;
  for (const auto& e : fs::directory_iterator(folder_ / ".keys")) record = e.path();
  const std::string date = batch().filename().string();
  std::ofstream(record, std::ios::trunc) << date << "\n";
  EXPECT_EQ(deliver(d_, a_letter(17, "letter-17-v1"), "%PDF-first"), first);
  EXPECT_EQ(std::count(std::istreambuf_iterator<char>(*std::make_unique<std::ifstream>(batch() / "batch.csv")),
                       std::istreambuf_iterator<char>(), '\n'),
            2);  // the header and one line
}

TEST_F(PrintBatch, WithoutAFolderSettingEveryLetterWaitsAsRetry) {
  NiceMock<MockHost> bare;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(bare.api());
  const json answer = deliver(d, a_letter(17, "k"), "%PDF-");
  EXPECT_EQ(answer["status"], "retry");
  EXPECT_THAT(answer["reason"].get<std::string>(), HasSubstr("set folder"));
}

}  // namespace
