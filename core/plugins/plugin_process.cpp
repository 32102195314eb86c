#include "plugin_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/plugin_abi.h"

namespace sagsflow::detail {
namespace proto = plugin_protocol;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Forks run on this thread, which lives as long as the process: the
// children's PR_SET_PDEATHSIG fires when the thread that forked them ends,
// and the server's request threads come and go.
class Spawner {
 public:
  static Spawner& instance() {
    static auto* s = new Spawner();  // intentionally never destroyed (its thread runs until exit)
    return *s;
  }
  // Runs `job` on the spawner thread and waits for it.
  void run(const std::function<void()>& job) {
    MutexLock lock(mutex_);
    while (job_ != nullptr) idle_.wait(mutex_);
    job_ = &job;
    done_ = false;
    wake_.notify_all();
    while (!done_) idle_.wait(mutex_);
    job_ = nullptr;
    idle_.notify_all();
  }

 private:
  Spawner() {
    std::thread([this] {
      for (;;) {
        const std::function<void()>* job = nullptr;
        {
          MutexLock lock(mutex_);
          while (job_ == nullptr || done_) wake_.wait(mutex_);
          job = job_;
        }
        (*job)();
        MutexLock lock(mutex_);
        done_ = true;
        idle_.notify_all();
      }
    }).detach();
  }
  Mutex mutex_;
  CondVar wake_;
  CondVar idle_;
  const std::function<void()>* job_ GUARDED_BY(mutex_) = nullptr;
  bool done_ GUARDED_BY(mutex_) = true;
};

// Forwards the child's stderr, line by line, to the (masked) log.
void forward_stderr(std::string id, int fd) {
  std::thread([id = std::move(id), fd] {
    std::string line;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] == '\n' || line.size() >= 4000) {
          if (!line.empty()) logger()->warn("plugin {} (stderr): {}", id, line);
          line.clear();
          if (buf[i] == '\n') continue;
        }
        line.push_back(buf[i]);
      }
    }
    if (!line.empty()) logger()->warn("plugin {} (stderr): {}", id, line);
    ::close(fd);
  }).detach();
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return fmt::format("it was killed by signal {} (SIG{})", sig, abbrev ? abbrev : "?");
  }
  if (WIFEXITED(status)) return fmt::format("it exited with status {}", WEXITSTATUS(status));
  return "it ended";
}

std::string seconds(std::chrono::milliseconds ms) { return fmt::format("{:.1f} s", ms.count() / 1000.0); }

}  // namespace

PluginProcess::PluginProcess(std::string id, std::string library_path, ProcessLimits limits,
                             std::function<void(const std::string&)> on_disabled)
    : id_(std::move(id)),
      library_path_(std::move(library_path)),
      limits_(std::move(limits)),
      on_disabled_(std::move(on_disabled)),
      backoff_(limits_.backoff_initial) {}

PluginProcess::~PluginProcess() {
  if (pid_ > 0) (void)stop(/*kill=*/true);
}

void PluginProcess::enable() {
  disabled_reason_.clear();
  crashes_.clear();
  backoff_ = limits_.backoff_initial;
  not_before_ = {};
}

