"""Carrying out a plan against Google Calendar, and the events that record the outcome.

Insert is idempotent by construction: the id is deterministic and recorded
(`calendar.inserting`) before the call, so an insert whose answer was lost is
retried with the same id, and Google's 409 says "already there" — the event is
then fetched and adopted (patched to the task), never created twice. A 409
whose event is a `cancelled` tombstone moves to the next generation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from organizer.calendar.client import CalendarClient
from organizer.calendar.ids import event_id, ical_uid
from organizer.calendar.plan import Action
from organizer.domain import events as e
from organizer.errors import CalendarUnavailable
from organizer.store.commit import Decision
from organizer.store.events import EventStore

Record = Callable[[Sequence[e.Event]], None]
MAX_GENERATIONS = 20  # tombstones met in one go before giving up (hand deletions, repeats)


def stream_of(task_id: str) -> str:
    return f"calendar-{task_id}"


def carry_out(client: CalendarClient, action: Action, record: Record) -> list[e.Event]:
    """Make the call(s) `action` needs; returns the outcome events for the caller to commit."""
    if action.kind == "delete":
        client.delete(action.event_id)
        return [e.CalendarDeleted(task_id=action.task_id, event_id=action.event_id,
                                  task_version=action.task_version)]
    if action.kind == "patch":
        assert action.body is not None
        if client.patch(action.event_id, action.body) is not None:
            return [e.CalendarUpdated(task_id=action.task_id, event_id=action.event_id,
                                      task_version=action.task_version)]
        return _insert(client, action, action.generation + 1, record, announced=False)
    return _insert(client, action, action.generation, record, announced=action.announced)


def _insert(client: CalendarClient, action: Action, generation: int, record: Record, *,
            announced: bool) -> list[e.Event]:
    assert action.body is not None
    for gen in range(generation, generation + MAX_GENERATIONS):
        reuse = announced and gen == generation
        eid = action.event_id if reuse else event_id(client.calendar_id, action.task_id, gen)
        if not reuse:
            record([e.CalendarInserting(task_id=action.task_id, event_id=eid, generation=gen)])
        created = client.insert(action.body, eid)
        if created is None:  # 409: that id exists — ours from a lost answer, or a tombstone
            found = client.get(eid)
            if found is None:
                raise CalendarUnavailable(f"event {eid} answered 409 but cannot be read")
            if found.get("status") == "cancelled":
                continue
            created = client.patch(eid, action.body)
            if created is None:
                continue
        return [e.CalendarLinked(task_id=action.task_id, event_id=eid,
                                 ical_uid=str(created.get("iCalUID") or ical_uid(eid)),
                                 generation=gen, task_version=action.task_version)]
    raise CalendarUnavailable(
        f"task {action.task_id}: {MAX_GENERATIONS} tombstoned event ids in a row; will retry")


def outcome_decision(task_id: str, owner: str | None,
                     events: Sequence[e.Event]) -> Callable[[EventStore], Decision | None]:
    """The decision that appends a call's outcome to the task's calendar stream (folded into
    calendar_links by the commit); none when the call left nothing to record."""
    stream = stream_of(task_id)

    def decide(store: EventStore) -> Decision | None:
        if not events:
            return None
        return Decision(stream, store.stream_version(stream), events, owner)
    return decide
