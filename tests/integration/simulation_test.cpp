// `sagsflow simulate` runs a profile's inquiries and cases through the real
// engine and plugins into the installation, and the reports read them back.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sagsflow/app/simulation.hpp"
#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CommandResult {
  int exit_code = 0;
  std::string out, err;
};

class SimulationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-sim-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "sim.db").string();
    ASSERT_EQ(run("--actor anna init --municipality-file " + std::string(SAGSFLOW_SOURCE_DIR) +
                  "/examples/municipalities/eksempel-kommune.yaml").exit_code, 0);
    for (const auto& e : fs::directory_iterator(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR)) {
      if (e.path().extension() == ".so") ASSERT_EQ(run("--actor anna plugins install " + e.path().string()).exit_code, 0);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  CommandResult run(const std::string& args) {
    const std::string cmd = std::string(SAGSFLOW_BIN) + " --db '" + db_ + "' --actor frida " + args + " >" +
                            (dir_ / "out").string() + " 2>" + (dir_ / "err").string();
    CommandResult r;
    r.exit_code = WEXITSTATUS(std::system(cmd.c_str()));
    std::ifstream o(dir_ / "out"), e(dir_ / "err");
    std::stringstream so, se;
    so << o.rdbuf();
    se << e.rdbuf();
    r.out = so.str();
    r.err = se.str();
    return r;
  }
  fs::path dir_;
  std::string db_;
  const std::string profile_ = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/profiles/koebenhavn-2012.yaml";
};

