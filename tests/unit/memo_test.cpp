// Letters as MeMo messages for Digital Post (core/letters/memo): the XML
// parses, is in the MeMo namespace, names sender by CVR and recipient by CPR,
// carries the PDF byte for byte, and the same letter always gets the same
// message UUID (a retry is recognisable); malformed input is refused naming
// the field.
#include <gtest/gtest.h>

#include <Poco/AutoPtr.h>
#include <Poco/Base64Decoder.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/InputSource.h>
#include <Poco/SAX/XMLReader.h>

#include <sstream>

#include "sagsflow/letters/memo.hpp"

namespace sagsflow::letters {
namespace {

MemoMessage letter() {
  MemoMessage m;
  m.idempotency_key = "letter-0999-17-decision-1";
  m.label = "Afgørelse om pas";
  m.sender_cvr = "12345678";
  m.sender_label = "Eksempel Kommune";
  m.recipient_cpr = "0104909989";
  m.recipient_label = "Jens Ærø";
  m.created_at = "2026-12-03T10:15:00Z";
  m.main_document.label = "Afgørelse om pas";
  m.main_document.filename = "afgoerelse.pdf";
  m.main_document.content = std::string("%PDF-1.5\n\0\xff binary \x01", 22);
  return m;
}

std::string text_of(Poco::XML::Document* doc, const std::string& local) {
  Poco::AutoPtr<Poco::XML::NodeList> nodes = doc->getElementsByTagNameNS(kMemoNamespace, local);
  return nodes->length() > 0 ? nodes->item(0)->innerText() : std::string("(none)");
}

TEST(MemoTest, ALetterBecomesAMemoMessageWithItsPdfByteForByte) {
  auto xml = build_memo_xml(letter());
  ASSERT_TRUE(xml.ok()) << xml.status().to_string();
  Poco::XML::DOMParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
  Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(*xml);
  Poco::XML::Element* root = doc->documentElement();
  EXPECT_EQ(root->localName(), "Message");
  EXPECT_EQ(root->namespaceURI(), kMemoNamespace);
  EXPECT_EQ(root->getAttribute("memoVersion"), "1.1");
  EXPECT_EQ(text_of(doc, "messageType"), "DIGITALPOST");
  EXPECT_EQ(text_of(doc, "messageUUID"), memo_message_uuid("letter-0999-17-decision-1"));
  EXPECT_EQ(text_of(doc, "senderID"), "12345678");
  EXPECT_EQ(text_of(doc, "recipientID"), "0104909989");
  EXPECT_EQ(text_of(doc, "label"), "Afgørelse om pas");
  EXPECT_EQ(text_of(doc, "encodingFormat"), "application/pdf");
  EXPECT_EQ(text_of(doc, "filename"), "afgoerelse.pdf");
  EXPECT_EQ(text_of(doc, "createdDateTime"), "2026-12-03T10:15:00Z");
  std::istringstream encoded(text_of(doc, "content"));
  Poco::Base64Decoder decoder(encoded);
  std::string decoded((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  EXPECT_EQ(decoded, letter().main_document.content);
}

TEST(MemoTest, TheSameLetterAlwaysGetsTheSameMessageUuidAndAnotherLetterAnother) {
  const std::string a = memo_message_uuid("letter-1"), b = memo_message_uuid("letter-1"), c = memo_message_uuid("letter-2");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a.size(), 36u);
}

TEST(MemoTest, MalformedLettersAreRefusedNamingTheField) {
  const auto refused = [](MemoMessage m, const std::string& expected) {
    auto xml = build_memo_xml(m);
    ASSERT_FALSE(xml.ok());
    EXPECT_NE(xml.status().message().find(expected), std::string::npos) << xml.status().message();
  };
  MemoMessage m = letter();
  m.sender_cvr = "1234567";
  refused(m, "CVR");
  m = letter();
  m.recipient_cpr = "010490-9989";
  refused(m, "CPR");
  m = letter();
  m.main_document.filename = "../../etc/passwd";
  refused(m, "file name");
  m = letter();
  m.main_document.content.clear();
  refused(m, "no content");
  m = letter();
  m.created_at = "3. december 2026";
  refused(m, "ISO-8601");
  m = letter();
  m.idempotency_key.clear();
  refused(m, "idempotency key");
  m = letter();
  m.main_document.media_type = "pdf";
  refused(m, "type/subtype");
}

TEST(MemoTest, MarkupInALabelIsTextNotXml) {
  MemoMessage m = letter();
  m.label = "<script>&\"'</script>";
  auto xml = build_memo_xml(m);
  ASSERT_TRUE(xml.ok());
  Poco::XML::DOMParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
  Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(*xml);
  EXPECT_EQ(text_of(doc, "label"), "<script>&\"'</script>");
}

}  // namespace
}  // namespace sagsflow::letters
