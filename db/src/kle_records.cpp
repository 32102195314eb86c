// SqlStore: the imported KLE emneplan (migration 0004).
#include "store_impl.hpp"

namespace sagsflow::db {

Status SqlStore::replace_kle_plan(const KlePlan& plan, const std::string& file_name, const std::string& imported_at) {
  return guarded(*impl_, "importing the KLE emneplan", [&]() -> Status {
    Transaction tx(*impl_);
    impl_->sql << "DELETE FROM kle_subjects";
    KleSubject s;
    soci::statement insert = (impl_->sql.prepare << "INSERT INTO kle_subjects (number, title, group_title, "
                                                    "main_group_title, guidance, preservation, deletion, retired_on) "
                                                    "VALUES (:n, :t, :g, :m, :v, :p, :d, :r)",
                              soci::use(s.number), soci::use(s.title), soci::use(s.group_title),
                              soci::use(s.main_group_title), soci::use(s.guidance), soci::use(s.preservation),
                              soci::use(s.deletion), soci::use(s.retired_on));
    for (const auto& subject : plan.subjects) {
      s = subject;
      insert.execute(true);
    }
    long long id = 0;
    impl_->sql << "SELECT COALESCE(MAX(id), 0) + 1 FROM kle_imports", soci::into(id);
    const long long count = static_cast<long long>(plan.subjects.size());
    impl_->sql << "INSERT INTO kle_imports (id, published, file_name, subjects, imported_at) "
                  "VALUES (:id, :p, :f, :n, :at)",
        soci::use(id), soci::use(plan.published), soci::use(file_name), soci::use(count), soci::use(imported_at);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::optional<KleSubject>> SqlStore::kle_subject(const std::string& number) {
  using Out = std::optional<KleSubject>;
  return guarded_read(*impl_, "reading KLE subject " + number, [&]() -> Result<Out> {
    KleSubject s;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT number, title, group_title, main_group_title, guidance, preservation, deletion, retired_on "
                  "FROM kle_subjects WHERE number = :n",
        soci::use(number), soci::into(s.number, ind), soci::into(s.title), soci::into(s.group_title),
        soci::into(s.main_group_title), soci::into(s.guidance), soci::into(s.preservation), soci::into(s.deletion),
        soci::into(s.retired_on);
    if (ind != soci::i_ok) return Out{};
    return Out{s};
  });
}

Result<std::optional<std::string>> SqlStore::kle_published() {
  using Out = std::optional<std::string>;
  return guarded_read(*impl_, "reading the KLE import", [&]() -> Result<Out> {
    std::string published;
    soci::indicator ind = soci::i_null;
    impl_->sql << "SELECT published FROM kle_imports ORDER BY id DESC LIMIT 1", soci::into(published, ind);
    if (ind != soci::i_ok) return Out{};
    return Out{published};
  });
}

}  // namespace sagsflow::db
