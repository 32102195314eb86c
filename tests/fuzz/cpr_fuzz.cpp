// Cpr::parse, mask_cpr_numbers and mask_cpr_numbers_in (cpr.hpp). Checks:
// a parsed number reads back from reveal() and shows only DDMMYY-XXXX; a
// refusal never repeats the input; masked text holds nothing that masking
// would change again (so nothing that looks like a CPR number is left); a CPR
// number written between two non-digits is always masked, whatever surrounds
// it; a masked JSON document still dumps (valid UTF-8) with every string and
// key masked.
#include <string>

#include "fuzz_check.hpp"
#include "sagsflow/domain/cpr.hpp"

namespace {

using nlohmann::json;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void check_parse(std::string_view text) {
  auto cpr = sagsflow::Cpr::parse(text);
  if (!cpr.ok()) {
    SAGSFLOW_FUZZ_CHECK(cpr.status().code() == sagsflow::ErrorCode::kInvalidArgument, "a refusal is kInvalidArgument");
    std::size_t digits = 0;
    for (char c : text) digits += is_digit(c) ? 1 : 0;
    if (text.size() >= 10 && digits >= 6) {  // text that could be a CPR number with a typo
      SAGSFLOW_FUZZ_CHECK(cpr.status().message().find(text) == std::string::npos, "a refusal never echoes the input");
    }
    return;
  }
  const std::string revealed = cpr->reveal();
  SAGSFLOW_FUZZ_CHECK(revealed.size() == 11 && revealed[6] == '-', "reveal() is DDMMYY-SSSS");
  auto again = sagsflow::Cpr::parse(revealed);
  SAGSFLOW_FUZZ_CHECK(again.ok() && *again == *cpr, "a parsed number reads back from reveal()");
  SAGSFLOW_FUZZ_CHECK(cpr->masked() == revealed.substr(0, 6) + "-XXXX", "masked() is DDMMYY-XXXX");
  SAGSFLOW_FUZZ_CHECK(cpr->birth_date().ok(), "the birth date is a real date");
  SAGSFLOW_FUZZ_CHECK(sagsflow::mask_cpr_numbers(revealed) == cpr->masked(), "a number alone is masked");
}

void check_masking(std::string_view text) {
  const std::string masked = sagsflow::mask_cpr_numbers(text);
  SAGSFLOW_FUZZ_CHECK(sagsflow::mask_cpr_numbers(masked) == masked, "masked text has nothing left to mask");
}

// The input split in two around a CPR number, in both spellings the header
// names. Masking copies only the first six digits of what it masks, so when
// the text around holds no "9989", no "9989" may come out.
void check_embedded(std::string_view text) {
  const std::size_t half = text.size() / 2;
  const std::string_view before = text.substr(0, half), after = text.substr(half);
  if ((!before.empty() && is_digit(before.back())) || (!after.empty() && is_digit(after.front()))) return;
  if (before.find("9989") != std::string_view::npos || after.find("9989") != std::string_view::npos) return;
  for (const char* number : {"010490-9989", "0104909989"}) {
    const std::string masked = sagsflow::mask_cpr_numbers(std::string(before) + number + std::string(after));
    SAGSFLOW_FUZZ_CHECK(masked.find("9989") == std::string::npos, "a CPR number between non-digits is masked");
  }
}

void check_json(std::string_view text) {
  const std::string s(text);
  json document = {{s, {s, json::array({s, 1}), {{s + s, s}}}}, {"k", s}};
  try {
    (void)document.dump();
  } catch (const json::type_error&) {
    return;  // the input is not valid UTF-8: nothing to keep valid
  }
  sagsflow::mask_cpr_numbers_in(document);
  const std::string dumped = document.dump();  // throws (a crash) if masking broke the UTF-8
  std::vector<const json*> pending{&document};
  while (!pending.empty()) {
    const json* node = pending.back();
    pending.pop_back();
    if (node->is_string()) {
      const auto& value = node->get_ref<const std::string&>();
      SAGSFLOW_FUZZ_CHECK(sagsflow::mask_cpr_numbers(value) == value, "every string is masked");
    } else if (node->is_structured()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        if (node->is_object()) {
          SAGSFLOW_FUZZ_CHECK(sagsflow::mask_cpr_numbers(it.key()) == it.key(), "every key is masked");
        }
        pending.push_back(&*it);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text = sagsflow::fuzz::text_of(data, size);
  check_parse(text);
  check_masking(text);
  check_embedded(text);
  if (size <= 4096) check_json(text);  // the document holds the text seven times
  return 0;
}
