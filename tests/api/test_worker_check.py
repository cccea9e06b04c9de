"""/health's worker check reads the worker's loops off its heartbeat: reminders the Bot API
does not take (degraded, then fail after TG_RECEIVE_STALE_SEC) and calendar calls failing."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from organizer.settings import Settings
from organizer.store import heartbeats
from tests.api.support import Get


def worker_beat(db: sqlite3.Connection, **detail: Any) -> None:
    heartbeats.beat(db, "worker", "ok", {"reminders": "waiting", **detail})


def ago(seconds: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(("failing_s", "code", "status", "reason"), [
    (140, 503, "fail",
     r"reminders undeliverable for 14\d s: Telegram answered 502 Bad Gateway"),
    (20, 200, "degraded",
     r"reminders undeliverable for 2\d s: Telegram answered 502 Bad Gateway"),
])
def test_reminders_undeliverable_are_degraded_then_fail_naming_the_cause(
        healthy: Settings, db: sqlite3.Connection, fetch: Get, failing_s: int, code: int,
        status: str, reason: str) -> None:
    worker_beat(db, reminders_undeliverable_since=ago(failing_s),
                reminders_error="Telegram answered 502 Bad Gateway")
    answer = fetch(healthy)
    worker = answer.json()["checks"]["worker"]
    assert (answer.status_code, worker["status"]) == (code, status)
    assert re.fullmatch(reason, worker["reason"])


def test_calendar_calls_failing_long_are_degraded_and_a_short_blip_is_not(
        healthy: Settings, db: sqlite3.Connection, fetch: Get) -> None:
    worker_beat(db, calendar_failing_since=ago(300), outage="HTTP 503 from Google")
    worker = fetch(healthy).json()["checks"]["worker"]
    assert worker["status"] == "degraded"
    assert worker["reason"] == "calendar calls failing for 5 min: HTTP 503 from Google"
    worker_beat(db, calendar_failing_since=ago(10), outage="HTTP 503 from Google")
    assert fetch(healthy).json()["checks"]["worker"]["status"] == "ok"
