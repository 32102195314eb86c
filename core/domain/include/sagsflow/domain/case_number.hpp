// KLE journal numbers: NN.NN.NN-FNN-<sequence>-<yy>, e.g. 32.03.12-G01-36-19.
//
// Subject is a KLE subject number (main group, group, subject), facet a KLE
// handling facet (a capital letter and two digits: G01 general, A53 access to
// files, K02 complaint received ...), sequence the municipality's running
// number for the year, yy the two-digit year the case was opened.
// Pure values and functions: safe to use from any thread.
#pragma once

#include <string>
#include <string_view>

#include "sagsflow/domain/result.hpp"

namespace sagsflow {

bool is_kle_subject(std::string_view s);  // "NN.NN.NN"
bool is_kle_facet(std::string_view s);    // "G01"

struct CaseNumber {
  std::string subject;
  std::string facet;
  long long sequence = 0;
  int year = 0;  // full year, e.g. 2026

  std::string to_string() const;
  // The inverse of to_string(); assumes 20yy. kInvalidArgument, quoting the
  // text and saying which part is missing or malformed, for anything else.
  static Result<CaseNumber> parse(std::string_view text);
  friend bool operator==(const CaseNumber&, const CaseNumber&) = default;
};

}  // namespace sagsflow
