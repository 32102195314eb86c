#include "sagsflow/domain/cpr.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
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

namespace {

// One unit of the text as the masker reads it: a percent escape (%XX) or a
// JSON escape (\uXXXX) is one unit, a UTF-8 sequence of the separators below
// is one unit, anything else is one byte.
enum class Unit { kDigit, kSpace, kDash, kOther };

struct Scanned {
  Unit unit;
  std::size_t length;
  char32_t code;  // the character the unit stands for (the digit for kDigit)
};

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (std::tolower(static_cast<unsigned char>(c)) - 'a') + 10;
}

Unit classify(char32_t c) {
  if (c >= '0' && c <= '9') return Unit::kDigit;
  switch (c) {
    case U' ': case U'+': case 0x00A0: case 0x2007: case 0x202F:  // space, '+' of a query, no-break spaces
      return Unit::kSpace;
    case U'-': case U'/': case U'.': case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2212:  // hyphens, figure dash, en dash, em dash, minus sign
      return Unit::kDash;
    default:
      return Unit::kOther;
  }
}

// The UTF-8 sequence starting at text[i] when it is one of the multi-byte
// separators above (two or three bytes), decoded; 0 otherwise.
std::size_t utf8_separator(std::string_view text, std::size_t i, char32_t* code) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  if (i + 1 < text.size() && b(0) == 0xC2 && b(1) == 0xA0) {
    *code = 0x00A0;
    return 2;
  }
  if (i + 2 < text.size() && b(0) == 0xE2 && (b(1) & 0xC0) == 0x80 && (b(2) & 0xC0) == 0x80) {
    const char32_t c = ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (classify(c) != Unit::kOther) {
      *code = c;
      return 3;
    }
  }
  return 0;
}

// A percent-encoded byte at text[i]: "%XX", or encoded again ("%25XX",
// "%2525XX", up to three times); its value and length, or -1.
int percent_byte(std::string_view text, std::size_t i, std::size_t* length) {
  if (i >= text.size() || text[i] != '%') return -1;
  std::size_t p = i + 1;
  for (int again = 0; again < 3 && p + 3 < text.size() && text[p] == '2' && text[p + 1] == '5' && is_hex(text[p + 2]) &&
                      is_hex(text[p + 3]);
       ++again) {
    p += 2;
  }
  if (p + 1 >= text.size() || !is_hex(text[p]) || !is_hex(text[p + 1])) return -1;
  *length = p + 2 - i;
  return hex_value(text[p]) * 16 + hex_value(text[p + 1]);
}

