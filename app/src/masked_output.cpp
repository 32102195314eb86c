#include "masked_output.hpp"

#include <iostream>
#include <streambuf>
#include <string>

#include "sagsflow/domain/cpr.hpp"

namespace sagsflow::cli {
namespace {

class MaskingBuffer : public std::streambuf {
 public:
  explicit MaskingBuffer(std::streambuf* target) : target_(target) {}

 protected:
  int_type overflow(int_type ch) override {
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    pending_.push_back(traits_type::to_char_type(ch));
    if (ch == '\n') return emit(pending_.size()) ? ch : traits_type::eof();
    if (pending_.size() >= kMaxPending) return emit_long_line() ? ch : traits_type::eof();
    return ch;
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) {
      if (traits_type::eq_int_type(overflow(traits_type::to_int_type(s[i])), traits_type::eof())) return i;
    }
    return n;
  }

  int sync() override {
    if (!emit(pending_.size())) return -1;
    return target_->pubsync();
  }

 private:
  // A CPR number in any spelling is shorter than this: what is held back of
  // a long line so that a number across the cut is masked whole.
  static constexpr std::size_t kOverlap = 128;
  static constexpr std::size_t kMaxPending = 64 * 1024;

  bool write(const std::string& text) {
    return target_->sputn(text.data(), static_cast<std::streamsize>(text.size())) ==
           static_cast<std::streamsize>(text.size());
  }

  // Masks and writes the first `n` bytes of what is pending.
  bool emit(std::size_t n) {
    if (n == 0) return true;
    const bool ok = write(mask_cpr_numbers(std::string_view(pending_).substr(0, n)));
    pending_.erase(0, n);
    return ok;
  }

  // A line longer than kMaxPending: write all but the tail, cut at a space
  // outside the tail when there is one (masking never spans a space-free
  // cut then), else keep the tail to be masked with what follows.
  bool emit_long_line() {
    std::size_t cut = pending_.size() - kOverlap;
    const std::size_t space = pending_.rfind(' ', cut);
    if (space != std::string::npos && space + kOverlap > cut) cut = space + 1;
    // Whatever the cut, mask the emitted part together with the tail and
    // write only the emitted part's masked form: a number that starts before
    // the cut is masked whole and its rest is dropped from the tail.
    const std::string masked_head = mask_cpr_numbers(std::string_view(pending_).substr(0, cut));
    const std::string masked_all = mask_cpr_numbers(pending_);
    if (masked_all.compare(0, masked_head.size(), masked_head) == 0) {
      const bool ok = write(masked_head);
      pending_.erase(0, cut);
      return ok;
    }
    // A number spans the cut: emit the whole buffer masked.
    const bool ok = write(masked_all);
    pending_.clear();
    return ok;
  }

  std::streambuf* target_;
  std::string pending_;
};

}  // namespace

void mask_standard_output() {
  // Never freed: the standard streams flush through it until the process ends.
  static auto* out = new MaskingBuffer(std::cout.rdbuf());
  static auto* err = new MaskingBuffer(std::cerr.rdbuf());
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
}

}  // namespace sagsflow::cli
