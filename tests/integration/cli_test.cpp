// The real `sagsflow` binary, as an admin or a script uses it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <csignal>

#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "cli.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommandRun run(const std::string& args) {
    const auto out = dir_ / "stdout";
    const auto err = dir_ / "stderr";
    // Everyone who acts is on the example municipality's staff list: the front desk's frida by default.
    const std::string who = args.find("--actor") == std::string::npos ? "--actor " + actor_ + " " : "";
    const std::string cmd = std::string(SAGSFLOW_BIN) + " --db '" + db_ + "' " + who + args + " >" + out.string() +
                            " 2>" + err.string() + " </dev/null";
    const int status = std::system(cmd.c_str());
    CommandRun r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = sagsflow::read_text_file(out.string()).value();
    r.err = sagsflow::read_text_file(err.string()).value();
    return r;
  }

  std::string write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  // As the example municipality's admin, anna: init and plugins need the role admin.
  void init(bool with_first_party_plugins = true) {
    auto r = run("--actor anna init --municipality-file " + std::string(SAGSFLOW_SOURCE_DIR) +
                 "/examples/municipalities/eksempel-kommune.yaml");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (with_first_party_plugins) install_first_party_plugins();
  }
  // The workflows name their service-area plugins: install them, as the demo does.
  void install_first_party_plugins() {
    for (const auto& entry : fs::directory_iterator(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR)) {
      if (entry.path().extension() != ".so") continue;
      auto r = run("--actor anna plugins install " + entry.path().string());
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }

  fs::path dir_;
  std::string db_;
  std::string actor_ = "frida";
};

TEST_F(CliTest, ValidateListsEveryErrorWithFileLineAndColumnAndFails) {
  const auto bad = write("bad.yaml", "id: x\nsubject: 1\nstart: a\nstages:\n  a:\n    kind: nope\n    actions:\n      go: {next: b}\n");
  auto r = run("workflow validate " + bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(bad + ":2:10: error: subject '1' is not a KLE subject"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":6:11: error: stage 'a' has kind 'nope'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":8:7: error: action 'go' of stage 'a' leads to stage 'b'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 error(s)"), std::string::npos) << r.err;

  auto ok = run("workflow validate " + std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/passport.yaml");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;

  auto as_json = run("--json workflow validate " + bad);
  EXPECT_EQ(as_json.exit_code, 1);
  auto j = json::parse(as_json.out);
  EXPECT_EQ(j[0]["errors"].size(), 3u);
  EXPECT_EQ(j[0]["errors"][0]["line"], 2);
}

TEST_F(CliTest, ABrokenWorkflowCannotBeDeployed) {
  init();
  const auto bad = write("bad.yaml", "id: x\nsubject: 23.05.10\nstart: a\nstages: {}\n");
  auto r = run("--actor anna workflow deploy " + bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("was not deployed"), std::string::npos) << r.err;
  auto list = run("--actor anna --json workflow list");
  for (const auto& w : json::parse(list.out)) EXPECT_NE(w["id"], "x") << "the broken workflow was not deployed";
}

TEST_F(CliTest, InitIsIdempotentAndQuietTheSecondTime) {
  init();
  auto again = run("--actor anna init --municipality-file " + std::string(SAGSFLOW_SOURCE_DIR) +
                   "/examples/municipalities/eksempel-kommune.yaml");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(again.err, "");
}

TEST_F(CliTest, ACaseFromOpenToDecisionWithMaskedCprEverywhere) {
  init();
  auto opened = run("--json --role frontdesk case open -w moving --cpr 070761-4285 -f new_address='Nørregade 1'");
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  auto c = json::parse(opened.out);
  EXPECT_EQ(c["case_number"], "23.05.10-G01-1-26");
  EXPECT_EQ(c["citizen"], "070761-XXXX");
  EXPECT_EQ(c["available_actions"], json::array({"register"}));

  EXPECT_EQ(run("case act 1 register").exit_code, 0);
  auto refused = run("case act 23.05.10-G01-1-26 complete");
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("missing fields: move_date"), std::string::npos) << refused.err;
  auto done = run("--json case act 23.05.10-G01-1-26 complete -f move_date=2026-11-20");
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(json::parse(done.out)["stage"], "registration");
  ASSERT_EQ(run("case act 1 register_move").exit_code, 0);

  auto history = run("--json case history 1 --verify");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  auto h = json::parse(history.out);
  EXPECT_GE(h["events"].size(), 4u) << "the actions, and any note the moving plugin adds";
  EXPECT_TRUE(h["replay_matches_state"].get<bool>());
  EXPECT_EQ(h["events"][0]["data"]["citizen"], "070761-XXXX");

  auto shown = run("case show 1");
  EXPECT_NE(shown.out.find("closed (closed)"), std::string::npos) << shown.out;
  for (const auto* out : {&opened.out, &done.out, &history.out, &shown.out, &history.err}) {
    EXPECT_EQ(out->find("4285"), std::string::npos) << *out;
  }
  auto list = run("case list");
  EXPECT_NE(list.out.find("070761-XXXX"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("4285"), std::string::npos);
}

TEST_F(CliTest, CaseAttachKeepsTheDocumentWhichSatisfiesTheAttachmentAndDownloadsAreOnRecord) {
  init();
  ASSERT_EQ(run("case open -w passport --cpr 070761-4285").exit_code, 0);
  ASSERT_EQ(run("case act 1 register").exit_code, 0);
  const std::string png = write("pasfoto.pdf", std::string("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00", 29));
  const std::string pdf = write("daab.pdf", "%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n");
  auto photo = run("--json case attach 1 --file " + png + " --kind photo");
  ASSERT_EQ(photo.exit_code, 0) << photo.err;
  EXPECT_EQ(json::parse(photo.out)["document"]["name"], "pasfoto.png");
  EXPECT_EQ(json::parse(photo.out)["document"]["media_type"], "image/png");
  auto wrong = run("case attach 1 --file " + pdf + " --kind photo");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
  EXPECT_NE(wrong.err.find("must be image/jpeg, image/png"), std::string::npos) << wrong.err;
  ASSERT_EQ(run("case attach 1 --file " + pdf + " --kind identity_document").exit_code, 0);
  // The stage's required attachments are met by the documents.
  auto done = run("case act 1 complete -f full_name='Jens Hansen' -f height_cm:=182 -f fee_paid:=true");
  EXPECT_EQ(done.exit_code, 0) << done.err;
  auto listed = run("--json case documents 1");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out)["documents"].size(), 2u);
  const std::string out = (dir_ / "copy.pdf").string();
  auto down = run("case document 1 2 --out " + out);
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(sagsflow::read_text_file(out).value(), sagsflow::read_text_file(pdf).value());
  EXPECT_NE(run("case document 1 2 --out " + out).exit_code, 0) << "never over an existing file";
  auto audit = run("--json --actor anna --role admin audit --case 1");
  EXPECT_NE(audit.out.find("\"document\""), std::string::npos) << audit.out << audit.err;
  auto gc = run("--json documents gc --grace-minutes 0");
  ASSERT_EQ(gc.exit_code, 0) << gc.err;
  EXPECT_EQ(json::parse(gc.out)["removed"], 0);
  EXPECT_EQ(json::parse(gc.out)["kept_referenced"], 2);
}

TEST_F(CliTest, ErrorsGoToStderrWithTheirExitCodes) {
  init();
  auto bad_cpr = run("case open -w moving --cpr 310290-1234");
  EXPECT_EQ(bad_cpr.exit_code, 1);
  EXPECT_NE(bad_cpr.err.find("error: CPR number 310290-XXXX does not start with a real date"), std::string::npos)
      << bad_cpr.err;
  EXPECT_EQ(bad_cpr.out, "");

  ASSERT_EQ(run("case open -w moving").exit_code, 0);
  auto conflict = run("case act 1 register --expect-version 7");
  EXPECT_EQ(conflict.exit_code, 3);
  EXPECT_NE(conflict.err.find("another action came first"), std::string::npos) << conflict.err;

  auto missing = run("--json case show 99");
  EXPECT_EQ(missing.exit_code, 5);
  EXPECT_EQ(json::parse(missing.err)["error"]["code"], "not_found");

  EXPECT_NE(run("case frobnicate").exit_code, 0);
}

TEST_F(CliTest, ListsComeInPagesThatSayWhenTheyAreCutAndInitWithAChangedModelMovesTheQueues) {
  init(false);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(run("case open -w moving").exit_code, 0);
  ASSERT_EQ(run("case act 1 register").exit_code, 0);

  auto first = run("case list --limit 2");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("list cut after 2 case(s): more may follow with --after 2"), std::string::npos) << first.out;
  auto rest = run("--json case list --limit 2 --after 2 --count");
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  auto page = json::parse(rest.out);
  ASSERT_EQ(page["cases"].size(), 1u) << rest.out;
  EXPECT_EQ(page["cases"][0]["id"], 3);
  EXPECT_FALSE(page["cut"].get<bool>());
  EXPECT_TRUE(page["next_after"].is_null());
  EXPECT_EQ(page["total"], 3);
  EXPECT_EQ(run("case list --limit 0").exit_code, 2) << "a limit out of range is a usage error";

  // The case in its check stage waits in the centre's queue.
  const auto queue_of = [&](const std::string& actor, const std::string& unit) {
    auto r = run("--actor " + actor + " --json case worklist --unit " + unit);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<long long> ids;
    if (r.exit_code == 0) {
      const json page = json::parse(r.out);
      for (const auto& c : page["cases"]) ids.insert(c["id"].get<long long>());
    }
    return ids;
  };
  EXPECT_EQ(queue_of("bo", "bsc"), (std::set<long long>{1, 2, 3}));
  auto worklist = run("--actor bo case worklist --unit bsc --limit 1");
  EXPECT_NE(worklist.out.find("list cut after 1 case(s): more may follow with --after 1"), std::string::npos)
      << worklist.out;

  // The municipality hands moving to its department (split partial_3): init
  // stores the new queues of the open cases, and the worklists follow.
  std::string text = sagsflow::read_text_file(std::string(SAGSFLOW_SOURCE_DIR) +
                                              "/examples/municipalities/eksempel-kommune.yaml").value();
  for (size_t at = text.find("../../workflows/"); at != std::string::npos; at = text.find("../../workflows/")) {
    text.replace(at, 16, std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/");
  }
  const std::string full = "    split: full";  // the first split after `moving:` (other keys may come between)
  const auto area = text.find("  moving:\n");
  ASSERT_NE(area, std::string::npos);
  const auto moving = text.find(full, area);
  ASSERT_NE(moving, std::string::npos);
  text.replace(moving, full.size(), "    split: partial_3");
  // Without --yes init names the case that would move and changes nothing (exit 4).
  auto asked = run("--actor anna init --municipality-file " + write("changed.yaml", text));
  EXPECT_EQ(asked.exit_code, 4) << asked.out << asked.err;
  EXPECT_NE(asked.err.find("1 open case(s) move to another queue: 23.05.10-"), std::string::npos) << asked.err;
  EXPECT_NE(asked.err.find("(Borgerservice -> Social- og Sundhedsforvaltningen)"), std::string::npos) << asked.err;
  EXPECT_NE(asked.err.find("run again with --yes"), std::string::npos) << asked.err;
  auto asked_json = run("--actor anna --json init --municipality-file " + write("changed.yaml", text));
  EXPECT_EQ(asked_json.exit_code, 4);
  EXPECT_EQ(json::parse(asked_json.out)["cases_moving"]["count"], 1) << asked_json.out;
  EXPECT_EQ(queue_of("bo", "bsc"), (std::set<long long>{1, 2, 3})) << "nothing moved without --yes";
  auto again = run("--actor anna --json init --yes --municipality-file " + write("changed.yaml", text));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["cases_requeued"], 1) << again.out;
  EXPECT_EQ(json::parse(again.out)["cases_moved"]["count"], 1) << again.out;
  EXPECT_EQ(queue_of("erna", "social"), std::set<long long>{1});
  EXPECT_EQ(queue_of("bo", "bsc"), (std::set<long long>{2, 3}));
  auto unchanged = run("--actor anna --json init --municipality-file " + write("changed.yaml", text));
  EXPECT_EQ(json::parse(unchanged.out)["cases_requeued"], 0) << "an unchanged model moves nothing";
}

