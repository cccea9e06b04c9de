-- organizer schema 7: the per-person morning digest.
-- Folded from `user.digest_set` events like the other settings, so a rebuild reproduces them.
-- digest_at: "HH:MM" local to the person's zone when the digest comes (NULL: off, the default).
-- digest_always: 1 to send it also on a day with nothing to show.
-- digest_since: when it was last set (UTC): a day whose digest time had passed by then
-- gets no digest, so setting "8:00" in the afternoon does not send one at once.
ALTER TABLE users ADD COLUMN digest_at TEXT;
ALTER TABLE users ADD COLUMN digest_always INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN digest_since TEXT;
