// Over HTTP: the server runs each plugin in its own process; when that process
// crashes, the request that needed it gets a problem answer with an incident on
// the case, the server keeps serving, and the plugin works again after its
// restart.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// The children of this process whose command line names `library`.
std::vector<pid_t> plugin_children(const std::string& library) {
  std::vector<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid != ::getpid() || state == 'Z') continue;
    std::ifstream cmd(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if (cmdline.find("sagsflow-plugin-host") != std::string::npos && cmdline.find(library) != std::string::npos) {
      out.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return out;
}

TEST_F(ApiTest, APluginProcessThatCrashesIsAnIncidentAndTheServerKeepsServing) {
  const std::string frida = staff_token("frida");
  auto opened = post("/api/v1/cases", frida, {{"workflow", "passport"}, {"citizen_cpr", "070761-4285"}});
  ASSERT_EQ(opened.status, 201) << opened.text;
  const long long id = opened.body.value("id", 0LL);
  const std::string base = "/api/v1/cases/" + std::to_string(id) + "/actions/";
  ASSERT_EQ(post(base + "register", frida).status, 200);
  // The delivery thread hands the register event to the plugin after the answer; let it finish first.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  auto children = plugin_children("passport.so");
  ASSERT_EQ(children.size(), 1u) << "the passport plugin runs in one child process of the server";
  ASSERT_EQ(::kill(children[0], SIGSEGV), 0);
  for (int i = 0; i < 100 && !plugin_children("passport.so").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  const json form = {{"fields", {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}}},
                     {"attachments", {{{"name", "photo"}, {"kind", "image/jpeg"}},
                                      {{"name", "identity_document"}, {"kind", "passport"}}}}};
  auto failed = post(base + "complete", frida, form);
  EXPECT_EQ(failed.status, 502) << failed.text;
  EXPECT_NE(failed.text.find("SIGSEGV"), std::string::npos) << failed.text;

  // The server keeps serving: health, the case with its incident, other work.
  EXPECT_EQ(get("/healthz", "").status, 200);
  auto shown = get("/api/v1/cases/" + std::to_string(id), frida);
  ASSERT_EQ(shown.status, 200) << shown.text;
  EXPECT_NE(shown.text.find("validate_form"), std::string::npos) << "the case shows the incident: " << shown.text;
  EXPECT_EQ(shown.body.value("stage", ""), "check");

  // After the restart pause the plugin's new process answers.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto retried = post(base + "complete", frida, form);
  ASSERT_EQ(retried.status, 200) << retried.text;
  EXPECT_EQ(retried.body.value("stage", ""), "decision");
  EXPECT_EQ(plugin_children("passport.so").size(), 1u);
}

}  // namespace
}  // namespace sagsflow::testing
