-- Sagsflow schema, migration 11: counters and daily aggregates, kept as rows commit.

-- /metrics and the channel report read these small tables instead of counting
-- case_events, cases and inquiries. Triggers keep them: every statement that
-- inserts an event, opens, closes, moves or deletes a case, or registers or
-- forwards an inquiry changes its counter rows in the same statement, so a
-- unit that rolls back (its transaction, or its savepoint inside a group
-- commit) takes its counts with it, whoever wrote the rows.
--
-- `shard` spreads one figure over a few rows: on PostgreSQL each connection
-- adds to the row of its backend (pg_backend_pid() % 8), so writers on
-- different connections rarely wait for one counter row; SQLite has one
-- writer and uses shard 0. A figure is the SUM over its shards; a row may
-- hold a negative share (a case opened through one connection and closed
-- through another).
--
-- The migration creates the triggers before it fills the counters from the
-- rows already stored: on PostgreSQL creating a trigger locks its table
-- against writers until the migration commits, so no row is missed or
-- counted twice while an older binary keeps serving.
--
-- A later migration that rebuilds cases, case_events or inquiries on SQLite
-- (create, copy, drop, rename) must create their triggers below again. The
-- role the server runs as needs INSERT, UPDATE and DELETE on the three tables
-- (the triggers run with its rights).
--
-- A statement of a migration ends at a line ending in ';', so inside the
-- trigger bodies a ';' never ends a line.

-- Events by action (case_events is append-only: counts only grow).
CREATE TABLE case_action_counts (
  action TEXT NOT NULL,
  shard INTEGER NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (action, shard)
);

-- Open cases by municipality, queue, workflow (its version names the
-- service area) and the day they were opened (the report's backlog by age);
-- a case without a queue (NULL columns) counts under queue_kind '' and
-- queue_id ''. A row that falls to 0 is deleted, so the table holds no more
-- rows than there are groups of open cases.
CREATE TABLE open_case_counts (
  municipality TEXT NOT NULL,
  queue_kind TEXT NOT NULL,
  queue_id TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  workflow_version INTEGER NOT NULL,
  opened_day TEXT NOT NULL,
  shard INTEGER NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard)
);

-- Inquiries by day (the first ten characters of `at`) and every column the
-- channel report groups or filters on; the key serves a municipality's days.
CREATE TABLE inquiry_day_counts (
  municipality TEXT NOT NULL,
  day TEXT NOT NULL,
  unit TEXT NOT NULL,
  area TEXT NOT NULL,
  channel TEXT NOT NULL,
  inquiry_type TEXT NOT NULL,
  resolved_on_the_spot INTEGER NOT NULL,
  with_form INTEGER NOT NULL,
  other_authority INTEGER NOT NULL,
  forwarded INTEGER NOT NULL,
  shard INTEGER NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
               other_authority, forwarded, shard)
);

-- The same without unit and area: what a report for the whole municipality
-- reads (a few hundred rows a day at most).
CREATE TABLE inquiry_day_totals (
  municipality TEXT NOT NULL,
  day TEXT NOT NULL,
  channel TEXT NOT NULL,
  inquiry_type TEXT NOT NULL,
  resolved_on_the_spot INTEGER NOT NULL,
  with_form INTEGER NOT NULL,
  other_authority INTEGER NOT NULL,
  forwarded INTEGER NOT NULL,
  shard INTEGER NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form, other_authority, forwarded,
               shard)
);

-- @dialect sqlite
CREATE TRIGGER case_events_count AFTER INSERT ON case_events BEGIN
  INSERT INTO case_action_counts (action, shard, n) VALUES (NEW.action, 0, 1)
    ON CONFLICT (action, shard) DO UPDATE SET n = n + 1; END;

CREATE TRIGGER cases_count_open_inserted AFTER INSERT ON cases WHEN NEW.status = 'open' BEGIN
  INSERT INTO open_case_counts (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard, n)
    VALUES (NEW.municipality, COALESCE(NEW.queue_kind, ''), COALESCE(NEW.queue_id, ''), NEW.workflow_id, NEW.workflow_version,
      substr(NEW.opened_at, 1, 10), 0, 1)
    ON CONFLICT (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard)
      DO UPDATE SET n = n + 1; END;
