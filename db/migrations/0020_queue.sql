-- Sagsflow schema, migration 20: the queue of walk-in citizens (docs/front-of-house.md).
--
-- One row per ticket drawn at the kiosk or the triage desk. Its number is the
-- group's id and `seq`, the running number of the group on the Copenhagen
-- day it was drawn: the unique index makes two concurrent draws of the same
-- number impossible (the loser inserts nothing and draws again). status
-- moves waiting -> called -> served or no_show, each step a conditional
-- UPDATE (WHERE status = ...), so two employees never call the same ticket.
-- No personal data: a served ticket points at its inquiry, which is in the
-- inquiry register. Times are ISO-8601 UTC text ('' while not reached).
-- Ids come from the counters row 'queue_ticket_id' on both databases.
CREATE TABLE queue_tickets (
  id BIGINT PRIMARY KEY,
  municipality TEXT NOT NULL,
  group_id TEXT NOT NULL,
  day TEXT NOT NULL,
  seq INTEGER NOT NULL,
  number TEXT NOT NULL,
  status TEXT NOT NULL,
  drawn_at TEXT NOT NULL,
  drawn_by TEXT NOT NULL,
  area TEXT NOT NULL,
  desk TEXT NOT NULL,
  called_by TEXT NOT NULL,
  called_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  inquiry_id BIGINT REFERENCES inquiries (id)
);
CREATE UNIQUE INDEX queue_tickets_number ON queue_tickets (municipality, group_id, day, seq);
-- The day's waiting tickets, oldest first (call next, the screen's counts).
CREATE INDEX queue_tickets_waiting ON queue_tickets (municipality, day, status, drawn_at);
-- Statistics over a period.
CREATE INDEX queue_tickets_drawn ON queue_tickets (municipality, drawn_at);
