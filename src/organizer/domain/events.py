"""Events: past-tense facts with stable type strings and a schema version each.

The payload is JSON; its `type` field is the stable string stored beside it.
Events written by older code are upcast by plain functions before decoding,
so the log never has to be rewritten when a payload changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Union, cast

import msgspec

from organizer.domain.moments import due_at_utc
from organizer.errors import ReplayError


class Event(msgspec.Struct, frozen=True, tag_field="type", kw_only=True):
    """Base of every event; `undo_of` names the position an undo compensates."""


# The kinds of event, as bases without fields of their own (so a payload's JSON is what its
# class declares). Each projection folds one kind, and every list of event types is derived
# from these classes: a new event type is taught by its class alone.

class TaskChange(Event, frozen=True, kw_only=True):
    """A change of a task itself: the `tasks` projection folds these, and undo looks at them."""

    if TYPE_CHECKING:
        task_id: str


class LinkChange(Event, frozen=True, kw_only=True):
    """A change of a task's calendar event: the `calendar_links` projection folds these."""

    if TYPE_CHECKING:
        task_id: str


class UserChange(Event, frozen=True, kw_only=True):
    """A change of a person's settings: the `users` projection folds these."""

    if TYPE_CHECKING:
        user_id: str


class TaskCreated(TaskChange, frozen=True, tag="task.created"):
    task_id: str
    owner: str
    number: int
    title: str
    due_date: str | None
    due_time: str | None
    due_at: str | None
    tz: str
    source_text: str | None = None
    repeat: str | None = None  # the RFC 5545 RRULE of a repeating task; due = first occurrence


class TaskRetitled(TaskChange, frozen=True, tag="task.retitled"):
    task_id: str
    title: str
    previous_title: str
    undo_of: int | None = None


class TaskRescheduled(TaskChange, frozen=True, tag="task.rescheduled"):
    task_id: str
    due_date: str | None
    due_time: str | None
    due_at: str | None
    tz: str
    previous_due_date: str | None
    previous_due_time: str | None
    previous_due_at: str | None
    source_text: str | None = None
    undo_of: int | None = None


class TaskAdvanced(TaskChange, frozen=True, tag="task.advanced"):
    """A repeating task moved on to another occurrence of its rule and stays open.

    `reason`: "done" (the person did this occurrence), "missed" (a later occurrence began
    before this one was done or moved; the worker moved it on) or "undo" (back to where an
    earlier advance started). `occurrence` is the rule's occurrence the task now stands
    for, local to `tz` ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM").
    """

    task_id: str
    reason: str
    due_date: str | None
    due_time: str | None
    due_at: str | None
    tz: str
    occurrence: str
    previous_due_date: str | None
    previous_due_time: str | None
    previous_due_at: str | None
    previous_occurrence: str
    undo_of: int | None = None


class TaskCompleted(TaskChange, frozen=True, tag="task.completed"):
    task_id: str
    undo_of: int | None = None


class TaskCancelled(TaskChange, frozen=True, tag="task.cancelled"):
    task_id: str
    undo_of: int | None = None


class TaskReopened(TaskChange, frozen=True, tag="task.reopened"):
    task_id: str
    previous_status: str
    undo_of: int | None = None


class TaskNoted(TaskChange, frozen=True, tag="task.noted"):
    """The person added a note to the task ("код домофона 45К"); a task may have many.

    A note is a change of the task: its version moves on, so its calendar event is written
    again with the note in its description.
    """

    task_id: str
    text: str


class TaskNoteRemoved(TaskChange, frozen=True, tag="task.note_removed"):
    """The note written at position `note` is gone (its undo): it is no longer shown."""

    task_id: str
    note: int
    text: str
    undo_of: int | None = None


class CalendarInserting(LinkChange, frozen=True, tag="calendar.inserting"):
    """The worker is about to insert `event_id`: from now on that event may exist."""

    task_id: str
    event_id: str
    generation: int = 0


class CalendarLinked(LinkChange, frozen=True, tag="calendar.linked"):
    """The task's calendar event exists (inserted, found after a 409, or restored)."""

    task_id: str
    event_id: str
    ical_uid: str
    generation: int = 0
    task_version: int = 0  # the task version the event now shows


class CalendarUpdated(LinkChange, frozen=True, tag="calendar.updated"):
    task_id: str
    event_id: str
    task_version: int = 0


class CalendarDeleted(LinkChange, frozen=True, tag="calendar.deleted"):
    task_id: str
    event_id: str
    task_version: int = 0


class CalendarFailed(LinkChange, frozen=True, tag="calendar.failed"):
    task_id: str
    reason: str
    permanent: bool = False


class CalendarUnsyncable(LinkChange, frozen=True, tag="calendar.unsyncable"):
    """The calendar cannot hold this version of the task (an event ending past year 9999):
    no call is made for it until the task changes."""

    task_id: str
    reason: str
    task_version: int = 0


class CalendarModeChanged(Event, frozen=True, tag="calendar.mode_changed"):
    mode: str
    reason: str