CREATE TRIGGER cases_count_open_left AFTER UPDATE OF status, municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_at ON cases
  WHEN OLD.status = 'open' AND (NEW.status <> 'open' OR (NEW.municipality <> OLD.municipality
    OR COALESCE(NEW.queue_kind, '') <> COALESCE(OLD.queue_kind, '') OR COALESCE(NEW.queue_id, '') <> COALESCE(OLD.queue_id, '')
    OR NEW.workflow_id <> OLD.workflow_id OR NEW.workflow_version <> OLD.workflow_version
    OR substr(NEW.opened_at, 1, 10) <> substr(OLD.opened_at, 1, 10)))
  BEGIN
  INSERT INTO open_case_counts (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard, n)
    VALUES (OLD.municipality, COALESCE(OLD.queue_kind, ''), COALESCE(OLD.queue_id, ''), OLD.workflow_id, OLD.workflow_version,
      substr(OLD.opened_at, 1, 10), 0, -1)
    ON CONFLICT (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard)
      DO UPDATE SET n = n - 1
  ; DELETE FROM open_case_counts WHERE municipality = OLD.municipality AND queue_kind = COALESCE(OLD.queue_kind, '')
      AND queue_id = COALESCE(OLD.queue_id, '') AND workflow_id = OLD.workflow_id AND workflow_version = OLD.workflow_version
      AND opened_day = substr(OLD.opened_at, 1, 10) AND shard = 0 AND n = 0; END;
CREATE TRIGGER cases_count_open_entered AFTER UPDATE OF status, municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_at ON cases
  WHEN NEW.status = 'open' AND (OLD.status <> 'open' OR (NEW.municipality <> OLD.municipality
    OR COALESCE(NEW.queue_kind, '') <> COALESCE(OLD.queue_kind, '') OR COALESCE(NEW.queue_id, '') <> COALESCE(OLD.queue_id, '')
    OR NEW.workflow_id <> OLD.workflow_id OR NEW.workflow_version <> OLD.workflow_version
    OR substr(NEW.opened_at, 1, 10) <> substr(OLD.opened_at, 1, 10)))
  BEGIN
  INSERT INTO open_case_counts (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard, n)
    VALUES (NEW.municipality, COALESCE(NEW.queue_kind, ''), COALESCE(NEW.queue_id, ''), NEW.workflow_id, NEW.workflow_version,
      substr(NEW.opened_at, 1, 10), 0, 1)
    ON CONFLICT (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard)
      DO UPDATE SET n = n + 1; END;
CREATE TRIGGER cases_count_open_deleted AFTER DELETE ON cases WHEN OLD.status = 'open' BEGIN
  INSERT INTO open_case_counts (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard, n)
    VALUES (OLD.municipality, COALESCE(OLD.queue_kind, ''), COALESCE(OLD.queue_id, ''), OLD.workflow_id, OLD.workflow_version,
      substr(OLD.opened_at, 1, 10), 0, -1)
    ON CONFLICT (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard)
      DO UPDATE SET n = n - 1
  ; DELETE FROM open_case_counts WHERE municipality = OLD.municipality AND queue_kind = COALESCE(OLD.queue_kind, '')
      AND queue_id = COALESCE(OLD.queue_id, '') AND workflow_id = OLD.workflow_id AND workflow_version = OLD.workflow_version
      AND opened_day = substr(OLD.opened_at, 1, 10) AND shard = 0 AND n = 0; END;

