// Searching cases: what a search box query means, and what of a case it finds.
//
// One query string is read as exactly one of:
//   - a CPR number, in any spelling Cpr::parse accepts ("010490-9989",
//     "0104909989", "010490 9989"): the citizen's cases. It shows personal
//     data found by a person's identity, so the engine asks for a purpose
//     and records the read;
//   - a case number (KLE journal number, "23.09.02-G01-2-26"): that case;
//   - a KLE subject or a prefix of one ("23", "23.09", "23.09.02"): the
//     cases journalised under it;
//   - otherwise free text: words matched, with Danish stemming, against the
//     case's search text (case number, title, KLE subject, form fields) and
//     the notes written on it. Every word must match; a word matches the
//     beginning of an indexed word's stem, so "flytning" finds "flytninger"
//     and "flyt" finds both. Common words ("og", "på") are left out of
//     the query, as PostgreSQL's `danish` configuration leaves them out.
// Stemming is the Snowball Danish stemmer (libstemmer), the same algorithm
// PostgreSQL's `danish` text-search configuration uses, so both databases
// find the same cases.
//
// Pure functions; danish_stems() keeps one stemmer per thread. All are safe to
// call from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/cases/case_state.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow {

enum class SearchKind { kCpr, kCaseNumber, kKleSubject, kText };
const char* search_kind_key(SearchKind kind);  // "cpr", "case_number", "kle_subject", "text"

// At most this many words of a free-text query are used, each at most kMaxSearchWordBytes.
inline constexpr std::size_t kMaxSearchWords = 12;
inline constexpr std::size_t kMaxSearchWordBytes = 64;
inline constexpr std::size_t kMaxSearchQueryBytes = 500;

struct SearchQuery {
  SearchKind kind = SearchKind::kText;
  std::optional<Cpr> cpr;             // kCpr
  std::string case_number;            // kCaseNumber, normalised
  std::string kle_prefix;             // kKleSubject: "23", "23.09" or "23.09.02"
  std::vector<std::string> words;     // kText: the query's words, lower case, unstemmed
};

// Reads a search box's text. kInvalidArgument, saying what is wrong, for an
// empty query (or one of only punctuation), one longer than
// kMaxSearchQueryBytes, or text that is not valid UTF-8.
Result<SearchQuery> parse_search_query(std::string_view text);

// The words of `text`: runs of letters and digits (any non-ASCII UTF-8
// character counts as a letter), lower-cased (ASCII and Latin-1 letters such
// as Æ Ø Å É), each cut to kMaxSearchWordBytes. CPR-shaped numbers are left
// out: the index never holds one.
std::vector<std::string> search_words(std::string_view text);

// Whether `word` (lower case) is one of Snowball's Danish stop words ("og",
// "i", "på" ...), which PostgreSQL's `danish` configuration never indexes: a
// free-text query leaves them out.
bool is_danish_stop_word(std::string_view word);

// The Snowball Danish stem of one lower-case word.
std::string danish_stem(std::string_view word);

// The stems of every word of `text`, separated by single spaces.
std::string danish_stems(std::string_view text);

// What a case is found by in a free-text search, as plain text: case number,
// title, KLE subject, and every string and number of its form fields, with
// CPR numbers left out. The store indexes this with every state it writes.
std::string case_search_text(const CaseState& state);
// Whether `a` and `b` have the same case_search_text (without building it:
// the store asks this of every state it writes).
bool same_search_text(const CaseState& a, const CaseState& b);

// The note an event writes on its case ("" when none): notes are searchable too.
std::string event_search_note(const CaseEvent& event);

}  // namespace sagsflow
