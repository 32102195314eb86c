// The protocol between the server and a supervised plugin child
// (`sagsflow-plugin-host`): frames over a Unix socketpair, each a 4-byte
// big-endian length followed by that many bytes of one JSON object with a
// string member "t" (the message type). A frame is at most kMaxFrameBytes and
// its JSON at most kMaxFrameDepth deep (parse_bounded_json), so a garbled or
// hostile child cannot make the parent allocate or recurse without bound.
//
// Messages (every other member is checked by the typed readers below):
//   child  -> parent  {"t":"ready","id","version","functions":[...]}    after loading
//                     {"t":"refused","message"}                          the library did not load
//                     {"t":"result","rc","out","thrown"}                 the answer to a call
//                     {"t":"cb","op","case_id"?,"key"?,"text"?,"kind"?,"data"?,"level"?}  a host call
//   parent -> child   {"t":"call","op","input"}                          validate_form, propose_decision, on_case_event,
//                                                                        scan_document (ABI 1.1; input: scan_input()),
//                                                                        deliver_letter (ABI 1.2; input: deliver_input())
//                     {"t":"cb_result","rc","out"}                       the answer to a host call
//
// Thread-safety: pure functions; FrameChannel is used by one thread at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::plugin_protocol {

inline constexpr std::size_t kMaxFrameBytes = 4 * 1024 * 1024;
// A call from the parent may carry a document to scan (scan_document, its
// bytes as hex) or a letter's PDF to deliver (deliver_letter, the same way): the child reads frames up to this size. What the child sends
// stays within kMaxFrameBytes.
inline constexpr std::size_t kMaxCallFrameBytes = 80 * 1024 * 1024;
inline constexpr int kMaxFrameDepth = 64;

struct Message {
  std::string type;     // the "t" member
  nlohmann::json body;  // the whole object
};

// The frame for `message` (an object with "t"); kInvalidArgument when it would
// exceed kMaxFrameBytes.
Result<std::string> encode_frame(const nlohmann::json& message, std::size_t max_bytes = kMaxFrameBytes);

// Decodes the first frame of `buffer`: nothing (and consumed = 0) when the
// buffer does not yet hold a whole frame; the message and the bytes it used
// otherwise. kInvalidArgument naming what is wrong when the length is over the
// limit, the payload is not bounded JSON, not an object, or has no string "t".
Result<std::optional<Message>> decode_frame(std::string_view buffer, std::size_t& consumed,
                                            std::size_t max_bytes = kMaxFrameBytes);

// Typed readers: kInvalidArgument naming the missing or mistyped member.
struct CallResult {
  int rc = 0;
  std::string out;
  std::string thrown;  // empty unless the plugin threw
};
Result<CallResult> read_call_result(const Message& m);

enum class CallbackOp { kLog, kConfigGet, kCaseRead, kCaseAddNote, kCaseAddEvent };
struct Callback {
  CallbackOp op = CallbackOp::kLog;
  int level = 0;
  int64_t case_id = 0;
  std::string key;        // config_get
  std::string text;       // log, case_add_note
  std::string kind;       // case_add_event
  std::string data_json;  // case_add_event
};
Result<Callback> read_callback(const Message& m);
nlohmann::json callback_message(const Callback& c);

struct Ready {
  std::string id;
  std::string version;
  bool validate_form = false;
  bool propose_decision = false;
  bool on_case_event = false;
  bool scan_document = false;  // ABI 1.1
  bool deliver_letter = false;  // ABI 1.2
};
Result<Ready> read_ready(const Message& m);

struct Call {
  std::string op;  // validate_form, propose_decision, on_case_event, scan_document, deliver_letter
  std::string input;
};
Result<Call> read_call(const Message& m);

struct CallbackResult {
  int rc = 0;
  std::string out;
};
Result<CallbackResult> read_callback_result(const Message& m);

// A blocking reader and writer of frames on one socket.
class FrameChannel {
 public:
  // Frames received are at most max_incoming bytes, frames sent at most max_outgoing.
  explicit FrameChannel(int fd, std::size_t max_incoming = kMaxFrameBytes, std::size_t max_outgoing = kMaxFrameBytes)
      : fd_(fd), max_incoming_(max_incoming), max_outgoing_(max_outgoing) {}
  // Writes the whole frame; kInternal when the peer is gone (EPIPE is not a signal: MSG_NOSIGNAL).
  Status send(const nlohmann::json& message);
  // The next message, waiting at most until `deadline` (none: forever).
  // kPluginFailed on a timeout ("timed out"), when the peer closed the socket
  // ("exited") or sent a frame that does not decode (the decoder's message).
  Result<Message> receive(std::optional<std::chrono::steady_clock::time_point> deadline);
  // Why the last receive failed.
  enum class Failure { kNone, kTimeout, kClosed, kGarbled };
  Failure last_failure() const { return failure_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::size_t max_incoming_, max_outgoing_;
  std::string buffer_;
  Failure failure_ = Failure::kNone;
};

}  // namespace sagsflow::plugin_protocol
