"""Reading the labelled corpus: each case with its `now`, zone and expected JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

INTENTS = {
    "add": "add_task",
    "list": "list_tasks",
    "done": "complete_task",
    "cancel": "cancel_task",
    "move": "reschedule_task",
    "undo": "undo",
    "help": "help",
    "lead": "set_reminder_lead",
    "note": "note_task",
    "show": "show_task",
    "history": "task_history",
    "rename": "rename_task",
    "digest": "set_digest",
    "unknown": "unknown",
}


@dataclass(frozen=True)
class Case:
    text: str
    now: datetime
    tz: str
    expected: dict[str, Any]


def _due_date(value: Any, now: datetime, tz: str) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text.startswith("+"):
        today: date = now.astimezone(ZoneInfo(tz)).date()
        return (today + timedelta(days=int(text[1:]))).isoformat()
    return date.fromisoformat(text).isoformat()


def load_cases(path: Path) -> list[Case]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for raw in doc["cases"]:
        tz = raw.get("tz", doc["tz"])
        now = datetime.fromisoformat(str(raw.get("now", doc["now"])))
        expected = {
            "intent": INTENTS[raw["i"]],
            "title": raw.get("title"),
            "due_date": _due_date(raw.get("d"), now, tz),
            "due_time": raw.get("at"),
            "ref": None if raw.get("ref") is None else str(raw["ref"]),
            "scope": raw.get("scope"),
        }
        # keys beyond the contract's six appear only when the message has them
        if "repeat" in raw:
            expected["repeat"] = raw["repeat"]
        if "bad" in raw:
            expected["invalid_date"] = str(raw["bad"])
        if expected["intent"] == "set_reminder_lead":  # its slot; null: no (whole) amount said
            expected["lead_min"] = raw.get("min")
        if expected["intent"] == "note_task":  # its slot: the note as written
            expected["text"] = raw.get("text")
        if expected["intent"] == "set_digest":  # "HH:MM", "off", or null: no time of day
            expected["digest_at"] = raw.get("dg")
        cases.append(Case(str(raw["t"]), now, tz, expected))
    return cases