CREATE TRIGGER inquiries_count_inserted AFTER INSERT ON inquiries BEGIN
  INSERT INTO inquiry_day_counts (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot,
    with_form, other_authority, forwarded, shard, n)
    VALUES (NEW.municipality, substr(NEW.at, 1, 10), NEW.unit, NEW.area, NEW.channel, NEW.inquiry_type,
      NEW.resolved_on_the_spot, NEW.with_form, NEW.acting_authority <> NEW.owning_authority, NEW.forwarded_to <> '', 0, 1)
    ON CONFLICT (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
      other_authority, forwarded, shard) DO UPDATE SET n = n + 1
  ; INSERT INTO inquiry_day_totals (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form,
    other_authority, forwarded, shard, n)
    VALUES (NEW.municipality, substr(NEW.at, 1, 10), NEW.channel, NEW.inquiry_type, NEW.resolved_on_the_spot, NEW.with_form,
      NEW.acting_authority <> NEW.owning_authority, NEW.forwarded_to <> '', 0, 1)
    ON CONFLICT (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form, other_authority, forwarded,
      shard) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER inquiries_count_updated AFTER UPDATE OF municipality, at, unit, area, channel, inquiry_type,
  resolved_on_the_spot, with_form, acting_authority, owning_authority, forwarded_to ON inquiries
  WHEN NEW.municipality <> OLD.municipality OR substr(NEW.at, 1, 10) <> substr(OLD.at, 1, 10) OR NEW.unit <> OLD.unit
    OR NEW.area <> OLD.area OR NEW.channel <> OLD.channel OR NEW.inquiry_type <> OLD.inquiry_type
    OR NEW.resolved_on_the_spot <> OLD.resolved_on_the_spot OR NEW.with_form <> OLD.with_form
    OR (NEW.acting_authority <> NEW.owning_authority) <> (OLD.acting_authority <> OLD.owning_authority)
    OR (NEW.forwarded_to <> '') <> (OLD.forwarded_to <> '')
  BEGIN
  INSERT INTO inquiry_day_counts (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot,
    with_form, other_authority, forwarded, shard, n)
    VALUES (OLD.municipality, substr(OLD.at, 1, 10), OLD.unit, OLD.area, OLD.channel, OLD.inquiry_type,
      OLD.resolved_on_the_spot, OLD.with_form, OLD.acting_authority <> OLD.owning_authority, OLD.forwarded_to <> '', 0, -1)
    ON CONFLICT (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
      other_authority, forwarded, shard) DO UPDATE SET n = n - 1
  ; INSERT INTO inquiry_day_totals (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form,
    other_authority, forwarded, shard, n)
    VALUES (OLD.municipality, substr(OLD.at, 1, 10), OLD.channel, OLD.inquiry_type, OLD.resolved_on_the_spot, OLD.with_form,
      OLD.acting_authority <> OLD.owning_authority, OLD.forwarded_to <> '', 0, -1)
    ON CONFLICT (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form, other_authority, forwarded,
      shard) DO UPDATE SET n = n - 1
  ; INSERT INTO inquiry_day_counts (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot,
    with_form, other_authority, forwarded, shard, n)
    VALUES (NEW.municipality, substr(NEW.at, 1, 10), NEW.unit, NEW.area, NEW.channel, NEW.inquiry_type,
      NEW.resolved_on_the_spot, NEW.with_form, NEW.acting_authority <> NEW.owning_authority, NEW.forwarded_to <> '', 0, 1)
    ON CONFLICT (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
      other_authority, forwarded, shard) DO UPDATE SET n = n + 1
  ; INSERT INTO inquiry_day_totals (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form,
    other_authority, forwarded, shard, n)
    VALUES (NEW.municipality, substr(NEW.at, 1, 10), NEW.channel, NEW.inquiry_type, NEW.resolved_on_the_spot, NEW.with_form,
      NEW.acting_authority <> NEW.owning_authority, NEW.forwarded_to <> '', 0, 1)
    ON CONFLICT (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form, other_authority, forwarded,
      shard) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER inquiries_count_deleted AFTER DELETE ON inquiries BEGIN
  INSERT INTO inquiry_day_counts (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot,
    with_form, other_authority, forwarded, shard, n)
    VALUES (OLD.municipality, substr(OLD.at, 1, 10), OLD.unit, OLD.area, OLD.channel, OLD.inquiry_type,
      OLD.resolved_on_the_spot, OLD.with_form, OLD.acting_authority <> OLD.owning_authority, OLD.forwarded_to <> '', 0, -1)
    ON CONFLICT (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
      other_authority, forwarded, shard) DO UPDATE SET n = n - 1
  ; INSERT INTO inquiry_day_totals (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form,
    other_authority, forwarded, shard, n)
    VALUES (OLD.municipality, substr(OLD.at, 1, 10), OLD.channel, OLD.inquiry_type, OLD.resolved_on_the_spot, OLD.with_form,
      OLD.acting_authority <> OLD.owning_authority, OLD.forwarded_to <> '', 0, -1)
    ON CONFLICT (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form, other_authority, forwarded,
      shard) DO UPDATE SET n = n - 1; END;

-- @dialect postgresql
CREATE FUNCTION sagsflow_count_case_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO case_action_counts (action, shard, n) VALUES (NEW.action, pg_backend_pid() % 8, 1)
    ON CONFLICT (action, shard) DO UPDATE SET n = case_action_counts.n + 1
  ; RETURN NULL; END $$;
CREATE TRIGGER case_events_count AFTER INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION sagsflow_count_case_event();

