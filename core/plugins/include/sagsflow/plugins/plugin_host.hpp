// PluginHost: loads service-area plugins (and letter delivery plugins, ABI
// 1.2: a manifest with `delivery:` and no workflow) and calls them safely.
//
// Loading checks, in this order, and refuses with the file and the reason:
// file missing; no manifest beside it (<name>.plugin.yaml); manifest invalid;
// checksum not in the allow-list; the same file or the same plugin id already
// loaded; manifest built for another ABI; not a shared library; missing entry
// point; entry point returned nothing; descriptor too small or of another
// ABI; manifest and library disagree (id, version or manifest text).
//
// Plugin code runs only behind the C ABI: every call is guarded, its output
// checked; an exception, an error code or garbage becomes kPluginFailed.
//
// Two isolation modes (PluginHostOptions::isolation):
// - kChildProcess (the server's and the CLI's, see app/lib/installation.cpp):
//   the checks that need no plugin code (file, manifest, allow-list, duplicate
//   file or id, manifest ABI) run here; each plugin's library is loaded in its
//   own supervised child process (`sagsflow-plugin-host`), which makes the
//   library's ABI checks and answers calls over a socketpair
//   (plugin_protocol.hpp). A crash, a call over the time limit (the child is
//   killed) or a garbled answer is kPluginFailed; the child is started again
//   on the next call after a backoff; a plugin that keeps failing is disabled
//   (disabled_reason(), options.on_disabled) until enable() or a new host.
// - kInProcess (the SDK test kit and unit tests): the library is loaded into
//   this process; faster (no process, no copies), but a crash in plugin code
//   ends the process. Libraries are never unloaded while the process runs.
//
// Events after the commit: attach(engine) makes the host follow committed
// events of the cases of each plugin's workflows, and deliver them to its
// on_case_event from a durable queue: a per-(plugin, case) cursor in the
// store over the append-only case events (CaseStore::plugin_delivery...).
// Each event carries "event_id" ("<case id>:<seq>") so a plugin can be
// idempotent: delivery is at least once. A failure leaves the event pending
// with a backoff and one incident on the case (not one per retry); events
// behind it on the same case wait for it. With EventDelivery::kAfterEachCommit
// the events of a commit are delivered right after it (in the committing
// call); with kByWorker the commit only calls options.delivery_wakeup, and a
// worker calls deliver_pending() (the server's delivery thread).
// Event connections are dropped by detach() and the destructor, which also
// calls each plugin's shutdown (in-process) or ends its child.
//
// Thread-safety: a PluginHost is not thread-safe: use a host from one thread
// at a time, like the engine's store (in-process plugin code then runs on
// that thread only). The process-wide record of loaded files and ids that
// load() checks is internally synchronised, so hosts on different threads may
// load at once.
#pragma once

#include <boost/signals2/connection.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sagsflow/engine/plugin_calls.hpp"
#include "sagsflow/config/plugin_manifest.hpp"

struct sf_plugin_descriptor;

namespace sagsflow {

class CaseEngine;

inline constexpr int kHostAbiMajor = 1;
inline constexpr int kHostAbiMinor = 2;  // 1.1: scan_document; 1.2: deliver_letter

// What can be known of a plugin without running its code.
struct InspectedPlugin {
  PluginManifest manifest;
  std::string library_path;
  std::string manifest_path;
  std::string manifest_text;
  std::string sha256;  // of the library file
};

// "<dir>/<name>.plugin.yaml" for "<dir>/<name>.so".
std::string manifest_path_for(const std::string& library_path);
// 64 lower-case hex digits; kNotFound when the file cannot be opened.
Result<std::string> sha256_of_file(const std::string& path);
// Reads and checks the manifest beside the library; runs no plugin code.
// kInvalidArgument ("plugin <path> refused: ...") when the file is missing, has
// no manifest beside it or the manifest has errors (each listed).
Result<InspectedPlugin> inspect_plugin(const std::string& library_path);

struct LoadedPlugin {
  InspectedPlugin info;
  // Owned by the plugin; nullptr when it runs in a child process.
  const sf_plugin_descriptor* descriptor = nullptr;
  const std::string& id() const { return info.manifest.id; }
};

enum class PluginIsolation { kInProcess, kChildProcess };
enum class EventDelivery { kAfterEachCommit, kByWorker };

struct PluginHostOptions {
  // When set, only libraries with one of these SHA-256 checksums load.
  std::optional<std::set<std::string>> allowed_sha256;
  // The configuration a plugin reads: (plugin id, municipality code, key) ->
  // value. The municipality is the one whose case the plugin is working on
  // (empty outside a call about a case), so each municipality can set its own
  // amounts and thresholds for a shared plugin.
  std::function<std::optional<std::string>(const std::string&, const std::string&, const std::string&)> config;

