"""Deterministic event ids: the same task and generation always name the same event.

Google lets a client choose an event's id (lowercase base32hex, 5–1024
characters) and answers 409 when that id exists — also when the event was
deleted, because a deleted event stays behind as a `cancelled` tombstone that
keeps its id for good. So the id carries a *generation*: generation 0 is the
task's first event; when a task needs an event again after its event was
deleted (cancel then undo, or deleted by hand in Google Calendar), the worker
moves to the next generation, which is a fresh id nobody has used.
Retrying an insert of the same generation can only ever meet our own event.
"""

from __future__ import annotations

import base64
import hashlib
import re

_ID_RE = re.compile(r"^[a-v0-9]{5,1024}$")


def event_id(calendar_id: str, task_id: str, generation: int) -> str:
    """`<32 base32hex chars>g<generation>`; hashing the calendar in keeps calendars apart."""
    digest = hashlib.sha256(f"organizer\x00{calendar_id}\x00{task_id}".encode()).digest()[:20]
    stem = base64.b32hexencode(digest).decode("ascii").lower()
    return f"{stem}g{generation}"


def ical_uid(event_id_: str) -> str:
    """The iCalUID Google gives an event inserted with a client-chosen id."""
    return f"{event_id_}@google.com"


def is_valid_event_id(value: str) -> bool:
    return _ID_RE.match(value) is not None
