// Shared by the fuzz targets: a check of a promise a header makes. A failed
// check prints what was promised and aborts, which libFuzzer reports as a
// crash and saves the input that caused it (crash-<sha1>).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define SAGSFLOW_FUZZ_CHECK(condition, promise)                                                  \
  do {                                                                                           \
    if (!(condition)) {                                                                          \
      std::fprintf(stderr, "%s:%d: broken promise: %s (%s)\n", __FILE__, __LINE__, promise, #condition); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)

namespace sagsflow::fuzz {

inline std::string_view text_of(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace sagsflow::fuzz
