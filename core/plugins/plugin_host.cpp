#include "sagsflow/plugins/plugin_host.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "plugin_library.hpp"
#include "plugin_process.hpp"
#include "sagsflow/domain/instance_name.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/plugin_abi.h"

#ifndef SAGSFLOW_INSTALL_BINDIR
#define SAGSFLOW_INSTALL_BINDIR "/usr/local/bin"
#endif

namespace sagsflow {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Process-wide, for plugins loaded in-process: a library mapped into this
// process is one copy with one set of static state, so its file or id may be
// live in one host at a time. A plugin in its own child process is not
// registered here: several hosts (the server's writer lanes) each run their
// own process of it. Hosts on different threads share the registry, so it is
// read and changed under `mutex`; load() holds it from the duplicate checks
// to the registration.
struct Registry {
  Mutex mutex;
  std::map<std::pair<dev_t, ino_t>, std::string> files GUARDED_BY(mutex);  // live file -> path
  std::map<std::string, std::string> ids GUARDED_BY(mutex);                // live id -> path
};
Registry& registry() {
  static auto* r = new Registry();  // intentionally never destroyed
  return *r;
}

std::string first_chars(const std::string& s, size_t n = 80) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

}  // namespace

// Per plugin: its library (in-process) or process (child), and the host
// services its calls reach, answered through the engine.
struct PluginHost::Context final : detail::PluginServices {
  PluginHost* host = nullptr;
  std::string id;
  bool deciding = false;     // inside validate_form / propose_decision: no writes
  std::string municipality;  // whose case the plugin is working on, during a call
  std::unique_ptr<detail::PluginLibrary> library;
  std::unique_ptr<detail::PluginProcess> process;
  bool offers_validate = false;
  bool offers_propose = false;
  bool offers_events = false;
  bool offers_scan = false;  // ABI 1.1
  bool offers_deliver = false;  // ABI 1.2

  // The case, if it belongs to a workflow of this plugin.
  Result<CaseState> own_case(int64_t case_id) const {
    if (host->engine_ == nullptr) return FailedPrecondition("the plugin host is not attached to an engine");
    auto state = host->engine_->get_case(case_id);
    if (!state.ok()) return state.status();
    auto wf = host->engine_->workflow(state->workflow_id, state->workflow_version);
    if (!wf.ok()) return wf.status();
    if ((*wf)->plugin != id) {
      return Forbidden(fmt::format("case {} belongs to workflow {}, not to plugin {}", state->case_number,
                                   state->workflow_id, id));
    }
    return state;
  }

  void log(int level, const std::string& message) override {
    const auto lvl = level >= SF_LOG_ERROR ? spdlog::level::err
                     : level == SF_LOG_WARN ? spdlog::level::warn
                     : level == SF_LOG_INFO ? spdlog::level::info
                                            : spdlog::level::debug;
    logger()->log(lvl, "plugin {}: {}", id, message);
  }
  Result<std::string> config_get(const std::string& key) override {
    std::optional<std::string> value;
    if (auto& config = host->options().config) value = config(id, municipality, key);
    if (!value) return NotFound("no setting " + key);
    return *value;
  }
  Result<std::string> case_read(int64_t case_id) override {
    auto state = own_case(case_id);
    if (!state.ok()) return state.status();
    return to_json(*state, /*reveal_cpr=*/false).dump();
  }
  Status write(int64_t case_id, const std::function<Status(CaseEngine&)>& change) {
    if (deciding) {
      logger()->warn("plugin {}: writing to a case is refused while it is being validated or decided; "
                     "write from on_case_event instead", id);
      return Forbidden("no writes while deciding");
    }
    auto state = own_case(case_id);
    if (!state.ok()) return state.status();
    return change(*host->engine());
  }
  Status case_add_note(int64_t case_id, const std::string& text) override {
    return write(case_id, [&](CaseEngine& engine) { return engine.add_plugin_note(case_id, id, text).status(); });
  }
  Status case_add_event(int64_t case_id, const std::string& kind, const std::string& data_json) override {
    return write(case_id, [&](CaseEngine& engine) -> Status {
      json data = json::parse(data_json, nullptr, false);
      if (data.is_discarded()) return InvalidArgument("event data is not JSON");
      return engine.add_plugin_event(case_id, id, kind, data).status();
    });
  }
};

