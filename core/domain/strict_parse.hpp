// Private to the domain module: strict reading of fixed-form date and time text.
//
// date::parse checks that the fields exist (month 1-12, 29 February only in
// leap years, hour 0-23), but it also reads "+026" as a year and one-digit
// hours. So the text is first matched against its exact shape, character by
// character, then parsed, and the whole text must have been consumed.
#pragma once

#include <date/date.h>

#include <sstream>
#include <string>
#include <string_view>

namespace sagsflow::detail {

// True when `text` has exactly the shape `shape`: '9' stands for one ASCII
// digit, every other character for itself ("9999-99-99").
inline bool has_shape(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == '9' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

// Parses all of `text` with date::parse(`format`) into `out`; false when the
// fields do not exist or anything is left over.
template <class T>
bool parse_exactly(std::string_view text, const char* format, T& out) {
  std::istringstream in{std::string(text)};
  in >> date::parse(format, out);
  return !in.fail() && in.peek() == std::char_traits<char>::eof();
}

}  // namespace sagsflow::detail
