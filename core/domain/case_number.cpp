#include "sagsflow/domain/case_number.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace sagsflow {
namespace {
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
}  // namespace

bool is_kle_subject(std::string_view s) {
  if (s.size() != 8 || s[2] != '.' || s[5] != '.') return false;
  for (size_t i : {0u, 1u, 3u, 4u, 6u, 7u}) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

bool is_kle_facet(std::string_view s) {
  return s.size() == 3 && std::isupper(static_cast<unsigned char>(s[0])) && is_digit(s[1]) &&
         is_digit(s[2]);
}

std::string CaseNumber::to_string() const {
  return fmt::format("{}-{}-{}-{:02d}", subject, facet, sequence, year % 100);
}

Result<CaseNumber> CaseNumber::parse(std::string_view text) {
  const auto bad = [&](const char* why) {
    return InvalidArgument(fmt::format("case number '{}' {}; expected NN.NN.NN-FNN-<number>-<yy>",
                                       text, why));
  };
  if (text.size() < 8 + 1 + 3 + 1 + 1 + 1 + 2) return bad("is too short");
  CaseNumber n;
  n.subject = std::string(text.substr(0, 8));
  if (!is_kle_subject(n.subject) || text[8] != '-') return bad("has no KLE subject");
  n.facet = std::string(text.substr(9, 3));
  if (!is_kle_facet(n.facet) || text[12] != '-') return bad("has no handling facet");
  const std::string_view rest = text.substr(13);
  const auto dash = rest.rfind('-');
  if (dash == std::string_view::npos || rest.size() - dash != 3) return bad("has no two-digit year");
  const std::string_view seq = rest.substr(0, dash);
  const std::string_view yy = rest.substr(dash + 1);
  int year2 = 0;
  if (seq.empty() ||
      std::from_chars(seq.data(), seq.data() + seq.size(), n.sequence).ptr != seq.data() + seq.size() ||
      n.sequence <= 0) {
    return bad("has no running number");
  }
  if (std::from_chars(yy.data(), yy.data() + 2, year2).ptr != yy.data() + 2) {
    return bad("has no two-digit year");
  }
  n.year = 2000 + year2;
  return n;
}

}  // namespace sagsflow