std::string manifest_path_for(const std::string& library_path) {
  fs::path p(library_path);
  return (p.parent_path() / (p.stem().string() + ".plugin.yaml")).string();
}

Result<std::string> sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) engine.update(buf, static_cast<unsigned>(in.gcount()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

Result<InspectedPlugin> inspect_plugin(const std::string& library_path) {
  const auto refuse = [&](const std::string& why) {
    return InvalidArgument(fmt::format("plugin {} refused: {}", library_path, why));
  };
  std::error_code ec;
  if (!fs::is_regular_file(library_path, ec)) return refuse("the file does not exist");
  InspectedPlugin info;
  info.library_path = fs::canonical(library_path, ec).string();
  info.manifest_path = manifest_path_for(info.library_path);
  auto text = read_text_file(info.manifest_path);
  if (!text.ok()) return refuse("no manifest beside it (expected " + info.manifest_path + ")");
  info.manifest_text = *text;
  auto parsed = parse_plugin_manifest(*text, info.manifest_path);
  if (!parsed.ok()) {
    std::string msg = "its manifest has errors:";
    for (const auto& d : parsed.errors) msg += "\n  " + d.to_string();
    return refuse(msg);
  }
  info.manifest = std::move(*parsed.manifest);
  auto sha = sha256_of_file(info.library_path);
  if (!sha.ok()) return refuse(sha.status().message());
  info.sha256 = *sha;
  return info;
}

PluginHost::PluginHost(PluginHostOptions options) : options_(std::move(options)), holder_(new_instance_name()) {}

PluginHost::~PluginHost() {
  detach();
  auto& reg = registry();
  for (size_t i = 0; i < plugins_.size(); ++i) {
    contexts_[i]->library.reset();  // calls its shutdown
    contexts_[i]->process.reset();  // closes the socket: the child shuts the plugin down and exits
    if (options_.isolation != PluginIsolation::kInProcess) continue;  // never registered
    MutexLock lock(reg.mutex);
    reg.ids.erase(plugins_[i]->id());
    for (auto it = reg.files.begin(); it != reg.files.end();) {
      it = it->second == plugins_[i]->info.library_path ? reg.files.erase(it) : std::next(it);
    }
  }
}

std::string PluginHost::child_program() const {
  if (!options_.child_program.empty()) return options_.child_program;
  if (const char* env = std::getenv("SAGSFLOW_PLUGIN_HOST"); env && *env) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = self.parent_path() / "sagsflow-plugin-host";
    if (fs::exists(beside, ec)) return beside.string();
  }
  return (fs::path(SAGSFLOW_INSTALL_BINDIR) / "sagsflow-plugin-host").string();
}

Result<const LoadedPlugin*> PluginHost::load(const std::string& library_path) {
  auto inspected = inspect_plugin(library_path);
  if (!inspected.ok()) return inspected.status();
  InspectedPlugin info = std::move(*inspected);
  const std::string path = info.library_path;
  const auto refuse = [&](const std::string& why) {
    logger()->error("plugin {} refused: {}", path, why);
    return InvalidArgument(fmt::format("plugin {} refused: {}", path, why));
  };
  if (options_.allowed_sha256 && !options_.allowed_sha256->contains(info.sha256)) {
    return refuse(fmt::format("its checksum {} is not in the allow-list", info.sha256));
  }
  auto& reg = registry();
  MutexLock lock(reg.mutex);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return refuse("cannot stat the file");
  const PluginManifest& m = info.manifest;
  // One plugin per file and per id in this host; in-process, in this whole process.
  for (const auto& loaded : plugins_) {
    struct stat other {};
    if (::stat(loaded->info.library_path.c_str(), &other) == 0 && other.st_dev == st.st_dev &&
        other.st_ino == st.st_ino) {
      return refuse("the same plugin file is already loaded (as " + loaded->info.library_path + ")");
    }
    if (loaded->id() == m.id) {
      return refuse(fmt::format("a plugin with id '{}' is already loaded from {}", m.id, loaded->info.library_path));
    }
  }
  const bool in_process = options_.isolation == PluginIsolation::kInProcess;
  if (auto it = reg.files.find({st.st_dev, st.st_ino}); in_process && it != reg.files.end()) {
    return refuse("the same plugin file is already loaded (as " + it->second + ")");
  }
  if (auto it = reg.ids.find(m.id); in_process && it != reg.ids.end()) {
    return refuse(fmt::format("a plugin with id '{}' is already loaded from {}", m.id, it->second));
  }
  if (m.abi_major != kHostAbiMajor || m.abi_minor > kHostAbiMinor) {
    return refuse(fmt::format("it was built for plugin ABI {}.{}, this Sagsflow speaks {}.{} (the major must "
                              "match and the minor must not be newer)", m.abi_major, m.abi_minor,
                              kHostAbiMajor, kHostAbiMinor));
  }

  auto context = std::make_unique<Context>();
  context->host = this;
  context->id = m.id;
  const sf_plugin_descriptor* descriptor = nullptr;
  if (options_.isolation == PluginIsolation::kInProcess) {
    auto library = detail::PluginLibrary::load(info, *context);
    if (!library.ok()) return refuse(library.status().message());
    descriptor = (*library)->descriptor();
    context->offers_validate = (*library)->offers("validate_form");
    context->offers_propose = (*library)->offers("propose_decision");
    context->offers_events = (*library)->offers("on_case_event");
    context->offers_scan = (*library)->offers("scan_document");
    context->offers_deliver = (*library)->offers("deliver_letter");
    context->library = std::move(*library);
  } else {
    detail::ProcessLimits limits;
    limits.program = child_program();
    limits.call_timeout = options_.call_timeout;
    limits.backoff_initial = options_.restart_backoff;
    limits.backoff_max = options_.restart_backoff_max;
    limits.max_crashes = options_.max_failures;
    limits.crash_window = options_.failure_window;
    auto on_disabled = [this, id = m.id](const std::string& reason) {
      if (options_.on_disabled) options_.on_disabled(id, reason);
    };
    auto process = std::make_unique<detail::PluginProcess>(m.id, path, limits, on_disabled);
    auto ready = process->start(*context);
    if (!ready.ok()) {
      if (ready.status().code() == ErrorCode::kInvalidArgument) return refuse(ready.status().message());
      return refuse("its process did not start: " + ready.status().message());
    }
    if (ready->id != m.id || ready->version != m.version) {
      return refuse(fmt::format("its process loaded {} {}, the manifest says {} {}", ready->id, ready->version, m.id,
                                m.version));
    }
    context->offers_validate = ready->validate_form;
    context->offers_propose = ready->propose_decision;
    context->offers_events = ready->on_case_event;
    context->offers_scan = ready->scan_document;
    context->offers_deliver = ready->deliver_letter;
    context->process = std::move(process);
  }

  if (m.delivers_letters() && !context->offers_deliver) {
    logger()->warn("plugin {} declares the delivery channel {} but offers no deliver_letter; it delivers nothing",
                   m.id, m.delivery_channel);
  }
  if (in_process) {
    reg.files[{st.st_dev, st.st_ino}] = path;
    reg.ids[m.id] = path;
  }
  logger()->info("loaded plugin {} {} from {}{}", m.id, m.version, path,
                 options_.isolation == PluginIsolation::kChildProcess ? " (in its own process)" : "");
  auto loaded = std::make_unique<LoadedPlugin>();
  loaded->info = std::move(info);
  loaded->descriptor = descriptor;
  contexts_.push_back(std::move(context));
  plugins_.push_back(std::move(loaded));
  return plugins_.back().get();
}

const LoadedPlugin* PluginHost::find(std::string_view id) const {
  for (const auto& p : plugins_) {
    if (p->id() == id) return p.get();
  }
  return nullptr;
}

std::vector<const LoadedPlugin*> PluginHost::loaded() const {
  std::vector<const LoadedPlugin*> out;
  for (const auto& p : plugins_) out.push_back(p.get());
  return out;
}

const PluginHost::Context* PluginHost::context_for(std::string_view id) const {
  for (size_t i = 0; i < plugins_.size(); ++i) {
    if (plugins_[i]->id() == id) return contexts_[i].get();
  }
  return nullptr;
}

std::string PluginHost::disabled_reason(std::string_view id) const {
  const Context* c = context_for(id);
  return c && c->process ? c->process->disabled_reason() : std::string();
}

void PluginHost::enable(std::string_view id) {
  for (auto& c : contexts_) {
    if (c->id == id && c->process) c->process->enable();
  }
}

int PluginHost::process_starts(std::string_view id) const {
  const Context* c = context_for(id);
  return c && c->process ? c->process->starts() : 0;
}

namespace {
// Sets a value for the length of a scope (the deciding flag, the municipality).
template <typename T>
class Scoped {
 public:
  Scoped(T& slot, T value) : slot_(slot), previous_(std::move(slot)) { slot_ = std::move(value); }
  ~Scoped() { slot_ = std::move(previous_); }
  Scoped(const Scoped&) = delete;
  Scoped& operator=(const Scoped&) = delete;

 private:
  T& slot_;
  T previous_;
};
}  // namespace

Result<std::string> PluginHost::call(Context& c, const char* operation, const std::string& input) {
  detail::RawAnswer answer;
  if (c.library) {
    answer = c.library->call(operation, input);
  } else {
    // A delivery talks to a receiver over the network: it gets its own, longer limit.
    const auto timeout = std::strcmp(operation, "deliver_letter") == 0 ? options_.delivery_timeout
                                                                        : options_.call_timeout;
    auto a = c.process->call(operation, input, c, timeout);
    if (!a.ok()) return a.status();
    answer = std::move(*a);
  }
  if (!answer.thrown.empty()) {
    return PluginFailed(fmt::format("plugin {} threw {} in {} (exceptions must not cross the plugin boundary)", c.id,
                                    answer.thrown, operation));
  }
  if (answer.rc != SF_OK) {
    return PluginFailed(fmt::format("plugin {} reported an error in {}: {}", c.id, operation,
                                    answer.out.empty() ? std::string("(no message)") : answer.out));
  }
  return std::move(answer.out);
}

namespace {
Result<json> as_json(const std::string& plugin, const char* operation, Result<std::string> text) {
  if (!text.ok()) return text.status();
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) {
    return PluginFailed(fmt::format("plugin {} returned something that is not JSON from {}: '{}'", plugin, operation,
                                    first_chars(*text)));
  }
  return j;
}
}  // namespace

