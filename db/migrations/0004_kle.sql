-- Sagsflow schema, migration 4: the KLE emneplan a municipality imported
-- (`sagsflow kle import`), so case pages and reports show subject titles,
-- guidance and KLE's recommended deletion deadlines. One plan at a time:
-- an import replaces the previous one.
CREATE TABLE kle_subjects (
  number TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  group_title TEXT NOT NULL,
  main_group_title TEXT NOT NULL,
  guidance TEXT NOT NULL,
  preservation TEXT NOT NULL,
  deletion TEXT NOT NULL,
  retired_on TEXT NOT NULL
);

CREATE TABLE kle_imports (
  id BIGINT PRIMARY KEY,
  published TEXT NOT NULL,
  file_name TEXT NOT NULL,
  subjects BIGINT NOT NULL,
  imported_at TEXT NOT NULL
);
