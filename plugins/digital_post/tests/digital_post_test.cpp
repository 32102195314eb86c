// The digital_post delivery plugin against MockHost: in folder mode one
// <MessageUUID>.xml per letter (0600), however often the letter comes; in
// http mode against a real receiver on 127.0.0.1
// (tests/support/digital_post_receiver.py): a 503 is retry, a 2xx is
// delivered with the receiver's receipt, the same letter again is not stored
// twice, a recipient exempt from Digital Post is refused, an unreachable
// receiver is retry; a letter without a MeMo message is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace sagsflow::testing;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kUuid = "6f1c8a52-0d4e-5b7a-9c3e-2a1b0c9d8e7f";

std::string memo_for(const std::string& uuid, const std::string& cpr) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.1\"><memo:MessageHeader>"
         "<memo:messageType>DIGITALPOST</memo:messageType><memo:messageUUID>" + uuid + "</memo:messageUUID>"
         "<memo:Recipient><memo:recipientID>" + cpr + "</memo:recipientID><memo:idType>CPR</memo:idType>"
         "</memo:Recipient></memo:MessageHeader><memo:MessageBody><memo:MainDocument><memo:File>"
         "<memo:content>JVBERi0=</memo:content></memo:File></memo:MainDocument></memo:MessageBody></memo:Message>\n";
}

json a_letter(const std::string& uuid = kUuid, const std::string& cpr = "0707614285") {
  return {{"letter_id", 17},
          {"idempotency_key", "letter-17-" + uuid},
          {"message_uuid", uuid},
          {"municipality", "0101"},
          {"case_id", 4},
          {"case_number", "0101-2026-000004"},
          {"kind", "decision"},
          {"language", "da"},
          {"title", "Afgørelse"},
          {"channel", "digital_post"},
          {"recipient", {{"cpr", cpr}, {"name", "Jens Hansen"}}},
          {"sender", {{"name", "Testkommune"}, {"cvr", "29189846"}}},
          {"document", {{"name", "afgoerelse.pdf"}, {"media_type", "application/pdf"}, {"size", 5}}},
          {"memo", memo_for(uuid, cpr)}};
}

// deliver_letter through the descriptor, as the host calls it (sagsflow/testing/plugin_calls.hpp).
json deliver(const sf_plugin_descriptor* d, const json& letter, const std::string& pdf = "%PDF-") {
  return delivery_of(d, letter, pdf);
}

