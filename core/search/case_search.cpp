#include "sagsflow/search/case_search.hpp"

#include <fmt/format.h>
#include <libstemmer.h>

#include <memory>
#include <set>

#include "sagsflow/domain/case_number.hpp"

namespace sagsflow {

using nlohmann::json;

const char* search_kind_key(SearchKind kind) {
  switch (kind) {
    case SearchKind::kCpr: return "cpr";
    case SearchKind::kCaseNumber: return "case_number";
    case SearchKind::kKleSubject: return "kle_subject";
    case SearchKind::kText: return "text";
  }
  return "text";
}

namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n == 2 && c < 0xC2) return false;  // overlong
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

bool is_word_byte(unsigned char c) { return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Lower-cases ASCII and the Latin-1 capitals (U+00C0..U+00DE but U+00D7 ×), in place.
std::string lower(std::string_view word) {
  std::string out(word);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 32);
      ++i;
    }
  }
  return out;
}

// Cuts `word` to at most `max` bytes without splitting a UTF-8 character.
std::string cut(std::string word, std::size_t max) {
  if (word.size() <= max) return word;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(word[n]) >> 6) == 0x2) --n;
  word.resize(n);
  return word;
}

// The text with every CPR number (in any spelling) taken out entirely.
std::string without_cpr_numbers(std::string_view text) {
  std::string masked = mask_cpr_numbers(text);  // each becomes DDMMYY-XXXX
  for (std::size_t at = masked.find("-XXXX"); at != std::string::npos; at = masked.find("-XXXX", at)) {
    const std::size_t from = at >= 6 ? at - 6 : 0;
    masked.replace(from, at + 5 - from, " ");
    at = from;
  }
  return masked;
}

// Snowball's Danish stop words (the list PostgreSQL's `danish` configuration
// drops from what it indexes and queries): a query leaves them out too, so a
// search finds the same cases on SQLite and PostgreSQL.
const std::set<std::string, std::less<>>& danish_stop_words() {
  static const std::set<std::string, std::less<>> words{
    "og", "i", "jeg", "det", "at", "en", "den", "til", "er", "som", "på", "de", "med", "han", "af", "for",
    "ikke", "der", "var", "mig", "sig", "men", "et", "har", "om", "vi", "min", "havde", "ham", "hun", "nu",
    "over", "da", "fra", "du", "ud", "sin", "dem", "os", "op", "man", "hans", "hvor", "eller", "hvad",
    "skal", "selv", "her", "alle", "vil", "blev", "kunne", "ind", "når", "være", "dog", "noget", "ville",
    "jo", "deres", "efter", "ned", "skulle", "denne", "end", "dette", "mit", "også", "under", "have", "dig",
    "anden", "hende", "mine", "alt", "meget", "sit", "sine", "vor", "mod", "disse", "hvis", "din", "nogle",
    "hos", "blive", "mange", "ad", "bliver", "hendes", "været", "thi", "jer", "sådan"};
  return words;
}

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

sb_stemmer* danish_stemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(sb_stemmer_new("danish", "UTF_8"));
  return stemmer.get();
}

void add_field_values(const json& value, std::string& out) {
  // Iterative, so a deeply nested field cannot exhaust the stack.
  std::vector<const json*> todo{&value};
  while (!todo.empty()) {
    const json* v = todo.back();
    todo.pop_back();
    if (v->is_string()) {
      out += ' ';
      out += v->get_ref<const std::string&>();
    } else if (v->is_number_integer() || v->is_number_unsigned()) {
      out += ' ';
      out += v->dump();
    } else if (v->is_structured()) {
      for (auto it = v->rbegin(); it != v->rend(); ++it) todo.push_back(&*it);
    }
  }
}

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
  const std::string clean = without_cpr_numbers(text);
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < clean.size()) {
    while (i < clean.size() && !is_word_byte(static_cast<unsigned char>(clean[i]))) ++i;
    std::size_t j = i;
    while (j < clean.size() && is_word_byte(static_cast<unsigned char>(clean[j]))) ++j;
    if (j > i) words.push_back(cut(lower(std::string_view(clean).substr(i, j - i)), kMaxSearchWordBytes));
    i = j;
  }
  return words;
}

