"""What the parser returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any


@dataclass(frozen=True)
class Parsed:
    """One message understood: the intent and its slots, local to the user's zone.

    `alternative` is the other reading of a time whose am/pm was left open
    ("в 8" is 08:00, alternative 20:00); it is not part of the JSON contract.
    """

    intent: str
    title: str | None = None
    due_date: date | None = None
    due_time: time | None = None
    ref: str | None = None
    scope: str | None = None
    lang: str = "ru"
    alternative: tuple[date, time] | None = None

    def to_json(self) -> dict[str, Any]:
        """The object `organizer parse --json` prints (shared/DESIGN.md)."""
        return {
            "intent": self.intent,
            "title": self.title,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "ref": self.ref,
            "scope": self.scope,
        }