TEST_F(SimulationTest, AMonthOfTheCopenhagenProfileRunsThroughTheEngineAndShowsInTheReports) {
  auto sim = run("--actor anna --json simulate " + profile_ + " --scale 0.005 --days 31");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const auto s = json::parse(sim.out);
  // January's share of 2.15 million a year at 0.5 %: about 850 inquiries.
  EXPECT_GT(s["inquiries"].get<long long>(), 600);
  EXPECT_LT(s["inquiries"].get<long long>(), 1100);
  EXPECT_GT(s["cases_opened"].get<long long>(), 50);
  EXPECT_GT(s["cases_closed"].get<long long>(), 40);  // moves and passports decided by the real plugins
  EXPECT_TRUE(s["refusals"].empty()) << s["refusals"].dump();
  // Phone is the biggest channel in the Copenhagen figures (docs/legal.md#copenhagen-figures), and about 80 % are resolved at first contact.
  auto report = run("report channels --from 2025-01-01 --to 2025-02-01 --format json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto r = json::parse(report.out);
  EXPECT_EQ(r["inquiries"], s["inquiries"]);
  EXPECT_NEAR(r["first_contact_share"].get<double>(), 0.8, 0.06);
  long long phone = 0, personal = 0;
  for (const auto& c : r["channels"]) {
    if (c["channel"] == "phone") phone = c["inquiries"];
    if (c["channel"] == "personal_attendance") personal = c["inquiries"];
  }
  EXPECT_GT(phone, personal);
  EXPECT_GT(r["for_other_authorities"].get<long long>(), 0);  // housing support and tax help
  // The phone and the counter are queues at the profile's full volumes; their
  // answered contacts, scaled, are the inquiries registered (not those who gave up).
  for (const auto& [channel, registered] : {std::pair{"phone", phone}, std::pair{"personal_attendance", personal}}) {
    const auto& q = s["queues"][channel];
    const long long offered = q["offered"], answered = q["answered"], abandoned = q["abandoned"];
    EXPECT_EQ(offered, answered + abandoned) << channel;
    EXPECT_GT(answered, 0) << channel;
    EXPECT_NEAR(double(registered), double(answered) * 0.005, 4 * std::sqrt(double(answered) * 0.005) + 2) << channel;
    EXPECT_EQ(q["by_day"].size(), 22u) << channel;  // January 2025: 23 weekdays, New Year's Day a holiday
    EXPECT_GE(q["p90_wait_minutes"].get<double>(), 0) << channel;
    EXPECT_LE(q["within_goal_share"].get<double>(), 1) << channel;
  }
  EXPECT_EQ(s["queues"]["phone"]["displaced"], 0);  // the profile's arrivals all fall within its hours
}

TEST_F(SimulationTest, TheWholeYearsQueuesRunInSecondsAndAnEarlierPhoneClosingDisplacesCallsAndLengthensTheWait) {
  auto year = run("--json simulate " + profile_ + " --queues-only");
  ASSERT_EQ(year.exit_code, 0) << year.err;
  const auto y = json::parse(year.out);
  const double seconds = y["queue_seconds"];
  std::cout << "the Copenhagen year's queues: " << y["queue_contacts"] << " contacts in " << seconds << " s\n";
  EXPECT_GT(y["queue_contacts"].get<long long>(), 1500000);  // 1.1 M calls and 0.49 M at the counter
  EXPECT_NEAR(y["queues"]["phone"]["offered"].get<double>(), 1100000, 5000);
  EXPECT_LT(seconds, 20);
  EXPECT_EQ(y["queues"]["phone"]["by_day"].size(), 253u);  // 2025: 261 weekdays, 8 of them holidays

  auto close = run("--json simulate " + profile_ + " --queues-only --phone-close 18:00");
  ASSERT_EQ(close.exit_code, 0) << close.err;
  const auto c = json::parse(close.out);
  const auto& as_is = c["as_is"]["queues"]["phone"];
  const auto& early = c["what_if_figures"]["queues"]["phone"];
  const auto& change = c["change"]["phone"];
  EXPECT_EQ(as_is["offered"], y["queues"]["phone"]["offered"]);  // the same seed, the same year
  // 18:00-22:00 holds 7 % of the phone's demand: about 77,000 calls displaced.
  EXPECT_NEAR(early["displaced"].get<double>(), 77000, 3000);
  EXPECT_GT(change["displaced"].get<long long>(), 70000);
  EXPECT_NEAR(early["displaced_to"]["digital_self_service"].get<double>(), 0.4 * early["displaced"].get<double>(), 1000);
  // 30 % call again while open: a longer wait and more who give up waiting.
  EXPECT_GT(change["mean_wait_minutes"].get<double>(), 0);
  EXPECT_GT(change["abandoned"].get<long long>(), 0);
  EXPECT_LT(change["within_goal_share"].get<double>(), 0);
  // Those moved to the counter queue there.
  EXPECT_GT(c["change"]["personal_attendance"]["offered"].get<long long>(), 10000);

  auto text = run("simulate " + profile_ + " --queues-only --phone-close 18:00");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("What if phone closes at 18:00"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("gave up waiting"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("waiting, mean (min)"), std::string::npos) << text.out;

  auto wrong = run("simulate " + profile_ + " --queues-only --phone-close 25:00");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("--phone-close must be a time HH:MM"), std::string::npos) << wrong.err;
}

TEST_F(SimulationTest, TheProfilesWhatIfHoursAreComparedWithCompare) {
  auto counter = run("--json simulate " + profile_ + " --queues-only --compare --days 14");
  ASSERT_EQ(counter.exit_code, 0) << counter.err;
  const auto j = json::parse(counter.out);
  // The counter open until 17:30 every weekday: fewer displaced, the phone as it was.
  EXPECT_LT(j["change"]["personal_attendance"]["displaced"].get<long long>(), 0);
  EXPECT_EQ(j["change"]["phone"]["offered"], 0);
}

TEST_F(SimulationTest, TheMunicipalitysHoursAndAppointmentsRunTheQueuesAndAWhatIfFileWithFewerHoursShowsTheCost) {
  const std::string source = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/eksempel-kommune.yaml";
  const std::string profile = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/profiles/eksempel-kommune.yaml";
  // The what-if: the counter closes at 15:00 on Thursdays too, the phone at 13:00 Monday to Thursday, one passport
  // desk and no appointments for moving.
  auto text = read_text_file(source);
  ASSERT_TRUE(text.ok());
  std::string changed = *text;
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = changed.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    changed.replace(at, from.size(), to);
  };
  replace("{days: [thursday], open: \"10:00-17:30\"}", "{days: [thursday], open: \"10:00-15:00\"}");
  replace("{days: [monday, tuesday, wednesday, thursday], open: \"09:00-16:00\"}",
          "{days: [monday, tuesday, wednesday, thursday], open: \"09:00-13:00\"}");
  replace("      minutes: 15\n      desks: 2", "      minutes: 15\n      desks: 1");
  replace("    appointments: {minutes: 20}", "    # no appointments for moving");
  const std::string what_if_file = (dir_ / "fewer-hours.yaml").string();
  std::ofstream(what_if_file) << changed;

  auto year = run("--json simulate " + profile + " --queues-only --municipality-file " + source);
  ASSERT_EQ(year.exit_code, 0) << year.err;
  const auto y = json::parse(year.out);
  const auto& counter = y["queues"]["personal_attendance"];
  // A fifth of the counter's 30,000 book a time; the passport desks hold most of them.
  EXPECT_NEAR(counter["booked"].get<double>() + counter["booked_overflow"].get<double>(), 6000, 200);
  EXPECT_GT(counter["booked"].get<long long>(), 3000);
  EXPECT_GT(y["queues"]["phone"]["offered"].get<long long>(), 50000);

  auto compared = run("--json simulate " + profile + " --queues-only --municipality-file " + source +
                      " --what-if-municipality " + what_if_file);
  ASSERT_EQ(compared.exit_code, 0) << compared.err;
  const auto c = json::parse(compared.out);
  EXPECT_EQ(c["as_is"]["queues"]["phone"]["offered"], y["queues"]["phone"]["offered"]);  // the same year
  const auto& change = c["change"];
  // The phone closing at 13:00 Monday to Thursday: callers after it displaced, more calling again and waiting.
  EXPECT_GT(change["phone"]["displaced"].get<long long>(), 5000);
  EXPECT_GT(change["phone"]["mean_wait_minutes"].get<double>(), 0);
  // Fewer seats: booked visitors without a time queue at the counter, which closes earlier on Thursdays.
  EXPECT_LT(change["personal_attendance"]["booked"].get<long long>(), 0);
  EXPECT_GT(change["personal_attendance"]["booked_overflow"].get<long long>(), 0);
  EXPECT_GT(change["personal_attendance"]["mean_wait_minutes"].get<double>(), 0);

  auto printed = run("simulate " + profile + " --queues-only --municipality-file " + source +
                     " --what-if-municipality " + what_if_file);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_NE(printed.out.find("served at a booked time"), std::string::npos) << printed.out;
  EXPECT_NE(printed.out.find("the hours and appointments of " + what_if_file), std::string::npos) << printed.out;

  // A full year through the engine takes the installation's own file; the what-if file works there too.
  auto full = run("--actor anna --json simulate " + profile + " --scale 0.02 --days 10 --what-if-municipality " + what_if_file);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_GT(json::parse(full.out)["queue_change"]["phone"]["displaced"].get<long long>(), 0);

  // Without a municipality file the profile's "municipality" hours are refused, naming the channel.
  auto missing = run("simulate " + profile + " --queues-only");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("opening_hours.p"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("no municipality file is given"), std::string::npos) << missing.err;
  // A broken what-if file is refused with its line.
  std::ofstream(dir_ / "broken.yaml") << "municipality: {code: \"0989\"}\nopening_hours: {phone: [{days: [funday], open: \"09:00-13:00\"}]}\n";
  auto broken = run("simulate " + profile + " --queues-only --municipality-file " + source +
                    " --what-if-municipality " + (dir_ / "broken.yaml").string());
  EXPECT_NE(broken.exit_code, 0);
  EXPECT_NE(broken.err.find("broken.yaml:"), std::string::npos) << broken.err;
}

