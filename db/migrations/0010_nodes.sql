-- Sagsflow schema, migration 10: several server nodes on one database.

-- The plugins' outbox: one row per case with events a plugin may not have
-- heard yet, written in the same transaction as each event (create_case,
-- append_event) with the case's latest seq. A node's deliverer claims a batch
-- of a workflow's rows (claimed_by, claimed_until: a lease, so a node that
-- dies leaves them to the others after it runs out; on PostgreSQL the claim
-- skips rows another node is claiming, FOR UPDATE SKIP LOCKED), delivers, and
-- removes the rows its plugin has heard up to their seq. Finding pending
-- events reads this table, never the whole cases table.
CREATE TABLE plugin_outbox (
  case_id BIGINT PRIMARY KEY REFERENCES cases (id),
  workflow_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  claimed_by TEXT NOT NULL DEFAULT '',
  claimed_until TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plugin_outbox_by_workflow ON plugin_outbox (workflow_id, case_id);
-- Cases some cursor is behind on, or that no plugin has a cursor for yet
-- (those of workflows without a plugin are removed by the first delivery round).
INSERT INTO plugin_outbox (case_id, workflow_id, seq)
  SELECT c.id, c.workflow_id, c.version FROM cases c
  WHERE c.version > COALESCE((SELECT MIN(d.delivered_seq) FROM plugin_deliveries d WHERE d.case_id = c.id), 0);

-- Long operations (KLE imports, simulations) as rows, so any node answers for
-- any job: state running, done or failed; progress done of total at step;
-- result is JSON. node names the process that runs it.
CREATE TABLE jobs (
  id BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  municipality TEXT NOT NULL,
  started_by TEXT NOT NULL,
  state TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 1,
  step TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT 'null',
  error TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  node TEXT NOT NULL DEFAULT ''
);

-- Background work one node does at a time (the deadline check): a node holds
-- the lease `name` until `until`; another takes it only after that.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until TEXT NOT NULL
);

-- PostgreSQL: ids from sequences, so concurrent writers on several
-- connections and nodes never wait on one counter row for them. They go on
-- from the counters the previous schema used. SQLite has one writer and
-- keeps the counters. The gapless case number per municipality and year stays
-- a counter row on both.
-- @dialect postgresql
CREATE SEQUENCE case_id_seq;
SELECT setval('case_id_seq', COALESCE((SELECT value FROM counters WHERE scope = '*' AND name = 'case_id'), 0) + 1, false);
CREATE SEQUENCE access_log_id_seq;
SELECT setval('access_log_id_seq', COALESCE((SELECT value FROM counters WHERE scope = '*' AND name = 'access_log_id'), 0) + 1, false);
CREATE SEQUENCE inquiry_id_seq;
SELECT setval('inquiry_id_seq', COALESCE((SELECT value FROM counters WHERE scope = '*' AND name = 'inquiry_id'), 0) + 1, false);
CREATE SEQUENCE job_id_seq;
-- @dialect all