json PluginHost::plugin_view(const CaseState& c) const {
  json j = to_json(c, /*reveal_cpr=*/false);
  if (engine_ != nullptr) j["today"] = format_date(engine_->today());  // Danish date, for date rules
  return j;
}

PluginHost::Context& PluginHost::context_for(const LoadedPlugin* p) {
  for (size_t i = 0; i < plugins_.size(); ++i) {
    if (plugins_[i].get() == p) return *contexts_[i];  // loaded together, kept in step
  }
  throw std::logic_error("plugin without a host context");
}

Result<const LoadedPlugin*> PluginHost::enabled(const std::string& plugin) const {
  const LoadedPlugin* p = find(plugin);
  if (p == nullptr) return NotFound(fmt::format("plugin '{}' is not loaded (not installed, or disabled)", plugin));
  return p;
}

// ---- events after the commit ----

void PluginHost::attach(CaseEngine& engine) {
  detach();
  engine_ = &engine;
  // The workflows each plugin owns, for finding pending events after a restart.
  if (auto workflows = engine.store().list_workflows(); workflows.ok()) {
    for (const auto& w : *workflows) {
      auto def = engine.workflow(w.id, w.version);
      if (def.ok() && !(*def)->plugin.empty()) workflows_of_[(*def)->plugin].insert(w.id);
      if (def.ok() && (*def)->plugin.empty()) silent_workflows_.insert(w.id);
    }
  }
  connections_.emplace_back(engine.events().case_opened.connect([this](const CaseState& s) { committed(s); }));
  connections_.emplace_back(engine.events().action_performed.connect([this](const CaseState& s, const CaseEvent& e) {
    // A plugin does not hear its own writes, nor the incidents it caused.
    if (e.actor.rfind("plugin:", 0) == 0 || e.action == "incident") return;
    committed(s);
  }));
}

