// Whether a text says anything: a reason, a note or a set of facts that is
// empty or made only of white space says nothing and is refused wherever one
// is required (docs/legal.md#reasons-are-never-blank).
//
// White space is Unicode's White_Space property (ASCII space, tab, line and
// page breaks, U+0085, NO-BREAK SPACE U+00A0, U+1680, U+2000-U+200A, U+2028,
// U+2029, NARROW NO-BREAK SPACE U+202F, U+205F, IDEOGRAPHIC SPACE U+3000)
// together with the invisible format characters people paste with it
// (ZERO WIDTH SPACE U+200B, U+200C, U+200D, WORD JOINER U+2060, the byte
// order mark U+FEFF, SOFT HYPHEN U+00AD). Text that is not valid UTF-8 is not
// blank (it says something, if badly). Pure: any thread.
#pragma once

#include <string_view>

namespace sagsflow {

bool is_blank_text(std::string_view text);

}  // namespace sagsflow
