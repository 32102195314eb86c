#include "sagsflow/reports/csv.hpp"

namespace sagsflow {

std::string csv_field(std::string_view text) {
  if (text.find_first_of("\",\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_row(std::initializer_list<std::string_view> fields) {
  std::string out;
  bool first = true;
  for (auto f : fields) {
    if (!first) out += ',';
    first = false;
    out += csv_field(f);
  }
  out += '\n';
  return out;
}

}  // namespace sagsflow