void PluginHost::detach() {
  connections_.clear();  // scoped_connection disconnects
  engine_ = nullptr;
}

size_t PluginHost::connections() const {
  size_t n = 0;
  for (const auto& c : connections_) n += c.connected() ? 1 : 0;
  return n;
}

const LoadedPlugin* PluginHost::receiver_of(const CaseState& state) {
  if (engine_ == nullptr) return nullptr;
  auto wf = engine_->workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok() || (*wf)->plugin.empty()) return nullptr;
  const LoadedPlugin* p = find((*wf)->plugin);
  if (p == nullptr || !context_for(p).offers_events) return nullptr;
  workflows_of_[p->id()].insert(state.workflow_id);
  return p;
}

void PluginHost::committed(const CaseState& state) {
  if (delivering_) return;  // the delivering loop picks it up
  const LoadedPlugin* p = receiver_of(state);
  if (p == nullptr) return;
  if (options_.delivery == EventDelivery::kByWorker) {
    if (options_.delivery_wakeup) options_.delivery_wakeup();
    return;
  }
  auto delivered = deliver_case(p, state.id, /*budget=*/64, /*ignore_backoff=*/false);
  if (!delivered.ok()) {
    logger()->error("plugin {}: delivering the events of case {} failed: {}", p->id(), state.case_number,
                    delivered.status().message());
  }
}

