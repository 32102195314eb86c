#include "sagsflow/letters/pdf_letter.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace sagsflow::letters {

namespace {

// A4 in points, and the margins of a Danish business letter (about 20 mm).
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kLeft = 62.0;
constexpr double kRight = 56.0;
constexpr double kTop = 56.0;
constexpr double kBottom = 72.0;  // the footer sits below this
constexpr double kTextWidth = kPageWidth - kLeft - kRight;

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct GDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
  void operator()(PangoLayoutIter* i) const { pango_layout_iter_free(i); }
  void operator()(PangoAttrList* a) const { pango_attr_list_unref(a); }
};
template <typename T>
using Owned = std::unique_ptr<T, std::conditional_t<std::is_same_v<T, cairo_t> || std::is_same_v<T, cairo_surface_t>,
                                                    CairoDeleter, GDeleter>>;

// Valid UTF-8 (bad bytes become U+FFFD), control characters other than line
// breaks and tabs as spaces, and no carriage returns: plain text for Pango.
std::string clean_text(const std::string& text) {
  gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string out(valid);
  g_free(valid);
  std::string cleaned;
  cleaned.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    if (c == '\r') {
      if (i + 1 < out.size() && out[i + 1] == '\n') continue;
      cleaned += '\n';
    } else if (c == '\t') {
      cleaned += "    ";
    } else if (c < 0x20 && c != '\n') {
      cleaned += ' ';
    } else if (c == 0x7f) {
      cleaned += ' ';
    } else {
      cleaned += static_cast<char>(c);
    }
  }
  return cleaned;
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct PngSource {
  const std::string* bytes;
  size_t at = 0;
};

cairo_status_t read_from_string(void* closure, unsigned char* data, unsigned int length) {
  auto* source = static_cast<PngSource*>(closure);
  if (source->at + length > source->bytes->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, source->bytes->data() + source->at, length);
  source->at += length;
  return CAIRO_STATUS_SUCCESS;
}

struct Fonts {
  Owned<PangoFontDescription> body, bold, small, title, name;
};

Owned<PangoFontDescription> font(const PdfOptions& o, double size, PangoWeight weight) {
  Owned<PangoFontDescription> f(pango_font_description_new());
  pango_font_description_set_family(f.get(), o.font_family.c_str());
  pango_font_description_set_absolute_size(f.get(), size * PANGO_SCALE);  // points: the PDF's units
  pango_font_description_set_weight(f.get(), weight);
  return f;
}

// Lays the letter out, page by page; draws only when `draw` (the first pass
// counts the pages, so the second can number them "Side 1 af N").
class Flow {
 public:
  Flow(cairo_t* cr, const LetterDocument& letter, const PdfOptions& options, const Fonts& fonts, bool draw,
       int total_pages)
      : cr_(cr), letter_(letter), options_(options), fonts_(fonts), draw_(draw), total_(total_pages) {}

  int page() const { return page_; }
  bool overflowed() const { return page_ > options_.max_pages; }

  void set_y(double y) { y_ = y; }
  double y() const { return y_; }

