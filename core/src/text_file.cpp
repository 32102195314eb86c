#include "sagsflow/core/text_file.hpp"

#include <fstream>
#include <sstream>

namespace sagsflow {

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Internal("cannot read " + path);
  return text.str();
}

}  // namespace sagsflow
