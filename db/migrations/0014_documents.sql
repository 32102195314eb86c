-- Sagsflow schema, migration 14: the document store (uploaded attachments and
-- generated letters of a case).

-- The content of a document, once per SHA-256 however often it is stored
-- (content-addressed): its size, and on PostgreSQL the bytes themselves
-- (bytea, so every node sees them). On SQLite `content` stays NULL: the bytes
-- are a file in the folder beside the database, <db>.documents/ab/abcdef...
-- (docs/operations.md), written and synced before the unit that inserts the
-- row commits.
-- @dialect sqlite
CREATE TABLE document_contents (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  content BLOB,
  stored_at TEXT NOT NULL
);
-- @dialect postgresql
CREATE TABLE document_contents (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  content BYTEA,
  stored_at TEXT NOT NULL
);
CREATE SEQUENCE document_id_seq;
-- @dialect all

-- A document of a case: what kind it is (an attachment name of the workflow
-- such as "photo", "other", or "letter"), its sanitised file name, the media
-- type sniffed from its bytes, and who added it when.
CREATE TABLE documents (
  id BIGINT PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  municipality TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES document_contents (sha256),
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE INDEX documents_by_case ON documents (case_id, id);
CREATE INDEX documents_by_content ON documents (sha256);