// The unit at text[i] (i < text.size()). Percent-encoded UTF-8 (%E2%80%93) is
// decoded as one unit; so is a JSON escape \u2013.
Scanned scan(std::string_view text, std::size_t i) {
  const char c = text[i];
  std::size_t n1 = 0;
  if (const int first = percent_byte(text, i, &n1); first >= 0) {
    std::size_t n2 = 0, n3 = 0;
    const int b1 = percent_byte(text, i + n1, &n2);
    if (first == 0xC2 && b1 == 0xA0) return {Unit::kSpace, n1 + n2, 0x00A0};
    if (first == 0xE2 && b1 >= 0) {
      const int b2 = percent_byte(text, i + n1 + n2, &n3);
      if (b2 >= 0) {
        const char32_t code = ((first & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
        const Unit u = classify(code);
        if (u == Unit::kSpace || u == Unit::kDash) return {u, n1 + n2 + n3, code};
      }
    }
    const char32_t code = static_cast<char32_t>(first);
    const Unit u = classify(code);
    if (u == Unit::kSpace || u == Unit::kDash) return {u, n1, code};
    // Any other "%": just the sign, so the digits after it ("%010490-9989")
    // are read as digits and a number right behind it is still masked.
    return {Unit::kOther, 1, U'%'};
  }
  if (c == '\\' && i + 5 < text.size() && text[i + 1] == 'u' && is_hex(text[i + 2]) && is_hex(text[i + 3]) &&
      is_hex(text[i + 4]) && is_hex(text[i + 5])) {
    const char32_t code = static_cast<char32_t>((hex_value(text[i + 2]) << 12) | (hex_value(text[i + 3]) << 8) |
                                                (hex_value(text[i + 4]) << 4) | hex_value(text[i + 5]));
    const Unit u = classify(code);
    if (u == Unit::kSpace || u == Unit::kDash) return {u, 6, code};
    return {Unit::kOther, 1, U'\\'};  // just the backslash: digits after "\u" are still read as digits
  }
  char32_t code = 0;
  if (const std::size_t n = utf8_separator(text, i, &code); n > 0) return {classify(code), n, code};
  return {classify(static_cast<unsigned char>(c)), 1, static_cast<unsigned char>(c)};
}

// Reads `count` digits from `pos` into `out`; false (pos unspecified) if a
// unit there is not a digit.
bool read_digits(std::string_view text, std::size_t& pos, int count, std::string& out) {
  for (int k = 0; k < count; ++k) {
    if (pos >= text.size()) return false;
    const Scanned u = scan(text, pos);
    if (u.unit != Unit::kDigit) return false;
    out.push_back(static_cast<char>(u.code));
    pos += u.length;
  }
  return true;
}

// The separator between the date and the serial number: one to three units,
// spaces and at most one dash ("-", " ", " - ", "%2D", "–", "/", "." ...).
bool read_separator(std::string_view text, std::size_t& pos) {
  int units = 0, dashes = 0;
  while (pos < text.size() && units < 3) {
    const Scanned u = scan(text, pos);
    if (u.unit == Unit::kSpace) {
      // counts as it is
    } else if (u.unit == Unit::kDash && dashes == 0) {
      ++dashes;
    } else {
      break;
    }
    pos += u.length;
    ++units;
  }
  return units > 0;
}

// The part of the text one masking step works on: `text` ends where the
// segment ends (scans never read past it), the segment begins at `begin`, and
// `digit_after` tells whether a digit follows the segment's end (a masked
// number "DDMMYY-XXXX" begins with one).
struct Segment {
  std::string_view text;
  std::size_t begin;
  bool digit_after;
};

// Whether the unit at `pos` (not at the segment's end) is a digit, with the
// segment's right edge counting as what follows it.
bool digit_follows(const Segment& seg, std::size_t pos) {
  if (pos >= seg.text.size()) return seg.digit_after;
  return scan(seg.text, pos).unit == Unit::kDigit;
}

// The longest escape the masker reads (three percent-encoded bytes, each
// encoded again three times) and how far past its start one candidate's
// reading can reach (ten digits, five separator units, the unit after it).
constexpr std::size_t kLongestUnit = 27;
constexpr std::size_t kReach = 10 + 6 * kLongestUnit + 64;
// How far overlapping readings are joined into one mask (several numbers' worth).
constexpr std::size_t kMaxOverlap = 2 * kReach;

// Where a CPR number may start: an ASCII digit not preceded by one, or
// preceded by the last digit of a separator escape ("%20", "\u2010") that
// ends right there. Depends only on the bytes before `pos` (within the
// segment), so it reads the same before and after masking what follows.
bool may_start_at(const Segment& seg, std::size_t pos) {
  const std::string_view t = seg.text;
  if (pos >= t.size() || !std::isdigit(static_cast<unsigned char>(t[pos]))) return false;
  if (pos == seg.begin || !std::isdigit(static_cast<unsigned char>(t[pos - 1]))) return true;
  const std::string_view before = t.substr(0, pos);
  for (std::size_t k = pos - 1; k + kLongestUnit >= pos && k >= seg.begin; --k) {
    if (before[k] == '%' || before[k] == '\\') {
      const Scanned u = scan(before, k);
      if (k + u.length == pos && (u.unit == Unit::kSpace || u.unit == Unit::kDash)) return true;
    }
    if (k == seg.begin) break;
  }
  return false;
}

// A CPR number starting at `start` (where may_start_at holds): its length in
// bytes and its ten digits, or 0.
std::size_t match_cpr(const Segment& seg, std::size_t start, std::string& digits) {
  const std::string_view text = seg.text;
  digits.clear();
  std::size_t pos = start;
  if (!read_digits(text, pos, 2, digits)) return 0;
  // The date: DDMMYY, or DD?MM?YY with the same one-unit separator twice.
  bool split_date = false;
  if (pos < text.size()) {
    const Scanned sep = scan(text, pos);
    if (sep.unit == Unit::kSpace || sep.unit == Unit::kDash) {
      std::size_t p = pos + sep.length;
      std::string more;
      if (read_digits(text, p, 2, more) && p < text.size()) {
        const Scanned sep2 = scan(text, p);
        if (sep2.code == sep.code && sep2.length == sep.length) {
          p += sep2.length;
          if (read_digits(text, p, 2, more)) {
            split_date = true;
            digits += more;
            pos = p;
          }
        }
      }
    }
  }
  if (!split_date && !read_digits(text, pos, 4, digits)) return 0;
  // The serial number, after a separator or (for an unsplit date) directly.
  const std::size_t after_date = pos;
  std::string serial;
  bool found = false;
  if (read_digits(text, pos, 4, serial)) {
    found = true;
  } else {
    pos = after_date;
    serial.clear();
    found = read_separator(text, pos) && read_digits(text, pos, 4, serial);
  }
  if (!found || digit_follows(seg, pos)) return 0;  // no number, or part of a longer one
  digits += serial;
  if (!birth_date_of(digits)) return 0;
  return pos - start;
}

// Whether a masked number "DDMMYY-XXXX" (which the masker leaves alone and
// never reads into) starts at `pos`.
bool masked_number_at(const Segment& seg, std::size_t pos) {
  const std::string_view t = seg.text;
  if (pos + 11 > t.size() || t.compare(pos + 6, 5, "-XXXX") != 0) return false;
  for (std::size_t k = pos; k < pos + 6; ++k) {
    if (!std::isdigit(static_cast<unsigned char>(t[k]))) return false;
  }
  return may_start_at(seg, pos);
}

// Masks seg.text[from, end) into `out`. Every masked number becomes
// "DDMMYY-XXXX" and the text between two of them is a segment of its own, so
// that masking the result again reads exactly the same segments and finds
// nothing: (1) readings that overlap ("19.05.010490-9989" is 19.05.01-0490
// and 010490-9989; "010490%200400 0005" is 010490-0400 and 200400-0005) are
// masked together as "XXXXXX-XXXX": one's date digits are another's serial,
// so no digit of the stretch may show; (2) the text before a masked number is
// masked again as a segment that ends where the number starts (what it holds
// may read differently once the digits after it are gone), over the stretch
// where that can matter. Both stretches are bounded, so the work stays linear
// and the recursion shallow.
void mask_segment(Segment seg, std::size_t from, std::string& out) {
  std::string digits, other;
  std::size_t emitted = from;
  for (std::size_t pos = from; pos < seg.text.size();) {
    if (!may_start_at(seg, pos)) {
      ++pos;
      continue;
    }
    const std::size_t length = match_cpr(seg, pos, digits);
    if (length == 0) {
      ++pos;
      continue;
    }
    const std::size_t first = pos;
    std::size_t end = first + length;
    bool overlapped = false;
    for (std::size_t j = first + 1; j < end; ++j) {  // (1)
      if (!may_start_at(seg, j)) continue;
      if (const std::size_t m = match_cpr(seg, j, other); m > 0 && j + m > end && j + m - first <= kMaxOverlap) {
        end = j + m;
        overlapped = true;
      }
    }
    const std::size_t recheck = std::max(emitted, first > kReach ? first - kReach : 0);  // (2)
    out.append(seg.text.substr(emitted, recheck - emitted));
    // An overlap's mask begins with 'X', a number's with a digit: the segment before ends accordingly.
    if (recheck < first) mask_segment(Segment{seg.text.substr(0, first), seg.begin, !overlapped}, recheck, out);
    if (overlapped) {
      out.append("XXXXXX-XXXX");
    } else {
      out.append(digits, 0, 6).append("-XXXX");
    }
    emitted = pos = end;
    seg.begin = pos;
  }
  out.append(seg.text.substr(emitted));
}

}  // namespace

std::string mask_cpr_numbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Masked numbers already in the text split it into segments, masked one by one.
  std::size_t begin = 0;
  for (std::size_t anchor = text.find("-XXXX"); anchor != std::string_view::npos;
       anchor = text.find("-XXXX", anchor + 1)) {
    if (anchor < begin + 6) continue;
    const std::size_t at = anchor - 6;
    if (!masked_number_at(Segment{text, begin, false}, at)) continue;
    mask_segment(Segment{text.substr(0, at), begin, true}, begin, out);
    out.append(text.substr(at, 11));
    begin = at + 11;
  }
  mask_segment(Segment{text, begin, false}, begin, out);
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
