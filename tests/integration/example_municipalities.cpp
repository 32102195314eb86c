#include "example_municipalities.hpp"

#include <filesystem>
#include <set>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::testing {

void ExampleMunicipalitiesTest::SetUp() {
  DatabaseTest::SetUp();
  if (not_ready()) return;
  store_ = connect();
  clock_.set(*parse_date("2026-11-24"));  // a Tuesday
  PluginHostOptions host_options;
  host_options.config = [this](const std::string& plugin, const std::string& municipality, const std::string& key) {
    return org_.plugin_setting(plugin, municipality, key);
  };
  plugins_ = std::make_unique<PluginHost>(host_options);
  if (std::filesystem::exists(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR)) {
    for (const auto& entry : std::filesystem::directory_iterator(SAGSFLOW_FIRST_PARTY_PLUGIN_DIR)) {
      if (entry.path().extension() != ".so") continue;
      auto loaded = plugins_->load(entry.path().string());
      ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    }
  }
  EngineOptions options{DanishCalendar{}, clock_.clock(), plugins_.get()};
  options.organisation = &org_;
  engine_ = std::make_unique<CaseEngine>(*store_, options);
  desk_ = std::make_unique<FrontDesk>(*store_, org_, DanishCalendar{}, clock_.clock());
  plugins_->attach(*engine_);
  std::set<std::string> deployed;
  for (const char* f : {"supermarked", "samarbejde", "begraenset-torv", "hybrid", "fuldt-torv"}) {
    const std::string path = std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/" + f + ".yaml";
    auto parsed = load_municipality_file(path);
    ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.errors.front().to_string();
    ASSERT_TRUE(store_->upsert_municipality(parsed.config->code, parsed.config->name).ok());
    for (const auto& wf_file : parsed.config->workflow_files) {
      if (!deployed.insert(wf_file).second) continue;
      auto text = read_text_file(wf_file);
      ASSERT_TRUE(text.ok()) << wf_file;
      ASSERT_TRUE(engine_->deploy_workflow(*text, wf_file).ok()) << wf_file;
      org_.add_workflow(*parse_workflow(*text, wf_file).definition);
    }
    codes_.push_back(parsed.config->code);
    org_.add(std::move(*parsed.config));
  }
}

void ExampleMunicipalitiesTest::TearDown() {
  if (plugins_) plugins_->detach();
  DatabaseTest::TearDown();
}

std::vector<Actor> ExampleMunicipalitiesTest::staff(const std::string& code) const {
  std::vector<Actor> out;
  for (const auto& s : org_.find(code)->staff) out.push_back(person(s.id));
  return out;
}

Actor ExampleMunicipalitiesTest::person(const std::string& id) const {
  auto who = org_.person(id);
  EXPECT_TRUE(who.ok()) << who.status().message();
  if (!who.ok()) return {};
  return Actor{id, who->staff->unit, who->authority, who->staff->roles};
}

Actor ExampleMunicipalitiesTest::front_desk(const std::string& code) const {
  for (const auto& a : staff(code)) {
    if (a.unit == "bsc") return a;
  }
  return {};
}

std::vector<Actor> ExampleMunicipalitiesTest::may_take(long long id, const std::string& code,
                                                       const std::vector<std::string>& actions) {
  std::vector<Actor> out;
  for (const auto& a : staff(code)) {
    auto available = engine_->available_actions(id, a);
    if (!available.ok()) continue;
    for (const auto& act : *available) {
      if (std::find(actions.begin(), actions.end(), act.name) != actions.end()) {
        out.push_back(a);
        break;
      }
    }
  }
  return out;
}

}  // namespace sagsflow::testing
