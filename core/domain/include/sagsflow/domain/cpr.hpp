// Cpr: a Danish CPR number (personnummer), DDMMYY-SSSS.
//
// Parsing accepts "DDMMYY-SSSS" or "DDMMYYSSSS". The first six digits must be a
// real date; the century comes from the 7th digit (CPR office rules). The
// modulus-11 check is reported by mod11_ok() but never causes a rejection:
// since 2007 valid numbers without a check digit are issued.
//
// A Cpr is confidential personal data. Every textual rendering (masked(),
// operator<<, fmt) shows DDMMYY-XXXX; the full number is only available through
// the explicitly named reveal(). A Cpr is an immutable value, safe to share
// between threads; mask_cpr_numbers() is pure.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

#include "sagsflow/domain/result.hpp"

namespace sagsflow {

class Cpr {
 public:
  // kInvalidArgument when the text is not 10 digits (with or without the dash)
  // or the first six are not a real date; the message never repeats the last
  // four digits.
  static Result<Cpr> parse(std::string_view text);

  // "DDMMYY-XXXX": the form for screens, logs and documents.
  std::string masked() const;
  // "DDMMYY-SSSS": only for storage and for the citizen's own eyes.
  std::string reveal() const;

  std::chrono::year_month_day birth_date() const { return birth_date_; }
  bool is_female() const { return (digits_[9] - '0') % 2 == 0; }
  bool mod11_ok() const;

  friend bool operator==(const Cpr&, const Cpr&) = default;

 private:
  Cpr(std::string digits, std::chrono::year_month_day birth)
      : digits_(std::move(digits)), birth_date_(birth) {}
  std::string digits_;  // exactly ten digits
  std::chrono::year_month_day birth_date_;
};

std::ostream& operator<<(std::ostream& os, const Cpr& cpr);  // masked

// Replaces everything in `text` that looks like a CPR number (DDMMYY-SSSS or a
// ten-digit run whose first six digits are a date) by its masked form. Used by
// the log sink so that no log line ever carries a CPR number in clear.
std::string mask_cpr_numbers(std::string_view text);

// Masks, in place, every string and every object key of `j` with
// mask_cpr_numbers. Iterative (no recursion, whatever the depth) and linear in
// the document's size: the one masking step every JSON output goes through.
void mask_cpr_numbers_in(nlohmann::json& j);

}  // namespace sagsflow
