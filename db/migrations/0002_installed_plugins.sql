-- Sagsflow schema, migration 2: the plugins installed in this installation.
-- The files live in the installation's plugin directory; this is the record
-- of which were installed, with which checksum, and whether they are enabled.
CREATE TABLE installed_plugins (
  id TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  installed_at TEXT NOT NULL
);