TEST_F(CliTest, BenchWorklistBuildsItsDatabaseAndPrintsTheLatenciesOfEveryListAsJson) {
  auto r = run("bench worklist --cases 300 --samples 3 --baseline-samples 1 --page 10 --dir " + (dir_ / "bench").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["benchmark"], "worklist");
  EXPECT_EQ(out["cases"], 300);
  EXPECT_EQ(out["page"], 10);
  for (const char* list : {"worklist_unit_first_page", "worklist_unit_page_in_the_middle", "worklist_person",
                           "case_list_open_first_page", "case_list_due_within_a_week", "case_page",
                           "store_query_only_unit_first_page"}) {
    ASSERT_TRUE(out["latency"].contains(list)) << list << ": " << r.out;
    EXPECT_EQ(out["latency"][list]["samples"], 3) << list;
    EXPECT_TRUE(out["latency"][list]["p50_ms"].is_number()) << list;
    EXPECT_LE(out["latency"][list]["p50_ms"].get<double>(), out["latency"][list]["p99_ms"].get<double>()) << list;
  }
  EXPECT_GT(out["cases_shown"].get<long long>(), 0) << "the queues hold cases";
  EXPECT_TRUE(out["before_schema_9_full_read_of_open_cases"]["p50_ms"].is_number());
  ASSERT_FALSE(out["query_plan"].empty());
  EXPECT_NE(out["query_plan"][0].get<std::string>().find("cases_by_queue"), std::string::npos) << out["query_plan"];
  EXPECT_TRUE(out["meets_target"].is_boolean());
}

