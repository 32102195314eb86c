// An installation opened for work: its database, its enabled plugins, the
// organisation of its municipality files, and an engine and front desk over
// them. The CLI opens one per command; the server opens one at start.
//
// Thread-safety: an Installation is not thread-safe (its store, plugin host,
// engine and front desk are used from one thread at a time); the server gives
// each of its lanes its own (server/lanes.hpp). Its Organisation is immutable
// once built: a changed configuration means opening a new Installation.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "sagsflow/engine/engine.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"
#include "sagsflow/frontdesk/self_service.hpp"
#include "sagsflow/frontdesk/appointments.hpp"
#include "sagsflow/organisation/organisation.hpp"
#include "sagsflow/plugins/plugin_host.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/db/sql_store.hpp"

namespace sagsflow::app {

struct InstallationOptions {
  std::string db_url;
  std::string plugin_dir;  // empty: plugin_directory_for(db_url)
  Clock clock = system_clock();       // the engine's and the front desk's
  std::string sqlite_synchronous = "FULL";  // OFF only for throwaway data (simulations)
  // Plugins run in supervised child processes (sagsflow-plugin-host) unless
  // kInProcess is asked for (faster, but a plugin's crash ends the process).
  PluginIsolation plugin_isolation = PluginIsolation::kChildProcess;
  std::chrono::milliseconds plugin_call_timeout{5000};
  // kAfterEachCommit (the CLI): the events of a commit reach their plugin
  // right after it, and pending due ones before the installation closes;
  // kByWorker (the server): a commit calls plugin_delivery_wakeup and a
  // worker calls PluginHost::deliver_pending.
  EventDelivery plugin_delivery = EventDelivery::kAfterEachCommit;
  std::function<void()> plugin_delivery_wakeup{};
  // A read lane of the server: its store is read-only (make_read_only), no
  // plugin is loaded (its plugin host stays empty and the engine has none),
  // and open cases are not placed. Work that writes or calls a plugin does
  // not belong on it.
  bool read_only = false;
  // The engine keeps the latest workflow versions and the municipalities set
  // up (EngineOptions::cache_configuration): for installations that are
  // reopened when SqlStore::config_generation moves (the server's lanes).
  bool cache_configuration = false;
  // Events queue letters to citizens (EngineOptions::letters); off only for
  // simulations, whose what-if cases write to no one.
  bool letters = true;
  // Load only the delivery plugins (the server's letter worker: it calls no
  // service-area plugin, and their processes run on the lanes already).
  bool delivery_plugins_only = false;
};

struct Installation {
  std::unique_ptr<db::SqlStore> store;
  std::unique_ptr<PluginHost> plugins;
  std::unique_ptr<Organisation> organisation;  // from the loaded municipality files
  std::unique_ptr<CaseEngine> engine;
  std::unique_ptr<FrontDesk> front_desk;
  std::unique_ptr<SelfService> self_service;  // over engine, store and organisation
  std::unique_ptr<AppointmentDesk> appointments;  // over store and organisation
  std::vector<std::string> plugin_warnings;  // plugins that are installed but did not load, or were disabled
  // SqlStore::config_generation() when this was opened: the configuration it holds is that one or newer.
  long long config_generation = 0;
  bool deliver_on_close = false;  // kAfterEachCommit: deliver pending due events in the destructor (bounded)
  Installation() = default;
  Installation(Installation&&) = default;
  Installation& operator=(Installation&&) = default;
  ~Installation();
};

// Opens the database (refusing one that needs migrating), loads the enabled
// plugins (a plugin that fails to load is a warning: cases that need it show
// an incident; one Sagsflow disabled after repeated crashes is a warning
// naming the reason, and stays disabled in the store until `sagsflow plugins
// enable` or a reinstall), the organisation, and builds the engine. Errors: those of
// SqlStore::open (kInvalidArgument, kStorage); kFailedPrecondition when the
// schema is older than this binary, kSchemaTooNew when newer; the allow list's
// and load_organisation's errors. Stores nothing but the queues of open
// cases stored without one (CaseEngine::place_open_cases; rows of before
// schema 9), which a failure leaves for the next open (a warning in the log).
Result<Installation> open_installation(const InstallationOptions& options);

// The organisation of the municipality files loaded into the database, with
// what the deployed workflows say about their service areas (the latest
// version of each; one that no longer parses is left out). kFailedPrecondition
// when a stored municipality file no longer parses; kStorage.
Result<std::unique_ptr<Organisation>> load_organisation(db::SqlStore& store);

// `explicit_dir`, SAGSFLOW_PLUGIN_DIR, or "plugins" beside an SQLite database file.
std::string plugin_directory_for(const std::string& db_url, const std::string& explicit_dir = {});
// The checksums in <plugin dir>/allowed-sha256.txt (one a line; # comments),
// or nothing when that file does not exist; kNotFound or kInternal when it
// exists but cannot be read.
Result<std::optional<std::set<std::string>>> allow_list_in(const std::string& plugin_dir);

}  // namespace sagsflow::app
