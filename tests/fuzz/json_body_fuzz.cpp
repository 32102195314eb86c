// The HTTP body reader's parse step: parse_bounded_json with the server's
// limits (1 MiB, 32 levels), then what every answer does with a document
// (mask_cpr_numbers_in, dump). Checks the promises of bounded_json.hpp:
// a refusal is kInvalidArgument with a message, an accepted text is no deeper
// than the limit, and the tree dumps and reads back as the same document.
#include <string>

#include "fuzz_check.hpp"
#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/domain/cpr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using nlohmann::json;
  const std::string_view text = sagsflow::fuzz::text_of(data, size);
  const sagsflow::JsonLimits limits{1024 * 1024, 32};
  const int depth = sagsflow::json_text_depth(text);
  SAGSFLOW_FUZZ_CHECK(depth >= 0, "json_text_depth is never negative");
  auto parsed = sagsflow::parse_bounded_json(text, limits);
  if (!parsed.ok()) {
    SAGSFLOW_FUZZ_CHECK(parsed.status().code() == sagsflow::ErrorCode::kInvalidArgument,
                        "parse_bounded_json refuses with kInvalidArgument");
    SAGSFLOW_FUZZ_CHECK(!parsed.status().message().empty(), "a refusal says what is wrong");
    return 0;
  }
  SAGSFLOW_FUZZ_CHECK(depth <= limits.max_depth, "an accepted text is no deeper than the limit");
  json document = std::move(*parsed);
  // The text was valid UTF-8 (nlohmann checks strings while parsing), so the
  // dump the server answers with must not throw, masked or not.
  const std::string dumped = document.dump();
  SAGSFLOW_FUZZ_CHECK(json::parse(dumped) == document, "a parsed document reads back from its dump");
  if (dumped.size() <= limits.max_bytes) {  // a dump may be longer than its text ("1E14")
    auto again = sagsflow::parse_bounded_json(dumped, limits);
    SAGSFLOW_FUZZ_CHECK(again.ok() && *again == document, "the dump of an accepted document is accepted");
  }
  sagsflow::mask_cpr_numbers_in(document);
  const std::string masked = document.dump();
  SAGSFLOW_FUZZ_CHECK(sagsflow::json_text_depth(masked) == sagsflow::json_text_depth(dumped),
                      "masking changes strings, never the shape");
  return 0;
}
