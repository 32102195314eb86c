#include "sagsflow/plugins/plugin_host.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>

#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "sagsflow/engine/engine.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/plugin_abi.h"

namespace sagsflow {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The size of a version 1.0 descriptor: anything smaller is not one.
constexpr size_t kMinDescriptorSize = offsetof(sf_plugin_descriptor, shutdown) + sizeof(void*);

// Process-wide: libraries are never unloaded (a plugin's objects must keep its
// code loaded), and a file or id may be live in one host at a time. Hosts on
// different threads share it, so it is read and changed under `mutex`; load()
// holds it from the duplicate checks to the registration.
struct Registry {
  Mutex mutex;
  std::vector<boost::dll::shared_library> libraries GUARDED_BY(mutex);  // kept until exit
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

int copy_out(const std::string& text, char* buf, size_t cap, size_t* needed) {
  if (needed) *needed = text.size() + 1;
  if (buf == nullptr || cap < text.size() + 1) return SF_TOO_SMALL;
  std::memcpy(buf, text.c_str(), text.size() + 1);
  return SF_OK;
}

}  // namespace

struct PluginHost::Context {
  PluginHost* host = nullptr;
  std::string id;
  sf_host_api api{};
  bool deciding = false;  // inside validate_form / propose_decision: no writes
  std::string municipality;  // whose case the plugin is working on, during a call

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
};

namespace {

int status_code(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kOk: return SF_OK;
    case ErrorCode::kNotFound: return SF_NOT_FOUND;
    case ErrorCode::kForbidden: return SF_FORBIDDEN;
    default: return SF_ERROR;
  }
}

PluginHost::Context* ctx(void* h) { return static_cast<PluginHost::Context*>(h); }

void host_log(void* h, int level, const char* message) {
  try {
    const auto lvl = level >= SF_LOG_ERROR ? spdlog::level::err
                     : level == SF_LOG_WARN ? spdlog::level::warn
                     : level == SF_LOG_INFO ? spdlog::level::info
                                            : spdlog::level::debug;
    logger()->log(lvl, "plugin {}: {}", ctx(h)->id, message ? message : "");
  } catch (...) {
  }
}

int host_config_get(void* h, const char* key, char* buf, size_t cap, size_t* needed) {
  try {
    auto* c = ctx(h);
    if (!key || !c->host) return SF_ERROR;
    std::optional<std::string> value;
    if (auto& config = c->host->options().config) value = config(c->id, c->municipality, key);
    if (!value) return SF_NOT_FOUND;
    return copy_out(*value, buf, cap, needed);
  } catch (...) {
    return SF_ERROR;
  }
}

int host_case_read(void* h, int64_t case_id, char* buf, size_t cap, size_t* needed) {
  try {
    auto state = ctx(h)->own_case(case_id);
    if (!state.ok()) return status_code(state.status());
    return copy_out(to_json(*state, /*reveal_cpr=*/false).dump(), buf, cap, needed);
  } catch (...) {
    return SF_ERROR;
  }
}

int host_case_write(void* h, int64_t case_id, const std::function<Status(CaseEngine&, const std::string&)>& write) {
  try {
    auto* c = ctx(h);
    if (c->deciding) {
      logger()->warn("plugin {}: writing to a case is refused while it is being validated or decided; "
                     "write from on_case_event instead", c->id);
      return SF_FORBIDDEN;
    }
    auto state = c->own_case(case_id);
    if (!state.ok()) return status_code(state.status());
    return status_code(write(*c->host->engine(), c->id));
  } catch (...) {
    return SF_ERROR;
  }
}

int host_case_add_note(void* h, int64_t case_id, const char* text) {
  return host_case_write(h, case_id, [&](CaseEngine& engine, const std::string& id) {
    return engine.add_plugin_note(case_id, id, text ? text : "").status();
  });
}

int host_case_add_event(void* h, int64_t case_id, const char* kind, const char* data_json) {
  return host_case_write(h, case_id, [&](CaseEngine& engine, const std::string& id) -> Status {
    json data = json::parse(data_json ? data_json : "null", nullptr, false);
    if (data.is_discarded()) return InvalidArgument("event data is not JSON");
    return engine.add_plugin_event(case_id, id, kind ? kind : "", data).status();
  });
}

// Calls one plugin function of the (instance, input, char** out) shape: any
// exception, an error code or a missing answer becomes kPluginFailed; the
// plugin's string is freed with its own free_string.
Result<std::string> call_plugin(const LoadedPlugin& p, const char* operation,
                                int (*fn)(void*, const char*, char**), const std::string& input) {
  const auto* d = p.descriptor;
  char* out = nullptr;
  int rc = SF_ERROR;
  std::string thrown;
  try {
    rc = fn(d->instance, input.c_str(), &out);
  } catch (const std::exception& e) {
    thrown = e.what();
  } catch (...) {
    thrown = "an unknown exception";
  }
  std::string text = out ? std::string(out) : std::string();
  if (out && d->free_string) d->free_string(out);
  if (!thrown.empty()) {
    return PluginFailed(fmt::format("plugin {} threw {} in {} (exceptions must not cross the plugin boundary)",
                                    p.id(), thrown, operation));
  }
  if (rc != SF_OK) {
    return PluginFailed(fmt::format("plugin {} reported an error in {}: {}", p.id(), operation,
                                    text.empty() ? std::string("(no message)") : text));
  }
  return text;
}

// call_plugin, and the answer must be JSON.
Result<json> call_json(const LoadedPlugin& p, const char* operation,
                       int (*fn)(void*, const char*, char**), const std::string& input) {
  auto text = call_plugin(p, operation, fn, input);
  if (!text.ok()) return text.status();
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) {
    return PluginFailed(fmt::format("plugin {} returned something that is not JSON from {}: '{}'", p.id(),
                                    operation, first_chars(*text)));
  }
  return j;
}

}  // namespace

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

