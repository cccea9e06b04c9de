-- organizer schema 2: per-user settings (a projection) and the bot's reply ledger.

-- Projection of the `user.*` events (stream `user-<id>`): the person's time
-- zone and language. Rebuilt from the log like `tasks`.
CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    tz          TEXT,
    lang        TEXT,
    updated_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL
);

-- Which Telegram updates the bot has answered (key = tg:<bot id>:<update_id>),
-- so an update redelivered after a crash is not answered twice. Operational
-- bookkeeping like heartbeats, not domain state.
CREATE TABLE bot_replies (
    key         TEXT PRIMARY KEY,
    chat_id     INTEGER,
    message_id  INTEGER,
    replied_at  TEXT    NOT NULL
);
