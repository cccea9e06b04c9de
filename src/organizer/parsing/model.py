"""What the parser returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any


@dataclass(frozen=True)
class Parsed:
    """One message understood: the intent and its slots, local to the user's zone.

    `alternative` is the other reading of a time whose am/pm was left open
    ("в 8" is 08:00, alternative 20:00), or of "в следующую пятницу" (the nearest
    Friday, when that is another day); it is not part of the JSON contract.

    `repeat` is the RFC 5545 RRULE of a message that asks for repetition
    ("каждый понедельник" = "FREQ=WEEKLY;BYDAY=MO"; due_date is then the first
    occurrence) and `repeat_words` how the user said it. `invalid_date` is a date
    as written that does not exist ("31.02"); nothing is due then.

    `set_reminder_lead` carries `lead_min`, the minutes before a due time the person
    wants reminders (0: right at it; None: no amount said, or one that is not a
    whole number of minutes), and `lead_words`, the amount as they wrote it.

    `note_task` carries `text`, the note as written; `rename_task` the new title in `title`.
    `set_digest` carries `digest_at` ("HH:MM", the time of the morning digest),
    `digest_off` (stop it), `digest_always` (also on an empty day) and
    `digest_words`, the time as written (set with `digest_at` None: no time of day,
    "25:00"); with none of them the message asks for the setting.
    """

    intent: str
    title: str | None = None
    due_date: date | None = None
    due_time: time | None = None
    ref: str | None = None
    scope: str | None = None
    lang: str = "ru"
    alternative: tuple[date, time | None] | None = None
    repeat: str | None = None
    repeat_words: str | None = None
    invalid_date: str | None = None
    lead_min: int | None = None
    lead_words: str | None = None
    text: str | None = None  # note_task: the note as written
    digest_at: str | None = None
    digest_off: bool = False
    digest_always: bool = False
    digest_words: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The object `organizer parse --json` prints (shared/DESIGN.md).

        The six keys of the contract are always there; `repeat` and `invalid_date`
        are added only when the message has them, and `lead_min` only to a
        `set_reminder_lead`, so every other answer is unchanged.
        """
        out: dict[str, Any] = {
            "intent": self.intent,
            "title": self.title,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "ref": self.ref,
            "scope": self.scope,
        }
        if self.repeat is not None:
            out["repeat"] = self.repeat
        if self.invalid_date is not None:
            out["invalid_date"] = self.invalid_date
        if self.intent == "set_reminder_lead":
            out["lead_min"] = self.lead_min
        if self.intent == "note_task":
            out["text"] = self.text
        if self.intent == "set_digest":
            out["digest_at"] = "off" if self.digest_off else self.digest_at
        return out
