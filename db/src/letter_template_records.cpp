// SqlStore: a municipality's own letter templates (migration 16).
#include "store_impl.hpp"

namespace sagsflow::db {

Status SqlStore::put_letter_template(const LetterTemplateRecord& r) {
  return guarded(*impl_, fmt::format("storing letter template {} of municipality {}", r.file_name, r.municipality),
                 [&]() -> Status {
                   Transaction tx(*impl_);
                   impl_->sql << "DELETE FROM letter_templates WHERE municipality = :m AND file_name = :f",
                       soci::use(r.municipality), soci::use(r.file_name);
                   impl_->sql << "INSERT INTO letter_templates (municipality, file_name, kind, language, workflow, "
                                 "stage, outcome, source, installed_by, installed_at) "
                                 "VALUES (:m, :f, :k, :l, :w, :s, :o, :src, :by, :at)",
                       soci::use(r.municipality), soci::use(r.file_name), soci::use(r.kind), soci::use(r.language),
                       soci::use(r.workflow), soci::use(r.stage), soci::use(r.outcome), soci::use(r.source),
                       soci::use(r.installed_by), soci::use(r.installed_at);
                   tx.commit();
                   return Status::Ok();
                 });
}

Result<std::vector<LetterTemplateRecord>> SqlStore::letter_templates(const std::string& municipality) {
  using List = std::vector<LetterTemplateRecord>;
  return guarded_read(*impl_, "reading the letter templates of municipality " + municipality, [&]() -> Result<List> {
    List out;
    LetterTemplateRecord r;
    soci::statement st = (impl_->sql.prepare << "SELECT municipality, file_name, kind, language, workflow, stage, "
                                                "outcome, source, installed_by, installed_at FROM letter_templates "
                                                "WHERE municipality = :m ORDER BY installed_at, file_name",
                          soci::into(r.municipality), soci::into(r.file_name), soci::into(r.kind),
                          soci::into(r.language), soci::into(r.workflow), soci::into(r.stage), soci::into(r.outcome),
                          soci::into(r.source), soci::into(r.installed_by), soci::into(r.installed_at),
                          soci::use(municipality));
    st.execute();
    while (st.fetch()) out.push_back(r);
    return out;
  });
}

Status SqlStore::remove_letter_template(const std::string& municipality, const std::string& file_name) {
  return guarded(*impl_, fmt::format("removing letter template {} of municipality {}", file_name, municipality),
                 [&]() -> Status {
                   Transaction tx(*impl_);
                   soci::statement st = (impl_->sql.prepare << "DELETE FROM letter_templates WHERE municipality = :m "
                                                               "AND file_name = :f",
                                         soci::use(municipality), soci::use(file_name));
                   st.execute(true);
                   if (st.get_affected_rows() == 0) {
                     return NotFound(fmt::format("municipality {} has no letter template {} (see `sagsflow letter "
                                                 "list`)", municipality, file_name));
                   }
                   tx.commit();
                   return Status::Ok();
                 });
}

}  // namespace sagsflow::db
