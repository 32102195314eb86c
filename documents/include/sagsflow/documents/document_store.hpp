// The document store: the bytes of a case's documents (uploaded attachments,
// generated letters), content-addressed by SHA-256, with their metadata in
// the database (SqlStore's documents table, migration 14).
//
// Where the bytes are:
//  - SQLite: files in a folder beside the database, "<db file>.documents/",
//    one per content: <folder>/ab/abcdef... (the SHA-256 in hex, its first two
//    digits as a subfolder), private to their owner (0700 folders, 0600 files);
//  - PostgreSQL: in the database (document_contents.content, bytea), so every
//    node sees them.
// Identical content is kept once, however many documents name it.
//
// Storing a document is two steps, so that the slow one never runs inside a
// unit of work (nor on the server's writer lane):
//  1. stage(bytes), outside any unit of work: on SQLite the bytes are written
//     to a temporary file, fsynced, renamed to their name and the folder
//     fsynced, so they are durable BEFORE anything references them; on
//     PostgreSQL it only hashes.
//  2. record(store, row, staged), inside the unit of work that also stores
//     the event referencing the document (CaseEngine::atomically): the
//     metadata row (and on PostgreSQL the bytes). When that unit does not
//     commit, the staged file is an orphan: nothing references it.
// collect_garbage() removes orphans (files no committed row references, and
// temporary files left by a crash) older than a grace period, so a document
// staged by an upload still under way is never removed; bytes a committed row
// references are never removed.
//
// Errors: kFailedPrecondition for an in-memory SQLite database (no folder);
// kStorage naming the file and the system's reason for an I/O failure, or
// content that no longer matches its SHA-256; kNotFound for missing bytes;
// SqlStore's errors as they are.
//
// Thread-safety: a DocumentStore is immutable once opened; its methods may be
// called from any thread at once. Those taking a SqlStore use it from the
// calling thread (a SqlStore is one connection, see sql_store.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow::documents {

// 64 lower-case hex digits of the SHA-256 of `bytes` (OpenSSL).
std::string sha256_hex(std::string_view bytes);

// Content staged by DocumentStore::stage, ready to be recorded.
struct StagedContent {
  std::string sha256;
  long long size = 0;
  // The bytes (record() stores them on PostgreSQL). Shared, not copied.
  std::shared_ptr<const std::string> bytes;
};

struct GcReport {
  long long examined = 0;  // content files looked at
  long long removed = 0;   // orphaned content files removed
  long long temporary_removed = 0;  // temporary files of interrupted writes removed
  long long kept_referenced = 0;
  long long kept_recent = 0;  // orphans younger than the grace period (an upload may be under way)
};

class DocumentStore {
 public:
  // The store of the database `db_url` names (DatabaseUrl::parse's errors).
  static Result<std::unique_ptr<DocumentStore>> open(const std::string& db_url);

  // True on PostgreSQL: the bytes are in the database.
  bool in_database() const { return folder_.empty(); }
  // SQLite: the folder of the bytes; empty on PostgreSQL.
  const std::string& folder() const { return folder_; }
  // "<db file>.documents" for an SQLite database file.
  static std::string folder_for(const std::string& sqlite_path);
  // Where the bytes of `sha256` are (SQLite).
  std::string path_of(const std::string& sha256) const;

  // Step 1 (see above). The bytes are kept in the result for record().
  Result<StagedContent> stage(std::string bytes) const;
  // Step 2: stores `row` (its sha256 and size taken from `content`) through
  // `store`; returns it with its new id. Call inside the unit of work of the
  // event that references it.
  Result<db::DocumentRow> record(db::SqlStore& store, db::DocumentRow row, const StagedContent& content) const;
  // The bytes of a stored document, checked against its SHA-256 and size.
  Result<std::string> read(db::SqlStore& store, const db::DocumentRow& row) const;
  // Removes orphaned and temporary files older than `grace` (SQLite; on
  // PostgreSQL there is nothing to remove: bytes and row commit together).
  // Never removes bytes a committed document row references.
  Result<GcReport> collect_garbage(db::SqlStore& store, std::chrono::seconds grace) const;

 private:
  explicit DocumentStore(std::string folder) : folder_(std::move(folder)) {}
  std::string folder_;
};

}  // namespace sagsflow::documents