  // Text at (x, y) in `width`, wrapped, split over pages by lines; y moves below it.
  void text(const std::string& text, const PangoFontDescription* f, double x, double width, double space_after,
            double gray = 0.0) {
    if (overflowed()) return;
    Owned<PangoLayout> layout = make_layout(text, f, width);
    Owned<PangoLayoutIter> it(pango_layout_get_iter(layout.get()));
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it.get(), nullptr, &logical);
      const double top = static_cast<double>(logical.y) / PANGO_SCALE;
      const double height = static_cast<double>(logical.height) / PANGO_SCALE;
      const double baseline = static_cast<double>(pango_layout_iter_get_baseline(it.get())) / PANGO_SCALE;
      if (y_ + height > kPageHeight - kBottom && y_ > kTop) {
        next_page();
        if (overflowed()) return;
      }
      if (draw_) {
        cairo_set_source_rgb(cr_, gray, gray, gray);
        cairo_move_to(cr_, x, y_ + (baseline - top));
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it.get()));
      }
      y_ += height;
    } while (pango_layout_iter_next_line(it.get()));
    y_ += space_after;
  }

  // The height `text` takes in `width` (no drawing).
  double height_of(const std::string& text, const PangoFontDescription* f, double width) {
    Owned<PangoLayout> layout = make_layout(text, f, width);
    int w = 0, h = 0;
    pango_layout_get_size(layout.get(), &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // Starts a new page when fewer than `needed` points are left on this one.
  void keep(double needed) {
    if (y_ + needed > kPageHeight - kBottom && y_ > kTop) next_page();
  }

  // Ends the last page (its footer).
  void finish() {
    if (draw_) {
      footer();
      cairo_show_page(cr_);
    }
  }

 private:
  Owned<PangoLayout> make_layout(const std::string& text, const PangoFontDescription* f, double width) {
    Owned<PangoLayout> layout(pango_cairo_create_layout(cr_));
    pango_layout_set_font_description(layout.get(), f);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    // A word broken because it is longer than the line gets no hyphen: the text stays the text.
    Owned<PangoAttrList> attrs(pango_attr_list_new());
    pango_attr_list_insert(attrs.get(), pango_attr_insert_hyphens_new(FALSE));
    pango_layout_set_attributes(layout.get(), attrs.get());
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
  }

  void next_page() {
    if (draw_) {
      footer();
      cairo_show_page(cr_);
    }
    ++page_;
    y_ = kTop;
  }

  void footer() {
    const bool english = letter_.language == "en";
    const std::string number = english ? fmt::format("Page {} of {}", page_, total_)
                                       : fmt::format("Side {} af {}", page_, total_);
    Owned<PangoLayout> left = make_layout(letter_.letterhead.name, fonts_.small.get(), kTextWidth * 0.6);
    Owned<PangoLayout> right = make_layout(number, fonts_.small.get(), kTextWidth * 0.35);
    pango_layout_set_alignment(right.get(), PANGO_ALIGN_RIGHT);
    const double y = kPageHeight - kBottom + 24;
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    cairo_move_to(cr_, kLeft, y);
    pango_cairo_show_layout(cr_, left.get());
    cairo_move_to(cr_, kLeft + kTextWidth * 0.65, y);
    pango_cairo_show_layout(cr_, right.get());
  }

  cairo_t* cr_;
  const LetterDocument& letter_;
  const PdfOptions& options_;
  const Fonts& fonts_;
  bool draw_;
  int total_;
  int page_ = 1;
  double y_ = kTop;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

// The letter, cleaned: every text through clean_text.
LetterDocument cleaned(const LetterDocument& in) {
  LetterDocument out = in;
  const auto clean_all = [](std::vector<std::string>& v) {
    for (auto& s : v) s = clean_text(s);
  };
  out.letterhead.name = clean_text(in.letterhead.name);
  out.letterhead.unit = clean_text(in.letterhead.unit);
  clean_all(out.letterhead.lines);
  clean_all(out.recipient);
  for (auto& r : out.references) {
    r.label = clean_text(r.label);
    r.value = clean_text(r.value);
  }
  out.title = clean_text(in.title);
  for (auto& s : out.sections) {
    s.heading = clean_text(s.heading);
    clean_all(s.paragraphs);
  }
  clean_all(out.closing);
  out.author = clean_text(in.author);
  out.subject = clean_text(in.subject);
  return out;
}

size_t text_bytes(const LetterDocument& l) {
  size_t n = l.letterhead.name.size() + l.letterhead.unit.size() + l.title.size() + l.author.size() + l.subject.size();
  for (const auto& s : l.letterhead.lines) n += s.size();
  for (const auto& s : l.recipient) n += s.size();
  for (const auto& r : l.references) n += r.label.size() + r.value.size();
  for (const auto& s : l.sections) {
    n += s.heading.size();
    for (const auto& p : s.paragraphs) n += p.size();
  }
  for (const auto& s : l.closing) n += s.size();
  return n;
}

// One pass over the letter; returns the pages it took.
int lay_out(cairo_t* cr, const LetterDocument& l, const PdfOptions& o, const Fonts& fonts, cairo_surface_t* logo,
            bool draw, int total) {
  Flow flow(cr, l, o, fonts, draw, total);
  // The letterhead: the sender's name, unit and lines on the left, the logo on the right.
  double logo_height = 0;
  if (logo != nullptr) {
    const double w = cairo_image_surface_get_width(logo), h = cairo_image_surface_get_height(logo);
    const double scale = std::min(140.0 / w, 56.0 / h);
    logo_height = h * scale;
    if (draw) {
      cairo_save(cr);
      cairo_translate(cr, kPageWidth - kRight - w * scale, kTop);
      cairo_scale(cr, scale, scale);
      cairo_set_source_surface(cr, logo, 0, 0);
      cairo_paint(cr);
      cairo_restore(cr);
    }
  }
  const double head_width = logo != nullptr ? kTextWidth - 150 : kTextWidth;
  flow.text(l.letterhead.name, fonts.name.get(), kLeft, head_width, 2);
  if (!l.letterhead.unit.empty()) flow.text(l.letterhead.unit, fonts.bold.get(), kLeft, head_width, 2);
  if (!l.letterhead.lines.empty()) flow.text(joined(l.letterhead.lines), fonts.small.get(), kLeft, head_width, 0, 0.3);
  flow.set_y(std::max(flow.y(), kTop + logo_height) + 28);

  // The recipient on the left, the references on the right, side by side.
  const double top = flow.y();
  double bottom = top;
  if (!l.recipient.empty()) {
    flow.text(joined(l.recipient), fonts.body.get(), kLeft, kTextWidth * 0.52, 0);
    bottom = std::max(bottom, flow.y());
  }
  if (!l.references.empty()) {
    flow.set_y(top);
    const double x = kLeft + kTextWidth * 0.58, width = kTextWidth * 0.42;
    for (const auto& r : l.references) {
      flow.text(r.label + ": " + r.value, fonts.small.get(), x, width, 1);
    }
    bottom = std::max(bottom, flow.y());
  }
  flow.set_y(bottom + 30);

  if (!l.title.empty()) flow.text(l.title, fonts.title.get(), kLeft, kTextWidth, 12);
  const double line = flow.height_of("Å", fonts.body.get(), kTextWidth);
  for (const auto& section : l.sections) {
    if (!section.heading.empty()) {
      // A heading keeps its first lines with it.
      flow.keep(flow.height_of(section.heading, fonts.bold.get(), kTextWidth) + 3 * line);
      flow.text(section.heading, fonts.bold.get(), kLeft, kTextWidth, 4);
    }
    for (const auto& p : section.paragraphs) flow.text(p, fonts.body.get(), kLeft, kTextWidth, line * 0.6);
    flow.set_y(flow.y() + line * 0.4);
    if (flow.overflowed()) return flow.page();
  }
  if (!l.closing.empty()) {
    flow.keep(line * static_cast<double>(l.closing.size() + 1));
    flow.set_y(flow.y() + line * 0.5);
    flow.text(joined(l.closing), fonts.body.get(), kLeft, kTextWidth, 0);
  }
  flow.finish();
  return flow.page();
}

}  // namespace

Result<std::string> render_letter_pdf(const LetterDocument& input, const PdfOptions& options) {
  const size_t bytes = text_bytes(input);
  if (bytes > options.max_text_bytes) {
    return InvalidArgument(fmt::format("the letter's text has {} bytes; a letter may have at most {}", bytes,
                                       options.max_text_bytes));
  }
  const LetterDocument letter = cleaned(input);

  Owned<cairo_surface_t> logo;
  if (!letter.letterhead.logo_png.empty()) {
    PngSource source{&letter.letterhead.logo_png};
    logo.reset(cairo_image_surface_create_from_png_stream(read_from_string, &source));
    if (cairo_surface_status(logo.get()) != CAIRO_STATUS_SUCCESS || cairo_image_surface_get_width(logo.get()) <= 0 ||
        cairo_image_surface_get_height(logo.get()) <= 0) {
      return InvalidArgument(fmt::format("the letterhead's logo is not a PNG image that can be read ({})",
                                         cairo_status_to_string(cairo_surface_status(logo.get()))));
    }
  }

  std::string pdf;
  Owned<cairo_surface_t> surface(cairo_pdf_surface_create_for_stream(append_to_string, &pdf, kPageWidth, kPageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Internal(fmt::format("Cairo could not make a PDF surface: {}",
                                cairo_status_to_string(cairo_surface_status(surface.get()))));
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, letter.title.c_str());
  const std::string author = letter.author.empty() ? letter.letterhead.name : letter.author;
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, author.c_str());
  if (!letter.subject.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT, letter.subject.c_str());
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Sagsflow");
  Owned<cairo_t> cr(cairo_create(surface.get()));

  Fonts fonts;
  fonts.body = font(options, options.font_size, PANGO_WEIGHT_NORMAL);
  fonts.bold = font(options, options.font_size + 0.5, PANGO_WEIGHT_BOLD);
  fonts.small = font(options, options.font_size - 1.5, PANGO_WEIGHT_NORMAL);
  fonts.title = font(options, options.font_size + 3, PANGO_WEIGHT_BOLD);
  fonts.name = font(options, options.font_size + 4, PANGO_WEIGHT_BOLD);

  const int pages = lay_out(cr.get(), letter, options, fonts, logo.get(), /*draw=*/false, 0);
  if (pages > options.max_pages) {
    return InvalidArgument(fmt::format("the letter would take more than {} pages", options.max_pages));
  }
  lay_out(cr.get(), letter, options, fonts, logo.get(), /*draw=*/true, pages);
  cr.reset();
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Internal(fmt::format("Cairo could not write the PDF: {}",
                                cairo_status_to_string(cairo_surface_status(surface.get()))));
  }
  surface.reset();
  return pdf;
}

}  // namespace sagsflow::letters
