// A letter as a MeMo message (Digitaliseringsstyrelsen's Message Model,
// version 1.1), the format in which Danish public authorities hand letters to
// Digital Post: a header (message type DIGITALPOST, the message's UUID, a
// label, the sender by CVR number, the recipient by CPR number) and a body
// (when it was made, the main document as a file with its media type,
// file name, language and base64 content, and any additional documents).
//
// The message's UUID is derived from the letter's idempotency key (a
// name-based UUID), so sending the same letter again yields the same message
// and Digital Post can tell a retry from a new letter.
//
// Thread-safety: pure functions; any thread.
#pragma once

#include <string>
#include <vector>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::letters {

struct MemoFile {
  std::string label;       // shown to the citizen ("Afgørelse om pas")
  std::string filename;    // "afgoerelse.pdf": no path, no control characters
  std::string media_type = "application/pdf";
  std::string language = "da";
  std::string content;     // the file's bytes
};

struct MemoMessage {
  std::string idempotency_key;  // the letter's; the message UUID is derived from it
  std::string label;            // the message's subject line
  std::string sender_cvr;       // the municipality's CVR number: 8 digits
  std::string sender_label;     // "Eksempel Kommune"
  std::string recipient_cpr;    // 10 digits (DDMMYYSSSS), never logged
  std::string recipient_label;  // the citizen's name; may be empty
  std::string created_at;       // ISO-8601 UTC, "2026-12-03T10:00:00Z"
  MemoFile main_document;
  std::vector<MemoFile> additional_documents;
};

// The MeMo namespace and version written.
inline constexpr const char* kMemoNamespace = "https://DigitalPost.dk/MeMo-1";
inline constexpr const char* kMemoVersion = "1.1";

// The message's UUID for an idempotency key (name-based, the same key always
// gives the same UUID).
std::string memo_message_uuid(const std::string& idempotency_key);

// The message as UTF-8 XML. kInvalidArgument naming the fault: an empty
// idempotency key or label, a CVR number that is not 8 digits, a CPR number
// that is not 10 digits, a timestamp that is not ISO-8601 UTC, a file without
// content, a file name with a path or control characters, a media type that is
// not type/subtype.
Result<std::string> build_memo_xml(const MemoMessage& message);

}  // namespace sagsflow::letters