Status PluginProcess::spawn() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return PluginFailed(fmt::format("plugin {}: cannot create a socket for its process: {}", id_, std::strerror(errno)));
  }
  int err[2];
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return PluginFailed(fmt::format("plugin {}: cannot create a pipe for its process: {}", id_, std::strerror(errno)));
  }
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls until exec.
  std::vector<std::string> args{limits_.program, "--fd", "3", "--library", library_path_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const int child_sock = sv[1];
  const int child_err = err[1];
  pid_t pid = -1;
  int fork_errno = 0;
  Spawner::instance().run([&] {
    pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int devnull = ::open("/dev/null", O_RDONLY);
      if (devnull >= 0) ::dup2(devnull, 0);
      ::dup2(child_err, 1);
      ::dup2(child_err, 2);
      ::dup2(child_sock, 3);
      ::close_range(4, ~0U, 0);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    fork_errno = errno;
  });
  ::close(sv[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(sv[0]);
    ::close(err[0]);
    return PluginFailed(fmt::format("plugin {}: cannot start its process: {}", id_, std::strerror(fork_errno)));
  }
  pid_ = pid;
  fd_ = sv[0];
  channel_ = std::make_unique<proto::FrameChannel>(fd_, proto::kMaxFrameBytes, proto::kMaxCallFrameBytes);
  forward_stderr(id_, err[0]);
  ++starts_;
  return Status::Ok();
}

std::string PluginProcess::stop(bool kill) {
  std::string how = "it ended";
  if (fd_ >= 0) {
    ::close(fd_);  // a healthy child reads end-of-file and exits
    fd_ = -1;
  }
  channel_.reset();
  if (pid_ > 0) {
    if (kill) ::kill(pid_, SIGKILL);
    int status = 0;
    pid_t r = -1;
    // A child asked to end (its socket closed) gets a moment to shut its plugin down.
    const auto give_up = Clock::now() + std::chrono::seconds(2);
    for (;;) {
      r = ::waitpid(pid_, &status, kill ? 0 : WNOHANG);
      if (r < 0 && errno == EINTR) continue;
      if (r != 0) break;
      if (Clock::now() >= give_up) {
        ::kill(pid_, SIGKILL);
        kill = true;
        continue;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (r == pid_) how = describe_exit(status);
    pid_ = -1;
  }
  return how;
}

Status PluginProcess::failed(const std::string& what) {
  const auto now = Clock::now();
  not_before_ = now + backoff_;
  const auto waited = backoff_;
  backoff_ = std::min(backoff_ * 2, limits_.backoff_max);
  crashes_.push_back(now);
  while (!crashes_.empty() && now - crashes_.front() > limits_.crash_window) crashes_.pop_front();
  std::string message = fmt::format("plugin {} {}", id_, what);
  if (static_cast<int>(crashes_.size()) >= limits_.max_crashes && disabled_reason_.empty()) {
    disabled_reason_ = fmt::format(
        "disabled after {} failures within {} minutes (the last: {}); re-enable it with `sagsflow plugins enable {}` "
        "or install a fixed version",
        crashes_.size(), std::chrono::duration_cast<std::chrono::minutes>(limits_.crash_window).count(), what, id_);
    logger()->error("plugin {} {}", id_, disabled_reason_);
    if (on_disabled_) on_disabled_(disabled_reason_);
    message += "; the plugin is now " + disabled_reason_;
  } else {
    message += fmt::format("; its process is started again on the next call after {}", seconds(waited));
    logger()->error("{}", message);
  }
  return PluginFailed(message);
}

Result<proto::Message> PluginProcess::serve_until(const std::string& until, PluginServices& services,
                                                  Clock::time_point deadline, const std::string& operation,
                                                  std::chrono::milliseconds limit) {
  for (;;) {
    auto m = channel_->receive(deadline);
    if (!m.ok()) {
      switch (channel_->last_failure()) {
        case proto::FrameChannel::Failure::kTimeout: {
          (void)stop(/*kill=*/true);
          return failed(fmt::format("did not answer {} within {} and was stopped", operation, seconds(limit)));
        }
        case proto::FrameChannel::Failure::kClosed: {
          const std::string how = stop(/*kill=*/false);
          return failed(fmt::format("crashed in {}: {}", operation, how));
        }
        default: {
          (void)stop(/*kill=*/true);
          return failed(fmt::format("sent a garbled answer to {} and was stopped: {}", operation,
                                    m.status().message()));
        }
      }
    }
    if (m->type == until) return m;
    if (m->type != "cb") {
      (void)stop(/*kill=*/true);
      return failed(fmt::format("sent an unexpected '{}' message during {} and was stopped", m->type, operation));
    }
    auto cb = proto::read_callback(*m);
    if (!cb.ok()) {
      (void)stop(/*kill=*/true);
      return failed(fmt::format("sent a garbled host call during {} and was stopped: {}", operation,
                                cb.status().message()));
    }
    if (cb->op == proto::CallbackOp::kLog) {
      services.log(cb->level, cb->text);
      continue;  // log lines are not answered
    }
    json answer{{"t", "cb_result"}, {"rc", SF_OK}, {"out", ""}};
    switch (cb->op) {
      case proto::CallbackOp::kConfigGet:
      case proto::CallbackOp::kCaseRead: {
        auto value = cb->op == proto::CallbackOp::kConfigGet ? services.config_get(cb->key)
                                                              : services.case_read(cb->case_id);
        if (value.ok()) answer["out"] = std::move(*value);
        else answer["rc"] = sf_code(value.status());
        break;
      }
      case proto::CallbackOp::kCaseAddNote:
        answer["rc"] = sf_code(services.case_add_note(cb->case_id, cb->text));
        break;
      case proto::CallbackOp::kCaseAddEvent:
        answer["rc"] = sf_code(services.case_add_event(cb->case_id, cb->kind, cb->data_json));
        break;
      case proto::CallbackOp::kLog: break;
    }
    if (!channel_->send(answer).ok()) {
      const std::string how = stop(/*kill=*/true);
      return failed(fmt::format("crashed in {}: {}", operation, how));
    }
  }
}

Result<proto::Ready> PluginProcess::start(PluginServices& services) {
  if (auto st = spawn(); !st.ok()) return st;
  const auto deadline = Clock::now() + std::max(limits_.call_timeout, std::chrono::milliseconds(2000));
  for (;;) {
    auto m = channel_->receive(deadline);
    if (!m.ok()) {
      const auto why = channel_->last_failure();
      const std::string how = stop(/*kill=*/why != proto::FrameChannel::Failure::kClosed);
      if (why == proto::FrameChannel::Failure::kTimeout) {
        return failed("did not finish loading in time and was stopped");
      }
      if (why == proto::FrameChannel::Failure::kClosed) {
        return failed(fmt::format("could not be loaded in its process: {} (is {} the sagsflow-plugin-host program?)",
                                  how, limits_.program));
      }
      return failed("sent a garbled message while loading: " + m.status().message());
    }
    if (m->type == "cb") {
      auto cb = proto::read_callback(*m);
      if (cb.ok() && cb->op == proto::CallbackOp::kLog) {
        services.log(cb->level, cb->text);
        continue;
      }
      // Only log lines make sense while loading; anything else is refused.
      if (!channel_->send(json{{"t", "cb_result"}, {"rc", SF_FORBIDDEN}, {"out", ""}}).ok()) continue;
      continue;
    }
    if (m->type == "refused") {
      const std::string why = m->body.value("message", json("")).is_string() ? m->body.value("message", "")
                                                                              : std::string("(no reason)");
      (void)stop(/*kill=*/true);
      return InvalidArgument(why);
    }
    auto ready = proto::read_ready(*m);
    if (!ready.ok()) {
      (void)stop(/*kill=*/true);
      return failed("sent a garbled message while loading: " + ready.status().message());
    }
    return ready;
  }
}

Result<RawAnswer> PluginProcess::call(const std::string& operation, const std::string& input,
                                      PluginServices& services, std::optional<std::chrono::milliseconds> timeout) {
  const auto limit = timeout.value_or(limits_.call_timeout);
  if (!disabled_reason_.empty()) return PluginFailed(fmt::format("plugin {} is {}", id_, disabled_reason_));
  if (pid_ <= 0) {
    const auto now = Clock::now();
    if (now < not_before_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(not_before_ - now);
      return PluginFailed(fmt::format("plugin {} failed recently; its process is started again in {}", id_,
                                      seconds(left)));
    }
    auto started = start(services);
    if (!started.ok()) {
      if (started.status().code() == ErrorCode::kInvalidArgument) {
        return failed("no longer loads: " + started.status().message());
      }
      return started.status();
    }
  }
  if (!channel_->send(json{{"t", "call"}, {"op", operation}, {"input", input}}).ok()) {
    const std::string how = stop(/*kill=*/true);
    return failed(fmt::format("crashed before {}: {}", operation, how));
  }
  auto m = serve_until("result", services, Clock::now() + limit, operation, limit);
  if (!m.ok()) return m.status();
  auto result = proto::read_call_result(*m);
  if (!result.ok()) {
    (void)stop(/*kill=*/true);
    return failed(fmt::format("sent a garbled answer to {} and was stopped: {}", operation,
                              result.status().message()));
  }
  backoff_ = limits_.backoff_initial;
  return RawAnswer{result->rc, std::move(result->out), std::move(result->thrown)};
}

// ---- the child ----

namespace {

// The child's host services: every host call becomes a message to the parent.
class ParentServices final : public PluginServices {
 public:
  explicit ParentServices(proto::FrameChannel& channel) : channel_(channel) {}
  void log(int level, const std::string& message) override {
    proto::Callback c;
    c.op = proto::CallbackOp::kLog;
    c.level = level;
    c.text = message;
    (void)channel_.send(proto::callback_message(c));
  }
  Result<std::string> config_get(const std::string& key) override {
    proto::Callback c;
    c.op = proto::CallbackOp::kConfigGet;
    c.key = key;
    return ask(c);
  }
  Result<std::string> case_read(int64_t case_id) override {
    proto::Callback c;
    c.op = proto::CallbackOp::kCaseRead;
    c.case_id = case_id;
    return ask(c);
  }
  Status case_add_note(int64_t case_id, const std::string& text) override {
    proto::Callback c;
    c.op = proto::CallbackOp::kCaseAddNote;
    c.case_id = case_id;
    c.text = text;
    return ask(c).status();
  }
  Status case_add_event(int64_t case_id, const std::string& kind, const std::string& data_json) override {
    proto::Callback c;
    c.op = proto::CallbackOp::kCaseAddEvent;
    c.case_id = case_id;
    c.kind = kind;
    c.data_json = data_json;
    return ask(c).status();
  }

 private:
  Result<std::string> ask(const proto::Callback& c) {
    if (!channel_.send(proto::callback_message(c)).ok()) ::_exit(0);  // the parent is gone
    auto m = channel_.receive(std::nullopt);
    if (!m.ok()) ::_exit(0);
    auto r = proto::read_callback_result(*m);
    if (!r.ok()) return Internal(r.status().message());
    switch (r->rc) {
      case SF_OK: return std::move(r->out);
      case SF_NOT_FOUND: return NotFound("not found");
      case SF_FORBIDDEN: return Forbidden("refused by the host");
      default: return Internal("the host call failed");
    }
  }
  proto::FrameChannel& channel_;
};

}  // namespace

int run_plugin_child(int fd, const std::string& library_path) {
  ::prctl(PR_SET_DUMPABLE, 0);  // no core dumps, no ptrace by other users' processes
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::signal(SIGPIPE, SIG_IGN);
  ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);  // only the socket, stdin, stdout and stderr stay
  proto::FrameChannel channel(fd, proto::kMaxCallFrameBytes, proto::kMaxFrameBytes);
  ParentServices services(channel);
  auto info = inspect_plugin(library_path);
  if (!info.ok()) {
    (void)channel.send(json{{"t", "refused"}, {"message", info.status().message()}});
    return 0;
  }
  auto library = PluginLibrary::load(*info, services);
  if (!library.ok()) {
    (void)channel.send(json{{"t", "refused"}, {"message", library.status().message()}});
    return 0;
  }
  json functions = json::array();
  for (const char* op : {"validate_form", "propose_decision", "on_case_event", "scan_document", "deliver_letter"}) {
    if ((*library)->offers(op)) functions.push_back(op);
  }
  if (!channel.send(json{{"t", "ready"}, {"id", info->manifest.id}, {"version", info->manifest.version},
                         {"functions", functions}})
           .ok()) {
    return 0;
  }
  for (;;) {
    auto m = channel.receive(std::nullopt);
    if (!m.ok()) break;  // the parent closed the socket (or sent garbage): stop
    auto call = proto::read_call(*m);
    if (!call.ok()) {
      (void)channel.send(json{{"t", "result"}, {"rc", SF_ERROR}, {"out", call.status().message()}, {"thrown", ""}});
      continue;
    }
    RawAnswer a = (*library)->call(call->op, call->input);
    if (a.rc < 0 || a.rc > 1000) a.rc = 1000;  // a code the ABI does not know stays an error, in range
    if (!channel.send(json{{"t", "result"}, {"rc", a.rc}, {"out", a.out}, {"thrown", a.thrown}}).ok()) break;
  }
  (*library)->shutdown();
  return 0;
}

}  // namespace sagsflow::detail
