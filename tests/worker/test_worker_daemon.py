"""The worker as a daemon: change notification, checkpoint, heartbeat, prompt stop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from zoneinfo import ZoneInfo

import pytest

from organizer.app.tasks import TaskService
from organizer.daemons import worker as daemon
from organizer.settings import Settings
from organizer.store import follower, heartbeats
from organizer.store.db import connect, transaction
from organizer.worker.calendar_sync import NAME
from organizer.worker.notify import ChangeNotifier
from tests.fakes.calendar_server import CalendarServer
from tests.worker.conftest import CAL_ID
from tests.worker.helpers import add


def test_a_commit_elsewhere_is_noticed_within_a_second(settings: Settings,
                                                       conn: sqlite3.Connection) -> None:
    stop = threading.Event()
    notifier = ChangeNotifier(settings.db_path, stop)
    try:
        started = time.monotonic()
        assert notifier.wait(0.3) is False
        assert 0.25 < time.monotonic() - started < 1.0
        threading.Timer(0.2, lambda: heartbeats.beat(conn, "probe")).start()
        started = time.monotonic()
        assert notifier.wait(5.0) is True
        assert time.monotonic() - started < 1.0
    finally:
        notifier.close()


def test_the_checkpoint_moves_only_forward_and_only_inside_a_transaction(
    conn: sqlite3.Connection,
) -> None:
    with pytest.raises(RuntimeError):
        follower.advance(conn, NAME, 5)
    with transaction(conn):
        follower.advance(conn, NAME, 5)
    with transaction(conn):
        follower.advance(conn, NAME, 3)
    assert follower.position(conn, NAME) == 5


def test_the_daemon_syncs_beats_and_stops_within_ten_seconds(
    settings: Settings, service: TaskService, calendar_server: CalendarServer,
) -> None:
    assert daemon.off_reason(settings) is None

    async def scenario() -> float:
        stop = asyncio.Event()
        serving = asyncio.create_task(daemon.serve(settings, stop))
        await asyncio.sleep(0.5)
        started = time.monotonic()
        task_id = add(service, "созвон")
        while task_id not in calendar_server.live_by_task(CAL_ID):
            assert time.monotonic() - started < 3.0, "the event never came"
            await asyncio.sleep(0.02)
        latency = time.monotonic() - started
        conn = connect(settings.db_path)
        try:
            for _ in range(100):
                beat = heartbeats.read_all(conn).get("worker")
                if beat and beat.detail.get("checkpoint"):
                    break
                await asyncio.sleep(0.1)
            assert beat is not None
            assert beat.detail["calendar_mode"] == "CONFIGURED"
            assert beat.detail["reminders"] == "off: TELEGRAM_BOT_TOKEN is not set"
        finally:
            conn.close()
        calendar_server.inject("slow", times=100)  # stop while a call hangs
        add(service, "ещё")
        await asyncio.sleep(0.3)
        stop.set()
        stopping = time.monotonic()
        await asyncio.wait_for(serving, timeout=10)
        assert time.monotonic() - stopping < 10
        return latency

    assert asyncio.run(scenario()) < 1.5


def test_the_worker_sends_a_due_reminder_from_its_own_thread(
    make_settings, calendar_server: CalendarServer,
) -> None:
    from datetime import UTC, datetime, timedelta

    from organizer.worker.runner import Worker
    from tests.fakes.telegram_server import FakeTelegram

    token = "123456789:AAreminder-test-token-0123456789ab"
    api = FakeTelegram(tokens=[token]).start()
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=token,
                             TELEGRAM_API_BASE=api.base_url)
    conn = connect(settings.db_path)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    local = (now - timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Moscow"))
    add(TaskService(conn), "сейчас", day=local.date().isoformat(), at=local.strftime("%H:%M"))
    stop = threading.Event()
    thread = threading.Thread(target=Worker(settings).run, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while not api.sent and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(api.sent) == 1 and "сейчас" in api.sent[0]["text"]
    finally:
        stop.set()
        thread.join(10)
        api.stop()
        conn.close()
    assert not thread.is_alive()
    assert calendar_server.requests == []  # NOT_CONFIGURED: not a single call
