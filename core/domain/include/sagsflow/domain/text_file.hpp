// Reading a whole text file into a string, with an error naming the path.
// Both functions keep no state and may be called from any thread.
#pragma once

#include <string>

#include <string_view>

#include "sagsflow/domain/result.hpp"

namespace sagsflow {

// The file's bytes, unchanged. kNotFound when it cannot be opened (missing or
// unreadable); kInternal when reading fails part way.
Result<std::string> read_text_file(const std::string& path);
// The SHA-256 of `text`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

}  // namespace sagsflow
