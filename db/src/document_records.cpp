// SqlStore: documents of cases and their content rows (migration 14).
#include <cctype>

#include "sagsflow/domain/time.hpp"
#include "store_impl.hpp"

namespace sagsflow::db {

namespace {

constexpr const char* kDocumentColumns =
    "SELECT id, case_id, municipality, kind, name, media_type, size, sha256, added_by, added_at FROM documents";

}  // namespace

Result<long long> SqlStore::insert_document(const DocumentRow& row, const std::string* content) {
  const std::string of = row.case_id != 0 ? "case " + std::to_string(row.case_id)
                                           : "appointment " + std::to_string(row.appointment_id.value_or(0));
  return guarded(*impl_, "storing a document of " + of, [&]() -> Result<long long> {
    if (content != nullptr && impl_->dialect != Dialect::kPostgresql) {
      return Internal("document bytes go into the database on PostgreSQL only");
    }
    if (content != nullptr && static_cast<long long>(content->size()) != row.size) {
      return Internal("the document's size does not match its content");
    }
    Transaction tx(*impl_);
    if (row.case_id == 0 && !row.appointment_id) return Internal("a document names a case or an appointment");
    long long exists = 0;
    if (row.case_id != 0) {
      impl_->sql << "SELECT COUNT(*) FROM cases WHERE id = :id", soci::use(row.case_id), soci::into(exists);
      if (exists == 0) return NotFound(fmt::format("case {} does not exist", row.case_id));
    }
    if (row.appointment_id) {
      impl_->sql << "SELECT COUNT(*) FROM appointments WHERE id = :id", soci::use(*row.appointment_id),
          soci::into(exists);
      if (exists == 0) return NotFound(fmt::format("appointment {} does not exist", *row.appointment_id));
    }
    long long stored_size = -1;
    soci::indicator size_ind = soci::i_null;
    impl_->sql << "SELECT size FROM document_contents WHERE sha256 = :s", soci::use(row.sha256),
        soci::into(stored_size, size_ind);
    if (impl_->sql.got_data() && size_ind == soci::i_ok) {
      if (stored_size != row.size) {
        return Internal(fmt::format("content {} is stored with {} bytes, not {}", row.sha256, stored_size, row.size));
      }
      if (content != nullptr) {
        // A content row without bytes (none should exist on PostgreSQL) gets them.
        const std::string hex = bytes_to_hex(*content);
        impl_->sql << "UPDATE document_contents SET content = decode(:h, 'hex') WHERE sha256 = :s AND content IS NULL",
            soci::use(hex), soci::use(row.sha256);
      }
    } else if (content != nullptr) {
      const std::string hex = bytes_to_hex(*content);
      impl_->sql << "INSERT INTO document_contents (sha256, size, content, stored_at) VALUES "
                    "(:s, :n, decode(:h, 'hex'), :at) ON CONFLICT (sha256) DO NOTHING",
          soci::use(row.sha256), soci::use(row.size), soci::use(hex), soci::use(row.added_at);
    } else {
      impl_->sql << "INSERT INTO document_contents (sha256, size, content, stored_at) VALUES "
                    "(:s, :n, NULL, :at) ON CONFLICT (sha256) DO NOTHING",
          soci::use(row.sha256), soci::use(row.size), soci::use(row.added_at);
    }
    const long long id = next_id(*impl_, "document_id");
    long long case_id = row.case_id, appointment_id = row.appointment_id.value_or(0);
    soci::indicator case_ind = row.case_id != 0 ? soci::i_ok : soci::i_null;
    soci::indicator appointment_ind = row.appointment_id ? soci::i_ok : soci::i_null;
    impl_->sql << "INSERT INTO documents (id, case_id, appointment_id, municipality, kind, name, media_type, size, "
                  "sha256, added_by, added_at) VALUES (:id, :c, :ap, :m, :k, :n, :t, :s, :h, :b, :a)",
        soci::use(id), soci::use(case_id, case_ind), soci::use(appointment_id, appointment_ind),
        soci::use(row.municipality), soci::use(row.kind), soci::use(row.name),
        soci::use(row.media_type), soci::use(row.size), soci::use(row.sha256), soci::use(row.added_by),
        soci::use(row.added_at);
    tx.commit();
    return id;
  });
}

Result<std::vector<DocumentRow>> SqlStore::list_documents(long long case_id) {
  using List = std::vector<DocumentRow>;
  return guarded_read(*impl_, fmt::format("listing the documents of case {}", case_id), [&]() -> Result<List> {
    DocumentRow r;
    soci::statement st = (impl_->sql.prepare << std::string(kDocumentColumns) + " WHERE case_id = :c ORDER BY id",
                          soci::use(case_id), soci::into(r.id), soci::into(r.case_id), soci::into(r.municipality),
                          soci::into(r.kind), soci::into(r.name), soci::into(r.media_type), soci::into(r.size),
                          soci::into(r.sha256), soci::into(r.added_by), soci::into(r.added_at));
    st.execute();
    List out;
    while (st.fetch()) out.push_back(r);
    return out;
  });
}

Result<std::optional<DocumentRow>> SqlStore::load_document(long long case_id, long long id) {
  using One = std::optional<DocumentRow>;
  return guarded_read(*impl_, fmt::format("reading document {} of case {}", id, case_id), [&]() -> Result<One> {
    DocumentRow r;
    soci::indicator ind = soci::i_null;
    impl_->sql << std::string(kDocumentColumns) + " WHERE case_id = :c AND id = :id", soci::use(case_id),
        soci::use(id), soci::into(r.id, ind), soci::into(r.case_id), soci::into(r.municipality), soci::into(r.kind),
        soci::into(r.name), soci::into(r.media_type), soci::into(r.size), soci::into(r.sha256),
        soci::into(r.added_by), soci::into(r.added_at);
    if (!impl_->sql.got_data() || ind != soci::i_ok) return One();
    return One(r);
  });
}

Result<std::vector<DocumentRow>> SqlStore::appointment_documents(long long appointment_id) {
  using List = std::vector<DocumentRow>;
  return guarded_read(*impl_, fmt::format("listing the documents of appointment {}", appointment_id),
                      [&]() -> Result<List> {
    DocumentRow r;
    long long case_id = 0;
    soci::indicator case_ind = soci::i_null;
    soci::statement st =
        (impl_->sql.prepare << "SELECT id, case_id, municipality, kind, name, media_type, size, sha256, added_by, "
                               "added_at FROM documents WHERE appointment_id = :ap ORDER BY id",
         soci::use(appointment_id), soci::into(r.id), soci::into(case_id, case_ind), soci::into(r.municipality),
         soci::into(r.kind), soci::into(r.name), soci::into(r.media_type), soci::into(r.size), soci::into(r.sha256),
         soci::into(r.added_by), soci::into(r.added_at));
    st.execute();
    List out;
    while (st.fetch()) {
      DocumentRow one = r;
      one.case_id = case_ind == soci::i_ok ? case_id : 0;
      one.appointment_id = appointment_id;
      out.push_back(std::move(one));
      case_ind = soci::i_null;
    }
    return out;
  });
}

Result<std::optional<std::string>> SqlStore::document_content(const std::string& sha256) {
  using One = std::optional<std::string>;
  return guarded_read(*impl_, "reading a document's content", [&]() -> Result<One> {
    if (impl_->dialect != Dialect::kPostgresql) return One();
    std::string hex;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT encode(content, 'hex') FROM document_contents WHERE sha256 = :s", soci::use(sha256),
        soci::into(hex, ind);
    if (!impl_->sql.got_data() || ind != soci::i_ok) return One();
    auto bytes = hex_to_bytes(hex, "stored document content");
    if (!bytes.ok()) return StorageError(bytes.status().message());  // bytes in the database that are not hex
    return One(std::move(*bytes));
  });
}

Result<bool> SqlStore::document_referenced(const std::string& sha256) {
  return guarded_read(*impl_, "checking whether a document's content is referenced", [&]() -> Result<bool> {
    long long n = 0;
    impl_->sql << "SELECT COUNT(*) FROM documents WHERE sha256 = :s", soci::use(sha256), soci::into(n);
    return n > 0;
  });
}

}  // namespace sagsflow::db
