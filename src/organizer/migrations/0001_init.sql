-- organizer schema 1: the event log, its projections and the liveness tables.

-- The append-only event log. `position` is the global order (rows are never
-- deleted, so it never repeats); (stream, version) is unique, so an integrity
-- error on it means a concurrent append won.
--
-- Every index here is a page written on each command's commit: the tables
-- keyed by text are WITHOUT ROWID and only indexes that a frequent query
-- needs exist. An owner's history (undo) is found through `tasks` and the
-- (stream, version) index; reminders scan the open tasks, which for one
-- person's organizer is a few thousand rows at most.
CREATE TABLE events (
    position        INTEGER PRIMARY KEY,
    stream          TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    type            TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    owner           TEXT,
    data            TEXT    NOT NULL,
    meta            TEXT    NOT NULL DEFAULT '{}',
    recorded_at     TEXT    NOT NULL,
    UNIQUE (stream, version)
);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- One row per command that carried an idempotency key: a second append with
-- the same key returns this outcome instead of appending again.
CREATE TABLE idempotency_keys (
    key             TEXT PRIMARY KEY,
    stream          TEXT    NOT NULL,
    first_position  INTEGER,
    last_position   INTEGER,
    outcome         TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL
) WITHOUT ROWID;

CREATE TABLE tasks (
    id              TEXT PRIMARY KEY,
    owner           TEXT    NOT NULL,
    number          INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    due_date        TEXT,
    due_time        TEXT,
    due_at          TEXT,
    tz              TEXT    NOT NULL,
    source_text     TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    UNIQUE (owner, number)
) WITHOUT ROWID;

CREATE TABLE calendar_links (
    task_id            TEXT PRIMARY KEY,
    calendar_event_id  TEXT,
    ical_uid           TEXT,
    generation         INTEGER NOT NULL DEFAULT 0,
    state              TEXT    NOT NULL,
    last_error         TEXT,
    updated_at         TEXT    NOT NULL
) WITHOUT ROWID;

CREATE TABLE projector_checkpoints (
    name      TEXT PRIMARY KEY,
    position  INTEGER NOT NULL
) WITHOUT ROWID;

-- Liveness, not domain state: each daemon overwrites its own row.
CREATE TABLE heartbeats (
    daemon      TEXT PRIMARY KEY,
    beat_at     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'ok',
    detail      TEXT NOT NULL DEFAULT '{}'
);
