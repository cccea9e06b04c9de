"""A worker that cannot deliver reminders shows in /health: degraded, then fail (503) after
TG_RECEIVE_STALE_SEC, naming the cause; ok again by itself after the first good send."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from organizer.api.health import HealthProbe
from organizer.app.tasks import TaskService
from organizer.canon import LiveCanon
from organizer.store.db import connect
from organizer.worker.runner import Worker
from tests.fakes.telegram_server import FakeTelegram
from tests.worker.conftest import TOKEN, MakeSettings
from tests.worker.helpers import add

MOSCOW = ZoneInfo("Europe/Moscow")


def health(probe_args: tuple[Any, ...]) -> tuple[int, dict[str, Any]]:
    code, body = asyncio.run(HealthProbe(*probe_args).report())  # a fresh probe: no cache
    return code, json.loads(body)


def wait_worker(probe_args: tuple[Any, ...], status: str, cause: str = "",
                timeout: float = 60.0) -> tuple[int, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, body = health(probe_args)
        check = body["checks"]["worker"]
        if check["status"] == status and cause in check["reason"]:
            return code, body
        time.sleep(0.3)
    raise AssertionError(f"the worker check never became {status}: {body['checks']['worker']}")


def test_reminders_failing_flip_the_worker_check_and_back(make_settings: MakeSettings,
                                                          tg: FakeTelegram) -> None:
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE=tg.base_url, TG_RECEIVE_STALE_SEC=8,
                             REMINDER_LEAD_MIN=10)
    conn = connect(settings.db_path)
    soon = datetime.now(MOSCOW) + timedelta(minutes=2)
    add(TaskService(conn, lambda: datetime.now(UTC)), "позвонить",
        day=soon.date().isoformat(), at=soon.strftime("%H:%M"))
    conn.close()
    tg.send_limits.inject("html502", count=-1)
    canon = LiveCanon(settings.canon_path)
    probe_args = (settings, canon, lambda: datetime.now(UTC), "not in this test")
    stop = threading.Event()
    worker = threading.Thread(target=Worker(settings).run, args=(stop,), daemon=True)
    worker.start()
    try:
        code, body = wait_worker(probe_args, "degraded", "reminders undeliverable for ")
        assert code == 200
        code, body = wait_worker(probe_args, "fail")
        assert code == 503 and body["status"] == "fail"
        reason = body["checks"]["worker"]["reason"]
        assert "reminders undeliverable for" in reason and "Telegram answered 502" in reason
        assert TOKEN not in json.dumps(body)
        assert tg.sent == []
        tg.send_limits.clear()
        code, body = wait_worker(probe_args, "ok")
        assert code == 200
        assert [m["chat"]["id"] for m in tg.sent] == [111]  # delivered once, after the outage
    finally:
        stop.set()
        worker.join(15)
