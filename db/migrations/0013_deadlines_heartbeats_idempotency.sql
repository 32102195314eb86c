-- Sagsflow schema, migration 13: deadline counts kept as events commit, job
-- heartbeats, and idempotency keys for the POSTs that create something.

-- 1. Deadline counts without a scan.
--
-- A case whose deadline passed (it has a deadline_passed event) carries
-- deadline_breached = 1 on its row: a trigger on case_events sets it in the
-- statement that inserts the event, so it commits (or rolls back, with its
-- unit or savepoint) with the event.
ALTER TABLE cases ADD COLUMN deadline_breached INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET deadline_breached = 1 WHERE id IN (SELECT case_id FROM case_events WHERE action = 'deadline_passed');

-- The report's deadline figures (core/reports: closed in time, closed after a
-- breach, open and breached) as counts kept by triggers on cases: a closed
-- case counts under the day it was closed (the first ten characters of
-- updated_at) and whether its deadline passed; an open case counts only once
-- its deadline passed, under day ''. Open cases without a breach are not
-- counted, so an ordinary action on an open case writes nothing here. A row
-- that falls to 0 is deleted; `shard` as in migration 11 (PostgreSQL: the
-- backend's, SQLite: 0); a figure is the SUM over shards.
CREATE TABLE deadline_counts (
  municipality TEXT NOT NULL,
  status TEXT NOT NULL,
  day TEXT NOT NULL,
  breached INTEGER NOT NULL,
  shard INTEGER NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (municipality, status, day, breached, shard)
);

-- "Due this week" and "overdue": the running deadline (due_date, written with
-- every event since migration 1) of a municipality's open cases, by day.
CREATE INDEX cases_due_by_municipality ON cases (municipality, status, due_date);

-- @dialect sqlite
CREATE TRIGGER case_events_mark_breached AFTER INSERT ON case_events WHEN NEW.action = 'deadline_passed' BEGIN
  UPDATE cases SET deadline_breached = 1 WHERE id = NEW.case_id AND deadline_breached = 0; END;

CREATE TRIGGER cases_deadline_count_inserted AFTER INSERT ON cases
  WHEN NEW.status = 'closed' OR (NEW.status = 'open' AND NEW.deadline_breached = 1) BEGIN
  INSERT INTO deadline_counts (municipality, status, day, breached, shard, n)
    VALUES (NEW.municipality, NEW.status, CASE WHEN NEW.status = 'closed' THEN substr(NEW.updated_at, 1, 10) ELSE '' END,
      NEW.deadline_breached, 0, 1)
    ON CONFLICT (municipality, status, day, breached, shard) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER cases_deadline_count_left AFTER UPDATE OF status, municipality, updated_at, deadline_breached ON cases
  WHEN (OLD.status = 'closed' OR (OLD.status = 'open' AND OLD.deadline_breached = 1))
    AND (NEW.status <> OLD.status OR NEW.municipality <> OLD.municipality OR NEW.deadline_breached <> OLD.deadline_breached
      OR (OLD.status = 'closed' AND substr(NEW.updated_at, 1, 10) <> substr(OLD.updated_at, 1, 10)))
  BEGIN
  INSERT INTO deadline_counts (municipality, status, day, breached, shard, n)
    VALUES (OLD.municipality, OLD.status, CASE WHEN OLD.status = 'closed' THEN substr(OLD.updated_at, 1, 10) ELSE '' END,
      OLD.deadline_breached, 0, -1)
    ON CONFLICT (municipality, status, day, breached, shard) DO UPDATE SET n = n - 1
  ; DELETE FROM deadline_counts WHERE municipality = OLD.municipality AND status = OLD.status
      AND day = CASE WHEN OLD.status = 'closed' THEN substr(OLD.updated_at, 1, 10) ELSE '' END
      AND breached = OLD.deadline_breached AND shard = 0 AND n = 0; END;
CREATE TRIGGER cases_deadline_count_entered AFTER UPDATE OF status, municipality, updated_at, deadline_breached ON cases
  WHEN (NEW.status = 'closed' OR (NEW.status = 'open' AND NEW.deadline_breached = 1))
    AND (NEW.status <> OLD.status OR NEW.municipality <> OLD.municipality OR NEW.deadline_breached <> OLD.deadline_breached
      OR (NEW.status = 'closed' AND substr(NEW.updated_at, 1, 10) <> substr(OLD.updated_at, 1, 10)))
  BEGIN
  INSERT INTO deadline_counts (municipality, status, day, breached, shard, n)
    VALUES (NEW.municipality, NEW.status, CASE WHEN NEW.status = 'closed' THEN substr(NEW.updated_at, 1, 10) ELSE '' END,
      NEW.deadline_breached, 0, 1)
    ON CONFLICT (municipality, status, day, breached, shard) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER cases_deadline_count_deleted AFTER DELETE ON cases
  WHEN OLD.status = 'closed' OR (OLD.status = 'open' AND OLD.deadline_breached = 1) BEGIN
  INSERT INTO deadline_counts (municipality, status, day, breached, shard, n)
    VALUES (OLD.municipality, OLD.status, CASE WHEN OLD.status = 'closed' THEN substr(OLD.updated_at, 1, 10) ELSE '' END,
      OLD.deadline_breached, 0, -1)
    ON CONFLICT (municipality, status, day, breached, shard) DO UPDATE SET n = n - 1
  ; DELETE FROM deadline_counts WHERE municipality = OLD.municipality AND status = OLD.status
      AND day = CASE WHEN OLD.status = 'closed' THEN substr(OLD.updated_at, 1, 10) ELSE '' END
      AND breached = OLD.deadline_breached AND shard = 0 AND n = 0; END;

-- @dialect postgresql
CREATE FUNCTION sagsflow_mark_breached() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  UPDATE cases SET deadline_breached = 1 WHERE id = NEW.case_id AND deadline_breached = 0
  ; RETURN NULL; END $$;
CREATE TRIGGER case_events_mark_breached AFTER INSERT ON case_events FOR EACH ROW
  WHEN (NEW.action = 'deadline_passed') EXECUTE FUNCTION sagsflow_mark_breached();

-- One counted case more (d = 1) or fewer (d = -1) under the key of `r`.
CREATE FUNCTION sagsflow_add_deadline_case(r cases, d INTEGER) RETURNS void LANGUAGE sql AS $$
  INSERT INTO deadline_counts (municipality, status, day, breached, shard, n)
    VALUES ((r).municipality, (r).status, CASE WHEN (r).status = 'closed' THEN substr((r).updated_at, 1, 10) ELSE '' END,
      (r).deadline_breached, pg_backend_pid() % 8, d)
    ON CONFLICT (municipality, status, day, breached, shard) DO UPDATE SET n = deadline_counts.n + d
  ; DELETE FROM deadline_counts WHERE d < 0 AND municipality = (r).municipality AND status = (r).status
      AND day = CASE WHEN (r).status = 'closed' THEN substr((r).updated_at, 1, 10) ELSE '' END
      AND breached = (r).deadline_breached AND shard = pg_backend_pid() % 8 AND n = 0 $$;
CREATE FUNCTION sagsflow_count_deadline_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_counted boolean := false
  ; now_counted boolean := false
  ; BEGIN
  IF TG_OP <> 'INSERT' THEN was_counted := OLD.status = 'closed' OR (OLD.status = 'open' AND OLD.deadline_breached = 1)
  ; END IF
  ; IF TG_OP <> 'DELETE' THEN now_counted := NEW.status = 'closed' OR (NEW.status = 'open' AND NEW.deadline_breached = 1)
  ; END IF
  ; IF TG_OP = 'UPDATE' AND was_counted AND now_counted AND OLD.status = NEW.status AND OLD.municipality = NEW.municipality
      AND OLD.deadline_breached = NEW.deadline_breached
      AND (NEW.status <> 'closed' OR substr(OLD.updated_at, 1, 10) = substr(NEW.updated_at, 1, 10)) THEN
    RETURN NULL
  ; END IF
  ; IF was_counted THEN PERFORM sagsflow_add_deadline_case(OLD, -1)
  ; END IF
  ; IF now_counted THEN PERFORM sagsflow_add_deadline_case(NEW, 1)
  ; END IF
  ; RETURN NULL; END $$;
CREATE TRIGGER cases_deadline_count_inserted AFTER INSERT ON cases FOR EACH ROW
  WHEN (NEW.status = 'closed' OR (NEW.status = 'open' AND NEW.deadline_breached = 1))
  EXECUTE FUNCTION sagsflow_count_deadline_case();
CREATE TRIGGER cases_deadline_count_updated AFTER UPDATE OF status, municipality, updated_at, deadline_breached ON cases
  FOR EACH ROW WHEN ((OLD.status = 'closed' OR (OLD.status = 'open' AND OLD.deadline_breached = 1)
    OR NEW.status = 'closed' OR (NEW.status = 'open' AND NEW.deadline_breached = 1))
    AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.municipality IS DISTINCT FROM NEW.municipality
      OR OLD.deadline_breached IS DISTINCT FROM NEW.deadline_breached
      OR substr(OLD.updated_at, 1, 10) IS DISTINCT FROM substr(NEW.updated_at, 1, 10)))
  EXECUTE FUNCTION sagsflow_count_deadline_case();
