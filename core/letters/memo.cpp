#include "sagsflow/letters/memo.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/UUID.h>
#include <Poco/UUIDGenerator.h>
#include <Poco/XML/XMLWriter.h>
#include <Poco/SAX/AttributesImpl.h>
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace sagsflow::letters {

namespace {

bool all_digits(const std::string& s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool iso_utc(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SSZ, optionally with fractions before the Z.
  if (s.size() < 20 || s.back() != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

Status check_file(const MemoFile& f, const std::string& what) {
  if (f.content.empty()) return InvalidArgument(what + " has no content");
  if (f.filename.empty() || f.filename.size() > 255) return InvalidArgument(what + " needs a file name of 1-255 bytes");
  for (unsigned char c : f.filename) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
      return InvalidArgument(what + "'s file name may hold no path and no control characters");
    }
  }
  const auto slash = f.media_type.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == f.media_type.size()) {
    return InvalidArgument(fmt::format("{}'s media type '{}' is not type/subtype", what, f.media_type));
  }
  if (f.language.empty()) return InvalidArgument(what + " has no language");
  return Status::Ok();
}

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);  // the standard alphabet, padded
  encoder.rdbuf()->setLineLength(0);  // one line
  encoder << bytes;
  encoder.close();
  return out.str();
}

class Writer {
 public:
  explicit Writer(std::ostream& out)
      : xml_(out, Poco::XML::XMLWriter::WRITE_XML_DECLARATION | Poco::XML::XMLWriter::PRETTY_PRINT) {
    xml_.setNewLine("\n");
  }
  void start(const std::string& name, const Poco::XML::AttributesImpl& attrs = {}) {
    xml_.startElement(kMemoNamespace, name, "memo:" + name, attrs);
  }
  void end(const std::string& name) { xml_.endElement(kMemoNamespace, name, "memo:" + name); }
  void leaf(const std::string& name, const std::string& text) {
    start(name);
    xml_.characters(text);
    end(name);
  }
  Poco::XML::XMLWriter& xml() { return xml_; }

 private:
  Poco::XML::XMLWriter xml_;
};

void write_file(Writer& w, const MemoFile& f) {
  w.start("File");
  w.leaf("encodingFormat", f.media_type);
  w.leaf("filename", f.filename);
  w.leaf("language", f.language);
  w.leaf("content", base64(f.content));
  w.end("File");
}

}  // namespace

std::string memo_message_uuid(const std::string& idempotency_key) {
  // A name-based UUID in Sagsflow's own namespace (itself name-based under the URL namespace).
  static const Poco::UUID kNamespace =
      Poco::UUIDGenerator::defaultGenerator().createFromName(Poco::UUID::uri(), "https://sagsflow.dk/memo");
  return Poco::UUIDGenerator::defaultGenerator().createFromName(kNamespace, idempotency_key).toString();
}

Result<std::string> build_memo_xml(const MemoMessage& m) {
  if (m.idempotency_key.empty()) return InvalidArgument("a MeMo message needs the letter's idempotency key");
  if (m.label.empty()) return InvalidArgument("a MeMo message needs a label (its subject line)");
  if (!all_digits(m.sender_cvr, 8)) return InvalidArgument("the sender's CVR number must be 8 digits");
  if (!all_digits(m.recipient_cpr, 10)) return InvalidArgument("the recipient's CPR number must be 10 digits");
  if (!iso_utc(m.created_at)) {
    return InvalidArgument(fmt::format("created_at '{}' is not an ISO-8601 UTC time", m.created_at));
  }
  if (auto st = check_file(m.main_document, "the main document"); !st.ok()) return st;
  for (size_t i = 0; i < m.additional_documents.size(); ++i) {
    if (auto st = check_file(m.additional_documents[i], fmt::format("additional document {}", i + 1)); !st.ok()) {
      return st;
    }
  }
  std::ostringstream out;
  {
    Writer w(out);
    w.xml().startDocument();
    w.xml().startPrefixMapping("memo", kMemoNamespace);
    Poco::XML::AttributesImpl version;
    version.addAttribute("", "memoVersion", "memoVersion", "CDATA", kMemoVersion);
    version.addAttribute("", "memoSchVersion", "memoSchVersion", "CDATA", "1.1.0");
    w.start("Message", version);
    w.start("MessageHeader");
    w.leaf("messageType", "DIGITALPOST");
    const std::string uuid = memo_message_uuid(m.idempotency_key);
    w.leaf("messageUUID", uuid);
    w.leaf("messageID", uuid);
    w.leaf("label", m.label);
    w.leaf("mandatory", "false");
    w.leaf("legalNotification", "false");
    w.start("Sender");
    w.leaf("senderID", m.sender_cvr);
    w.leaf("idType", "CVR");
    w.leaf("label", m.sender_label);
    w.end("Sender");
    w.start("Recipient");
    w.leaf("recipientID", m.recipient_cpr);
    w.leaf("idType", "CPR");
    if (!m.recipient_label.empty()) w.leaf("label", m.recipient_label);
    w.end("Recipient");
    w.end("MessageHeader");
    w.start("MessageBody");
    w.leaf("createdDateTime", m.created_at);
    w.start("MainDocument");
    w.leaf("label", m.main_document.label.empty() ? m.label : m.main_document.label);
    write_file(w, m.main_document);
    w.end("MainDocument");
    for (const auto& d : m.additional_documents) {
      w.start("AdditionalDocument");
      w.leaf("label", d.label.empty() ? d.filename : d.label);
      write_file(w, d);
      w.end("AdditionalDocument");
    }
    w.end("MessageBody");
    w.end("Message");
    w.xml().endPrefixMapping("memo");
    w.xml().endDocument();
  }
  return out.str();
}

}  // namespace sagsflow::letters
