-- Sagsflow schema, migration 23: notifications to staff.
--
-- One row per person told about an event on a case (Notification in the
-- case store), written in the event's transaction: the pages list a
-- person's rows and mark them read; rows with an e-mail address are the mail
-- outbox (mail_state pending until the mail worker's relay took them, with
-- attempts and the next attempt's time after a failure). The mail names only
-- the case number, so the row holds no more than that and the address.
CREATE TABLE notifications (
  id BIGINT PRIMARY KEY,
  municipality TEXT NOT NULL,
  person TEXT NOT NULL,
  kind TEXT NOT NULL,
  case_id BIGINT REFERENCES cases (id),
  case_number TEXT NOT NULL,
  event_seq BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT,
  email TEXT NOT NULL DEFAULT '',
  mail_state TEXT NOT NULL,
  mail_attempts INTEGER NOT NULL DEFAULT 0,
  mail_next_at TEXT,
  mail_error TEXT NOT NULL DEFAULT ''
);
-- A person's notifications, newest first; and those still unread.
CREATE INDEX notifications_by_person ON notifications (municipality, person, id);
CREATE INDEX notifications_unread ON notifications (municipality, person) WHERE read_at IS NULL;
-- The mail outbox: pending mails by when they are due.
CREATE INDEX notifications_mail_due ON notifications (mail_next_at) WHERE mail_state = 'pending';
