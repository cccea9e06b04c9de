"""The calendar side of the worker: follow the log, reconcile tasks, keep the mode honest.

Edges and levels: the follower reacts to each task event within a poll
interval, and a sweep over all tasks (at start, after recovering, after an
outage and every SWEEP_S) catches everything the follower could not do at the
time — tasks created while NOT_CONFIGURED or DEGRADED, calls that failed.

Mode: NOT_CONFIGURED (no GOOGLE_CALENDAR_ID) makes no calls and logs nothing
per task. A refusal (no calendar, no access, a broken key) makes the mode
DEGRADED with one log line and one `calendar.mode_changed` event, then the
calendar is probed every `probe_s` quietly until it works again. Passing
failures (timeouts, 429, 5xx) never change the mode: the failed task gets a
`calendar.failed` event, one warning marks the outage, the sweep retries with
backoff.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from organizer.app import calendar_mode as cm
from organizer.bootstrap import bootstrap
from organizer.calendar.client import CalendarClient, Wait
from organizer.calendar.plan import Action, plan
from organizer.calendar.sync import carry_out, outcome_decision
from organizer.domain import events as e
from organizer.domain.users import reply_language
from organizer.errors import CalendarError, CalendarRefused, CalendarUnavailable
from organizer.settings import Settings
from organizer.store import follower, views
from organizer.store.commit import Decision, advance_only, commit
from organizer.wording import repeat_description

if TYPE_CHECKING:
    from organizer.canon import Canon

log = logging.getLogger("organizer.worker")
NAME = "worker.calendar"
SWEEP_S = 300.0
RETRY_FIRST_S, RETRY_MAX_S = 5.0, 300.0
SWEEP_CHUNK = 50
_TASK_TYPES = e.TASK_CHANGE_TYPES
Clock = Callable[[], Any]
ClientFactory = Callable[[Settings, Wait], CalendarClient]


def default_client(settings: Settings, wait: Wait) -> CalendarClient:
    return bootstrap(settings).calendar_client(wait)


class CalendarSync:
    """One thread's calendar work; call `step()` until it returns False, then wait."""

    def __init__(self, settings: Settings, conn: sqlite3.Connection, *, clock: Clock,
                 wait: Wait, client_factory: ClientFactory = default_client,
                 probe_s: float = 60.0, canon: Callable[[], Canon] | None = None) -> None:
        self.settings = settings
        self._canon = canon  # the words of an event's description; None: loaded when needed
        self.conn = conn
        self.clock = clock
        self.wait = wait
        self.client_factory = client_factory
        self.probe_s = probe_s
        self.client: CalendarClient | None = None
        self.mode, self.reason = cm.current_mode(conn, settings)
        self.next_probe = 0.0
        self.sweep_queue: list[str] | None = None
        self.next_sweep = 0.0
        self.retry_s = RETRY_FIRST_S
        self.outage: str | None = None
        self.outage_since: datetime | None = None  # for the heartbeat: calls failing since
        self.trial = False  # probed fine after DEGRADED; CONFIGURED once a write works
        self.last_sync = "none"
        if not settings.calendar_configured:
            log.info("%s", self.reason)  # says that sync is off, and why

    # -- the loop body -------------------------------------------------------

    def step(self) -> bool:
        """Do one bounded piece of work; True when more is waiting right now."""
        if not self.settings.calendar_configured:
            self._set_mode(cm.NOT_CONFIGURED, self.reason)
            return self._follow(calls=False)
        if self.client is None:
            self._maybe_probe()
        more = self._follow(calls=self.client is not None and self.outage is None)
        if self.client is not None:
            more = self._sweep() or more
        return more

    def close(self) -> None:
        self._drop_client()

    def _drop_client(self) -> None:
        if self.client is not None:
            self.client.close()
        self.client = None

    def status(self) -> dict[str, Any]:
        return {"calendar_mode": self.mode, "last_sync": self.last_sync,
                "checkpoint": follower.position(self.conn, NAME), "outage": self.outage,
                "calendar_failing_since": (None if self.outage_since is None else
                                           self.outage_since.astimezone(UTC)
                                           .strftime("%Y-%m-%dT%H:%M:%SZ"))}

    # -- probing and mode ----------------------------------------------------

    def _maybe_probe(self) -> None:
        now = time.monotonic()
        if now < self.next_probe:
            return
        self.next_probe = now + self.probe_s
        client: CalendarClient | None = None
        try:
            client = self.client_factory(self.settings, self.wait)
            client.probe()
        except CalendarRefused as exc:
            if client is not None:
                client.close()
            self._set_mode(cm.DEGRADED, str(exc))
            return
        except CalendarUnavailable as exc:
            if client is not None:
                client.close()
            self._outage_started(str(exc))
            self.next_probe = now + min(self.probe_s, self.retry_s)
            return
        self.client = client
        self._outage_over()
        # A calendar that reads fine may still refuse writes (shared read-only): after
        # DEGRADED, only a write that works (or nothing to write) says CONFIGURED again,
        # so a lasting refusal never flaps between the two modes.
        if self.mode == cm.DEGRADED:
            self.trial = True
        else:
            self._configured()
        self._schedule_sweep(now=0.0)

    def _configured(self) -> None:
        self.trial = False
        self._set_mode(cm.CONFIGURED, f"calendar {self.settings.google_calendar_id} in use")

    def _set_mode(self, mode: str, reason: str) -> None:
        """Record the mode only when it really changes (or a DEGRADED reason changes)."""
        recorded = cm.recorded_mode(self.conn) or (cm.NOT_CONFIGURED, "")
        self.mode, self.reason = mode, reason
        if recorded[0] == mode and (mode != cm.DEGRADED or recorded[1] == reason):
            return
        changed = e.CalendarModeChanged(mode=mode, reason=reason)
        commit(self.conn, lambda store: Decision(
            cm.MODE_STREAM, store.stream_version(cm.MODE_STREAM), [changed]), now=self.clock)
        if mode == cm.DEGRADED:
            log.error("calendar mode DEGRADED: %s (tasks wait; re-checking every %.0f s)",
                      reason, self.probe_s)
        elif mode == cm.CONFIGURED:
            log.info("calendar mode CONFIGURED: %s", reason)
        else:
            log.info("calendar mode NOT_CONFIGURED: %s", reason)

    def _outage_started(self, reason: str) -> None:
        if self.outage is None:
            log.warning("calendar unavailable: %s; retrying with backoff", reason)
            self.outage_since = self.clock()
        self.outage = reason
        self._schedule_sweep(now=time.monotonic() + self.retry_s)
        self.retry_s = min(RETRY_MAX_S, self.retry_s * 2)

    def _outage_over(self) -> None:
        if self.outage is not None:
            log.info("calendar reachable again")
        self.outage = None
        self.outage_since = None
        self.retry_s = RETRY_FIRST_S

    # -- following the log ---------------------------------------------------

    def _follow(self, *, calls: bool) -> bool:
        """Handle the next batch of log events; the sweep covers whatever is skipped here."""
        batch = follower.pending(self.conn, NAME)
        if not batch:
            return False
        skipped_to: int | None = None
        for stored in batch:
            if calls and self.outage is None and stored.type in _TASK_TYPES:
                try:
                    self._reconcile(stored.event.task_id,  # type: ignore[attr-defined]
                                    checkpoint=stored.position)
                    skipped_to = None
                    continue
                except CalendarRefused as exc:
                    self._degrade(exc)
                    calls = False
            skipped_to = stored.position
        if skipped_to is not None:
            advance_only(self.conn, NAME, skipped_to)
        return True

    def _degrade(self, exc: CalendarRefused) -> None:
        self._drop_client()
        self.next_probe = time.monotonic() + self.probe_s
        self._set_mode(cm.DEGRADED, str(exc))

    # -- the sweep -----------------------------------------------------------

    def _schedule_sweep(self, now: float) -> None:
        self.next_sweep = min(self.next_sweep, now)

    def _sweep(self) -> bool:
        if self.sweep_queue is None:
            if time.monotonic() < self.next_sweep:
                return False
            self.sweep_queue = self._out_of_sync()
            self.next_sweep = time.monotonic() + SWEEP_S
            if not self.sweep_queue:
                self._outage_over()
                if self.trial:
                    self._configured()
        for _ in range(SWEEP_CHUNK):
            if not self.sweep_queue:
                break
            task_id = self.sweep_queue.pop(0)
            try:
                self._reconcile(task_id)
            except CalendarRefused as exc:
                self._degrade(exc)
                self.sweep_queue = None
                return False
            if self.outage is not None:
                self.sweep_queue = None
                return False
        if self.sweep_queue:
            return True
        self.sweep_queue = None
        return False

    def _out_of_sync(self) -> list[str]:
        cal = self.settings.google_calendar_id or ""
        return [row.task.id for row in views.calendar_rows(self.conn)
                if plan(row.task, row.link, cal, self._description(row.task, self._lang(row)))]

    def _lang(self, row: views.CalendarRow) -> str:
        """The language the task's owner reads (the event's description is in it)."""
        return reply_language(row.lang, row.tg_lang, self.settings.default_lang)

    def _description(self, task: views.TaskView, lang: str) -> str | None:
        """A repeating task's event description in its owner's language; None otherwise."""
        if not task.repeat:
            return None
        if self._canon is None:
            from organizer.canon import load_canon

            loaded = load_canon(self.settings.canon_path)
            self._canon = lambda: loaded
        return repeat_description(self._canon(), task.repeat, lang)

    # -- one task --------------------------------------------------------------

    def _reconcile(self, task_id: str, checkpoint: int | None = None) -> None:
        """Bring one task's event in line; commit the outcome (and the checkpoint) at once."""
        assert self.client is not None
        rows = views.calendar_rows(self.conn, task_id)
        action: Action | None = None
        owner = None
        if rows:
            row = rows[0]
            owner = row.task.owner
            action = plan(row.task, row.link, self.client.calendar_id,
                          self._description(row.task, self._lang(row)))
        outcome: Sequence[e.Event] = []
        if action is not None and action.kind == "unsyncable":
            outcome = [self._unsyncable(action, action.reason)]
        elif action is not None:
            try:
                outcome = carry_out(self.client, action, self._recorder(task_id, owner))
                self.last_sync = f"{action.kind} {task_id}: ok"
                self._outage_over()
                if self.trial:
                    self._configured()
            except CalendarUnavailable as exc:
                outcome = [e.CalendarFailed(task_id=task_id, reason=str(exc))]
                self.last_sync = f"{action.kind} {task_id}: {exc}"
                self._outage_started(str(exc))
            except CalendarRefused:
                raise
            except (ValueError, OverflowError) as exc:  # this task's body, not the calendar
                outcome = [self._unsyncable(action, f"the calendar cannot take this task ({exc})")]
            except CalendarError as exc:
                outcome = [e.CalendarFailed(task_id=task_id, reason=str(exc), permanent=True)]
                self.last_sync = f"{action.kind} {task_id}: {exc}"
                log.warning("calendar refused task %s: %s", task_id, exc)
        commit(self.conn, outcome_decision(task_id, owner, outcome), now=self.clock,
               advance=(NAME, checkpoint) if checkpoint is not None else None)

    def _unsyncable(self, action: Action, reason: str) -> e.Event:
        self.last_sync = f"{action.kind} {action.task_id}: {reason}"
        log.warning("task %s is not synced to the calendar: %s", action.task_id, reason)
        return e.CalendarUnsyncable(task_id=action.task_id, reason=reason,
                                    task_version=action.task_version)

    def _recorder(self, task_id: str, owner: str | None) -> Callable[[Sequence[e.Event]], None]:
        def record(events: Sequence[e.Event]) -> None:
            commit(self.conn, outcome_decision(task_id, owner, events), now=self.clock)
        return record