PluginHost::PluginHost(PluginHostOptions options) : options_(std::move(options)) {}

PluginHost::~PluginHost() {
  detach();
  auto& reg = registry();
  for (auto& p : plugins_) {
    if (p->descriptor && p->descriptor->shutdown) {
      try {
        p->descriptor->shutdown(p->descriptor->instance);
      } catch (...) {
        logger()->error("plugin {} threw during shutdown", p->id());
      }
    }
    MutexLock lock(reg.mutex);
    reg.ids.erase(p->id());
    for (auto it = reg.files.begin(); it != reg.files.end();) {
      it = it->second == p->info.library_path ? reg.files.erase(it) : std::next(it);
    }
  }
}

Result<const LoadedPlugin*> PluginHost::load(const std::string& library_path) {
  auto inspected = inspect_plugin(library_path);
  if (!inspected.ok()) return inspected.status();
  InspectedPlugin info = std::move(*inspected);
  const std::string& path = info.library_path;
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
  if (auto it = reg.files.find({st.st_dev, st.st_ino}); it != reg.files.end()) {
    return refuse("the same plugin file is already loaded (as " + it->second + ")");
  }
  const auto& m = info.manifest;
  if (auto it = reg.ids.find(m.id); it != reg.ids.end()) {
    return refuse(fmt::format("a plugin with id '{}' is already loaded from {}", m.id, it->second));
  }
  if (m.abi_major != kHostAbiMajor || m.abi_minor > kHostAbiMinor) {
    return refuse(fmt::format("it was built for plugin ABI {}.{}, this Sagsflow speaks {}.{} (the major must "
                              "match and the minor must not be newer)", m.abi_major, m.abi_minor,
                              kHostAbiMajor, kHostAbiMinor));
  }

  boost::dll::shared_library lib;
  try {
    lib.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refuse(std::string("it is not a loadable shared library: ") + e.what());
  }
  reg.libraries.push_back(lib);  // never unloaded from here on
  if (!lib.has(SAGSFLOW_PLUGIN_ENTRY_NAME)) {
    return refuse(std::string("it has no entry point '") + SAGSFLOW_PLUGIN_ENTRY_NAME + "'");
  }
  auto entry = lib.get<const sf_plugin_descriptor*(const sf_host_api*)>(SAGSFLOW_PLUGIN_ENTRY_NAME);

  auto context = std::make_unique<Context>();
  context->host = this;
  context->id = m.id;
  context->api.struct_size = sizeof(sf_host_api);
  context->api.abi_major = kHostAbiMajor;
  context->api.abi_minor = kHostAbiMinor;
  context->api.host = context.get();
  context->api.log = &host_log;
  context->api.config_get = &host_config_get;
  context->api.case_read = &host_case_read;
  context->api.case_add_note = &host_case_add_note;
  context->api.case_add_event = &host_case_add_event;

  const sf_plugin_descriptor* d = nullptr;
  try {
    d = entry(&context->api);
  } catch (...) {
    return refuse("its entry point threw an exception");
  }
  if (d == nullptr) return refuse("its entry point returned no descriptor (the plugin refused to start; see its log lines)");
  if (d->struct_size < kMinDescriptorSize) {
    return refuse(fmt::format("its descriptor is {} bytes, smaller than a version {}.0 descriptor ({})",
                              d->struct_size, kHostAbiMajor, kMinDescriptorSize));
  }
  if (d->abi_major != kHostAbiMajor || d->abi_minor > kHostAbiMinor) {
    return refuse(fmt::format("the library reports plugin ABI {}.{}, this Sagsflow speaks {}.{}", d->abi_major,
                              d->abi_minor, kHostAbiMajor, kHostAbiMinor));
  }
  if (d->abi_major != m.abi_major || d->abi_minor != m.abi_minor) {
    return refuse(fmt::format("manifest and library disagree: manifest says ABI {}.{}, library {}.{}", m.abi_major,
                              m.abi_minor, d->abi_major, d->abi_minor));
  }
  const auto str = [](const char* s) { return s ? std::string(s) : std::string("(none)"); };
  if (str(d->id) != m.id || str(d->version) != m.version) {
    return refuse(fmt::format("manifest and library disagree: manifest says {} {}, library {} {}", m.id, m.version,
                              str(d->id), str(d->version)));
  }
  if (d->manifest == nullptr || info.manifest_text != d->manifest) {
    return refuse("manifest and library disagree: the installed manifest is not the one the library was built with");
  }

  // Register before `info` moves: `path` and `m` refer into it.
  reg.files[{st.st_dev, st.st_ino}] = path;
  reg.ids[m.id] = path;
  logger()->info("loaded plugin {} {} from {}", m.id, m.version, path);
  auto loaded = std::make_unique<LoadedPlugin>();
  loaded->info = std::move(info);
  loaded->descriptor = d;
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

namespace {
// While set, the plugin may not write to cases (it is validating or deciding one).
class DecidingScope {
 public:
  explicit DecidingScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~DecidingScope() { flag_ = false; }
  DecidingScope(const DecidingScope&) = delete;
  DecidingScope& operator=(const DecidingScope&) = delete;

 private:
  bool& flag_;
};
}  // namespace

// While set, config_get answers with this municipality's settings.
class MunicipalityScope {
 public:
  MunicipalityScope(std::string& slot, const std::string& code) : slot_(slot), previous_(slot) { slot_ = code; }
  ~MunicipalityScope() { slot_ = previous_; }
  MunicipalityScope(const MunicipalityScope&) = delete;
  MunicipalityScope& operator=(const MunicipalityScope&) = delete;

 private:
  std::string& slot_;
  std::string previous_;
};

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

void PluginHost::attach(CaseEngine& engine) {
  detach();
  engine_ = &engine;
  connections_.emplace_back(engine.events().case_opened.connect([this](const CaseState& s) {
    deliver(s, {{"case_id", s.id}, {"seq", 1}, {"action", "open"}, {"to_stage", s.stage}});
  }));
  connections_.emplace_back(engine.events().action_performed.connect([this](const CaseState& s, const CaseEvent& e) {
    // A plugin does not hear its own writes, nor the incidents it caused.
    if (e.actor.rfind("plugin:", 0) == 0 || e.action == "incident") return;
    deliver(s, to_json(e, /*reveal_cpr=*/false));
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

void PluginHost::deliver(const CaseState& state, const json& event) {
  if (engine_ == nullptr) return;
  auto wf = engine_->workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok() || (*wf)->plugin.empty()) return;
  const LoadedPlugin* p = find((*wf)->plugin);
  if (p == nullptr || p->descriptor->on_case_event == nullptr) return;
  Result<std::string> answered = InvalidArgument("not called");
  {
    MunicipalityScope scope(context_for(p).municipality, state.municipality);
    answered = call_plugin(*p, "on_case_event", p->descriptor->on_case_event, event.dump());
  }
  if (answered.ok()) return;
  const Status& failure = answered.status();
  Actor system = Actor::system(state.owning_authority);
  (void)engine_->report_incident(state.id, system, p->id(), "on_case_event", event.value("action", ""), failure);
}

Result<std::vector<std::string>> PluginHost::validate_form(const std::string& plugin, const CaseState& c,
                                                           const json& pending_fields) {
  auto p = enabled(plugin);
  if (!p.ok()) return p.status();
  CaseState merged = c;
  for (const auto& [k, v] : pending_fields.items()) merged.fields[k] = v;
  std::vector<std::string> problems = (*p)->info.manifest.form.check(merged.fields, /*complete=*/true);
  if (!problems.empty() || (*p)->descriptor->validate_form == nullptr) return problems;

  Result<json> answer = InvalidArgument("not called");
  {
    DecidingScope scope(context_for(*p).deciding);
    MunicipalityScope in(context_for(*p).municipality, c.municipality);
    answer = call_json(**p, "validate_form", (*p)->descriptor->validate_form, plugin_view(merged).dump());
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
  if ((*p)->descriptor->propose_decision == nullptr) return json();
  Result<json> answer = InvalidArgument("not called");
  {
    DecidingScope scope(context_for(*p).deciding);
    MunicipalityScope in(context_for(*p).municipality, c.municipality);
    answer = call_json(**p, "propose_decision", (*p)->descriptor->propose_decision, plugin_view(c).dump());
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

}  // namespace sagsflow