Result<DeliveryReport> PluginHost::deliver_pending(size_t max_calls) {
  if (engine_ == nullptr) return FailedPrecondition("the plugin host is not attached to an engine");
  DeliveryReport report;
  CaseStore& store = engine_->store();
  const Timestamp now = system_clock()();
  // Longer than a batch of calls can take; a host that dies leaves its claims to the others after this.
  const std::string until = format_timestamp(now + std::chrono::minutes(10));
  // Events of workflows no plugin hears, or whose plugin takes no events, leave the outbox unheard.
  std::set<std::string> silent = silent_workflows_;
  for (const auto& p : plugins_) {
    if (!context_for(p.get()).offers_events) silent.insert(workflows_of_[p->id()].begin(), workflows_of_[p->id()].end());
  }
  for (const auto& w : silent) {
    if (auto st = store.drop_plugin_outbox(w); !st.ok()) return st;
  }
  for (const auto& p : plugins_) {
    if (!context_for(p.get()).offers_events || !disabled_reason(p->id()).empty()) continue;
    for (const auto& workflow : workflows_of_[p->id()]) {
      if (report.delivered + report.failed >= max_calls) return report;
      // No more cases than calls left: each claimed case needs at least one.
      const size_t left = max_calls - report.delivered - report.failed;
      auto claimed = store.claim_plugin_outbox(workflow, holder_, format_timestamp(now), until,
                                               static_cast<int>(std::min<size_t>(100, left)));
      if (!claimed.ok()) return claimed.status();
      Status failed;
      for (long long case_id : *claimed) {
        const size_t left = max_calls - report.delivered - report.failed;
        if (left == 0) break;
        auto r = deliver_case(p.get(), case_id, left, /*ignore_backoff=*/false);
        if (!r.ok()) {
          failed = r.status();
          break;
        }
        report.delivered += r->delivered;
        report.failed += r->failed;
      }
      // Heard rows go; the others are released for the next round (or another node).
      if (auto st = store.settle_plugin_outbox(p->id(), *claimed, holder_); !st.ok()) return st;
      if (!failed.ok()) return failed;
    }
  }
  return report;
}