class Folder {
 public:
  Folder() : path_(fs::temp_directory_path() / ("digital-post-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
  }
  ~Folder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    if (!fs::exists(path_)) return names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The test receiver, on a free port of 127.0.0.1; killed at the end.
class Receiver {
 public:
  explicit Receiver(std::vector<std::string> args) {
    int out[2];
    if (::pipe(out) != 0) return;
    std::vector<std::string> argv{"python3", std::string(SAGSFLOW_SOURCE_DIR) + "/tests/support/digital_post_receiver.py",
                                  "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      std::vector<char*> c;
      for (auto& a : argv) c.push_back(a.data());
      c.push_back(nullptr);
      ::execvp("python3", c.data());
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* f = ::fdopen(out[0], "r");
    char line[128] = {0};
    if (f && std::fgets(line, sizeof line, f)) std::sscanf(line, "listening %d", &port_);
    if (f) std::fclose(f);
  }
  ~Receiver() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/memo"; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST(DigitalPostLibrary, TheBuiltPluginLoadsAsTheHostLoadsItAndTheHarnessSaysItRunsNoCases) {
  // The harness loads the library with every check of the host, then refuses: a delivery plugin has no workflow.
  auto h = PluginHarness::create(PLUGIN_PATH);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(h.status().message(), HasSubstr("is a delivery plugin (delivery: digital_post)"));
}

TEST(DigitalPostFolder, WritesOneFilePerKeyEvenWhenDeliveredTwice) {
  Folder folder;
  NiceMock<MockHost> host;
  ON_CALL(host, config("mode")).WillByDefault(Return(std::string("folder")));
  ON_CALL(host, config("folder")).WillByDefault(Return(folder.path().string()));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  ASSERT_NE(d, nullptr);
  ASSERT_NE(d->deliver_letter, nullptr);
  ASSERT_GE(d->struct_size, SAGSFLOW_DESCRIPTOR_SIZE_1_1 + sizeof(void*));
  const json first = deliver(d, a_letter());
  EXPECT_EQ(first, (json{{"status", "delivered"}, {"receipt", std::string("digital post folder: ") + kUuid + ".xml"}}));
  const json again = deliver(d, a_letter());
  EXPECT_EQ(again, first);
  EXPECT_EQ(folder.files(), std::vector<std::string>{std::string(kUuid) + ".xml"});
  const fs::path file = folder.path() / (std::string(kUuid) + ".xml");
  EXPECT_EQ(slurp(file), memo_for(kUuid, "0707614285"));  // the host's MeMo, as it is
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Another letter is another file.
  const std::string other = "0b5f3e1a-2c4d-5e6f-8a9b-0c1d2e3f4a5b";
  EXPECT_EQ(deliver(d, a_letter(other))["status"], "delivered");
  EXPECT_EQ(folder.files().size(), 2u);
}

TEST(DigitalPostFolder, ALetterWithoutAMemoMessageIsRefusedWithTheReason) {
  Folder folder;
  NiceMock<MockHost> host;
  ON_CALL(host, config("mode")).WillByDefault(Return(std::string("folder")));
  ON_CALL(host, config("folder")).WillByDefault(Return(folder.path().string()));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  json letter = a_letter();
  letter.erase("memo");
  const json answer = deliver(d, letter);
  EXPECT_EQ(answer["status"], "refused");
  EXPECT_THAT(answer["reason"].get<std::string>(), HasSubstr("no MeMo message"));
  EXPECT_TRUE(folder.files().empty());
}

TEST(DigitalPostSettings, WithoutAModeEveryLetterWaitsAsRetry) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const json answer = deliver(d, a_letter());
  EXPECT_EQ(answer["status"], "retry");
  EXPECT_THAT(answer["reason"].get<std::string>(), HasSubstr("set mode"));
  ON_CALL(host, config("mode")).WillByDefault(Return(std::string("http")));
  ON_CALL(host, config("endpoint")).WillByDefault(Return(std::string("https://127.0.0.1:1/memo")));
  EXPECT_THAT(deliver(d, a_letter())["reason"].get<std::string>(), HasSubstr("http:// URL"));
}

TEST(DigitalPostHttp, PostsToARealReceiverRetriesA503AndIsStoredOnceWhenDeliveredAgain) {
  Folder stored;
  fs::create_directories(stored.path());
  Receiver receiver({"--dir", stored.path().string(), "--fail-first", "1"});
  ASSERT_GT(receiver.port(), 0) << "the receiver did not start";
  NiceMock<MockHost> host;
  ON_CALL(host, config("mode")).WillByDefault(Return(std::string("http")));
  ON_CALL(host, config("endpoint")).WillByDefault(Return(receiver.endpoint()));
  ON_CALL(host, config("timeout_seconds")).WillByDefault(Return(std::string("5")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const json busy = deliver(d, a_letter());
  EXPECT_EQ(busy["status"], "retry");
  EXPECT_THAT(busy["reason"].get<std::string>(), HasSubstr("HTTP 503"));
  const json first = deliver(d, a_letter());
  EXPECT_EQ(first, (json{{"status", "delivered"}, {"receipt", "dp-1"}}));
  EXPECT_EQ(deliver(d, a_letter()), first);  // the same MessageUUID: the same receipt
  EXPECT_EQ(stored.files(), std::vector<std::string>{std::string(kUuid) + ".xml"});
  EXPECT_EQ(slurp(stored.path() / (std::string(kUuid) + ".xml")), memo_for(kUuid, "0707614285"));
}

TEST(DigitalPostHttp, ARecipientExemptFromDigitalPostIsRefused) {
  Receiver receiver({"--refuse-cpr", "0101801234"});
  ASSERT_GT(receiver.port(), 0) << "the receiver did not start";
  NiceMock<MockHost> host;
  ON_CALL(host, config("mode")).WillByDefault(Return(std::string("http")));
  ON_CALL(host, config("endpoint")).WillByDefault(Return(receiver.endpoint()));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_EQ(deliver(d, a_letter(kUuid, "0101801234")),
            (json{{"status", "refused"}, {"reason", "recipient exempt from Digital Post"}}));
  EXPECT_EQ(deliver(d, a_letter("0b5f3e1a-2c4d-5e6f-8a9b-0c1d2e3f4a5b"))["status"], "delivered");
}

TEST(DigitalPostHttp, AReceiverThatIsNotListeningIsRetry) {
  int port = 0;
  {
    Receiver gone({});
    port = gone.port();
  }  // stopped: nothing listens on its port now
  ASSERT_GT(port, 0);
  NiceMock<MockHost> host;
  ON_CALL(host, config("mode")).WillByDefault(Return(std::string("http")));
  ON_CALL(host, config("endpoint")).WillByDefault(Return("http://127.0.0.1:" + std::to_string(port) + "/memo"));
  ON_CALL(host, config("timeout_seconds")).WillByDefault(Return(std::string("2")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const json answer = deliver(d, a_letter());
  EXPECT_EQ(answer["status"], "retry");
  EXPECT_THAT(answer["reason"].get<std::string>(), HasSubstr("could not be reached"));
}

}  // namespace
