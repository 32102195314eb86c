// Private to the plugin host: the parent's side of one supervised plugin child
// (`sagsflow-plugin-host --library <file>`), which loads the library with the
// same code as the in-process host and answers calls over a socketpair
// (plugin_protocol.hpp). While a call is in flight the child's host calls
// (case_read, add_note, add_event, config_get, log) are answered here, in the
// parent, through PluginServices, so a plugin's writes go through the engine.
//
// A crash, a timeout (the child is killed) or a garbled answer fails the call
// with kPluginFailed; the child is started again on the next call after a
// backoff (doubling up to a maximum, reset by a good answer). After
// `max_crashes` failures within `crash_window` the plugin is disabled:
// every call fails with the reason until enable().
//
// Thread-safety: not thread-safe; used from one thread at a time, like the
// PluginHost that owns it. Children are forked from one long-lived thread of
// the process, so PR_SET_PDEATHSIG (which follows the forking thread) kills
// them only when the process ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "plugin_library.hpp"
#include "sagsflow/plugins/plugin_protocol.hpp"

namespace sagsflow::detail {

struct ProcessLimits {
  std::string program;  // the sagsflow-plugin-host executable
  std::chrono::milliseconds call_timeout{5000};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
  int max_crashes = 5;
  std::chrono::seconds crash_window{600};
};

class PluginProcess {
 public:
  // `on_disabled(reason)` is called once when repeated crashes disable the plugin.
  PluginProcess(std::string id, std::string library_path, ProcessLimits limits,
                std::function<void(const std::string&)> on_disabled);
  ~PluginProcess();  // kills the child
  PluginProcess(const PluginProcess&) = delete;
  PluginProcess& operator=(const PluginProcess&) = delete;

  // Starts the child and waits for it to load the library. kInvalidArgument
  // with the library's refusal reason; kPluginFailed when the child could not
  // be started, crashed or did not answer in time.
  Result<plugin_protocol::Ready> start(PluginServices& services);
  // One call; the answer as the plugin gave it. kPluginFailed when the plugin
  // is disabled, backing off after a crash, crashes, times out or garbles.
  // `timeout` (when set) replaces the limits' call_timeout for this call.
  Result<RawAnswer> call(const std::string& operation, const std::string& input, PluginServices& services,
                         std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  const std::string& disabled_reason() const { return disabled_reason_; }
  void enable();
  int starts() const { return starts_; }
  pid_t pid() const { return pid_; }

 private:
  Status spawn();
  // Kills (when `kill`) and reaps the child; describes how it ended.
  std::string stop(bool kill);
  // Records a failure: stops the child, backs off, maybe disables. Returns the
  // kPluginFailed to answer with.
  Status failed(const std::string& what);
  // Answers the child's host calls until a message of type `until` arrives.
  Result<plugin_protocol::Message> serve_until(const std::string& until, PluginServices& services,
                                               std::chrono::steady_clock::time_point deadline,
                                               const std::string& operation, std::chrono::milliseconds limit);

  std::string id_;
  std::string library_path_;
  ProcessLimits limits_;
  std::function<void(const std::string&)> on_disabled_;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::unique_ptr<plugin_protocol::FrameChannel> channel_;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point not_before_{};
  std::deque<std::chrono::steady_clock::time_point> crashes_;
  std::string disabled_reason_;
  int starts_ = 0;
};

// The child's main: loads `library_path` (with its manifest beside it) and
// serves calls on `fd` until the parent closes it. Returns the exit code.
int run_plugin_child(int fd, const std::string& library_path);

}  // namespace sagsflow::detail
