-- Sagsflow schema, migration 9: worklists and lists as indexed queries.

-- Where a case's current task waits (its queue: kind and id, as the engine's
-- queue_of places it) and who holds it in its stage are columns of the case
-- row, written in the same statement as the state by every create_case and
-- append_event; status, due_date (the running deadline) and municipality
-- already are. A migration cannot place a case (the queue follows from the
-- organisation and the workflow), so existing rows start with a NULL queue:
-- the installation places the open ones when it opens (in batches, through
-- the partial index below), and `sagsflow init` recomputes the queues of the
-- open cases of the municipality it loads. The assignee is in the stored state.
ALTER TABLE cases ADD COLUMN queue_kind TEXT;
ALTER TABLE cases ADD COLUMN queue_id TEXT;
ALTER TABLE cases ADD COLUMN assignee TEXT;
-- @dialect sqlite
UPDATE cases SET assignee = NULLIF(json_extract(state, '$.assignee.person'), '') WHERE json_type(state, '$.assignee') = 'object';
-- @dialect postgresql
UPDATE cases SET assignee = NULLIF(state::jsonb -> 'assignee' ->> 'person', '') WHERE jsonb_typeof(state::jsonb -> 'assignee') = 'object';
-- @dialect all
-- A unit's queue, oldest first: WHERE municipality, status, queue_kind, queue_id ORDER BY id.
CREATE INDEX cases_by_queue ON cases (municipality, status, queue_kind, queue_id, id);
-- A person's claimed cases, oldest first.
CREATE INDEX cases_by_assignee ON cases (municipality, status, assignee, id);
-- A municipality's cases (by status), oldest first. Those due before a day
-- are served by cases_by_due_date (status, due_date) of migration 1.
CREATE INDEX cases_by_municipality ON cases (municipality, status, id);
-- The open cases still to be placed (empty once they are).
CREATE INDEX cases_unplaced ON cases (id) WHERE status = 'open' AND queue_kind IS NULL;
