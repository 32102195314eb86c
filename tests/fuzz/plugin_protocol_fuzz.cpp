// libFuzzer target: the plugin protocol's frame decoder and message readers
// (sagsflow/plugins/plugin_protocol.hpp), the parent's side of what a
// crashed, garbled or hostile plugin child can send. The input is a byte
// stream of frames: each decoded message goes through every typed reader,
// and a message that decodes re-encodes to a frame that decodes the same.
// Links: sagsflow_plugins (Sagsflow::plugin_host) and what it brings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sagsflow/plugins/plugin_protocol.hpp"

namespace proto = sagsflow::plugin_protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  for (int frames = 0; frames < 64 && !stream.empty(); ++frames) {
    size_t used = 0;
    auto decoded = proto::decode_frame(stream, used);
    if (!decoded.ok() || !decoded->has_value()) break;
    if (used == 0 || used > stream.size()) std::abort();  // the decoder must consume what it decoded
    const proto::Message& m = **decoded;
    (void)proto::read_call_result(m);
    (void)proto::read_ready(m);
    (void)proto::read_call(m);
    (void)proto::read_callback_result(m);
    if (auto cb = proto::read_callback(m); cb.ok()) {
      // What a host call decodes to encodes back to the same host call.
      auto again = proto::encode_frame(proto::callback_message(*cb));
      if (!again.ok()) std::abort();
      size_t n = 0;
      auto round = proto::decode_frame(*again, n);
      if (!round.ok() || !round->has_value() || n != again->size()) std::abort();
      auto cb2 = proto::read_callback(**round);
      if (!cb2.ok() || cb2->op != cb->op || cb2->case_id != cb->case_id || cb2->text != cb->text) std::abort();
    }
    stream.remove_prefix(used);
  }
  return 0;
}