TEST_F(SimulationTest, AWhatIfComparesBothYearsWithoutTouchingTheInstallation) {
  auto what_if = run("--actor anna --json simulate " + profile_ + " --scale 0.005 --days 20 --phone-hours 0.5");
  ASSERT_EQ(what_if.exit_code, 0) << what_if.err;
  const auto j = json::parse(what_if.out);
  EXPECT_GT(j["what_if"]["digital_share"].get<double>(), j["as_is"]["digital_share"].get<double>());
  EXPECT_LT(j["what_if"]["cost_kr"].get<double>(), j["as_is"]["cost_kr"].get<double>());
  EXPECT_GT(j["what_if"]["gave_up"].get<long long>(), 0);
  // Halved phone hours (08:00-15:00): displaced calls, and the queue's figures of both years.
  EXPECT_EQ(j["as_is"]["queues"]["phone"]["displaced"], 0);
  EXPECT_GT(j["what_if"]["queues"]["phone"]["displaced"].get<long long>(), 10000);
  EXPECT_GT(j["queue_change"]["phone"]["displaced"].get<long long>(), 10000);
  EXPECT_NE(j["what_if"]["queues"]["phone"]["mean_wait_minutes"], j["as_is"]["queues"]["phone"]["mean_wait_minutes"]);
  auto report = run("report channels --from 2025-01-01 --to 2026-01-01 --format json");
  EXPECT_EQ(json::parse(report.out)["inquiries"], 0);
}