// The real request path's benchmark: an installation of its own, a server in
// the process, HTTP load, raw SQLite next to it; a second at a time is enough here.
TEST_F(CliTest, BenchHttpServesItsOwnInstallationOverHttpAndPrintsPeakSeventyPercentAndRawAsJson) {
  auto r = run("bench http --connections 2 --seconds 1 --dir " + (dir_ / "bench-http").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  EXPECT_GE(out["plugins_installed"].get<int>(), 1) << "the first-party plugins beside the binary";
  for (const char* phase : {"peak", "at_70_percent_of_peak"}) {
    EXPECT_GT(out[phase]["durable_actions"].get<long long>(), 0) << phase << ": " << r.out;
    EXPECT_EQ(out[phase]["failed_requests"], 0) << phase << ": " << r.out;
    EXPECT_LE(out[phase]["p50_ms"].get<double>(), out[phase]["p99_ms"].get<double>()) << phase;
  }
  EXPECT_GT(out["at_70_percent_of_peak"]["offered_per_second"].get<double>(), 0);
  EXPECT_GT(out["raw_sqlite"]["actions_per_second_1_per_transaction"].get<double>(), 0);
  EXPECT_GT(out["raw_sqlite"]["actions_per_second_100_per_transaction"].get<double>(), 0);
  EXPECT_TRUE(out["ratio_peak_to_raw_1_per_transaction"].is_number());
  EXPECT_TRUE(out["meets_targets"].is_boolean());
}

TEST_F(CliTest, AnUnmigratedDatabaseIsRefusedWithAClearMessage) {
  auto r = run("case list");
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("run `sagsflow db migrate`"), std::string::npos) << r.err;
  auto m = run("db migrate");
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.out.find("applied 0001_initial"), std::string::npos) << m.out;
  EXPECT_EQ(run("case list").exit_code, 0);
}

// The commands a help text lists under "Subcommands:" (two spaces, the name).
std::vector<std::string> commands_in_help(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream lines(help);
  std::string line;
  bool in_list = false;
  while (std::getline(lines, line)) {
    if (line == "Subcommands:") {
      in_list = true;
    } else if (in_list && line.empty()) {
      break;
    } else if (in_list && line.size() > 2 && line.compare(0, 2, "  ") == 0 && line[2] != ' ') {
      out.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return out;
}

// The "Usage: ..." line of a help text.
std::string usage_line(const std::string& help) {
  const auto at = help.find("Usage: ");
  if (at == std::string::npos) return "";
  return help.substr(at, help.find('\n', at) - at);
}

// Walks the whole command tree from the top-level help: every command's
// --help exits 0 and prints that command's own usage line (not its parent's).
TEST_F(CliTest, EveryCommandPrintsItsOwnUsage) {
  const std::string bin = SAGSFLOW_BIN;
  std::set<std::string> seen;
  std::deque<std::string> todo{""};
  while (!todo.empty()) {
    const std::string cmd = todo.front();
    todo.pop_front();
    seen.insert(cmd);
    auto r = run(cmd + " --help");
    EXPECT_EQ(r.exit_code, 0) << "'" << cmd << " --help': " << r.err;
    const std::string usage = usage_line(r.out);
    const std::string own = "Usage: " + bin + (cmd.empty() ? "" : " " + cmd) + " [OPTIONS]";
    EXPECT_EQ(usage.substr(0, own.size()), own) << "'" << cmd << " --help' printed: " << usage;
    for (const auto& sub : commands_in_help(r.out)) todo.push_back(cmd.empty() ? sub : cmd + " " + sub);
  }
  // The walk really found the commands (a removed one fails here).
  for (const char* cmd : {"init", "db migrate", "workflow validate", "workflow deploy", "workflow list", "case open",
                          "case act", "case show", "case history", "case list", "case worklist", "case propose", "case note",
                          "case escalate", "case draft-decision", "case letter", "case access-request",
                          "case check-deadlines", "bench", "bench worklist", "bench http", "plugins list", "plugins inspect", "plugins install",
                          "plugins enable", "plugins disable", "plugins remove", "inquiry register", "inquiry list",
                          "inquiry forward", "triage", "notice issue", "notice list", "problem report",
                          "municipality explain", "municipality validate", "kle import", "kle show",
                          "life-situation register", "life-situation list", "serve", "token issue", "token revoke", "audit",
                          "report channels", "simulate"}) {
    EXPECT_TRUE(seen.count(cmd)) << "'" << cmd << "' is not listed by its parent's --help";
  }
}

TEST_F(CliTest, AnUnknownCommandIsAUsageErrorThatNamesItWithOrWithoutHelp) {
  for (const char* args : {"bogus", "bogus --help", "case bogus", "case bogus --help", "case bogus 1 --help",
                           "plugins bogus", "--json case bogus"}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.out << r.err;
    EXPECT_EQ(r.out.find("Usage"), std::string::npos) << args << ": no parent's help instead of the error";
    const std::string parent = std::string(args).find("case") != std::string::npos      ? "sagsflow case"
                               : std::string(args).find("plugins") != std::string::npos ? "sagsflow plugins"
                                                                                        : "sagsflow";
    EXPECT_NE(r.err.find("error: 'bogus' is not a command of '" + parent + "'"), std::string::npos) << args << ": "
                                                                                                   << r.err;
  }
  auto known = run("case bogus");
  EXPECT_NE(known.err.find("open, act, show"), std::string::npos) << "names the commands there are: " << known.err;
  // Other usage errors keep CLI11's message and exit 2 too.
  auto missing = run("case act");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("case is required"), std::string::npos) << missing.err;
}

}  // namespace

