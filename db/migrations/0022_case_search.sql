-- Sagsflow schema, migration 22: searching cases (one search box for staff).
--
-- Each case has one row in case_search, written in the transaction that
-- writes its state: `body` is what the case is found by (case number, title,
-- KLE subject, form fields; never a CPR number: case_search_text in
-- core/search), `notes` the notes written on it, appended as they come.
-- Both databases stem with the Snowball Danish stemmer:
--   SQLite: an FTS5 table whose rowid is the case id, holding the stems
--     Sagsflow computes (libstemmer); queried with prefix terms.
--   PostgreSQL: the words, and a tsvector of them in the `danish`
--     configuration with a GIN index; queried with to_tsquery('danish').
-- The rows of existing cases are written by this migration's C++ step
-- (db/src/search_records.cpp), in the same transaction.
-- @dialect sqlite
CREATE VIRTUAL TABLE case_search USING fts5(body, notes, tokenize = 'unicode61 remove_diacritics 0');
-- @dialect postgresql
CREATE TABLE case_search (
  case_id BIGINT PRIMARY KEY REFERENCES cases (id),
  body TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  doc tsvector GENERATED ALWAYS AS (to_tsvector('danish', body || ' ' || notes)) STORED
);
CREATE INDEX case_search_doc ON case_search USING GIN (doc);
-- @dialect all
-- Cases by KLE subject (a prefix: "23.09" finds 23.09.02).
CREATE INDEX cases_by_subject ON cases (municipality, subject, id);
