// A letter to a citizen as a PDF: the municipality's letterhead, the
// recipient, the reference block (date, case number, acting authority), the
// title and the body in sections, on A4 pages with wrapped text, page numbers
// ("Side 1 af 2") and PDF metadata. Rendered with Cairo's PDF surface and
// Pango (a real font from the system, DejaVu Sans by default), so Danish
// letters (æ, ø, å, and any other Unicode text) come out as text a reader and
// `pdftotext` can extract, not as images.
//
// What a letter says is decided elsewhere (the letter templates and the core
// rules they carry); this module only lays it out. Text is taken as plain
// text, never as markup: `<b>` in a citizen's name stays "<b>".
//
// Thread-safety: render_letter_pdf keeps no state and may be called from any
// number of threads at once (each call has its own Cairo surface and Pango
// layouts).
#pragma once

#include <string>
#include <vector>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::letters {

// The sender, from the municipality file.
struct Letterhead {
  std::string name;                 // "Eksempel Kommune"
  std::string unit;                 // "Borgerservice" (may be empty)
  std::vector<std::string> lines;   // address, phone, web, e-mail: one per line
  std::string logo_png;             // the logo's PNG bytes; empty: none
};

// One labelled line of the reference block ("Dato", "3. december 2026").
struct Reference {
  std::string label;
  std::string value;
};

// A part of the body: an optional heading and its paragraphs. A paragraph
// keeps its line breaks ('\n'); long lines wrap at word boundaries.
struct Section {
  std::string heading;
  std::vector<std::string> paragraphs;
};

struct LetterDocument {
  Letterhead letterhead;
  std::vector<std::string> recipient;  // name and address lines; may be empty (Digital Post addresses by CPR)
  std::vector<Reference> references;   // date, case number, on whose behalf, contact
  std::string title;                   // the letter's subject line, also the PDF title
  std::vector<Section> sections;
  std::vector<std::string> closing;    // "Med venlig hilsen", the sender's name and unit
  std::string language = "da";         // "da" or "en": the page footer's words and the PDF's language
  std::string author;                  // the PDF's author (the acting authority); empty: the letterhead's name
  std::string subject;                 // the PDF's subject (e.g. the case number); may be empty
};

struct PdfOptions {
  std::string font_family = "DejaVu Sans";
  double font_size = 10.0;  // points, body text
  // Hard limits, so a hostile or runaway text cannot make a letter without end.
  int max_pages = 200;
  std::size_t max_text_bytes = 2 * 1024 * 1024;
};

// The PDF's bytes. Text that is not valid UTF-8 is repaired (each bad byte
// becomes U+FFFD) rather than refused: a letter about a case must not fail on
// one odd byte in a stored name. kInvalidArgument when the text is larger than
// max_text_bytes, the layout needs more than max_pages pages, or the logo is
// not a PNG Cairo can read (naming which); kInternal when Cairo fails.
Result<std::string> render_letter_pdf(const LetterDocument& letter, const PdfOptions& options = {});

}  // namespace sagsflow::letters
