"""Wiring the worker: calendar, reminder, digest and daily-check threads, a heartbeat, one stop.

Each thread has its own connection and its own change notifier, so a slow
calendar never delays a reminder. A failure inside a loop is logged once per
kind and retried after a pause — the worker never crash-loops on it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from organizer.bootstrap import bootstrap
from organizer.clock import utcnow
from organizer.errors import OrganizerError
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect
from organizer.worker.calendar_sync import CalendarSync, ClientFactory, default_client
from organizer.worker.notify import ChangeNotifier

log = logging.getLogger("organizer.worker")
HEARTBEAT_S = 5.0
IDLE_WAIT_S = 1.0
ERROR_PAUSE_S = 5.0


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Worker:
    """`run(stop)` blocks until `stop` is set; `status()` is what the heartbeat says."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utcnow,
                 client_factory: ClientFactory = default_client, probe_s: float = 60.0,
                 sender: Any = None) -> None:
        self.settings = settings
        self.clock = clock
        self.client_factory = client_factory
        self.probe_s = probe_s
        self.sender = sender
        self.calendar: CalendarSync | None = None
        self.reminders: Any = None
        self.digests: Any = None
        self.canon: Any = None  # the LiveCanon the loops share, made by the first to need it
        self._canon_lock = threading.Lock()
        self._own_sender: Any = None  # the one BotSender made here, when none was given
        self._sender_lock = threading.Lock()
        self.daily: Any = None  # the scheduled daily check, when OPS_DAILY_CHECK_AT is set
        self.reminders_off = self._reminders_off_reason()

    def _reminders_off_reason(self) -> str | None:
        if self.sender is None and not self.settings.telegram_bot_token:
            return "TELEGRAM_BOT_TOKEN is not set"
        return None

    def run(self, stop: threading.Event) -> None:
        threads = [threading.Thread(target=self._guard, args=(self._calendar_loop, stop),
                                    name="worker-calendar", daemon=True)]
        if self.reminders_off:
            log.info("reminders are off: %s", self.reminders_off)
            # repeating tasks still move past missed occurrences (the calendar shows them)
            threads.append(threading.Thread(target=self._guard, args=(self._missed_loop, stop),
                                            name="worker-repeats", daemon=True))
        else:
            threads.append(threading.Thread(target=self._guard,
                                            args=(self._reminder_loop, stop),
                                            name="worker-reminders", daemon=True))
            threads.append(threading.Thread(target=self._guard, args=(self._digest_loop, stop),
                                            name="worker-digest", daemon=True))
        if self.settings.ops_daily_check_at:
            from organizer.worker.daily_check import DailyCheck

            self.daily = DailyCheck(self.settings, self.clock)
            threads.append(threading.Thread(target=self._guard, args=(self.daily.loop, stop),
                                            name="worker-daily-check", daemon=True))
        for thread in threads:
            thread.start()
        conn = connect(self.settings.db_path)
        try:
            stop.wait(0.5)  # the first beat carries the calendar's first state
            while not stop.is_set():
                self._beat(conn)
                stop.wait(HEARTBEAT_S)
        finally:
            for thread in threads:
                thread.join(timeout=max(0.0, 8.0 - 0.5))
            if self._own_sender is not None:
                self._own_sender.close()
            conn.close()

    def status(self) -> dict[str, Any]:
        detail: dict[str, Any] = {}
        if self.calendar is not None:
            detail.update(self.calendar.status())
        detail["reminders"] = (f"off: {self.reminders_off}" if self.reminders_off
                               else getattr(self.reminders, "last", "starting"))
        since = getattr(self.reminders, "undeliverable_since", None)
        if since is not None:  # read by /health's worker check (organizer.api.checks.worker)
            detail["reminders_undeliverable_since"] = _stamp(since)
            detail["reminders_error"] = self.reminders.last_error
        detail["digest"] = (f"off: {self.reminders_off}" if self.reminders_off
                            else getattr(self.digests, "last", "starting"))
        since = getattr(self.digests, "undeliverable_since", None)
        if since is not None:  # read by /health's worker check, like the reminders'
            detail["digest_undeliverable_since"] = _stamp(since)
            detail["digest_error"] = self.digests.last_error
        if self.daily is not None:
            detail["daily_check"] = self.daily.last
        return detail

    def _beat(self, conn: Any) -> None:
        try:
            heartbeats.beat(conn, "worker", "ok", self.status())
        except OrganizerError as exc:
            log.warning("heartbeat not written: %s", exc)

    def _guard(self, loop: Callable[[threading.Event], None], stop: threading.Event) -> None:
        """Run `loop`; on an error log it (once per message), pause, and run it again."""
        seen: set[str] = set()
        while not stop.is_set():
            try:
                loop(stop)
                return
            except Exception as exc:  # a loop must outlive any single failure
                message = f"{type(exc).__name__}: {exc}"
                if message not in seen:
                    seen.add(message)
                    log.error("%s failed: %s; retrying in %.0f s",
                              threading.current_thread().name, message, ERROR_PAUSE_S,
                              exc_info=not isinstance(exc, OrganizerError))
                stop.wait(ERROR_PAUSE_S)

    def _calendar_loop(self, stop: threading.Event) -> None:
        conn = connect(self.settings.db_path)
        notifier = ChangeNotifier(self.settings.db_path, stop)
        try:
            live = self._live_canon(stop)
            self.calendar = CalendarSync(self.settings, conn, clock=self.clock,
                                         wait=stop.wait, client_factory=self.client_factory,
                                         probe_s=self.probe_s, canon=lambda: live.current)
            while not stop.is_set():
                if not self.calendar.step():
                    notifier.wait(IDLE_WAIT_S)
        finally:
            if self.calendar is not None:
                self.calendar.close()
            notifier.close()
            conn.close()

    def _live_canon(self, stop: threading.Event) -> Any:
        """The worker's one LiveCanon: a wording edit reaches the next reminder and the next
        calendar event; a restarted loop keeps the one watcher."""
        with self._canon_lock:
            if self.canon is None:
                self.canon = bootstrap(self.settings).live_canon()
                self.canon.watch_in_thread(stop)
            return self.canon

    def _shared_sender(self) -> Any:
        """The one sender reminders and digests share, so that their messages together keep
        within Telegram's limits (one pacer); made by the first loop to need it."""
        with self._sender_lock:
            if self.sender is not None:
                return self.sender
            if self._own_sender is None:
                self._own_sender = bootstrap(self.settings).telegram_sender()
            return self._own_sender

    def _missed_loop(self, stop: threading.Event) -> None:
        """Without reminders: move repeating tasks past missed occurrences all the same."""
        from organizer.reminders.missed import MissedOccurrences

        conn = connect(self.settings.db_path)
        try:
            missed = MissedOccurrences(self.settings, conn, clock=self.clock)
            while not stop.is_set():
                missed.step()
                stop.wait(IDLE_WAIT_S * 30)
        finally:
            conn.close()

    def _reminder_loop(self, stop: threading.Event) -> None:
        from organizer.reminders.loop import Reminders

        self._sending_loop(stop, Reminders, "reminders")

    def _digest_loop(self, stop: threading.Event) -> None:
        """The morning digests, beside the reminders and through the same sender."""
        from organizer.digest.loop import Digests

        self._sending_loop(stop, Digests, "digests")

    def _sending_loop(self, stop: threading.Event, make: Any, name: str) -> None:
        """Run a loop that sends to Telegram (`make(settings, conn, sender, clock=, canon=)`,
        kept as `self.<name>` for the heartbeat) on its own connection until `stop`."""
        canon = self._live_canon(stop)
        sender = self._shared_sender()
        conn = connect(self.settings.db_path)
        notifier = ChangeNotifier(self.settings.db_path, stop)
        try:
            loop = make(self.settings, conn, sender, clock=self.clock,
                        canon=lambda: canon.current)
            setattr(self, name, loop)
            while not stop.is_set():
                hold = loop.step()
                if hold:
                    stop.wait(hold)
                else:
                    notifier.wait(IDLE_WAIT_S)
        finally:
            notifier.close()
            conn.close()