-- One open case more (d = 1) or fewer (d = -1) under the counted columns of `r`.
CREATE FUNCTION sagsflow_add_open_case(r cases, d INTEGER) RETURNS void LANGUAGE sql AS $$
  INSERT INTO open_case_counts (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard, n)
    VALUES ((r).municipality, COALESCE((r).queue_kind, ''), COALESCE((r).queue_id, ''), (r).workflow_id,
      (r).workflow_version, substr((r).opened_at, 1, 10), pg_backend_pid() % 8, d)
    ON CONFLICT (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard)
      DO UPDATE SET n = open_case_counts.n + d
  ; DELETE FROM open_case_counts WHERE d < 0 AND municipality = (r).municipality
      AND queue_kind = COALESCE((r).queue_kind, '') AND queue_id = COALESCE((r).queue_id, '')
      AND workflow_id = (r).workflow_id AND workflow_version = (r).workflow_version
      AND opened_day = substr((r).opened_at, 1, 10) AND shard = pg_backend_pid() % 8 AND n = 0 $$;
-- A case that moves takes its two rows in one order (the smaller key first),
-- so two moves in opposite directions never wait for each other's row.
CREATE FUNCTION sagsflow_count_open_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_open boolean := false
  ; is_open boolean := false
  ; BEGIN
  IF TG_OP <> 'INSERT' THEN was_open := OLD.status = 'open'
  ; END IF
  ; IF TG_OP <> 'DELETE' THEN is_open := NEW.status = 'open'
  ; END IF
  ; IF was_open AND is_open AND ROW(NEW.municipality, COALESCE(NEW.queue_kind, ''), COALESCE(NEW.queue_id, ''),
        NEW.workflow_id, NEW.workflow_version, substr(NEW.opened_at, 1, 10))
      < ROW(OLD.municipality, COALESCE(OLD.queue_kind, ''), COALESCE(OLD.queue_id, ''),
        OLD.workflow_id, OLD.workflow_version, substr(OLD.opened_at, 1, 10)) THEN
    PERFORM sagsflow_add_open_case(NEW, 1)
    ; PERFORM sagsflow_add_open_case(OLD, -1)
    ; RETURN NULL
  ; END IF
  ; IF was_open THEN PERFORM sagsflow_add_open_case(OLD, -1)
  ; END IF
  ; IF is_open THEN PERFORM sagsflow_add_open_case(NEW, 1)
  ; END IF
  ; RETURN NULL; END $$;
CREATE TRIGGER cases_count_open_inserted AFTER INSERT ON cases FOR EACH ROW WHEN (NEW.status = 'open')
  EXECUTE FUNCTION sagsflow_count_open_case();
CREATE TRIGGER cases_count_open_updated AFTER UPDATE OF status, municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_at ON cases FOR EACH ROW
  WHEN ((OLD.status = 'open' OR NEW.status = 'open') AND (OLD.status IS DISTINCT FROM NEW.status
    OR OLD.municipality IS DISTINCT FROM NEW.municipality
    OR COALESCE(OLD.queue_kind, '') IS DISTINCT FROM COALESCE(NEW.queue_kind, '')
    OR COALESCE(OLD.queue_id, '') IS DISTINCT FROM COALESCE(NEW.queue_id, '')
    OR OLD.workflow_id IS DISTINCT FROM NEW.workflow_id OR OLD.workflow_version IS DISTINCT FROM NEW.workflow_version
    OR substr(OLD.opened_at, 1, 10) IS DISTINCT FROM substr(NEW.opened_at, 1, 10)))
  EXECUTE FUNCTION sagsflow_count_open_case();
CREATE TRIGGER cases_count_open_deleted AFTER DELETE ON cases FOR EACH ROW WHEN (OLD.status = 'open')
  EXECUTE FUNCTION sagsflow_count_open_case();

-- One inquiry more (d = 1) or fewer (d = -1) under the report's columns of `r`.
CREATE FUNCTION sagsflow_add_inquiry(r inquiries, d INTEGER) RETURNS void LANGUAGE sql AS $$
  INSERT INTO inquiry_day_counts (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot,
    with_form, other_authority, forwarded, shard, n)
    VALUES ((r).municipality, substr((r).at, 1, 10), (r).unit, (r).area, (r).channel, (r).inquiry_type,
      (r).resolved_on_the_spot, (r).with_form, CASE WHEN (r).acting_authority <> (r).owning_authority THEN 1 ELSE 0 END,
      CASE WHEN (r).forwarded_to <> '' THEN 1 ELSE 0 END, pg_backend_pid() % 8, d)
    ON CONFLICT (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
      other_authority, forwarded, shard) DO UPDATE SET n = inquiry_day_counts.n + d
  ; INSERT INTO inquiry_day_totals (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form,
    other_authority, forwarded, shard, n)
    VALUES ((r).municipality, substr((r).at, 1, 10), (r).channel, (r).inquiry_type, (r).resolved_on_the_spot,
      (r).with_form, CASE WHEN (r).acting_authority <> (r).owning_authority THEN 1 ELSE 0 END,
      CASE WHEN (r).forwarded_to <> '' THEN 1 ELSE 0 END, pg_backend_pid() % 8, d)
    ON CONFLICT (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form, other_authority, forwarded,
      shard) DO UPDATE SET n = inquiry_day_totals.n + d $$;
