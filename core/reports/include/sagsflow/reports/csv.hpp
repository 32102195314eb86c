// CSV as RFC 4180 quotes it: a field holding a double quote, a comma, CR or LF
// is put in double quotes, and each double quote in it is doubled; any other
// field is written as it is. Every CSV that Sagsflow writes goes through here.
// Rows end in LF. Pure functions, safe from any thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace sagsflow {

// One field: `a,b` -> `"a,b"`, `say "hi"` -> `"say ""hi"""`, `plain` -> `plain`.
std::string csv_field(std::string_view text);

// The fields, each through csv_field, joined by commas and ended by "\n".
std::string csv_row(std::initializer_list<std::string_view> fields);

}  // namespace sagsflow
