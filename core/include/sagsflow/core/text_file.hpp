// Reading a whole text file into a string, with an error naming the path.
#pragma once

#include <string>

#include "sagsflow/core/result.hpp"

namespace sagsflow {

Result<std::string> read_text_file(const std::string& path);

}  // namespace sagsflow