bool is_danish_stop_word(std::string_view word) { return danish_stop_words().contains(word); }

std::string danish_stem(std::string_view word) {
  sb_stemmer* stemmer = danish_stemmer();
  if (stemmer == nullptr || word.empty()) return std::string(word);
  const sb_symbol* stem =
      sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (stem == nullptr) return std::string(word);  // out of memory: the word as it is
  return std::string(reinterpret_cast<const char*>(stem), static_cast<std::size_t>(sb_stemmer_length(stemmer)));
}

std::string danish_stems(std::string_view text) {
  std::string out;
  for (const auto& w : search_words(text)) {
    if (!out.empty()) out += ' ';
    out += danish_stem(w);
  }
  return out;
}

Result<SearchQuery> parse_search_query(std::string_view text) {
  if (text.size() > kMaxSearchQueryBytes) {
    return InvalidArgument(fmt::format("a search is at most {} bytes; this one is {}", kMaxSearchQueryBytes, text.size()));
  }
  if (!valid_utf8(text)) return InvalidArgument("the search text is not valid UTF-8");
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return InvalidArgument("the search is empty: write a CPR number, a case number, a name or words");
  const std::string_view trimmed = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  SearchQuery q;
  // A CPR number: ten digits, with or without the dash or a space after the date.
  std::string digits;
  bool only_cpr_chars = true;
  for (char c : trimmed) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '-' && c != ' ') {
      only_cpr_chars = false;
    }
  }
  if (only_cpr_chars && digits.size() == 10) {
    auto cpr = Cpr::parse(digits);
    if (cpr.ok()) {
      q.kind = SearchKind::kCpr;
      q.cpr = *cpr;
      return q;
    }
  }
  // A case number as typed, in any case ("23.05.10-g01-2-26"): facets are capitals.
  std::string upper(trimmed);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  if (auto number = CaseNumber::parse(upper); number.ok()) {
    q.kind = SearchKind::kCaseNumber;
    q.case_number = number->to_string();
    return q;
  }
  // A KLE subject or a prefix of one: NN, NN.NN or NN.NN.NN.
  const auto kle_prefix = [](std::string_view s) {
    if (s.size() != 2 && s.size() != 5 && s.size() != 8) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const bool dot = i % 3 == 2;
      if (dot ? s[i] != '.' : (s[i] < '0' || s[i] > '9')) return false;
    }
    return true;
  };
  if (kle_prefix(trimmed)) {
    q.kind = SearchKind::kKleSubject;
    q.kle_prefix = std::string(trimmed);
    return q;
  }
  for (auto& w : search_words(trimmed)) {
    if (!is_danish_stop_word(w)) q.words.push_back(std::move(w));
  }
  if (q.words.empty()) {
    return InvalidArgument("the search has no words to look for (only punctuation or common words such as 'og'): "
                           "write a CPR number, a case number, a name or words");
  }
  if (q.words.size() > kMaxSearchWords) q.words.resize(kMaxSearchWords);
  return q;
}

std::string case_search_text(const CaseState& state) {
  std::string text = state.case_number;
  text += ' ';
  text += state.title;
  text += ' ';
  text += state.subject;
  add_field_values(state.fields, text);
  return without_cpr_numbers(text);
}

bool same_search_text(const CaseState& a, const CaseState& b) {
  return a.case_number == b.case_number && a.title == b.title && a.subject == b.subject && a.fields == b.fields;
}

std::string event_search_note(const CaseEvent& event) {
  const auto it = event.data.find("note");
  if (it == event.data.end() || !it->is_string()) return {};
  return without_cpr_numbers(it->get_ref<const std::string&>());
}

}  // namespace sagsflow
