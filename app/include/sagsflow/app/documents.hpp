// Adding a document to a case: the rules an upload meets, the same for the
// CLI (`sagsflow case attach`) and the API (POST /api/v1/cases/{id}/documents),
// in four steps so that the server can run each where it belongs:
//  1. describe_upload (any thread, no database): the size limit, the media
//     type sniffed from the bytes (never the client's), a safe file name, the
//     SHA-256;
//  2. check_upload (an installation with its plugins, e.g. a writer lane; it
//     stores nothing): the actor may act on the case, the kind is one of its
//     workflow's attachments (or "other"), the media type is in the kind's
//     allow-list (the plugin manifest's media_types, else PDF, JPEG, PNG),
//     the kind's own size limit; then every scanning plugin may reject it;
//  3. DocumentStore::stage (the caller's thread, outside any unit of work):
//     the bytes made durable;
//  4. record_upload (one unit of work on a writer): the document row and the
//     case's document_added event, together or not at all.
//
// Thread-safety: describe_upload may run on any thread; the others use the
// installation from the calling thread, as Installation requires.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/app/installation.hpp"
#include "sagsflow/documents/document_store.hpp"

namespace sagsflow::app {

inline constexpr std::size_t kDefaultDocumentMaxBytes = 10 * 1024 * 1024;
// No configuration may raise the limit above this (the scanner's call to a
// plugin process carries the whole document).
inline constexpr std::size_t kDocumentMaxBytesCeiling = 32 * 1024 * 1024;
// The kind of a document that satisfies no attachment of the workflow.
inline constexpr const char* kOtherDocumentKind = "other";
// The kind of the letters Sagsflow generates (never uploaded).
inline constexpr const char* kLetterDocumentKind = "letter";

struct DocumentUpload {
  long long case_id = 0;
  std::string kind;           // an attachment name of the case's workflow, or "other"
  std::string declared_name;  // as the client sent it; only sanitised, never trusted for the type
  std::string bytes;
  std::size_t max_bytes = kDefaultDocumentMaxBytes;  // the installation's limit
};

struct CheckedDocument {
  long long case_id = 0;
  std::string municipality;
  std::string kind;
  std::string name;        // sanitised
  std::string media_type;  // sniffed
  std::string sha256;
  long long size = 0;
  std::string satisfies;   // the attachment name this document is received as ("" for "other")
  nlohmann::json metadata() const;  // what a scanner sees
};

// Step 1. kInvalidArgument: empty, over max_bytes, no kind; kInternal when
// libmagic cannot be loaded.
Result<CheckedDocument> describe_upload(const DocumentUpload& upload);

// The kinds a document of `state`'s workflow may have, and each one's
// allowed media types and size limit (0: the installation's).
struct DocumentKind {
  std::string name;
  std::vector<std::string> media_types;
  std::size_t max_bytes = 0;
};
Result<std::vector<DocumentKind>> document_kinds(Installation& installation, const CaseState& state);

// Step 2. kNotFound (no such case); kForbidden or kFailedPrecondition
// (CaseEngine::may_add_document); kInvalidArgument naming the allowed kinds
// or media types, or the kind's limit; kGuardFailed when a scanner rejected
// the document (its reason); kPluginFailed when a scanner failed (crashed,
// timed out, answered garbage): then the document is refused too.
// `bytes` are the document's (describe_upload's input).
Status check_upload(Installation& installation, const Actor& actor, CheckedDocument& document,
                    std::string_view bytes);

// check_upload for the citizen's own upload: their own case (kNotFound
// otherwise, as CaseEngine::citizen_case), open (CaseEngine::citizen_may).
Status check_citizen_upload(Installation& installation, const Cpr& citizen, CheckedDocument& document,
                            std::string_view bytes);

struct AddedDocument {
  CaseState state;
  db::DocumentRow row;
};
// Step 4: the row and the event in one unit (CaseEngine::atomically).
Result<AddedDocument> record_upload(Installation& installation, const documents::DocumentStore& store,
                                    const Actor& actor, const CheckedDocument& document,
                                    const documents::StagedContent& content);

// record_upload for the citizen (CaseEngine::citizen_document_added: an
// upload that answers a request for missing items resumes the clock).
Result<AddedDocument> record_citizen_upload(Installation& installation, const documents::DocumentStore& store,
                                            const Cpr& citizen, const CheckedDocument& document,
                                            const documents::StagedContent& content);

// The document's metadata as the API and the CLI show it.
nlohmann::json document_json(const db::DocumentRow& row);

}  // namespace sagsflow::app
