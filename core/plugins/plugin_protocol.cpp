#include "sagsflow/plugins/plugin_protocol.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sagsflow/domain/bounded_json.hpp"

namespace sagsflow::plugin_protocol {
using nlohmann::json;

namespace {

Status missing(const Message& m, const char* member, const char* type) {
  return InvalidArgument(fmt::format("plugin protocol: a '{}' message needs a {} member '{}'", m.type, type, member));
}

Result<std::string> string_member(const Message& m, const char* member, bool required = true) {
  auto it = m.body.find(member);
  if (it == m.body.end()) {
    if (required) return missing(m, member, "string");
    return std::string();
  }
  if (!it->is_string()) return missing(m, member, "string");
  return it->get<std::string>();
}

Result<int64_t> integer_member(const Message& m, const char* member) {
  auto it = m.body.find(member);
  if (it == m.body.end() || !it->is_number_integer()) return missing(m, member, "integer");
  return it->get<int64_t>();
}

Result<int> small_integer_member(const Message& m, const char* member) {
  auto v = integer_member(m, member);
  if (!v.ok()) return v.status();
  if (*v < -1000000 || *v > 1000000) {
    return InvalidArgument(fmt::format("plugin protocol: '{}' of a '{}' message is out of range", member, m.type));
  }
  return static_cast<int>(*v);
}

}  // namespace

Result<std::string> encode_frame(const json& message, std::size_t max_bytes) {
  std::string payload = message.dump(-1, ' ', false, json::error_handler_t::replace);
  if (payload.size() > max_bytes) {
    return InvalidArgument(fmt::format("plugin protocol: a message of {} bytes is over the limit of {}",
                                       payload.size(), max_bytes));
  }
  const auto n = static_cast<uint32_t>(payload.size());
  std::string frame;
  frame.reserve(4 + payload.size());
  frame.push_back(static_cast<char>((n >> 24) & 0xff));
  frame.push_back(static_cast<char>((n >> 16) & 0xff));
  frame.push_back(static_cast<char>((n >> 8) & 0xff));
  frame.push_back(static_cast<char>(n & 0xff));
  frame += payload;
  return frame;
}

Result<std::optional<Message>> decode_frame(std::string_view buffer, std::size_t& consumed, std::size_t max_bytes) {
  consumed = 0;
  if (buffer.size() < 4) return std::optional<Message>{};
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(buffer[i])); };
  const uint32_t n = (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
  if (n > max_bytes) {
    return InvalidArgument(fmt::format("plugin protocol: a frame of {} bytes is over the limit of {}", n,
                                       max_bytes));
  }
  if (buffer.size() - 4 < n) return std::optional<Message>{};
  auto parsed = parse_bounded_json(buffer.substr(4, n), JsonLimits{max_bytes, kMaxFrameDepth});
  if (!parsed.ok()) return InvalidArgument("plugin protocol: " + parsed.status().message());
  if (!parsed->is_object()) return InvalidArgument("plugin protocol: a message must be a JSON object");
  auto t = parsed->find("t");
  if (t == parsed->end() || !t->is_string()) {
    return InvalidArgument("plugin protocol: a message needs a string member 't' (its type)");
  }
  Message m{t->get<std::string>(), std::move(*parsed)};
  consumed = 4 + static_cast<size_t>(n);
  return std::optional<Message>{std::move(m)};
}

Result<CallResult> read_call_result(const Message& m) {
  if (m.type != "result") return InvalidArgument("plugin protocol: expected a 'result', got '" + m.type + "'");
  CallResult r;
  auto rc = small_integer_member(m, "rc");
  if (!rc.ok()) return rc.status();
  r.rc = *rc;
  auto out = string_member(m, "out", false);
  if (!out.ok()) return out.status();
  r.out = std::move(*out);
  auto thrown = string_member(m, "thrown", false);
  if (!thrown.ok()) return thrown.status();
  r.thrown = std::move(*thrown);
  return r;
}

Result<Callback> read_callback(const Message& m) {
  if (m.type != "cb") return InvalidArgument("plugin protocol: expected a 'cb', got '" + m.type + "'");
  auto op = string_member(m, "op");
  if (!op.ok()) return op.status();
  Callback c;
  const auto need_case = [&]() -> Status {
    auto id = integer_member(m, "case_id");
    if (!id.ok()) return id.status();
    c.case_id = *id;
    return Status::Ok();
  };
  const auto need_string = [&](const char* member, std::string& into) -> Status {
    auto s = string_member(m, member);
    if (!s.ok()) return s.status();
    into = std::move(*s);
    return Status::Ok();
  };
  Status st;
  if (*op == "log") {
    c.op = CallbackOp::kLog;
    auto level = small_integer_member(m, "level");
    if (!level.ok()) return level.status();
    c.level = *level;
    st = need_string("text", c.text);
  } else if (*op == "config_get") {
    c.op = CallbackOp::kConfigGet;
    st = need_string("key", c.key);
  } else if (*op == "case_read") {
    c.op = CallbackOp::kCaseRead;
    st = need_case();
  } else if (*op == "case_add_note") {
    c.op = CallbackOp::kCaseAddNote;
    st = need_case();
    if (st.ok()) st = need_string("text", c.text);
  } else if (*op == "case_add_event") {
    c.op = CallbackOp::kCaseAddEvent;
    st = need_case();
    if (st.ok()) st = need_string("kind", c.kind);
    if (st.ok()) st = need_string("data", c.data_json);
  } else {
    return InvalidArgument("plugin protocol: unknown host call '" + *op + "'");
  }
  if (!st.ok()) return st;
  return c;
}

