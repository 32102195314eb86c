#include "sagsflow/app/installation.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/config/workflow.hpp"

namespace sagsflow::app {

// Bounds the work a closing CLI command does for events left pending earlier.
constexpr size_t kDeliveriesOnClose = 50;

Installation::~Installation() {
  if (plugins && engine && deliver_on_close) {
    auto delivered = plugins->deliver_pending(kDeliveriesOnClose);
    if (!delivered.ok()) logger()->warn("pending plugin events not delivered: {}", delivered.status().message());
  }
  if (plugins) plugins->detach();  // drop the plugins' connections before anything goes
}

Result<std::unique_ptr<Organisation>> load_organisation(db::SqlStore& store) {
  auto org = std::make_unique<Organisation>();
  auto configs = store.municipality_configs();
  if (!configs.ok()) return configs.status();
  for (const auto& record : *configs) {
    auto parsed = parse_municipality(record.source, record.file_name);
    if (!parsed.ok()) {
      return FailedPrecondition(fmt::format("the stored configuration of municipality {} ({}) no longer parses: {}; "
                                            "load a corrected file with `sagsflow init`",
                                            record.code, record.file_name, parsed.errors.front().to_string()));
    }
    // The logo was read from disk when the file was loaded; its bytes are stored beside it.
    parsed.config->letters.letterhead.logo_png = record.logo_png;
    org->add(std::move(*parsed.config));
  }
  auto workflows = store.list_workflows();
  if (!workflows.ok()) return workflows.status();
  std::set<std::string> seen;
  for (auto it = workflows->rbegin(); it != workflows->rend(); ++it) {  // latest version first
    if (!seen.insert(it->id).second) continue;
    auto record = store.load_workflow(it->id, it->version);
    if (!record.ok()) return record.status();
    auto parsed = parse_workflow(record->source, record->file_name);
    if (parsed.ok()) org->add_workflow(*parsed.definition);
  }
  return org;
}

std::string plugin_directory_for(const std::string& db_url, const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (const char* env = std::getenv("SAGSFLOW_PLUGIN_DIR"); env && *env) return env;
  auto url = db::DatabaseUrl::parse(db_url);
  if (url.ok() && url->dialect == db::Dialect::kSqlite && url->connect != ":memory:") {
    return (std::filesystem::path(url->connect).parent_path() / "plugins").string();
  }
  return "plugins";
}

Result<std::optional<std::set<std::string>>> allow_list_in(const std::string& plugin_dir) {
  const auto path = std::filesystem::path(plugin_dir) / "allowed-sha256.txt";
  if (!std::filesystem::exists(path)) return std::optional<std::set<std::string>>{};
  auto text = read_text_file(path.string());
  if (!text.ok()) return text.status();
  std::set<std::string> allowed;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    line = line.substr(0, line.find('#'));
    line.erase(0, line.find_first_not_of(" \t\r"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (!line.empty()) allowed.insert(line);
  }
  return std::optional<std::set<std::string>>{std::move(allowed)};
}

Result<Installation> open_installation(const InstallationOptions& options) {
  db::SqliteOptions sqlite;
  sqlite.synchronous = options.sqlite_synchronous;
  auto store = db::SqlStore::open(options.db_url, sqlite);
  if (!store.ok()) return store.status();
  if (auto st = (*store)->check_schema(); !st.ok()) return st;
  Installation s;
  s.store = std::move(*store);
  if (options.read_only) {
    if (auto st = s.store->make_read_only(); !st.ok()) return st;
  }
  // Read before what it stands for: a change made meanwhile shows as a newer generation, never as an older one.
  auto generation = s.store->config_generation();
  if (!generation.ok()) return generation.status();
  s.config_generation = *generation;
  const std::string dir = plugin_directory_for(options.db_url, options.plugin_dir);
  auto allowed = allow_list_in(dir);
  if (!allowed.ok()) return allowed.status();
  auto org = load_organisation(*s.store);
  if (!org.ok()) return org.status();
  s.organisation = std::move(*org);
  PluginHostOptions plugin_options;
  plugin_options.allowed_sha256 = *allowed;
  // A plugin reads the settings the municipality whose case it works on gives
  // its service area, or the letter channel it delivers on (Organisation::plugin_setting).
  plugin_options.config = [org = s.organisation.get()](const std::string& plugin, const std::string& municipality,
                                                        const std::string& key) {
    return org->plugin_setting(plugin, municipality, key);
  };
  plugin_options.isolation = options.plugin_isolation;
  plugin_options.call_timeout = options.plugin_call_timeout;
  plugin_options.delivery = options.plugin_delivery;
  plugin_options.delivery_wakeup = options.plugin_delivery_wakeup;
  // A plugin that keeps crashing stays disabled, with the reason, until an admin enables or reinstalls it.
  plugin_options.on_disabled = [store = s.store.get()](const std::string& id, const std::string& reason) {
    if (auto st = store->disable_plugin_for(id, reason); !st.ok()) {
      logger()->error("plugin {} could not be marked disabled: {}", id, st.message());
    }
  };
  s.plugins = std::make_unique<PluginHost>(plugin_options);
  auto installed = s.store->installed_plugins();
  if (!installed.ok()) return installed.status();
  for (const auto& p : *installed) {
    if (options.read_only) break;
    if (!p.enabled && !p.disabled_reason.empty()) {
      s.plugin_warnings.push_back(fmt::format("plugin {} is {}", p.id, p.disabled_reason));
    }
    if (!p.enabled) continue;
    const auto path = (std::filesystem::path(dir) / p.file_name).string();
    if (options.delivery_plugins_only) {
      auto inspected = inspect_plugin(path);  // the manifest beside it; no plugin code runs
      if (!inspected.ok() || !inspected->manifest.delivers_letters()) continue;
    }
    if (auto loaded = s.plugins->load(path); !loaded.ok()) s.plugin_warnings.push_back(loaded.status().message());
  }
  EngineOptions engine_options{DanishCalendar{}, options.clock, options.read_only ? nullptr : s.plugins.get()};
  if (!s.organisation->empty()) engine_options.organisation = s.organisation.get();
  engine_options.cache_configuration = options.cache_configuration;
  engine_options.letters = options.letters;
  s.engine = std::make_unique<CaseEngine>(*s.store, engine_options);
  // Worklists read the queue column: open cases stored without one (rows of
  // before schema 9) are placed now, in batches; none left is one probe of
  // an empty index. A failure here is the next open's to retry, not this one's.
  if (options.read_only) {
    s.front_desk = std::make_unique<FrontDesk>(*s.store, *s.organisation, DanishCalendar{}, options.clock);
    s.self_service = std::make_unique<SelfService>(*s.engine, *s.store, *s.store, *s.organisation);
    s.appointments = std::make_unique<AppointmentDesk>(*s.store, *s.organisation, options.clock);
    s.front_desk->use_appointments(s.appointments.get());
    return s;
  }
  if (auto placed = s.engine->place_open_cases("", /*all=*/false); !placed.ok()) {
    logger()->warn("the queues of unplaced open cases could not be stored: {}", placed.status().message());
  }
  s.front_desk = std::make_unique<FrontDesk>(*s.store, *s.organisation, DanishCalendar{}, options.clock);
  s.self_service = std::make_unique<SelfService>(*s.engine, *s.store, *s.store, *s.organisation);
  s.appointments = std::make_unique<AppointmentDesk>(*s.store, *s.organisation, options.clock);
  s.front_desk->use_appointments(s.appointments.get());
  s.plugins->attach(*s.engine);
  s.deliver_on_close = options.plugin_delivery == EventDelivery::kAfterEachCommit;
  return s;
}

}  // namespace sagsflow::app
