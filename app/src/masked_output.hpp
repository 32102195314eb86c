// The one place where the CLI's output is masked: std::cout and std::cerr
// write through a filter that passes every line through mask_cpr_numbers, so
// no command (case show, history, lists, reports, errors echoing an argument)
// prints a CPR number in clear, whatever the spelling.
//
// Thread-safety: install once, from main(), before any output; the filter
// is then used as the standard streams are (one writer at a time).
#pragma once

namespace sagsflow::cli {

// Puts the filter in front of std::cout and std::cerr for the rest of the
// process. Output is buffered up to the end of a line (or a flush, or 64 kB:
// longer lines are masked in pieces that overlap so that no number is cut).
void mask_standard_output();

}  // namespace sagsflow::cli