// The inquiries registered on `day` (YYYY-MM-DD) as `store` sees them.
long long inquiries_on(db::SqlStore& store, const std::string& municipality, const std::string& day,
                       const std::string& next_day) {
  InquiryCountFilter filter;
  filter.municipality = municipality;
  filter.from = day;
  filter.to = next_day;
  auto counts = store.count_inquiries(filter);
  EXPECT_TRUE(counts.ok()) << counts.status().message();
  long long n = 0;
  if (counts.ok()) {
    for (const auto& c : *counts) n += c.count;
  }
  return n;
}

std::string day_text(Timestamp at, int plus_days = 0) {
  return format_date(std::chrono::floor<std::chrono::days>(at) + std::chrono::days(plus_days));
}

TEST_F(SimulationTest, ADayIsOneTransactionThatAnotherConnectionSeesWholeOnceItIsDone) {
  auto text = read_text_file(profile_);
  ASSERT_TRUE(text.ok());
  auto profile = app::parse_simulation_profile(*text, profile_);
  ASSERT_TRUE(profile.ok());
  auto reader = db::SqlStore::open(db_);  // another connection to the same database
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto municipalities = (*reader)->list_municipalities();
  ASSERT_TRUE(municipalities.ok() && !municipalities->empty());
  const std::string municipality = municipalities->front().first;

  // The clock is read all through a day: at its 60th reading of a day the day
  // has stored work on the simulation's own connection, and none of it shows
  // on the other connection.
  Timestamp now{};
  app::Installation* sim = nullptr;
  Date clock_day{};
  int readings_today = 0, mid_day_looks = 0;
  app::InstallationOptions options{db_, "", [&]() -> Timestamp {
                                     const Date d = std::chrono::floor<std::chrono::days>(now);
                                     if (d != clock_day) {
                                       clock_day = d;
                                       readings_today = 0;
                                     }
                                     if (++readings_today == 60 && sim != nullptr && now > Timestamp{}) {
                                       const std::string day = day_text(now), next = day_text(now, 1);
                                       EXPECT_GT(inquiries_on(*sim->store, municipality, day, next), 0) << day;
                                       EXPECT_EQ(inquiries_on(**reader, municipality, day, next), 0) << day;
                                       ++mid_day_looks;
                                     }
                                     return now;
                                   }};
  options.sqlite_synchronous = "OFF";
  auto inst = app::open_installation(options);
  ASSERT_TRUE(inst.ok()) << inst.status().message();
  sim = &*inst;

  // Once a day is done (progress is told after its commit), all of it shows.
  app::SimulationOptions run;
  run.municipality = municipality;
  run.scale = 0.005;
  run.days = 10;
  long long before = 0;
  int days_seen = 0;
  run.progress = [&](int day, int, long long inquiries) {
    const Timestamp on = std::chrono::sys_days(Date(std::chrono::year{profile.profile->year} / 1 / 1)) +
                         std::chrono::days(day - 1);
    EXPECT_EQ(inquiries_on(**reader, municipality, day_text(on), day_text(on, 1)), inquiries - before)
        << "day " << day;
    before = inquiries;
    ++days_seen;
  };
  auto summary = app::simulate(*inst, now, *profile.profile, run);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(days_seen, 10);
  EXPECT_GT(mid_day_looks, 3);  // the working days at least
  EXPECT_GT(summary->total_inquiries, 100);
  CaseFilter all;
  all.limit = 100000;
  auto cases = (*reader)->list_cases(all);
  ASSERT_TRUE(cases.ok());
  EXPECT_EQ(static_cast<long long>(cases->size()), summary->cases_opened);
}

