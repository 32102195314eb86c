// SqlStore: municipality configurations, inquiries and layer messages (migration 0003).
#include "store_impl.hpp"

namespace sagsflow::db {
namespace {

// The columns of an inquiry row, read as text/integers and turned into a record.
struct InquiryRow {
  long long id = 0;
  std::string municipality, channel, type, area, service, cpr, outcome, handled_by, unit, acting, owning, routed,
      forwarded_to, forwarded_on, at;
  int with_form = 0, resolved = 0;
  long long case_id = 0;
  soci::indicator cpr_ind = soci::i_null, case_ind = soci::i_null;

  Result<InquiryRecord> record() const {
    InquiryRecord r;
    r.id = id;
    r.municipality = municipality;
    auto c = channel_from_key(channel);
    auto t = inquiry_type_from_key(type);
    if (!c || !t) return Internal(fmt::format("inquiry {} has an unknown channel or type ({}, {})", id, channel, type));
    r.channel = *c;
    r.type = *t;
    r.area = area;
    r.service = service;
    if (cpr_ind == soci::i_ok) {
      auto p = Cpr::parse(cpr);
      if (!p.ok()) return p.status();
      r.citizen = *p;
    }
    r.with_form = with_form != 0;
    r.resolved_on_the_spot = resolved != 0;
    r.outcome = outcome;
    r.handled_by = handled_by;
    r.unit = unit;
    r.acting_authority = acting;
    r.owning_authority = owning;
    r.routed_to = routed;
    r.forwarded_to = forwarded_to;
    r.forwarded_on = forwarded_on;
    if (case_ind == soci::i_ok) r.case_id = case_id;
    r.at = at;
    return r;
  }
};

constexpr const char* kInquiryColumns =
    "id, municipality, channel, inquiry_type, area, service, citizen_cpr, with_form, resolved_on_the_spot, outcome, "
    "handled_by, unit, acting_authority, owning_authority, routed_to, forwarded_to, forwarded_on, case_id, at";

template <typename Statement>
void bind_row(Statement& st, InquiryRow& row) {
  st.exchange(soci::into(row.id));
  st.exchange(soci::into(row.municipality));
  st.exchange(soci::into(row.channel));
  st.exchange(soci::into(row.type));
  st.exchange(soci::into(row.area));
  st.exchange(soci::into(row.service));
  st.exchange(soci::into(row.cpr, row.cpr_ind));
  st.exchange(soci::into(row.with_form));
  st.exchange(soci::into(row.resolved));
  st.exchange(soci::into(row.outcome));
  st.exchange(soci::into(row.handled_by));
  st.exchange(soci::into(row.unit));
  st.exchange(soci::into(row.acting));
  st.exchange(soci::into(row.owning));
  st.exchange(soci::into(row.routed));
  st.exchange(soci::into(row.forwarded_to));
  st.exchange(soci::into(row.forwarded_on));
  st.exchange(soci::into(row.case_id, row.case_ind));
  st.exchange(soci::into(row.at));
}

}  // namespace

Status SqlStore::save_municipality_config(const MunicipalityConfigRecord& r) {
  return guarded(*impl_, "storing the configuration of municipality " + r.code, [&]() -> Status {
    Transaction tx(*impl_);
    const std::string logo_hex = bytes_to_hex(r.logo_png);
    impl_->sql << "DELETE FROM municipality_configs WHERE code = :c", soci::use(r.code);
    impl_->sql << "INSERT INTO municipality_configs (code, file_name, source, sha256, loaded_at, logo_png_hex) "
                  "VALUES (:c, :f, :s, :h, :at, :logo)",
        soci::use(r.code), soci::use(r.file_name), soci::use(r.source), soci::use(r.sha256), soci::use(r.loaded_at),
        soci::use(logo_hex);
    tx.commit();
    return Status::Ok();
  });
}

Result<std::vector<MunicipalityConfigRecord>> SqlStore::municipality_configs() {
  using List = std::vector<MunicipalityConfigRecord>;
  return guarded_read(*impl_, "reading municipality configurations", [&]() -> Result<List> {
    List out;
    MunicipalityConfigRecord r;
    std::string logo_hex;
    soci::statement st = (impl_->sql.prepare << "SELECT code, file_name, source, sha256, loaded_at, logo_png_hex "
                                                "FROM municipality_configs ORDER BY code",
                          soci::into(r.code), soci::into(r.file_name), soci::into(r.source), soci::into(r.sha256),
                          soci::into(r.loaded_at), soci::into(logo_hex));
    st.execute();
    while (st.fetch()) {
      auto logo = hex_to_bytes(logo_hex, "the logo of municipality " + r.code);
      if (!logo.ok()) return logo.status();
      r.logo_png = std::move(*logo);
      out.push_back(r);
    }
    return out;
  });
}

Result<long long> SqlStore::add_inquiry(const InquiryRecord& r) {
  return guarded(*impl_, "registering an inquiry", [&]() -> Result<long long> {
    // The transaction first: beginning it may re-establish a lost connection,
    // which drops (and so must come before taking) the prepared statements.
    Transaction tx(*impl_);
    auto& f = impl_->frequent_statements();  // the columns of kInquiryColumns
    f.inquiry = r;
    f.channel = channel_key(r.channel);
    f.type = inquiry_type_key(r.type);
    f.cpr = r.citizen ? r.citizen->reveal() : std::string();
    f.cpr_ind = r.citizen ? soci::i_ok : soci::i_null;
    f.with_form = r.with_form ? 1 : 0;
    f.resolved = r.resolved_on_the_spot ? 1 : 0;
    f.case_id = r.case_id.value_or(0);
    f.case_ind = r.case_id ? soci::i_ok : soci::i_null;
    f.inquiry_step.execute(true);
    const long long id = f.inquiry_id;
    // RETURNING leaves the statement open on SQLite until it is stepped past its one row.
    while (f.inquiry_step.fetch()) {
    }
    f.inquiry_id = id;
    f.inquiry_insert.execute(true);
    tx.commit();
    return id;
  });
}

Result<InquiryRecord> SqlStore::load_inquiry(long long id) {
  return guarded_read(*impl_, "reading inquiry " + std::to_string(id), [&]() -> Result<InquiryRecord> {
    InquiryRow row;
    soci::statement st = (impl_->sql.prepare << fmt::format("SELECT {} FROM inquiries WHERE id = :id", kInquiryColumns));
    bind_row(st, row);
    st.exchange(soci::use(id));
    st.define_and_bind();
    st.execute();
    if (!st.fetch()) return NotFound(fmt::format("there is no inquiry {}", id));
    return row.record();
  });
}

Status SqlStore::mark_forwarded(long long id, const std::string& to, const std::string& on) {
  return guarded(*impl_, "forwarding inquiry " + std::to_string(id), [&]() -> Status {
    soci::statement st = (impl_->sql.prepare << "UPDATE inquiries SET forwarded_to = :t, forwarded_on = :o "
                                                "WHERE id = :id AND forwarded_to = ''",
                          soci::use(to), soci::use(on), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 1) return Status::Ok();
    auto existing = load_inquiry(id);
    if (!existing.ok()) return existing.status();
    return FailedPrecondition(fmt::format("inquiry {} was already forwarded to {} on {}", id, existing->forwarded_to,
                                          existing->forwarded_on));
  });
}

Result<std::vector<InquiryRecord>> SqlStore::list_inquiries(const InquiryFilter& f) {
  using List = std::vector<InquiryRecord>;
  return guarded_read(*impl_, "listing inquiries", [&]() -> Result<List> {
    const std::string m = f.municipality.value_or(""), area = f.area.value_or("");
    const int limit = f.limit;
    InquiryRow row;
    soci::statement st = (impl_->sql.prepare << fmt::format(
                              "SELECT {} FROM inquiries WHERE (:m1 = '' OR municipality = :m2) AND "
                              "(:a1 = '' OR area = :a2) ORDER BY id DESC LIMIT :lim",
                              kInquiryColumns));
    bind_row(st, row);
    st.exchange(soci::use(m));
    st.exchange(soci::use(m));
    st.exchange(soci::use(area));
    st.exchange(soci::use(area));
    st.exchange(soci::use(limit));
    st.define_and_bind();
    st.execute();
    List out;
    while (st.fetch()) {
      auto r = row.record();
      if (!r.ok()) return r.status();
      out.push_back(std::move(*r));
      row.cpr_ind = row.case_ind = soci::i_null;
    }
    return out;
  });
}

Result<long long> SqlStore::add_layer_message(const LayerMessage& m) {
  return guarded(*impl_, "storing a " + m.kind, [&]() -> Result<long long> {
    Transaction tx(*impl_);
    const long long id = next_id(*impl_, "layer_message_id");
    const long long case_id = m.case_id.value_or(0);
    soci::indicator case_ind = m.case_id ? soci::i_ok : soci::i_null;
    impl_->sql << "INSERT INTO layer_messages (id, municipality, area, kind, author, author_layer, title, body, "
                  "case_id, at) VALUES (:id, :m, :a, :k, :au, :l, :t, :b, :c, :at)",
        soci::use(id), soci::use(m.municipality), soci::use(m.area), soci::use(m.kind), soci::use(m.author),
        soci::use(m.author_layer), soci::use(m.title), soci::use(m.body), soci::use(case_id, case_ind),
        soci::use(m.at);
    tx.commit();
    return id;
  });
}

Result<std::vector<LayerMessage>> SqlStore::list_layer_messages(const std::string& municipality) {
  using List = std::vector<LayerMessage>;
  return guarded_read(*impl_, "listing notices and problem reports", [&]() -> Result<List> {
    List out;
    LayerMessage m;
    long long case_id = 0;
    soci::indicator case_ind = soci::i_null;
    soci::statement st = (impl_->sql.prepare << "SELECT id, municipality, area, kind, author, author_layer, title, "
                                                "body, case_id, at FROM layer_messages WHERE municipality = :m "
                                                "ORDER BY id DESC",
                          soci::into(m.id), soci::into(m.municipality), soci::into(m.area), soci::into(m.kind),
                          soci::into(m.author), soci::into(m.author_layer), soci::into(m.title), soci::into(m.body),
                          soci::into(case_id, case_ind), soci::into(m.at), soci::use(municipality));
    st.execute();
    while (st.fetch()) {
      m.case_id = case_ind == soci::i_ok ? std::optional<long long>(case_id) : std::nullopt;
      out.push_back(m);
      case_ind = soci::i_null;
    }
    return out;
  });
}

}  // namespace sagsflow::db
