#include "sagsflow/domain/kle.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/InputSource.h>
#include <Poco/SAX/SAXException.h>
#include <fmt/format.h>

#include <charconv>
#include <sstream>

#include "sagsflow/domain/case_number.hpp"

namespace sagsflow {
namespace {

using Poco::XML::Element;
using Poco::XML::Node;

// The first child element named `name`, or null.
Element* child(Element* parent, const std::string& name) {
  for (Node* n = parent ? parent->firstChild() : nullptr; n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() == Node::ELEMENT_NODE && n->localName() == name) return static_cast<Element*>(n);
  }
  return nullptr;
}

std::vector<Element*> children(Element* parent, const std::string& name) {
  std::vector<Element*> out;
  for (Node* n = parent ? parent->firstChild() : nullptr; n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() == Node::ELEMENT_NODE && n->localName() == name) out.push_back(static_cast<Element*>(n));
  }
  return out;
}

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Runs of white space become one space, none at either end. Linear.
std::string trimmed(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (is_xml_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// The line (1-based) of byte `at`.
std::size_t line_of(std::string_view text, std::size_t at) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// Refuses what KL's emneplan never has and a hostile file might: a document
// type declaration (entities, so no entity expansion of any kind) and element
// nesting deeper than kKleMaxDepth. One linear pass over the raw text, before
// the parser builds a tree; comments, CDATA and processing instructions are
// skipped. Well-formedness is left to the parser.
Status prescan_kle_xml(std::string_view xml, std::string_view file_name) {
  int depth = 0;
  std::size_t i = 0;
  const auto skip_to = [&](std::string_view end) {
    const std::size_t at = xml.find(end, i);
    i = at == std::string_view::npos ? xml.size() : at + end.size();
  };
  while (i < xml.size()) {
    const std::size_t lt = xml.find('<', i);
    if (lt == std::string_view::npos) break;
    i = lt + 1;
    const std::string_view rest = xml.substr(i);
    if (rest.starts_with("!--")) {
      skip_to("-->");
    } else if (rest.starts_with("![CDATA[")) {
      skip_to("]]>");
    } else if (rest.starts_with("?")) {
      skip_to("?>");
    } else if (rest.starts_with("!")) {
      return InvalidArgument(fmt::format("{}:{}: error: the file has a document type or entity declaration "
                                         "(<!...>); KL's emneplan has none, and Sagsflow does not expand entities",
                                         file_name, line_of(xml, lt)));
    } else if (rest.starts_with("/")) {
      if (depth > 0) --depth;
      skip_to(">");
    } else {
      // A start tag: find its end, outside quoted attribute values.
      char quote = 0;
      std::size_t j = i;
      for (; j < xml.size(); ++j) {
        const char c = xml[j];
        if (quote != 0) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      const bool self_closing = j < xml.size() && j > i && xml[j - 1] == '/';
      if (!self_closing && ++depth > kKleMaxDepth) {
        return InvalidArgument(fmt::format("{}:{}: error: elements are nested deeper than {} levels; KL's "
                                           "emneplan has six",
                                           file_name, line_of(xml, lt), kKleMaxDepth));
      }
      i = j < xml.size() ? j + 1 : xml.size();
    }
  }
  return Status::Ok();
}

// "P<n>Y", "P<n>M" or "P<n>D" with n within the bounds in kle.hpp.
std::optional<KleDuration> read_duration(std::string_view iso) {
  if (iso.size() < 3 || iso.front() != 'P') return std::nullopt;
  const char unit = iso.back();
  const std::string_view number = iso.substr(1, iso.size() - 2);
  if (number.empty() || number.size() > 6) return std::nullopt;
  int n = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (ec != std::errc() || end != number.data() + number.size() || n < 0) return std::nullopt;
  const int limit = unit == 'Y' ? kKleMaxYears : unit == 'M' ? kKleMaxYears * 12 : unit == 'D' ? kKleMaxYears * 366 : -1;
  if (limit < 0 || n > limit) return std::nullopt;
  return KleDuration{n, unit};
}

std::string text_of(Element* e) { return e ? trimmed(e->innerText()) : std::string(); }

}  // namespace

Result<KlePlan> parse_kle_emneplan(std::string_view xml, std::string_view file_name) {
  if (xml.size() > kKleMaxBytes) {
    return InvalidArgument(fmt::format("{}: error: the file has {} bytes; the limit for an emneplan is {}", file_name,
                                       xml.size(), kKleMaxBytes));
  }
  if (auto st = prescan_kle_xml(xml, file_name); !st.ok()) return st;
  Poco::XML::DOMParser parser;
  parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
  Poco::AutoPtr<Poco::XML::Document> doc;
  try {
    std::istringstream in{std::string(xml)};
    Poco::XML::InputSource source(in);
    doc = parser.parse(&source);
  } catch (const Poco::XML::SAXParseException& e) {
    return InvalidArgument(fmt::format("{}:{}:{}: error: not well-formed XML: {}", file_name, e.getLineNumber(),
                                       e.getColumnNumber(), e.message()));
  } catch (const Poco::Exception& e) {
    return InvalidArgument(fmt::format("{}: error: cannot read the XML: {}", file_name, e.displayText()));
  }
  Element* root = doc->documentElement();
  if (root == nullptr || root->localName() != "KLE-Emneplan") {
    return InvalidArgument(fmt::format("{}: error: the root element is <{}>, not <KLE-Emneplan>: this is not KL's "
                                       "emneplan",
                                       file_name, root ? root->localName() : std::string("nothing")));
  }
  KlePlan plan;
  plan.published = text_of(child(root, "UdgivelsesDato"));
  for (Element* main : children(root, "Hovedgruppe")) {
    const std::string main_title = text_of(child(main, "HovedgruppeTitel"));
    for (Element* group : children(main, "Gruppe")) {
      const std::string group_title = text_of(child(group, "GruppeTitel"));
      for (Element* subject : children(group, "Emne")) {
        KleSubject s;
        s.number = text_of(child(subject, "EmneNr"));
        if (!is_kle_subject(s.number)) {
          return InvalidArgument(fmt::format("{}: error: <EmneNr>{}</EmneNr> under group '{}' is not a KLE subject "
                                             "number NN.NN.NN",
                                             file_name, s.number, group_title));
        }
        s.title = text_of(child(subject, "EmneTitel"));
        s.group_title = group_title;
        s.main_group_title = main_title;
        s.guidance = text_of(child(subject, "EmneVejledning"));
        s.preservation = text_of(child(subject, "BevaringJaevnfoerArkivloven"));
        s.deletion = text_of(child(subject, "SletningJaevnfoerPersondataloven"));
        if (!s.deletion.empty() && !parse_kle_duration(s.deletion)) {
          return InvalidArgument(fmt::format("{}: error: subject {}: <SletningJaevnfoerPersondataloven>{}"
                                             "</SletningJaevnfoerPersondataloven> is not a period Sagsflow reads "
                                             "(P<n>Y, P<n>M or P<n>D, at most {} years)",
                                             file_name, s.number, s.deletion.substr(0, 40), kKleMaxYears));
        }
        if (Element* info = child(subject, "EmneAdministrativInfo")) {
          s.retired_on = text_of(child(child(info, "Historisk"), "UdgaaetDato"));
        }
        plan.subjects.push_back(std::move(s));
      }
    }
  }
  if (plan.subjects.empty()) {
    return InvalidArgument(fmt::format("{}: error: no <Emne> under <Hovedgruppe>/<Gruppe>: nothing to import",
                                       file_name));
  }
  return plan;
}

std::optional<KleDuration> parse_kle_duration(std::string_view iso) { return read_duration(iso); }

std::string describe_kle_duration(std::string_view iso) {
  const auto d = read_duration(iso);
  if (!d) return std::string(iso.substr(0, 40));
  const int n = d->count;
  const char* word = d->unit == 'Y' ? "år" : d->unit == 'M' ? (n == 1 ? "måned" : "måneder") : (n == 1 ? "dag" : "dage");
  return fmt::format("{} {}", n, word);
}

}  // namespace sagsflow