  PluginIsolation isolation = PluginIsolation::kInProcess;
  // kChildProcess: the child program; empty: $SAGSFLOW_PLUGIN_HOST, else
  // sagsflow-plugin-host beside the running program, else in the install prefix.
  std::string child_program;
  std::chrono::milliseconds call_timeout{5000};     // per call into a child
  // Per deliver_letter call into a child (ABI 1.2): a delivery plugin waits
  // for a receiver over the network (digital_post's timeout_seconds, default
  // 10 s), so its limit is longer than call_timeout; keep it above the
  // plugins' own timeouts.
  std::chrono::milliseconds delivery_timeout{30000};
  std::chrono::milliseconds restart_backoff{500};   // first wait after a failure, doubling
  std::chrono::milliseconds restart_backoff_max{30000};
  int max_failures = 5;                             // within failure_window: the plugin is disabled
  std::chrono::seconds failure_window{600};
  // Called (plugin id, reason) when repeated failures disable a plugin; the
  // installation records it in the store so it stays disabled until an admin
  // enables or reinstalls it.
  std::function<void(const std::string&, const std::string&)> on_disabled;

  EventDelivery delivery = EventDelivery::kAfterEachCommit;
  std::function<void()> delivery_wakeup;  // kByWorker: events are pending
  std::chrono::milliseconds delivery_retry{1000};       // first retry of a failed event, doubling
  std::chrono::milliseconds delivery_retry_max{600000};
};

// A scanner's verdict on a document.
struct ScanVerdict {
  bool accept = true;
  std::string reason;  // set when rejected (at most 500 bytes)
};

// A delivery plugin's answer for one letter (ABI 1.2, deliver_letter).
enum class DeliveryStatus {
  kDelivered,  // handed over; `receipt` says what the receiver acknowledged
  kRetry,      // not now (the receiver is down, busy, timed out): try again later
  kRefused,    // never on this channel (e.g. the recipient is exempt from Digital Post)
};
struct DeliveryAnswer {
  DeliveryStatus status = DeliveryStatus::kRetry;
  std::string receipt;  // kDelivered: the receiver's acknowledgement (at most 1000 bytes)
  std::string reason;   // kRetry / kRefused: why (at most 1000 bytes)
};

// What deliver_pending did.
struct DeliveryReport {
  size_t delivered = 0;  // on_case_event calls that succeeded
  size_t failed = 0;     // that failed (left pending)
};

// The supervised child's main (`sagsflow-plugin-host --fd N --library FILE`):
// loads the library and serves the parent on fd N. Returns the exit code.
int plugin_host_child_main(int argc, char** argv);

class PluginHost final : public PluginCalls {
 public:
  explicit PluginHost(PluginHostOptions options = {});
  ~PluginHost() override;
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Loads the library after the checks above; every refusal is
  // kInvalidArgument naming the file and the reason. A refused
  // library that was already mapped stays mapped (never unloaded), but is not
  // registered: its file and id may be loaded again. The pointer lives as long
  // as the host.
  Result<const LoadedPlugin*> load(const std::string& library_path);
  // The loaded plugin with this id, or nullptr.
  const LoadedPlugin* find(std::string_view id) const;
  // Every loaded plugin, in load order.
  std::vector<const LoadedPlugin*> loaded() const;

  // Gives plugins access to cases through `engine` and delivers the engine's
  // events to the plugin that owns each case's workflow (not its own writes nor
  // incidents); replaces an earlier attach. A plugin's failure in on_case_event
  // is recorded as an incident on the case. `engine` must outlive the
  // attachment (detach() or the host's destructor).
  void attach(CaseEngine& engine);
  // Drops every event connection made for plugins.
  void detach();
  // Event connections currently live.
  size_t connections() const;

  // Delivers pending, due events of the attached engine's cases to their
  // plugins' on_case_event, at most `max_calls` calls. A failure leaves the
  // event pending with a backoff and (once per event) an incident on the case.
  // Pending cases come from the store's outbox, claimed in batches for this
  // host (CaseStore::claim_plugin_outbox), so several server nodes never work
  // on one case's deliveries at once; rows a plugin has heard are removed.
  // kFailedPrecondition when not attached; kStorage.
  Result<DeliveryReport> deliver_pending(size_t max_calls = 100);

  // Why the plugin is disabled after repeated failures of its process; empty
  // when it is not (or not loaded, or in-process).
  std::string disabled_reason(std::string_view id) const;
  // Clears a disabled state (an admin re-enabled the plugin).
  void enable(std::string_view id);
  // How often the plugin's child process was started (0 in-process).
  int process_starts(std::string_view id) const;

