#include "sagsflow/domain/kle.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/InputSource.h>
#include <Poco/SAX/SAXException.h>
#include <fmt/format.h>

#include <regex>
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

std::string trimmed(std::string s) {
  static const std::regex spaces("\\s+");
  s = std::regex_replace(s, spaces, " ");
  const auto a = s.find_first_not_of(' ');
  const auto b = s.find_last_not_of(' ');
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

std::string text_of(Element* e) { return e ? trimmed(e->innerText()) : std::string(); }

}  // namespace

Result<KlePlan> parse_kle_emneplan(std::string_view xml, std::string_view file_name) {
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

std::string describe_kle_duration(std::string_view iso) {
  static const std::regex re("P(\\d+)([YMD])");
  std::cmatch m;
  const std::string text(iso);
  if (!std::regex_match(text.c_str(), m, re)) return text;
  const int n = std::stoi(m[1]);
  const char unit = m[2].str()[0];
  const char* word = unit == 'Y' ? "år" : unit == 'M' ? (n == 1 ? "måned" : "måneder") : (n == 1 ? "dag" : "dage");
  return fmt::format("{} {}", n, word);
}

}  // namespace sagsflow