class ReminderSent(Event, frozen=True, tag="reminder.sent"):
    task_id: str
    due_at: str
    late: bool = False
    skipped: bool = False


class UserTzSet(UserChange, frozen=True, tag="user.tz_set"):
    """The person chose the time zone their dates and times are read and shown in."""

    user_id: str
    tz: str


class UserLangSet(UserChange, frozen=True, tag="user.lang_set"):
    """The person chose the language of the replies (ru, en)."""

    user_id: str
    lang: str


class UserLangCleared(UserChange, frozen=True, tag="user.lang_cleared"):
    """The person gave up their /lang choice (/lang auto): replies follow their Telegram app's
    language again."""

    user_id: str


class UserLeadSet(UserChange, frozen=True, tag="user.lead_set"):
    """The person chose how many minutes before a task's due time its reminder comes."""

    user_id: str
    minutes: int


class UserTelegramLangSeen(UserChange, frozen=True, tag="user.tg_lang_seen"):
    """Telegram reported a new language_code for the person (their app's language)."""

    user_id: str
    language_code: str


class UserDigestSet(UserChange, frozen=True, tag="user.digest_set"):
    """The person chose when the morning digest comes: `at` "HH:MM" local to their zone, or
    None (off); `always`: also on a day with nothing to show."""

    user_id: str
    at: str | None
    always: bool = False


class DigestSent(Event, frozen=True, tag="digest.sent"):
    """The day's digest went to the person (`skipped`: a day with nothing to show, not sent);
    `day` is the date local to their zone."""

    user_id: str
    day: str
    skipped: bool = False


def _leaves(base: type[Event]) -> tuple[type[Event], ...]:
    """The stored event classes under `base` (those no other class extends), in definition order."""
    found: list[type[Event]] = []
    for cls in base.__subclasses__():
        below = _leaves(cls)
        found.extend(below or (cls,))
    return tuple(found)


def type_of(event: Event | type[Event]) -> str:
    """The stable type string stored beside an event (of an event or its class)."""
    return str(event.__struct_config__.tag)


EVENT_CLASSES: tuple[type[Event], ...] = _leaves(Event)
TASK_CHANGES: tuple[type[TaskChange], ...] = _leaves(TaskChange)  # type: ignore[assignment]
LINK_CHANGES: tuple[type[LinkChange], ...] = _leaves(LinkChange)  # type: ignore[assignment]
USER_CHANGES: tuple[type[UserChange], ...] = _leaves(UserChange)  # type: ignore[assignment]
TASK_CHANGE_TYPES: frozenset[str] = frozenset(type_of(cls) for cls in TASK_CHANGES)

# The schema version each type is written with today.
SCHEMA_VERSIONS: dict[str, int] = {type_of(cls): 1 for cls in EVENT_CLASSES}
SCHEMA_VERSIONS["task.created"] = 3

_decoder = msgspec.json.Decoder(Union[EVENT_CLASSES])  # noqa: UP007
_encoder = msgspec.json.Encoder()


def task_created_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v1 kept one local `due` ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM") and `text`."""
    due = data.pop("due", None)
    due_date, _, due_time = (due or "").partition("T")
    data["due_date"] = due_date or None
    data["due_time"] = due_time[:5] or None
    data["due_at"] = due_at_utc(data["due_date"], data["due_time"], data["tz"])
    data["source_text"] = data.pop("text", None)
    return data


def task_created_v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """v2 had no repetition: every task written then is a one-off."""
    data["repeat"] = None
    return data


# (type, from_version) -> function giving the payload of from_version + 1
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {
    ("task.created", 1): task_created_v1_to_v2,
    ("task.created", 2): task_created_v2_to_v3,
}


def encode(event: Event) -> bytes:
    return _encoder.encode(event)


def decode(type_: str, schema_version: int, data: str | bytes, position: int = 0) -> Event:
    """Decode a stored payload, upcasting it first when it was written by older code."""
    current = SCHEMA_VERSIONS.get(type_)
    if current is None:
        raise ReplayError(
            f"event at position {position} has unknown type {type_!r}; upgrade organizer to a "
            "version that knows it (the log was left untouched)"
        )
    try:
        if schema_version == current:
            decoded: Event = _decoder.decode(data)
            return decoded
        if schema_version > current:
            raise ReplayError(
                f"event at position {position} ({type_}) has schema v{schema_version}, newer than "
                f"this code's v{current}; upgrade organizer (the log was left untouched)"
            )
        payload = json.loads(data)
        for version in range(schema_version, current):
            step = UPCASTERS.get((type_, version))
            if step is None:
                raise ReplayError(
                    f"event at position {position} ({type_} v{version}) has no upcaster to "
                    f"v{version + 1}"
                )
            payload = step(payload)
        payload["type"] = type_
        return cast(Event, msgspec.convert(payload, Union[EVENT_CLASSES]))  # noqa: UP007
    except (msgspec.ValidationError, msgspec.DecodeError, ValueError, KeyError) as exc:
        raise ReplayError(
            f"event at position {position} ({type_} v{schema_version}) cannot be read: {exc}"
        ) from exc