Result<DeliveryReport> PluginHost::deliver_case(const LoadedPlugin* p, long long case_id, size_t budget,
                                                bool ignore_backoff) {
  DeliveryReport report;
  CaseStore& store = engine_->store();
  Context& c = context_for(p);
  Scoped<bool> delivering(delivering_, true);
  auto cursor = store.plugin_delivery(p->id(), case_id);
  if (!cursor.ok()) return cursor.status();
  PluginDelivery d = *cursor;
  if (!ignore_backoff && !d.next_attempt_at.empty() && d.next_attempt_at > format_timestamp(system_clock()())) {
    return report;  // backing off after a failure: a worker or a later command retries it
  }
  // Rounds, because the plugin's own writes and incidents append events (skipped below).
  for (bool progressed = true; progressed && report.delivered + report.failed < budget;) {
    progressed = false;
    auto state = store.load_case(case_id);
    if (!state.ok()) return state.status();
    if (state->version <= d.delivered_seq) break;
    auto history = store.load_history(case_id);
    if (!history.ok()) return history.status();
    const long long start = d.delivered_seq;
    for (const auto& e : *history) {
      if (e.seq <= d.delivered_seq) continue;
      if (e.actor.rfind("plugin:", 0) == 0 || e.action == "incident") {  // not heard: its own writes, incidents
        d.delivered_seq = e.seq;
        continue;
      }
      if (report.delivered + report.failed >= budget) break;
      json event = to_json(e, /*reveal_cpr=*/false);
      event["event_id"] = fmt::format("{}:{}", e.case_id, e.seq);
      Result<std::string> answered = InvalidArgument("not called");
      {
        Scoped<std::string> in(c.municipality, state->municipality);
        answered = call(c, "on_case_event", event.dump());
      }
      if (answered.ok()) {
        ++report.delivered;
        d.delivered_seq = e.seq;
        d.attempts = 0;
        d.next_attempt_at.clear();
        d.last_error.clear();
        if (auto st = store.save_plugin_delivery(d); !st.ok()) return st;
        continue;
      }
      ++report.failed;
      ++d.attempts;
      auto wait = options_.delivery_retry;
      for (int i = 1; i < d.attempts && wait < options_.delivery_retry_max; ++i) wait *= 2;
      wait = std::min(wait, options_.delivery_retry_max);
      d.next_attempt_at =
          format_timestamp(system_clock()() + std::chrono::duration_cast<std::chrono::seconds>(wait) +
                           std::chrono::seconds(1));
      d.last_error = answered.status().message();
      const bool first_failure = d.incident_seq != e.seq;
      d.incident_seq = e.seq;
      if (auto st = store.save_plugin_delivery(d); !st.ok()) return st;
      if (first_failure) {
        Actor system = Actor::system(state->owning_authority);
        (void)engine_->report_incident(case_id, system, p->id(), "on_case_event", e.action, answered.status());
      }
      return report;  // later events of this case wait for this one
    }
    if (d.delivered_seq != start) {
      progressed = true;
      if (auto st = store.save_plugin_delivery(d); !st.ok()) return st;
    }
  }
  return report;
}

// ---- PluginCalls ----

Result<std::vector<std::string>> PluginHost::validate_form(const std::string& plugin, const CaseState& c,
                                                           const json& pending_fields) {
  auto p = enabled(plugin);
  if (!p.ok()) return p.status();
  CaseState merged = c;
  for (const auto& [k, v] : pending_fields.items()) merged.fields[k] = v;
  std::vector<std::string> problems = (*p)->info.manifest.form.check(merged.fields, /*complete=*/true);
  Context& ctx = context_for(*p);
  if (!problems.empty() || !ctx.offers_validate) return problems;

  Result<json> answer = InvalidArgument("not called");
  {
    Scoped<bool> deciding(ctx.deciding, true);
    Scoped<std::string> in(ctx.municipality, c.municipality);
    answer = as_json(plugin, "validate_form", call(ctx, "validate_form", plugin_view(merged).dump()));
  }
  if (!answer.ok()) return answer.status();
  const json& j = *answer;
  if (!j.is_object() || !j.contains("errors") || !j.at("errors").is_array()) {
    return PluginFailed(fmt::format("plugin {} answered validate_form with '{}', not {{\"errors\": [...]}}",
                                    plugin, first_chars(j.dump())));
  }
  for (const auto& e : j.at("errors")) {
    if (!e.is_object() || !e.value("message", json()).is_string()) {
      return PluginFailed(fmt::format("plugin {} answered validate_form with a malformed error '{}'", plugin,
                                      first_chars(e.dump())));
    }
    const std::string field = e.value("field", json("")).is_string() ? e.value("field", "") : "";
    problems.push_back(field.empty() ? e.at("message").get<std::string>()
                                     : field + ": " + e.at("message").get<std::string>());
  }
  return problems;
}

