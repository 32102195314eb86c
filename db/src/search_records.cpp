// The search index of cases (migration 22): what a row holds, how a list
// asks it, and the rows of the cases stored before it.
#include <unordered_map>

#include "sagsflow/search/case_search.hpp"
#include "store_impl.hpp"

namespace sagsflow::db {

const char* search_key_column(Dialect dialect) { return dialect == Dialect::kSqlite ? "rowid" : "case_id"; }

std::string search_index_text(Dialect dialect, std::string_view text) {
  if (dialect == Dialect::kSqlite) return danish_stems(text);
  std::string out;
  for (const auto& w : search_words(text)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::string search_condition(Dialect dialect, const std::string& param) {
  if (dialect == Dialect::kSqlite) {
    return fmt::format("id IN (SELECT rowid FROM case_search WHERE case_search MATCH :{})", param);
  }
  return fmt::format("id IN (SELECT case_id FROM case_search WHERE doc @@ to_tsquery('danish', :{}))", param);
}

// Every word a prefix term, all required. The words hold only letters and
// digits (search_words), so they need no quoting beyond the terms' own.
std::string search_match_text(Dialect dialect, const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (dialect == Dialect::kSqlite) {
      const std::string stem = danish_stem(w);
      if (stem.empty()) continue;
      if (!out.empty()) out += " AND ";
      out += "\"" + stem + "\"*";
    } else {
      if (!out.empty()) out += " & ";
      out += "'" + w + "':*";
    }
  }
  return out;
}

void fill_search_index(SqlStore::Impl& impl) {
  // The notes first (only events whose data holds a "note" can write one),
  // then the cases in batches by id, all in the migration's transaction. A
  // state that does not parse is indexed by its notes alone (the replay
  // check reports it).
  std::unordered_map<long long, std::string> notes;
  {
    long long id = 0;
    std::string data;
    soci::statement ev = (impl.sql.prepare << "SELECT case_id, data FROM case_events WHERE data LIKE '%\"note\"%' "
                                              "ORDER BY case_id, seq",
                          soci::into(id), soci::into(data));
    ev.execute();
    while (ev.fetch()) {
      CaseEvent e;
      e.data = nlohmann::json::parse(data, nullptr, false);
      if (e.data.is_discarded() || !e.data.is_object()) continue;
      if (auto note = event_search_note(e); !note.empty()) notes[id] += " " + note;
    }
  }
  const std::string insert = fmt::format("INSERT INTO case_search ({}, body, notes) VALUES (:id, :b, :n)",
                                         search_key_column(impl.dialect));
  long long after = 0;
  for (;;) {
    std::vector<std::pair<long long, std::string>> rows;
    {
      long long id = 0;
      std::string state;
      soci::statement st = (impl.sql.prepare << "SELECT id, state FROM cases WHERE id > :a ORDER BY id LIMIT 1000",
                            soci::use(after), soci::into(id), soci::into(state));
      st.execute();
      while (st.fetch()) rows.emplace_back(id, state);
    }
    if (rows.empty()) return;
    for (const auto& [id, text] : rows) {
      std::string body;
      auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded()) {
        if (auto state = case_state_from_json(j); state.ok()) body = case_search_text(*state);
      }
      std::string b = search_index_text(impl.dialect, body);
      const auto note = notes.find(id);
      std::string n = note == notes.end() ? std::string() : search_index_text(impl.dialect, note->second);
      long long key = id;
      impl.sql << insert, soci::use(key), soci::use(b), soci::use(n);
    }
    after = rows.back().first;
  }
}

}  // namespace sagsflow::db