  // PluginCalls (plugin_calls.hpp): kNotFound when no loaded plugin has the id;
  // kPluginFailed when the plugin throws, reports an error or answers with
  // anything but {"errors": [{field?, message}]} / null or {outcome, reasons
  // (at least one), details}. The plugin sees the case with masked CPR numbers
  // and may not write to cases during these calls. validate_form returns the
  // manifest's declarative problems without calling the plugin when there are any.
  Result<std::vector<std::string>> validate_form(const std::string& plugin, const CaseState& c,
                                                 const nlohmann::json& pending_fields) override;
  Result<nlohmann::json> propose_decision(const std::string& plugin, const CaseState& c) override;
  // From the loaded plugin's manifest (no plugin code runs); empty when not loaded.
  std::map<std::string, std::string> form_labels(const std::string& plugin) const override;
  std::optional<FormSpec> form_of(const std::string& plugin) const override;

  // Document scanning (ABI 1.1). scanners() lists the loaded plugins that
  // offer scan_document, in load order (whether enabled or not).
  // scan_document hands `metadata` ({case_id, municipality, kind, name,
  // media_type, size, sha256}) and the bytes to the plugin: its verdict, or
  // kPluginFailed when it throws, reports an error, crashes, times out or
  // answers anything but {"accept": true} / {"accept": false, "reason"};
  // kNotFound when no loaded plugin has the id or it does not scan.
  std::vector<std::string> scanners() const;
  Result<ScanVerdict> scan_document(const std::string& plugin, const nlohmann::json& metadata,
                                    std::string_view content);

  // Letter delivery (ABI 1.2). deliverers() lists the loaded plugins whose
  // manifest declares a delivery channel and that offer deliver_letter, in
  // load order; delivery_channel() is that channel ("digital_post", "print"),
  // empty for a plugin that delivers nothing. deliver_letter hands the letter
  // (JSON, see plugin_abi.h: ids, idempotency key, recipient with the CPR
  // number unmasked, sender, document metadata, and for digital_post the MeMo
  // message) and the PDF's bytes to the plugin, with the letter's
  // municipality as the config_get context. kPluginFailed when the plugin
  // throws, reports an error, crashes, times out or answers anything but
  // {"status": "delivered", "receipt"} / {"status": "retry"|"refused",
  // "reason"}; kNotFound when no loaded plugin has the id or it delivers
  // nothing; kInvalidArgument when `letter` is not an object with a string
  // "municipality". A receipt or reason over 1000 bytes is kPluginFailed too
  // (an empty reason becomes "no reason given"). The plugin may read its
  // settings and log, not write to cases, during the call. In a child
  // process the call's time limit is options.delivery_timeout (in-process:
  // none). A caller treats kPluginFailed like kRetry.
  std::vector<std::string> deliverers() const;
  std::string delivery_channel(std::string_view id) const;
  Result<DeliveryAnswer> deliver_letter(const std::string& plugin, const nlohmann::json& letter, std::string_view pdf);

  struct Context;  // per plugin: its library or process, and what its host calls need
  const PluginHostOptions& options() const { return options_; }
  CaseEngine* engine() const { return engine_; }

 private:
  Result<const LoadedPlugin*> enabled(const std::string& plugin) const;
  Context& context_for(const LoadedPlugin* p);
  const Context* context_for(std::string_view id) const;
  // The case as a plugin sees it: masked CPR numbers, plus "today" (YYYY-MM-DD).
  nlohmann::json plugin_view(const CaseState& c) const;
  // The plugin's operation, in its process or here: its output text, or
  // kPluginFailed (threw, error code, crash, timeout, garbled, disabled).
  Result<std::string> call(Context& c, const char* operation, const std::string& input);
  std::string child_program() const;
  // The owning plugin of the case's workflow, if it hears events.
  const LoadedPlugin* receiver_of(const CaseState& state);
  void committed(const CaseState& state);
  // Delivers the case's pending events to `p`, at most `budget` calls.
  Result<DeliveryReport> deliver_case(const LoadedPlugin* p, long long case_id, size_t budget, bool ignore_backoff);

  PluginHostOptions options_;
  std::vector<std::unique_ptr<Context>> contexts_;
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::vector<boost::signals2::scoped_connection> connections_;
  CaseEngine* engine_ = nullptr;
  std::map<std::string, std::set<std::string>> workflows_of_;  // plugin id -> workflow ids it owns
  std::set<std::string> silent_workflows_;  // deployed workflows that name no plugin: nothing to deliver
  std::string holder_;  // this host's name on the outbox rows it claims (host, process, random)
  bool delivering_ = false;  // inside deliver_case: commits it causes are picked up by its loop
};

}  // namespace sagsflow