Result<json> PluginHost::propose_decision(const std::string& plugin, const CaseState& c) {
  auto p = enabled(plugin);
  if (!p.ok()) return p.status();
  Context& ctx = context_for(*p);
  if (!ctx.offers_propose) return json();
  Result<json> answer = InvalidArgument("not called");
  {
    Scoped<bool> deciding(ctx.deciding, true);
    Scoped<std::string> in(ctx.municipality, c.municipality);
    answer = as_json(plugin, "propose_decision", call(ctx, "propose_decision", plugin_view(c).dump()));
  }
  if (!answer.ok()) return answer.status();
  const json& j = *answer;
  if (j.is_null()) return j;
  static const std::set<std::string> kOutcomes{"granted", "partly_granted", "refused", "dismissed"};
  const bool outcome_ok = j.is_object() && j.value("outcome", json()).is_string() &&
                          kOutcomes.contains(j.at("outcome").get<std::string>());
  bool reasons_ok = j.is_object() && j.value("reasons", json()).is_array() && !j.at("reasons").empty();
  if (reasons_ok) {
    for (const auto& r : j.at("reasons")) reasons_ok &= r.is_string();
  }
  if (!outcome_ok || !reasons_ok) {
    return PluginFailed(fmt::format("plugin {} answered propose_decision with '{}': a proposal needs an outcome "
                                    "(granted, partly_granted, refused, dismissed) and at least one reason",
                                    plugin, first_chars(j.dump())));
  }
  return j;
}

std::vector<std::string> PluginHost::scanners() const {
  std::vector<std::string> out;
  for (const auto& p : plugins_) {
    const Context* c = context_for(p->id());
    if (c != nullptr && c->offers_scan) out.push_back(p->id());
  }
  return out;
}

Result<ScanVerdict> PluginHost::scan_document(const std::string& plugin, const json& metadata,
                                              std::string_view content) {
  auto p = enabled(plugin);
  if (!p.ok()) return p.status();
  Context& ctx = context_for(*p);
  if (!ctx.offers_scan) return NotFound(fmt::format("plugin {} does not scan documents", plugin));
  Result<json> answer = InvalidArgument("not called");
  {
    Scoped<bool> deciding(ctx.deciding, true);  // a scan writes nothing to cases
    Scoped<std::string> in(ctx.municipality, metadata.value("municipality", ""));
    answer = as_json(plugin, "scan_document",
                     call(ctx, "scan_document", detail::scan_input(metadata.dump(), content)));
  }
  if (!answer.ok()) return answer.status();
  const json& j = *answer;
  if (!j.is_object() || !j.contains("accept") || !j.at("accept").is_boolean() ||
      (!j.at("accept").get<bool>() && !(j.contains("reason") && j.at("reason").is_string()))) {
    return PluginFailed(fmt::format("plugin {} answered scan_document with '{}', not {{\"accept\": true}} or "
                                    "{{\"accept\": false, \"reason\": \"...\"}}",
                                    plugin, first_chars(j.dump())));
  }
  ScanVerdict v;
  v.accept = j.at("accept").get<bool>();
  if (!v.accept) v.reason = first_chars(j.at("reason").get<std::string>(), 500);
  if (!v.accept && v.reason.empty()) v.reason = "no reason given";
  return v;
}

// ---- letter delivery (ABI 1.2) ----

std::vector<std::string> PluginHost::deliverers() const {
  std::vector<std::string> out;
  for (const auto& p : plugins_) {
    const Context* c = context_for(p->id());
    if (c != nullptr && c->offers_deliver && p->info.manifest.delivers_letters()) out.push_back(p->id());
  }
  return out;
}

std::string PluginHost::delivery_channel(std::string_view id) const {
  const LoadedPlugin* p = find(id);
  const Context* c = context_for(id);
  if (p == nullptr || c == nullptr || !c->offers_deliver) return {};
  return p->info.manifest.delivery_channel;
}