CREATE FUNCTION sagsflow_count_inquiry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM sagsflow_add_inquiry(OLD, -1)
  ; END IF
  ; IF TG_OP <> 'DELETE' THEN PERFORM sagsflow_add_inquiry(NEW, 1)
  ; END IF
  ; RETURN NULL; END $$;
CREATE TRIGGER inquiries_count_inserted AFTER INSERT ON inquiries FOR EACH ROW EXECUTE FUNCTION sagsflow_count_inquiry();
CREATE TRIGGER inquiries_count_updated AFTER UPDATE OF municipality, at, unit, area, channel, inquiry_type,
  resolved_on_the_spot, with_form, acting_authority, owning_authority, forwarded_to ON inquiries FOR EACH ROW
  WHEN (OLD.municipality <> NEW.municipality OR substr(OLD.at, 1, 10) <> substr(NEW.at, 1, 10) OR OLD.unit <> NEW.unit
    OR OLD.area <> NEW.area OR OLD.channel <> NEW.channel OR OLD.inquiry_type <> NEW.inquiry_type
    OR OLD.resolved_on_the_spot <> NEW.resolved_on_the_spot OR OLD.with_form <> NEW.with_form
    OR (OLD.acting_authority <> OLD.owning_authority) <> (NEW.acting_authority <> NEW.owning_authority)
    OR (OLD.forwarded_to <> '') <> (NEW.forwarded_to <> ''))
  EXECUTE FUNCTION sagsflow_count_inquiry();
CREATE TRIGGER inquiries_count_deleted AFTER DELETE ON inquiries FOR EACH ROW EXECUTE FUNCTION sagsflow_count_inquiry();

-- @dialect all
-- The figures of the rows already stored.
INSERT INTO case_action_counts (action, shard, n) SELECT action, 0, COUNT(*) FROM case_events GROUP BY action;
INSERT INTO open_case_counts (municipality, queue_kind, queue_id, workflow_id, workflow_version, opened_day, shard, n)
  SELECT municipality, COALESCE(queue_kind, ''), COALESCE(queue_id, ''), workflow_id, workflow_version,
    substr(opened_at, 1, 10), 0, COUNT(*) FROM cases WHERE status = 'open'
  GROUP BY municipality, COALESCE(queue_kind, ''), COALESCE(queue_id, ''), workflow_id, workflow_version,
    substr(opened_at, 1, 10);
INSERT INTO inquiry_day_counts (municipality, day, unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
    other_authority, forwarded, shard, n)
  SELECT municipality, substr(at, 1, 10), unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
    CASE WHEN acting_authority <> owning_authority THEN 1 ELSE 0 END, CASE WHEN forwarded_to <> '' THEN 1 ELSE 0 END,
    0, COUNT(*) FROM inquiries
  GROUP BY municipality, substr(at, 1, 10), unit, area, channel, inquiry_type, resolved_on_the_spot, with_form,
    CASE WHEN acting_authority <> owning_authority THEN 1 ELSE 0 END, CASE WHEN forwarded_to <> '' THEN 1 ELSE 0 END;
INSERT INTO inquiry_day_totals (municipality, day, channel, inquiry_type, resolved_on_the_spot, with_form,
    other_authority, forwarded, shard, n)
  SELECT municipality, substr(at, 1, 10), channel, inquiry_type, resolved_on_the_spot, with_form,
    CASE WHEN acting_authority <> owning_authority THEN 1 ELSE 0 END, CASE WHEN forwarded_to <> '' THEN 1 ELSE 0 END,
    0, COUNT(*) FROM inquiries
  GROUP BY municipality, substr(at, 1, 10), channel, inquiry_type, resolved_on_the_spot, with_form,
    CASE WHEN acting_authority <> owning_authority THEN 1 ELSE 0 END, CASE WHEN forwarded_to <> '' THEN 1 ELSE 0 END;