CREATE TRIGGER cases_deadline_count_deleted AFTER DELETE ON cases FOR EACH ROW
  WHEN (OLD.status = 'closed' OR (OLD.status = 'open' AND OLD.deadline_breached = 1))
  EXECUTE FUNCTION sagsflow_count_deadline_case();

-- @dialect all
-- The figures of the rows already stored.
INSERT INTO deadline_counts (municipality, status, day, breached, shard, n)
  SELECT municipality, status, CASE WHEN status = 'closed' THEN substr(updated_at, 1, 10) ELSE '' END,
    deadline_breached, 0, COUNT(*) FROM cases WHERE status = 'closed' OR (status = 'open' AND deadline_breached = 1)
  GROUP BY municipality, status, CASE WHEN status = 'closed' THEN substr(updated_at, 1, 10) ELSE '' END, deadline_breached;

-- 2. Jobs whose node died. The node running a job refreshes heartbeat_at
-- every jobs.heartbeat_seconds; any node marks a running job whose heartbeat
-- is older than jobs.stale_after_seconds failed. The partial index holds the
-- running jobs only (a handful), so the sweep never reads the finished ones.
ALTER TABLE jobs ADD COLUMN heartbeat_at TEXT NOT NULL DEFAULT '';
UPDATE jobs SET heartbeat_at = started_at WHERE state = 'running';
CREATE INDEX jobs_running ON jobs (heartbeat_at) WHERE state = 'running';

-- 3. Idempotency keys (the Idempotency-Key header of the POSTs that create
-- something). `scope` is the caller (municipality and person) and `route` the
-- route's method and pattern; idempotency_key is the SHA-256 of the key the
-- client sent (hex), never the key itself; a key is reserved (status 0) in the same unit of
-- work as the creation and holds its answer (status, the answer's JSON with
-- CPR numbers masked, the created resource's id) when that unit commits: a
-- unit that fails takes its reservation with it. body_sha256 tells a retry
-- (the same body) from a conflicting reuse. Rows past expires_at are removed
-- in short batches through the index.
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  route TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  resource TEXT NOT NULL DEFAULT '',
  answer TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (scope, route, idempotency_key)
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
