#include "sagsflow/domain/cpr.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <ostream>
#include <vector>

namespace sagsflow {
namespace {

int digit(char c) { return c - '0'; }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Century rules of the CPR office: the 7th digit and the two-digit year.
int full_year(int yy, int seventh) {
  if (seventh <= 3) return 1900 + yy;
  if (seventh == 4 || seventh == 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;  // 5-8
}

std::optional<std::chrono::year_month_day> birth_date_of(std::string_view ten) {
  using namespace std::chrono;
  const int dd = digit(ten[0]) * 10 + digit(ten[1]);
  const int mm = digit(ten[2]) * 10 + digit(ten[3]);
  const int yy = digit(ten[4]) * 10 + digit(ten[5]);
  const year_month_day ymd{year{full_year(yy, digit(ten[6]))}, month{static_cast<unsigned>(mm)},
                           day{static_cast<unsigned>(dd)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

}  // namespace

Result<Cpr> Cpr::parse(std::string_view text) {
  std::string digits;
  if (text.size() == 11 && text[6] == '-' && all_digits(text.substr(0, 6)) &&
      all_digits(text.substr(7))) {
    digits = std::string(text.substr(0, 6)) + std::string(text.substr(7));
  } else if (text.size() == 10 && all_digits(text)) {
    digits = std::string(text);
  } else {
    // Never echo the input: it may be a real CPR number with a typo.
    return InvalidArgument("CPR number must have the form DDMMYY-SSSS (10 digits, got " +
                           std::to_string(text.size()) + " characters)");
  }
  auto birth = birth_date_of(digits);
  if (!birth) {
    return InvalidArgument("CPR number " + digits.substr(0, 6) +
                           "-XXXX does not start with a real date (DDMMYY)");
  }
  return Cpr(std::move(digits), *birth);
}

std::string Cpr::masked() const { return digits_.substr(0, 6) + "-XXXX"; }

std::string Cpr::reveal() const { return digits_.substr(0, 6) + "-" + digits_.substr(6); }

bool Cpr::mod11_ok() const {
  static constexpr std::array<int, 10> kWeights{4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) sum += digit(digits_[i]) * kWeights[i];
  return sum % 11 == 0;
}

std::ostream& operator<<(std::ostream& os, const Cpr& cpr) { return os << cpr.masked(); }

std::string mask_cpr_numbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto is_d = [&](size_t i) {
    return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
  };
  size_t i = 0;
  while (i < text.size()) {
    const bool boundary_before = i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]));
    if (boundary_before && is_d(i)) {
      size_t run = 0;
      while (is_d(i + run)) ++run;
      // DDMMYY-SSSS
      if (run == 6 && i + 6 < text.size() && text[i + 6] == '-') {
        size_t tail = 0;
        while (is_d(i + 7 + tail)) ++tail;
        if (tail == 4) {
          out.append(text.substr(i, 6)).append("-XXXX");
          i += 11;
          continue;
        }
      }
      // DDMMYYSSSS with a plausible date
      if (run == 10 && birth_date_of(text.substr(i, 10))) {
        out.append(text.substr(i, 6)).append("-XXXX");
        i += 10;
        continue;
      }
      out.append(text.substr(i, run));
      i += run;
      continue;
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

void mask_cpr_numbers_in(nlohmann::json& j) {
  std::vector<nlohmann::json*> pending{&j};
  while (!pending.empty()) {
    nlohmann::json* node = pending.back();
    pending.pop_back();
    if (node->is_string()) {
      auto& text = node->get_ref<std::string&>();
      std::string masked = mask_cpr_numbers(text);
      if (masked != text) text = std::move(masked);
    } else if (node->is_array()) {
      for (auto& item : *node) pending.push_back(&item);
    } else if (node->is_object()) {
      std::vector<std::string> renamed;
      for (auto it = node->begin(); it != node->end(); ++it) {
        if (mask_cpr_numbers(it.key()) != it.key()) renamed.push_back(it.key());
      }
      for (const auto& key : renamed) {
        nlohmann::json value = std::move((*node)[key]);
        node->erase(key);
        std::string target = mask_cpr_numbers(key);
        for (int n = 2; node->contains(target); ++n) target = mask_cpr_numbers(key) + " #" + std::to_string(n);
        (*node)[target] = std::move(value);  // two keys that mask alike both stay
      }
      for (auto& [key, value] : node->items()) pending.push_back(&value);
    }
  }
}

}  // namespace sagsflow
