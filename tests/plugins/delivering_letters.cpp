// A letter delivery plugin (ABI 1.2) written with the SDK's C++ wrapper. What
// it does depends on the letter's title: RETRY and REFUSE answer so, THROW
// throws, CRASH ends its process, WRITE tries to add a note to the letter's
// case (refused by the host during a delivery); anything else is delivered
// with a receipt naming the letter, the PDF's size and the "receipt_prefix"
// setting of the letter's municipality.
#include <sagsflow/plugin.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>

class DeliveringLetters : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;
  static constexpr bool kDeliversLetters = true;

  sagsflow::sdk::DeliveryResult deliver_letter(const nlohmann::json& letter, std::string_view pdf) override {
    using sagsflow::sdk::DeliveryResult;
    const std::string title = letter.value("title", "");
    if (title == "CRASH") std::abort();
    if (title == "THROW") throw std::runtime_error("the receiver's client broke");
    if (title == "RETRY") return DeliveryResult::retry("the receiver is busy");
    if (title == "REFUSE") return DeliveryResult::refused("recipient exempt from Digital Post");
    if (title == "WRITE") {
      const bool wrote = host().add_note(letter.value("case_id", 0LL), "delivered");
      return DeliveryResult::delivered(wrote ? "wrote a note" : "writing was refused");
    }
    if (letter.at("document").value("size", -1LL) != static_cast<long long>(pdf.size())) {
      return DeliveryResult::refused("the document's size is not the PDF's");
    }
    const std::string prefix = host().config("receipt_prefix").value_or("no prefix");
    return DeliveryResult::delivered(prefix + " letter " + std::to_string(letter.value("letter_id", 0LL)) + ", " +
                                     std::to_string(pdf.size()) + " bytes, key " +
                                     letter.value("idempotency_key", ""));
  }
};

SAGSFLOW_PLUGIN(DeliveringLetters)
