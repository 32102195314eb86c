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

// Replaces every CPR number in `text` by its masked form DDMMYY-XXXX (the
// date's six digits, then "-XXXX"), whatever the spelling. The one masking
// function every output goes through (log sink, JSON answers, CLI, errors).
//
// A CPR number is, in this order:
//   * the date: six digits DDMMYY, or DD?MM?YY where ? is the same single
//     separator twice ("01.04.90", "01 04 90", "01-04-90");
//   * the serial: four digits, either directly after an unsplit date
//     ("0104909989") or after a separator of one to three units made of
//     spaces and at most one dash ("010490-9989", "010490 9989",
//     "010490/9989", "010490 - 9989", "010490.9989");
//   * the first six digits are a real date (with the CPR office's century
//     rule); the modulus-11 check is not asked (numbers without it exist).
// Separators: space units are " ", "+" (a space in a query string), U+00A0,
// U+2007, U+202F (no-break spaces); dash units are "-", "/", ".", U+2010,
// U+2011, U+2012, U+2013 (en dash), U+2014 (em dash), U+2212 (minus). Each
// may be written in UTF-8, percent-encoded ("%2D", "%20", "%2F", "%C2%A0",
// "%E2%80%93", in either case; also encoded again, "%252D") or as a JSON
// escape ("\u2013").
// Boundaries, so that longer numbers are left alone: the match must not be
// preceded or followed by a digit; a 12-digit id stays as it is (a ten-digit
// number after a dialling prefix, "+45 0104909989", is masked: it is no
// Danish phone number, and confidentiality comes first). Anything else in the text (letters, "%", "3." right before or
// after) does not stop a match: "cpr0104909989x", "%010490-9989" and
// "3.0104909989" are masked (a decimal fraction that reads as a CPR number is
// masked too: confidentiality comes before a rare number's last digits).
// A number may start at any digit that does not follow a digit, also inside
// an escape ("%2004000005" masks the 2004000005 it holds) or right after a
// separator escape ("%200104909989"). When readings overlap, one's date
// digits are another's serial, so the whole stretch becomes "XXXXXX-XXXX"
// ("19.05.010490-9989", which reads as 19.05.01-0490 and as 010490-9989).
// Masked numbers already in the text ("DDMMYY-XXXX", six digits that start
// where a number could) are left as they are and never read into, and the
// result holds nothing left to mask: masking it again changes nothing.
// Linear in the text's length (each start is tried over a bounded window),
// no regular expressions. Pure: any thread.
std::string mask_cpr_numbers(std::string_view text);

// Masks, in place, every string and every object key of `j` with
// mask_cpr_numbers. Iterative (no recursion, whatever the depth) and linear in
// the document's size: the one masking step every JSON output goes through.
void mask_cpr_numbers_in(nlohmann::json& j);

}  // namespace sagsflow
