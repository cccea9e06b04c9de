"""The health probe's promises: a report at most TTL_S old, a deadline on the database."""

from __future__ import annotations

import sqlite3
import time

import pytest
from litestar.testing import TestClient

from organizer.api import health
from organizer.api.app import create_app
from organizer.api.checks import Check, heartbeat, overall
from organizer.settings import Settings
from organizer.store.heartbeats import Heartbeat


def test_a_cached_ok_is_never_older_than_the_ttl(healthy: Settings,
                                                 db: sqlite3.Connection) -> None:
    with TestClient(app=create_app(healthy)) as client:
        first = client.get("/health")
        assert first.json()["status"] == "ok"
        db.execute("DROP TABLE tasks")
        started = time.monotonic()
        seen: list[tuple[float, int]] = []
        while time.monotonic() - started < health.TTL_S + 0.5:
            seen.append((time.monotonic() - started, client.get("/health").status_code))
            time.sleep(0.05)
    stale = [at for at, code in seen if code == 200]
    assert max(stale, default=0.0) < health.TTL_S
    assert seen[-1][1] == 503


def test_a_database_slower_than_the_deadline_is_a_fail(
        healthy: Settings, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader that would wait 3 s for the lock: the request still answers at the deadline.
    monkeypatch.setattr(health, "BUSY_TIMEOUT_MS", 3000)
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO heartbeats (daemon, beat_at) VALUES ('x', 'y')")
    try:
        with TestClient(app=create_app(healthy)) as client:
            started = time.monotonic()
            first = client.get("/health")
            took = time.monotonic() - started
            time.sleep(health.TTL_S)
            second = client.get("/health")
    finally:
        db.execute("ROLLBACK")
    assert took < 1.0
    assert first.status_code == 503
    assert first.json()["checks"]["database"]["reason"].startswith("no answer within 0.8 s")
    # The first probe still waits: no second thread piles up behind it.
    assert second.json()["checks"]["database"]["reason"].startswith("no answer for ")


def test_concurrent_requests_share_one_report(healthy: Settings) -> None:
    with TestClient(app=create_app(healthy)) as client:
        bodies = {client.get("/health").json()["checked_at"] for _ in range(20)}
    assert len(bodies) <= 2  # 20 quick requests fall into at most two TTL windows


@pytest.mark.parametrize(("statuses", "expected"), [
    (["ok", "ok"], "ok"), (["ok", "degraded"], "degraded"), (["degraded", "fail"], "fail"),
])
def test_overall_is_the_worst_check(statuses: list[str], expected: str) -> None:
    assert overall({str(i): Check(s, "r") for i, s in enumerate(statuses)}) == expected


def test_heartbeat_threshold() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def beat(age: float) -> dict[str, Heartbeat]:
        at = (now - timedelta(seconds=age)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"worker": Heartbeat("worker", at, "ok", {})}

    assert heartbeat(beat(29), "worker", now).status == "ok"
    assert heartbeat(beat(31), "worker", now).status == "degraded"
    assert heartbeat({}, "bot", now, off="no token").as_dict() == {
        "status": "ok", "reason": "off: no token", "state": "off"}