json callback_message(const Callback& c) {
  switch (c.op) {
    case CallbackOp::kLog: return {{"t", "cb"}, {"op", "log"}, {"level", c.level}, {"text", c.text}};
    case CallbackOp::kConfigGet: return {{"t", "cb"}, {"op", "config_get"}, {"key", c.key}};
    case CallbackOp::kCaseRead: return {{"t", "cb"}, {"op", "case_read"}, {"case_id", c.case_id}};
    case CallbackOp::kCaseAddNote:
      return {{"t", "cb"}, {"op", "case_add_note"}, {"case_id", c.case_id}, {"text", c.text}};
    case CallbackOp::kCaseAddEvent:
      return {{"t", "cb"}, {"op", "case_add_event"}, {"case_id", c.case_id}, {"kind", c.kind}, {"data", c.data_json}};
  }
  return json::object();
}

Result<Ready> read_ready(const Message& m) {
  if (m.type != "ready") return InvalidArgument("plugin protocol: expected 'ready', got '" + m.type + "'");
  Ready r;
  auto id = string_member(m, "id");
  if (!id.ok()) return id.status();
  r.id = std::move(*id);
  auto version = string_member(m, "version");
  if (!version.ok()) return version.status();
  r.version = std::move(*version);
  auto it = m.body.find("functions");
  if (it == m.body.end() || !it->is_array()) return missing(m, "functions", "array");
  for (const auto& f : *it) {
    if (!f.is_string()) return missing(m, "functions", "array of strings");
    const auto& name = f.get_ref<const std::string&>();
    if (name == "validate_form") r.validate_form = true;
    else if (name == "propose_decision") r.propose_decision = true;
    else if (name == "on_case_event") r.on_case_event = true;
    else if (name == "scan_document") r.scan_document = true;
    else if (name == "deliver_letter") r.deliver_letter = true;
  }
  return r;
}

Result<Call> read_call(const Message& m) {
  if (m.type != "call") return InvalidArgument("plugin protocol: expected a 'call', got '" + m.type + "'");
  Call c;
  auto op = string_member(m, "op");
  if (!op.ok()) return op.status();
  if (*op != "validate_form" && *op != "propose_decision" && *op != "on_case_event" && *op != "scan_document" &&
      *op != "deliver_letter") {
    return InvalidArgument("plugin protocol: unknown call '" + *op + "'");
  }
  c.op = std::move(*op);
  auto input = string_member(m, "input");
  if (!input.ok()) return input.status();
  c.input = std::move(*input);
  return c;
}

Result<CallbackResult> read_callback_result(const Message& m) {
  if (m.type != "cb_result") return InvalidArgument("plugin protocol: expected a 'cb_result', got '" + m.type + "'");
  CallbackResult r;
  auto rc = small_integer_member(m, "rc");
  if (!rc.ok()) return rc.status();
  r.rc = *rc;
  auto out = string_member(m, "out", false);
  if (!out.ok()) return out.status();
  r.out = std::move(*out);
  return r;
}

Status FrameChannel::send(const json& message) {
  auto frame = encode_frame(message, max_outgoing_);
  if (!frame.ok()) return frame.status();
  size_t sent = 0;
  while (sent < frame->size()) {
    const ssize_t n = ::send(fd_, frame->data() + sent, frame->size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Internal(std::string("plugin protocol: the other side is gone: ") + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<Message> FrameChannel::receive(std::optional<std::chrono::steady_clock::time_point> deadline) {
  failure_ = Failure::kNone;
  for (;;) {
    size_t consumed = 0;
    auto decoded = decode_frame(buffer_, consumed, max_incoming_);
    if (!decoded.ok()) {
      failure_ = Failure::kGarbled;
      buffer_.clear();
      return PluginFailed(decoded.status().message());
    }
    if (decoded->has_value()) {
      buffer_.erase(0, consumed);
      return std::move(**decoded);
    }
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        failure_ = Failure::kTimeout;
        return PluginFailed("timed out");
      }
      timeout_ms = static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      failure_ = Failure::kTimeout;
      return PluginFailed("timed out");
    }
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      failure_ = Failure::kClosed;
      return PluginFailed("exited");
    }
    // decode_frame refuses an over-long length as soon as its 4 bytes are in,
    // so the buffer stays below kMaxFrameBytes + 4 + one chunk.
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace sagsflow::plugin_protocol