namespace {

class CliPluginTest : public CliTest {
 protected:
  std::string plugin(const std::string& name) { return std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/" + name + ".so"; }
};

TEST_F(CliPluginTest, InstallRecordsTheChecksumDeploysTheWorkflowAndRunsTheCase) {
  init(false);
  auto inspected = run("--json plugins inspect " + plugin("good_permit"));
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  const auto m = json::parse(inspected.out);
  EXPECT_EQ(m["id"], "good_permit");
  EXPECT_EQ(m["kle"]["subjects"][0], "23.09.02");
  EXPECT_EQ(m["tasks"][1]["complexity"], "complex");

  auto installed = run("--actor anna --json plugins install " + plugin("good_permit"));
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  const auto i = json::parse(installed.out);
  EXPECT_EQ(i["sha256"], m["sha256"]);
  EXPECT_TRUE(fs::exists(dir_ / "plugins" / "good_permit.so"));
  EXPECT_TRUE(fs::exists(dir_ / "plugins" / "good_permit.plugin.yaml"));
  EXPECT_EQ(json::parse(run("--actor anna --json plugins install " + plugin("good_permit")).out)["installed"], false);

  ASSERT_EQ(run("case open -w good_permit -f applicant=Jens").exit_code, 0);
  ASSERT_EQ(run("case act 1 register").exit_code, 0);
  auto refused = run("case act 1 complete -f applicant=Nobody -f income:=5 --attach photo");
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("applicant: must be a real person"), std::string::npos) << refused.err;
  ASSERT_EQ(run("case act 1 complete -f income:=5 --attach photo").exit_code, 0);
  auto proposed = run("--json case propose 1");
  ASSERT_EQ(proposed.exit_code, 0) << proposed.err;
  EXPECT_TRUE(json::parse(proposed.out)["proposal"].is_null()) << "no income limit configured: no proposal";
  auto list = json::parse(run("--actor anna --json plugins list").out);
  EXPECT_EQ(list[0]["open_cases"], 1);
}

TEST_F(CliPluginTest, ADeliveryPluginInstallsWithoutAWorkflowAndIsListed) {
  init(false);
  const std::string dp = std::string(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR) + "/digital_post.so";
  auto inspected = run("--json plugins inspect " + dp);
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  EXPECT_EQ(json::parse(inspected.out)["delivery"]["channel"], "digital_post");
  auto installed = run("--actor anna --json plugins install " + dp);
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  const auto i = json::parse(installed.out);
  EXPECT_EQ(i["installed"], true);
  EXPECT_TRUE(i["workflow"].is_null());
  EXPECT_EQ(i["delivery_channel"], "digital_post");
  EXPECT_TRUE(fs::exists(dir_ / "plugins" / "digital_post.so"));
  EXPECT_TRUE(fs::exists(dir_ / "plugins" / "digital_post.plugin.yaml"));
  EXPECT_EQ(json::parse(run("--actor anna --json plugins install " + dp).out)["installed"], false);
  ASSERT_EQ(run("--actor anna plugins install " + std::string(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR) + "/print.so").exit_code, 0);
  auto list = run("--actor anna plugins list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("digital_post"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("print"), std::string::npos) << list.out;
  // The installation loads them beside the service-area plugins: a case command still runs.
  auto cases = run("case list");
  EXPECT_EQ(cases.exit_code, 0) << cases.err;
  EXPECT_EQ(cases.err.find("refused"), std::string::npos) << cases.err;
}

TEST_F(CliPluginTest, DisablingKeepsOpenCasesReadableAndSaysSo) {
  init(false);
  ASSERT_EQ(run("--actor anna plugins install " + plugin("good_permit")).exit_code, 0);
  ASSERT_EQ(run("case open -w good_permit -f applicant=Jens").exit_code, 0);
  ASSERT_EQ(run("case act 1 register").exit_code, 0);
  auto disabled = run("--actor anna plugins disable good_permit");
  ASSERT_EQ(disabled.exit_code, 0);
  EXPECT_NE(disabled.out.find("1 open case(s) on workflow good_permit stay readable"), std::string::npos) << disabled.out;
  EXPECT_EQ(run("case show 1").exit_code, 0);
  auto blocked = run("case act 1 complete -f income:=5 --attach photo");
  EXPECT_EQ(blocked.exit_code, 7);
  EXPECT_NE(run("case show 1").out.find("INCIDENT"), std::string::npos);
  auto removal = run("--actor anna plugins remove good_permit");
  EXPECT_EQ(removal.exit_code, 4);
  EXPECT_NE(removal.err.find("has 1 open case(s)"), std::string::npos) << removal.err;
  ASSERT_EQ(run("--actor anna plugins enable good_permit").exit_code, 0);
  auto retried = run("--json case act 1 complete -f income:=5 --attach photo");
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_TRUE(json::parse(retried.out)["incident"].is_null());
}

TEST_F(CliPluginTest, EachMunicipalityGivesASharedPluginItsOwnSettings) {
  init();  // 0999 sets no income limit for good_permit
  const auto other = write("indstillinger.yaml", R"(municipality: {code: "0998", name: Indstillinger Kommune}
organisational_model: supermarket
units:
  - {id: bsc, name: Borgerservice, kind: citizen_service_centre, has_chief: true}
staff:
  - {id: sofie, name: Sofie Dam, unit: bsc, roles: [frontdesk, caseworker, admin], layer: customer_line}
service_areas:
  good_permit:
    plugin: good_permit
    settings: {income_limit: "1000"}   # example value
)");
  ASSERT_EQ(run("--actor sofie init --municipality-file " + other).exit_code, 0);
  // Two municipalities: an admin of the one --municipality names installs for the installation.
  ASSERT_EQ(run("--municipality 0999 --actor anna plugins install " + plugin("good_permit")).exit_code, 0);
  for (const char* who : {"--municipality 0999 --actor bo", "--municipality 0998 --actor sofie"}) {
    ASSERT_EQ(run(std::string(who) + " case open -w good_permit -f applicant=Jens").exit_code, 0) << who;
  }
  for (const char* step : {"1 register", "1 complete -f income:=5000 --attach photo"}) {
    ASSERT_EQ(run(std::string("--actor bo case act ") + step).exit_code, 0) << step;
  }
  for (const char* step : {"2 register", "2 complete -f income:=5000 --attach photo"}) {
    ASSERT_EQ(run(std::string("--actor sofie case act ") + step).exit_code, 0) << step;
  }
  auto none = run("--json --actor bo case propose 1");
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_TRUE(json::parse(none.out)["proposal"].is_null()) << "0999 sets no limit";
  auto limited = run("--json --actor sofie case propose 2");
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_EQ(json::parse(limited.out)["proposal"]["outcome"], "refused") << "0998's limit of 1000 applies";
}

TEST_F(CliPluginTest, RefusalsNameTheFileAndTheReason) {
  init(false);
  auto r = run("--actor anna plugins install " + plugin("no_entry_permit"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no_entry_permit.so refused: it has no entry point"), std::string::npos) << r.err;
  fs::create_directories(dir_ / "plugins");
  std::ofstream(dir_ / "plugins" / "allowed-sha256.txt") << "# only this one\n" << std::string(64, 'a') << "\n";
  auto not_allowed = run("--actor anna plugins install " + plugin("good_permit"));
  EXPECT_EQ(not_allowed.exit_code, 1);
  EXPECT_NE(not_allowed.err.find("is not in the allow-list"), std::string::npos) << not_allowed.err;
  EXPECT_EQ(json::parse(run("--actor anna --json plugins list").out).size(), 0u);
}

}  // namespace

namespace {

TEST_F(CliTest, MunicipalityValidateListsEveryErrorWithPositions) {
  const auto bad = write("bad.yaml", "municipality: {code: 101, name: X}\norganisational_model: bazaar\nunits:\n  - {id: bsc, name: B, kind: centre}\n");
  auto r = run("municipality validate " + bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(bad + ":1:22: error: municipality.code '101' must be four digits"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":2:23: error: organisational_model 'bazaar' is unknown"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":4:30: error: unit 'bsc' kind is 'centre'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("gives the centre chief"), std::string::npos) << "no follow-on error from the unknown model: " << r.err;
  auto ok = run("municipality validate " + std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/eksempel-kommune.yaml");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("cooperation model"), std::string::npos) << ok.out;
}

}  // namespace

namespace {

TEST_F(CliTest, OneDatabaseServesSeveralMunicipalitiesAndTheirRulesReachTheCli) {
  const std::string dir = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/";
  for (const char* f : {"supermarked --actor ib", "samarbejde --actor oskar", "hybrid --actor hanne"}) {
    const std::string file_and_admin = f;
    const auto space = file_and_admin.find(' ');
    auto r = run(file_and_admin.substr(space + 1) + " init --municipality-file " + dir +
                 file_and_admin.substr(0, space) + ".yaml");
    ASSERT_EQ(r.exit_code, 0) << f << ": " << r.err;
  }
  // Skattestyrelsen's booth staff open a tax case; the centre of the same premises does not see it.
  auto opened = run("--json --municipality 0994 --actor freja case open -w tax_help");
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_EQ(json::parse(opened.out)["acting_authority"], "skattestyrelsen");
  auto hidden = run("--municipality 0994 --actor vibeke case show 1");
  EXPECT_EQ(hidden.exit_code, 4);
  EXPECT_NE(hidden.err.find("not the premises"), std::string::npos) << hidden.err;
  auto claimed = run("--municipality 0994 --actor vibeke --authority skattestyrelsen case show 1");
  EXPECT_EQ(claimed.exit_code, 4);
  EXPECT_NE(claimed.err.find("access follows the authority and the unit"), std::string::npos) << claimed.err;
  auto role = run("--municipality 0994 --actor vibeke --role caseworker case list");
  EXPECT_EQ(role.exit_code, 4) << "a role the staff list does not give is refused";

  // Concrete guidance on another authority's matter is refused; the refusal names it and what may be done.
  auto refused = run("--municipality 0991 --actor anna inquiry register --area housing_support --service "
                     "concrete_guidance");
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("decided by Udbetaling Danmark"), std::string::npos) << refused.err;
  // A letter for Skattestyrelsen is forwarded and recorded with date and receiver.
  auto letter = run("--json --municipality 0991 --actor anna inquiry register --area tax_help --channel letter "
                    "--service receive_and_forward --type transaction --form --cpr 070761-4285");
  ASSERT_EQ(letter.exit_code, 0) << letter.err;
  const auto l = json::parse(letter.out);
  EXPECT_EQ(l["forwarded_to"], "skattestyrelsen");
  EXPECT_EQ(l["citizen"], "070761-XXXX");
  EXPECT_EQ(l["acting_authority"], "0991");
  auto listed = run("--json --municipality 0991 --actor anna inquiry list");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out).size(), 1u);
  EXPECT_EQ(listed.out.find("4285"), std::string::npos);

  // Hybrid: the triage desk offers the tax booth on its next staffed day, or receives now before a deadline.
  auto triage = run("--json --municipality 0994 --actor vibeke triage --area tax_help --date 2026-11-25");
  ASSERT_EQ(triage.exit_code, 0) << triage.err;
  EXPECT_EQ(json::parse(triage.out)["offer"], "appointment");
  EXPECT_EQ(json::parse(triage.out)["on"], "2026-11-26");
  auto urgent = run("--json --municipality 0994 --actor vibeke triage --area tax_help --date 2026-11-25 --deadline "
                    "2026-11-25");
  EXPECT_EQ(json::parse(urgent.out)["offer"], "receive_now");

  // Explain shows where each task lies before anything is loaded.
  auto explained = run("municipality explain " + dir + "fuldt-torv.yaml");
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  EXPECT_NE(explained.out.find("triage desk"), std::string::npos) << explained.out;
  EXPECT_NE(explained.out.find("Pas og kørekort (bod)"), std::string::npos) << explained.out;
}

}  // namespace

namespace {

// A small emneplan in the schema KL publishes (the content here is made up for the test).
const char* kEmneplan = R"(<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan>
  <UdgivelsesDato>2026-10-01</UdgivelsesDato>
  <Hovedgruppe>
    <HovedgruppeNr>23</HovedgruppeNr>
    <HovedgruppeTitel>Borgerservice</HovedgruppeTitel>
    <Gruppe>
      <GruppeNr>23.05</GruppeNr>
      <GruppeTitel>Folkeregistrering</GruppeTitel>
      <Emne>
        <EmneNr>23.05.10</EmneNr>
        <EmneTitel>Flytning</EmneTitel>
        <EmneVejledning><p>Anmeldelse af flytning.</p></EmneVejledning>
        <EmneAdministrativInfo><OprettetDato>2000-01-01</OprettetDato></EmneAdministrativInfo>
        <BevaringJaevnfoerArkivloven>B</BevaringJaevnfoerArkivloven>
        <SletningJaevnfoerPersondataloven>P5Y</SletningJaevnfoerPersondataloven>
      </Emne>
    </Gruppe>
  </Hovedgruppe>
</KLE-Emneplan>
)";

TEST_F(CliTest, KleImportGivesCasesTheirSubjectTitleAndWarnsAboutNumbersThePlanLacks) {
  init();
  const auto broken = write("broken.xml", "<KLE-Emneplan>\n  <Hovedgruppe>\n</KLE-Emneplan>\n");
  auto refused = run("--actor anna kle import " + broken);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find(broken + ":3:"), std::string::npos) << "line of the problem: " << refused.err;

  auto imported = run("--actor anna kle import " + write("emneplan.xml", kEmneplan));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported 1 KLE subjects (emneplan published 2026-10-01)"), std::string::npos);
  EXPECT_NE(imported.err.find("workflow passport uses KLE 23.09.02, which the imported emneplan does not have"),
            std::string::npos)
      << imported.err;
  auto shown = run("kle show 23.05.10");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Flytning"), std::string::npos);
  EXPECT_NE(shown.out.find("5 år"), std::string::npos) << shown.out;
  EXPECT_EQ(run("kle show 99.99.99").exit_code, 5);

  ASSERT_EQ(run("case open -w moving").exit_code, 0);
  auto c = run("case show 1");
  EXPECT_NE(c.out.find("23.05.10 Flytning (delete after 5 år)"), std::string::npos) << c.out;

  // A plugin whose KLE number the plan lacks installs with a warning.
  auto installed = run("--actor anna --json plugins install " + std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/good_permit.so");
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_EQ(json::parse(installed.out)["kle_warnings"].size(), 1u) << installed.out;
}

}  // namespace

namespace sagsflow::testing {
namespace {

// A signing key as the docs make it: 32 random bytes, base64, mode 0600.
std::string random_key_text() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string bytes(32, '\0');
  random.read(bytes.data(), 32);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i + 2 < 33; i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (i + 1 < 32 ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0u) |
                       (i + 2 < 32 ? static_cast<unsigned char>(bytes[i + 2]) : 0u);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  return out.substr(0, 43) + "=";
}

TEST_F(CliTest, TokensAreIssuedOnlyWithAKeyAndOnlyToStaffOrAValidCitizen) {
  init(false);
  auto no_key = run("token issue --person frida");
  EXPECT_EQ(no_key.exit_code, 1);
  EXPECT_NE(no_key.err.find("signing.key"), std::string::npos) << no_key.err;
  const auto short_key = write("short.key", "c2hvcnQ=");
  ::chmod(short_key.c_str(), 0600);
  auto too_short = run("token issue --person frida --signing-key " + short_key);
  EXPECT_NE(too_short.err.find("fewer than 32 random bytes"), std::string::npos) << too_short.err;
  const auto key = write("signing.key", random_key_text());
  ::chmod(key.c_str(), 0600);
  auto staff = run("--json token issue --person frida --signing-key " + key);
  ASSERT_EQ(staff.exit_code, 0) << staff.err;
  const auto issued = json::parse(staff.out);
  EXPECT_EQ(issued["for"], "frida");
  const std::string token = issued["token"];
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  EXPECT_EQ(issued["jti"].get<std::string>().size(), 22u) << staff.out;
  auto stranger = run("token issue --person mallory --signing-key " + key);
  EXPECT_EQ(stranger.exit_code, 5);
  EXPECT_NE(stranger.err.find("staff list"), std::string::npos);
  auto wrong_role = run("token issue --person frida --token-role admin --signing-key " + key);
  EXPECT_EQ(wrong_role.exit_code, 4) << wrong_role.err;
  auto citizen = run("token issue --citizen 010490-9989 --signing-key " + key);
  EXPECT_EQ(citizen.exit_code, 0) << citizen.err;
  EXPECT_NE(citizen.err.find("token id (jti) "), std::string::npos) << "the text form names the id: " << citizen.err;
  EXPECT_NE(citizen.err.find("010490-XXXX"), std::string::npos) << citizen.err;
  EXPECT_EQ(citizen.err.find("9989"), std::string::npos) << citizen.err;
  auto bad_cpr = run("token issue --citizen 320190-1234 --signing-key " + key);
  EXPECT_EQ(bad_cpr.exit_code, 1);
  EXPECT_NE(bad_cpr.err.find("--citizen"), std::string::npos);
}

TEST_F(CliTest, TokenIssueRefusesAKeyOthersMayReadAWeakKeyAndALifetimeAboveTheMaximum) {
  init(false);
  const auto key = write("signing.key", random_key_text());
  ::chmod(key.c_str(), 0644);
  auto open = run("token issue --person frida --signing-key " + key);
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_NE(open.err.find("mode 0644"), std::string::npos) << open.err;
  EXPECT_NE(open.err.find("chmod 600 " + key), std::string::npos) << open.err;
  ::chmod(key.c_str(), 0600);
  const auto weak = write("weak.key", std::string(48, 'q'));
  ::chmod(weak.c_str(), 0600);
  auto repeated = run("token issue --person frida --signing-key " + weak);
  EXPECT_EQ(repeated.exit_code, 1);
  EXPECT_NE(repeated.err.find("repeats a pattern"), std::string::npos) << repeated.err;
  auto forever = run("token issue --person frida --hours 1000000 --signing-key " + key);
  EXPECT_EQ(forever.exit_code, 1);
  EXPECT_NE(forever.err.find("at most 720 hours"), std::string::npos) << forever.err;
  EXPECT_NE(forever.err.find("auth.token_max_lifetime_hours"), std::string::npos) << forever.err;
  EXPECT_EQ(run("token issue --person frida --hours 720 --signing-key " + key).exit_code, 0);
  const auto config = write("server.properties", "auth.token_max_lifetime_hours = 24\n");
  auto day = run("token issue --person frida --hours 25 --config " + config + " --signing-key " + key);
  EXPECT_EQ(day.exit_code, 1);
  EXPECT_NE(day.err.find("at most 24 hours"), std::string::npos) << day.err;
}

TEST_F(CliTest, ATokenForAMunicipalityIsOnlyIssuedToItsOwnStaff) {
  const std::string dir = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/";
  for (const char* f : {"eksempel-kommune --actor anna", "supermarked --actor ib"}) {
    const std::string file_and_admin = f;
    const auto space = file_and_admin.find(' ');
    ASSERT_EQ(run(file_and_admin.substr(space + 1) + " init --municipality-file " + dir +
                  file_and_admin.substr(0, space) + ".yaml").exit_code, 0) << f;
  }
  const auto key = write("signing.key", random_key_text());
  ::chmod(key.c_str(), 0600);
  // bent is on the staff list of 0991 (the supermarket), not of 0999.
  EXPECT_EQ(run("--municipality 0991 token issue --person bent --signing-key " + key).exit_code, 0);
  auto elsewhere = run("--municipality 0999 token issue --person bent --signing-key " + key);
  EXPECT_EQ(elsewhere.exit_code, 5);
  EXPECT_NE(elsewhere.err.find("not on the staff list of 0999 (they are on 0991's)"), std::string::npos)
      << elsewhere.err;
  // anna is on both lists: each municipality's token is for its own anna.
  EXPECT_EQ(run("--municipality 0999 token issue --person anna --signing-key " + key).exit_code, 0);
  EXPECT_EQ(run("--municipality 0991 token issue --person anna --signing-key " + key).exit_code, 0);
}

TEST_F(CliTest, TokenRevokeRecordsTheIdOnceAndRefusesWhatIsNoTokenId) {
  init(false);
  const auto key = write("signing.key", random_key_text());
  ::chmod(key.c_str(), 0600);
  auto issued = run("--json token issue --person frida --signing-key " + key);
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const std::string jti = json::parse(issued.out)["jti"];
  auto revoked = run("--json --actor anna token revoke " + jti + " --reason 'laptop stolen'");
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  const auto record = json::parse(revoked.out);
  EXPECT_EQ(record["revoked"], jti);
  EXPECT_EQ(record["by"], "anna");
  EXPECT_EQ(record["refused_within_seconds"], 5);
  auto again = run("token revoke " + jti);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("revoked already"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("by anna"), std::string::npos) << again.err;
  auto garbage = run("token revoke 'not a jti!'");
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("is not a token id"), std::string::npos) << garbage.err;
  EXPECT_EQ(run("token revoke").exit_code, 1) << "an id or --token is needed";
  // By the token itself: its id and expiry are read from it, once it verifies.
  const std::string token = json::parse(run("--json token issue --person bo --signing-key " + key).out)["token"];
  auto by_token = run("--json token revoke --token " + token + " --signing-key " + key);
  ASSERT_EQ(by_token.exit_code, 0) << by_token.err;
  EXPECT_EQ(json::parse(by_token.out)["kept_until"].get<std::string>().size(), 20u);
  auto forged = run("token revoke --token not.a.token --signing-key " + key);
  EXPECT_EQ(forged.exit_code, 4);
  EXPECT_NE(forged.err.find("nothing to revoke"), std::string::npos) << forged.err;
}

// The test program's umask is the usual 022: the files are 0600 because Sagsflow makes them so.
TEST_F(CliTest, ANewInstallationsDatabaseAndItsWalArePrivateToTheirOwner) {
  ::umask(022);
  init(false);
  const auto mode = [](const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
  };
  EXPECT_EQ(mode(dir_ / "cli.db"), 0600);
  // While a connection is open (a server), the WAL and its index exist: private too.
  auto store = sagsflow::db::SqlStore::open(db_);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->upsert_municipality("0998", "Prøvekommune").ok());
  EXPECT_EQ(mode(dir_ / "cli.db-wal"), 0600);
  EXPECT_EQ(mode(dir_ / "cli.db-shm"), 0600);
  store->reset();
  // A database made before (0644) is made private the next time it is opened.
  const auto old = dir_ / "old.db";
  {
    std::ofstream touch(old);
  }
  ::chmod(old.c_str(), 0644);
  ASSERT_TRUE(sagsflow::db::SqlStore::open("sqlite:" + old.string()).ok());
  EXPECT_EQ(mode(old), 0600);
  auto fresh = sagsflow::db::SqlStore::open("sqlite:" + (dir_ / "fresh.db").string());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(mode(dir_ / "fresh.db"), 0600);
}

// `sagsflow serve` started as an operator starts it: what its /proc entry says.
TEST_F(CliTest, AServerProcessHasNoCoreDumpsUnlessTheOperatorAllowsThemAndKeepsItsFilesPrivate) {
  init(false);
  const auto key = write("signing.key", random_key_text());
  ::chmod(key.c_str(), 0600);
  const auto serve = [&](const std::string& env) {
    const auto out = dir_ / "serve.out";
    fs::remove(out);
    const std::string cmd = env + " " + std::string(SAGSFLOW_BIN) + " --db '" + db_ + "' serve --port 0 --signing-key " +
                            key + " >" + out.string() + " 2>" + (dir_ / "serve.err").string() + " & echo $! >" +
                            (dir_ / "serve.pid").string();
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    const long pid = std::stol(sagsflow::read_text_file((dir_ / "serve.pid").string()).value());
    for (int i = 0; i < 100; ++i) {
      auto text = sagsflow::read_text_file(out.string());
      if (text.ok() && text->find("serves") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pid;
  };
  const auto core_limit = [](long pid) {
    std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
    for (std::string line; std::getline(limits, line);) {
      if (line.rfind("Max core file size", 0) == 0) {
        std::istringstream fields(line.substr(18));
        std::string soft;
        fields >> soft;
        return soft;
      }
    }
    return std::string("?");
  };
  const auto mode = [](const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
  };
  const long quiet = serve("SAGSFLOW_CORE_DUMPS=");
  EXPECT_EQ(core_limit(quiet), "0");
  EXPECT_EQ(mode(dir_ / "cli.db-wal"), 0600);
  EXPECT_EQ(mode(dir_ / "cli.db-shm"), 0600);
  ::kill(static_cast<pid_t>(quiet), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  rlimit hard{};
  ::getrlimit(RLIMIT_CORE, &hard);
  if (hard.rlim_max != 0) {  // where the hard limit is 0 no one can allow dumps
    const long dumping = serve("SAGSFLOW_CORE_DUMPS=1");
    EXPECT_NE(core_limit(dumping), "0");
    ::kill(static_cast<pid_t>(dumping), SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

TEST_F(CliTest, CaseShowAndHistoryAreInTheAccessLogWhichOnlyAdminsRead) {
  init(false);
  ASSERT_EQ(run("case open -w moving --cpr 010490-9989").exit_code, 0);
  ASSERT_EQ(run("case show 1").exit_code, 0);
  ASSERT_EQ(run("case history 1").exit_code, 0);
  EXPECT_EQ(run("--actor grete case show 1").exit_code, 4);  // not on this staff list: refused, not logged
  auto refused = run("audit");
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("admin"), std::string::npos) << refused.err;
  auto log = run("--actor anna --json audit --case 1");
  ASSERT_EQ(log.exit_code, 0) << log.err;
  const auto records = json::parse(log.out);
  ASSERT_EQ(records.size(), 3u) << log.out;
  EXPECT_EQ(records[0]["purpose"], "history");
  EXPECT_EQ(records[1]["purpose"], "case");
  EXPECT_EQ(records[2]["purpose"], "answer to open") << "the opened case the CLI printed is a read too";
  for (const auto& r : records) {
    EXPECT_EQ(r["actor"], "frida");
    EXPECT_EQ(r["via"], "cli");
  }
}

}  // namespace

namespace {

// Every complaint guidance names its appeals body: validate warns until the file sets one.
TEST_F(CliTest, MunicipalityValidateWarnsUntilEveryComplaintGuidanceNamesItsAppealsBody) {
  const std::string wf = write("permit.yaml", R"(id: permit
subject: 23.09.02
service_area: permits
start: decide
complaint_deadline: {weeks: 4}
stages:
  decide:
    kind: decision
    actions:
      refuse: {next: closed, decision: true, outcome: refused}
)");
  const std::string head = "municipality: {code: \"0101\", name: T}\nworkflows: [permit.yaml]\n"
                           "letters: {letterhead: {address: Torvet 1, cvr: \"64942212\"}, digital_post: {plugin: "
                           "digital_post}, print: {plugin: print}}\n";
  auto warned = run("--json municipality validate " + write("without.yaml", head));
  ASSERT_EQ(warned.exit_code, 0) << warned.err;
  const auto report = json::parse(warned.out);
  ASSERT_EQ(report[0]["warnings"].size(), 1u) << warned.out;
  EXPECT_NE(report[0]["warnings"][0].get<std::string>().find("service_areas.permits.appeals_body"), std::string::npos);
  auto fixed = run("--json municipality validate " +
                   write("with.yaml", head + "service_areas:\n  permits: {appeals_body: Klagenaevnet}\n"));
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_TRUE(json::parse(fixed.out)[0]["warnings"].empty()) << fixed.out;
  auto bad = run("municipality validate " + write("bad.yaml", head + "calendar: {closing_days: [midsummer]}\n"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find(":4:27: error: calendar.closing_days: 'midsummer' is not one of"), std::string::npos) << bad.err;
}

TEST_F(CliTest, AHearingAndAReceiptDateFromTheCommandLine) {
  init();
  auto future = run("case open -w passport --received-on 2999-01-01");
  EXPECT_NE(future.exit_code, 0);
  EXPECT_NE(future.err.find("is after today"), std::string::npos) << future.err;
  auto opened = run("--json case open -w passport --cpr 070761-4285 --received-on 2026-01-05");
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_EQ(json::parse(opened.out)["received_on"], "2026-01-05");
  auto blank = run("case hearing 1 --facts '   '");
  EXPECT_NE(blank.exit_code, 0);
  EXPECT_NE(blank.err.find("facts"), std::string::npos) << blank.err;
  auto heard = run("--json case hearing 1 --facts 'Registeret viser en anden adresse'");
  ASSERT_EQ(heard.exit_code, 0) << heard.err;
  EXPECT_EQ(json::parse(heard.out)["hearing"]["facts"], "Registeret viser en anden adresse");
  auto replied = run("--json case hearing-reply 1 --reply 'Adressen er rettet'");
  ASSERT_EQ(replied.exit_code, 0) << replied.err;
  EXPECT_TRUE(json::parse(replied.out)["hearing"].is_null());
  auto history = run("--json case history 1 --verify");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_TRUE(json::parse(history.out)["replay_matches_state"].get<bool>());
}

}  // namespace
}  // namespace sagsflow::testing

// Issue 17: the CLI obeys the same rules as the web.
namespace {

// Every admin command (the operations of the server's /api/v1/admin routes,
// and what changes the installation's plugins, workflows and configuration)
// refuses a person without the role admin, naming them, the role and who to act as.
TEST_F(CliTest, EveryAdminCommandRefusesAPersonWithoutTheAdminRoleNamingThemTheRoleAndHowToActAsAnAdmin) {
  init(false);
  const std::string source = SAGSFLOW_SOURCE_DIR;
  const std::string plugin = std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/good_permit.so";
  ASSERT_EQ(run("--actor anna plugins install " + plugin).exit_code, 0);
  const std::vector<std::string> admin_commands{
      "init --municipality-file " + source + "/examples/municipalities/eksempel-kommune.yaml",
      "workflow deploy " + source + "/workflows/passport.yaml",
      "workflow list",
      "plugins list",
      "plugins install " + plugin,
      "plugins disable good_permit",
      "plugins enable good_permit",
      "plugins remove good_permit",
      "kle import " + write("emneplan.xml", "<KLE-Emneplan/>\n"),
      "simulate " + source + "/examples/profiles/koebenhavn-2012.yaml --scale 0.001 --days 1",
      "audit",
      "letters list",
  };
  for (const auto& command : admin_commands) {
    for (const std::string who : {"frida", "tove"}) {  // the front desk; a team leader
      auto r = run("--actor " + who + " " + command);
      EXPECT_EQ(r.exit_code, 4) << who << " " << command << ": " << r.out << r.err;
      EXPECT_NE(r.err.find("error: " + who + " may not "), std::string::npos) << command << ": " << r.err;
      EXPECT_NE(r.err.find("needs the role 'admin' on the staff list of Eksempel Kommune"), std::string::npos)
          << command << ": " << r.err;
      EXPECT_NE(r.err.find("--actor anna"), std::string::npos) << command << ": " << r.err;
    }
  }
  // Someone on no staff list is named too, with the same way out.
  auto stranger = run("--actor mallory workflow list");
  EXPECT_EQ(stranger.exit_code, 4);
  EXPECT_NE(stranger.err.find("mallory may not list the deployed workflows"), std::string::npos) << stranger.err;
  EXPECT_NE(stranger.err.find("--actor anna"), std::string::npos) << stranger.err;
  // The admin may (the plugin is still installed: every refusal above changed nothing).
  EXPECT_EQ(run("--actor anna workflow list").exit_code, 0);
  auto listed = run("--actor anna --json plugins list");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out)[0]["enabled"], true);
  // An admin acting in another role is not acting as an admin.
  EXPECT_EQ(run("--actor anna --role frontdesk plugins list").exit_code, 4);
}

TEST_F(CliTest, TheFirstInitNeedsAnAdminOfTheFileAndALaterOneAnAdminOfTheStoredMunicipality) {
  const std::string file = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/eksempel-kommune.yaml";
  auto refused = run("--actor frida init --municipality-file " + file);
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find("frida may not load the municipality file of Eksempel Kommune"), std::string::npos)
      << refused.err;
  auto version = run("--json db version");
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(json::parse(version.out)["database"], 0) << "nothing was set up";
  // A file that makes frida an admin does not let her take over the stored municipality.
  init(false);
  std::string text = sagsflow::read_text_file(file).value();
  for (size_t at = text.find("../../workflows/"); at != std::string::npos; at = text.find("../../workflows/")) {
    text.replace(at, 16, std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/");
  }
  const std::string frida = "roles: [frontdesk], layer: customer_line}";
  ASSERT_NE(text.find(frida), std::string::npos);
  text.replace(text.find(frida), frida.size(), "roles: [frontdesk, admin], layer: customer_line}");
  auto takeover = run("--actor frida init --municipality-file " + write("frida-admin.yaml", text));
  EXPECT_EQ(takeover.exit_code, 4) << takeover.err;
  EXPECT_NE(takeover.err.find("act as one of its admins (anna)"), std::string::npos) << takeover.err;
  EXPECT_EQ(run("--actor anna init --municipality-file " + write("frida-admin.yaml", text)).exit_code, 0);
}

// `sagsflow case show --json 1` is `sagsflow --json case show 1`: every global
// option is taken before and after the command.
TEST_F(CliTest, GlobalOptionsAreTakenAfterTheCommandAsBeforeIt) {
  init();
  ASSERT_EQ(run("case open -w passport").exit_code, 0);
  auto after = run("case show --json 1");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(json::parse(after.out)["id"], 1);
  auto at_end = run("case show 1 --json");
  ASSERT_EQ(at_end.exit_code, 0) << at_end.err;
  EXPECT_EQ(json::parse(at_end.out), json::parse(run("--json case show 1").out));
  // --db, --actor, --role, --municipality after a nested command.
  const std::string db = db_;
  db_ = "sqlite:" + (dir_ / "elsewhere.db").string();  // run() puts this --db first: the later one wins
  auto listed = run("plugins list --db '" + db + "' --json --actor anna --role admin --municipality 0999");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_FALSE(json::parse(listed.out).empty());
  db_ = db;
  EXPECT_EQ(run("case show 1 --actor mallory").exit_code, 4) << "the --actor after the command is the one who acts";
  // A command's own option of the same name stays the command's.
  auto worklist = run("case worklist --unit bsc --json --actor bo");
  ASSERT_EQ(worklist.exit_code, 0) << worklist.err;
  EXPECT_EQ(json::parse(worklist.out)["cases"][0]["id"], 1);
  // Every command takes every global option after it (none is "not expected").
  std::set<std::string> leaves;
  std::deque<std::string> todo{""};
  while (!todo.empty()) {
    const std::string cmd = todo.front();
    todo.pop_front();
    const auto subs = commands_in_help(run(cmd + " --help").out);
    if (subs.empty()) leaves.insert(cmd);
    for (const auto& sub : subs) todo.push_back(cmd.empty() ? sub : cmd + " " + sub);
  }
  ASSERT_GT(leaves.size(), 40u);
  const std::string globals = " --json --db 'sqlite:" + (dir_ / "none" / "x.db").string() +
                              "' --municipality 0999 --actor frida --unit bsc --authority 0999 --role frontdesk "
                              "--plugin-dir " + (dir_ / "none").string();
  for (const auto& cmd : leaves) {
    if (cmd.rfind("bench", 0) == 0 || cmd == "serve") continue;  // they would run for a while
    auto r = run(cmd + globals);
    EXPECT_EQ(r.err.find("not expected"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_EQ(r.err.find("is not a command"), std::string::npos) << cmd << ": " << r.err;
  }
}

// Every exit code the CLI uses (the ExitCode enum) is in `sagsflow --help` and
// in docs/operations.md#exit-codes; a usage error CLI11 numbers itself (105 for
// a file that does not exist) is exit code 2.
TEST_F(CliTest, EveryExitCodeIsDocumentedAndAMissingFileIsAUsageError) {
  const std::string header = sagsflow::read_text_file(std::string(SAGSFLOW_SOURCE_DIR) + "/app/src/cli_context.hpp").value();
  const std::string docs = sagsflow::read_text_file(std::string(SAGSFLOW_SOURCE_DIR) + "/docs/operations.md").value();
  const auto table = docs.find("## Exit codes");
  ASSERT_NE(table, std::string::npos) << "docs/operations.md has an exit-code section";
  const std::string help = run("--help").out;
  std::set<int> codes;
  for (size_t at = header.find("kExit"); at != std::string::npos; at = header.find("kExit", at + 1)) {
    const auto eq = header.find(" = ", at);
    const auto end = header.find_first_of(",\n", at);
    if (eq == std::string::npos || eq > end) continue;
    codes.insert(std::stoi(header.substr(eq + 3, end - eq - 3)));
  }
  ASSERT_EQ(codes, (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  for (int code : codes) {
    EXPECT_NE(help.find(std::to_string(code) + " "), std::string::npos) << code << " in --help: " << help;
    EXPECT_NE(docs.find("| " + std::to_string(code) + " |", table), std::string::npos) << code << " in the docs";
  }
  init(false);
  for (const std::string command : {"--actor anna kle import no-such-file.xml", "--actor anna workflow deploy no-such.yaml",
                                    "--actor anna init --municipality-file no-such.yaml", "kle import"}) {
    auto r = run(command);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
  }
  auto refused = run("kle import " + write("emneplan.xml", "<KLE-Emneplan/>\n"));
  EXPECT_EQ(refused.exit_code, 4) << "frida is no admin: " << refused.err;
}

}  // namespace