TEST_F(SimulationTest, AStepTheEngineRefusesIsUndoneAloneAndTheRestOfItsDayStands) {
  // Every move report's second step lacks the fields the workflow requires.
  const std::string yaml =
      "name: refusals\n"
      "year: 2025\n"
      "seed: 7\n"
      "volumes: {personal_attendance: 20000}\n"
      "general_share: 0.5\n"
      "areas:\n"
      "  moving: {share: 1.0, workflow: moving, steps: [{action: register}, {action: complete}]}\n";
  auto profile = app::parse_simulation_profile(yaml, "refusals.yaml");
  ASSERT_TRUE(profile.ok());
  auto reader = db::SqlStore::open(db_);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const std::string municipality = (*reader)->list_municipalities()->front().first;
  Timestamp now{};
  app::InstallationOptions options{db_, "", [&now] { return now; }};
  options.sqlite_synchronous = "OFF";
  auto inst = app::open_installation(options);
  ASSERT_TRUE(inst.ok()) << inst.status().message();
  app::SimulationOptions run;
  run.municipality = municipality;
  run.days = 3;  // Wednesday 1 January (a holiday), Thursday and Friday
  auto summary = app::simulate(*inst, now, *profile.profile, run);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  ASSERT_GT(summary->cases_opened, 20);
  long long refused = 0;
  for (const auto& [reason, n] : summary->refusals) {
    EXPECT_NE(reason.find("moving complete"), std::string::npos) << reason;
    refused += n;
  }
  // Every case was registered on the day it was opened and refused its completion there too.
  EXPECT_EQ(refused, summary->cases_opened);
  EXPECT_EQ(summary->steps_taken, summary->cases_opened);

  // Another connection sees the days whole: every inquiry, every case, every
  // registration, and nothing of a refused completion.
  EXPECT_EQ(inquiries_on(**reader, municipality, "2025-01-01", "2025-01-04"), summary->total_inquiries);
  CaseFilter all;
  all.limit = 100000;
  auto cases = (*reader)->list_cases(all);
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(static_cast<long long>(cases->size()), summary->cases_opened);
  for (const auto& c : *cases) {
    EXPECT_EQ(c.stage, "check") << c.case_number;
    auto history = (*reader)->load_history(c.id);
    ASSERT_TRUE(history.ok());
    bool registered = false;
    for (const auto& e : *history) {
      EXPECT_NE(e.action, "complete") << c.case_number;
      registered = registered || e.action == "register";
    }
    EXPECT_TRUE(registered) << c.case_number;
  }
}

TEST(SimulationProfileTest, AProfileWithMistakesIsRefusedWithTheirPositions) {
  auto r = app::parse_simulation_profile(
      "volumes: {phone: 10, pigeon: 5}\n"
      "general_share: 1.5\n"
      "areas:\n"
      "  moving: {share: 0.5, steps: [{action: register}]}\n",
      "bad.yaml");
  ASSERT_FALSE(r.ok());
  std::vector<std::string> messages;
  for (const auto& d : r.errors) messages.push_back(d.to_string());
  const std::string all = ::testing::PrintToString(messages);
  EXPECT_NE(all.find("bad.yaml:1:"), std::string::npos) << all;
  EXPECT_NE(all.find("'pigeon' is not a channel"), std::string::npos) << all;
  EXPECT_NE(all.find("general_share must be a number from 0 to 1"), std::string::npos) << all;
  EXPECT_NE(all.find("moving has steps but no workflow"), std::string::npos) << all;
  EXPECT_NE(all.find("add up to 0.500"), std::string::npos) << all;
}

}  // namespace
}  // namespace sagsflow::testing