namespace {
constexpr size_t kMaxDeliveryText = 1000;  // receipt and reason, in bytes
}  // namespace

Result<DeliveryAnswer> PluginHost::deliver_letter(const std::string& plugin, const json& letter,
                                                  std::string_view pdf) {
  auto p = enabled(plugin);
  if (!p.ok()) return p.status();
  Context& ctx = context_for(*p);
  if (!ctx.offers_deliver || !(*p)->info.manifest.delivers_letters()) {
    return NotFound(fmt::format("plugin {} delivers no letters (its manifest declares no delivery channel, or it "
                                "offers no deliver_letter)", plugin));
  }
  if (!letter.is_object()) return InvalidArgument("a letter to deliver must be a JSON object");
  const json municipality = letter.value("municipality", json());
  if (!municipality.is_string()) {
    return InvalidArgument("a letter to deliver needs \"municipality\" (the code of the municipality it is from)");
  }
  Result<json> answer = InvalidArgument("not called");
  {
    Scoped<bool> deciding(ctx.deciding, true);  // a delivery writes nothing to cases
    Scoped<std::string> in(ctx.municipality, municipality.get<std::string>());
    answer = as_json(plugin, "deliver_letter",
                     call(ctx, "deliver_letter", detail::deliver_input(letter.dump(), pdf)));
  }
  if (!answer.ok()) return answer.status();
  const json& j = *answer;
  const auto garbled = [&](const std::string& why) {
    return PluginFailed(fmt::format("plugin {} answered deliver_letter with '{}': {}", plugin, first_chars(j.dump()),
                                    why));
  };
  if (!j.is_object() || !j.contains("status") || !j.at("status").is_string()) {
    return garbled("not {\"status\": \"delivered\", \"receipt\": ...} or {\"status\": \"retry\"|\"refused\", "
                   "\"reason\": ...}");
  }
  const std::string status = j.at("status").get<std::string>();
  DeliveryAnswer a;
  const char* member = "reason";
  if (status == "delivered") {
    a.status = DeliveryStatus::kDelivered;
    member = "receipt";
  } else if (status == "retry") {
    a.status = DeliveryStatus::kRetry;
  } else if (status == "refused") {
    a.status = DeliveryStatus::kRefused;
  } else {
    return garbled("the status must be delivered, retry or refused");
  }
  if (!j.contains(member) || !j.at(member).is_string()) {
    return garbled(fmt::format("a '{}' answer needs a string \"{}\"", status, member));
  }
  std::string text = j.at(member).get<std::string>();
  if (text.size() > kMaxDeliveryText) {
    return garbled(fmt::format("its {} is {} bytes, more than {}", member, text.size(), kMaxDeliveryText));
  }
  if (a.status == DeliveryStatus::kDelivered) {
    a.receipt = std::move(text);
  } else {
    a.reason = text.empty() ? std::string("no reason given") : std::move(text);
  }
  return a;
}

int plugin_host_child_main(int argc, char** argv) {
  int fd = -1;
  std::string library;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--fd") fd = std::atoi(argv[i + 1]);
    else if (flag == "--library") library = argv[i + 1];
  }
  if (fd < 3 || library.empty()) {
    std::fputs("usage: sagsflow-plugin-host --fd N --library FILE (started by Sagsflow, not by hand)\n", stderr);
    return 2;
  }
  return detail::run_plugin_child(fd, library);
}

std::map<std::string, std::string> PluginHost::form_labels(const std::string& plugin) const {
  std::map<std::string, std::string> out;
  const LoadedPlugin* p = find(plugin);
  if (p == nullptr) return out;
  for (const auto& f : p->info.manifest.form.fields) out[f.name] = f.label;
  for (const auto& a : p->info.manifest.form.attachments) out[a.name] = a.label;
  return out;
}

std::optional<FormSpec> PluginHost::form_of(const std::string& plugin) const {
  const LoadedPlugin* p = find(plugin);
  if (p == nullptr) return std::nullopt;
  return p->info.manifest.form;
}

}  // namespace sagsflow
