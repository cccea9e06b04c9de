"""The worker's scheduled daily check: pings, the journal marker, the admin chat, restarts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from organizer.ops import journal
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect
from organizer.worker.daily_check import DailyCheck
from organizer.worker.runner import Worker
from tests.fakes.ping_server import PingServer, refused_url
from tests.fakes.telegram_server import FakeTelegram
from tests.worker.conftest import TOKEN, Clock, MakeSettings

ADMIN = 424242


@pytest.fixture
def pings() -> Iterator[PingServer]:
    with PingServer() as server:
        yield server


@pytest.fixture
def journal_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pings: PingServer) -> Path:
    path = tmp_path / "journal" / "journal.jsonl"
    monkeypatch.setenv("ORGANIZER_JOURNAL", str(path))
    monkeypatch.setenv("ORGANIZER_HEALTH_URL", pings.base + "/health")
    return path


def scheduled(make_settings: MakeSettings, tg: FakeTelegram, ping_url: str,
              at: str = "09:30") -> Settings:
    """07:00 UTC on the test clock is 10:00 in Moscow: a 09:30 check is due."""
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE=tg.base_url, OPS_DAILY_CHECK_AT=at,
                             OPS_PING_URL=ping_url, OPS_ADMIN_CHAT_ID=str(ADMIN),
                             DEFAULT_TZ="Europe/Moscow", API_PORT="9")
    conn = connect(settings.db_path)
    for daemon in ("bot", "worker"):  # the other daemons are alive
        heartbeats.beat(conn, daemon)
    conn.close()
    return settings


def run_worker(settings: Settings, clock: Clock, until: object) -> None:
    """A real Worker until `until()` is true (or 90 s), then stopped."""
    stop = threading.Event()
    worker = Worker(settings, clock=clock)
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 90
    try:
        while not until() and time.monotonic() < deadline:  # type: ignore[operator]
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive()


def day_records(path: Path) -> list[dict]:
    return [r for r in journal.read(path) if r["kind"] == "day"]


def test_the_scheduled_check_records_pings_start_then_success_and_tells_the_admin(
    make_settings: MakeSettings, tg: FakeTelegram, clock: Clock, pings: PingServer,
    journal_path: Path,
) -> None:
    settings = scheduled(make_settings, tg, pings.ping_url)
    run_worker(settings, clock, lambda: day_records(journal_path) and tg.sent)
    (record,) = day_records(journal_path)
    assert record["scheduled_for"] == "2026-03-02" and record["by"] == "worker"
    assert record["date"] == "2026-03-02" and record["runtime"] == "local"
    assert record["status"] == "WARN", record  # no baseline, logs not in files here
    checks = {c["name"]: c for c in record["checks"]}
    assert checks["health"]["status"] == "OK"
    assert checks["backup"]["details"]["created"] is True
    start, done = pings.wait_pings(2)
    assert start[:2] == ("GET", "/ping/0f3c9d2e-7a41-4b1e-9c55-2d8e6f1a0b77/start")
    assert done[:2] == ("POST", "/ping/0f3c9d2e-7a41-4b1e-9c55-2d8e6f1a0b77")
    assert done[2].decode().startswith("organizer Day ? — 2026-03-02: WARN")
    sent = tg.wait_sent(1)
    assert sent[0]["chat"]["id"] == ADMIN
    assert sent[0]["text"].startswith("organizer Day ? — 2026-03-02: WARN")
    assert "API health" in sent[0]["text"]


def test_a_failing_check_pings_fail_with_the_summary(
    make_settings: MakeSettings, tg: FakeTelegram, clock: Clock, pings: PingServer,
    journal_path: Path,
) -> None:
    pings.health_status, pings.health = 503, {"status": "fail", "checks": {
        "bot": {"status": "fail", "detail": "getUpdates failing for 140 s"}}}
    settings = scheduled(make_settings, tg, pings.ping_url)
    record = DailyCheck(settings, clock).run()
    assert record["status"] == "FAIL"
    start, done = pings.wait_pings(2)
    assert start[0] == "GET" and start[1].endswith("/start")
    assert done[:2] == ("POST", "/ping/0f3c9d2e-7a41-4b1e-9c55-2d8e6f1a0b77/fail")
    assert "FAIL API health: HTTP 503 fail (bot)" in done[2].decode()


@pytest.mark.parametrize("broken", ["refused", "500"])
def test_a_failing_ping_never_fails_the_check(
    make_settings: MakeSettings, tg: FakeTelegram, clock: Clock, pings: PingServer,
    journal_path: Path, broken: str, caplog: pytest.LogCaptureFixture,
) -> None:
    url = refused_url() if broken == "refused" else pings.ping_url
    pings.status = 500
    settings = scheduled(make_settings, tg, url)
    record = DailyCheck(settings, clock).run()
    assert record["status"] == "WARN"
    assert day_records(journal_path) == [record]
    failures = [r.getMessage() for r in caplog.records if "ping failed" in r.getMessage()]
    assert len(failures) == 1, failures  # logged once, however many pings failed
    assert ("ConnectError" if broken == "refused" else "HTTP 500") in failures[0]
    assert "/ping/" not in caplog.text  # the URL (its uuid) is never logged
    assert tg.wait_sent(1)[0]["chat"]["id"] == ADMIN


def test_once_per_day_across_a_worker_restart(
    make_settings: MakeSettings, tg: FakeTelegram, clock: Clock, pings: PingServer,
    journal_path: Path,
) -> None:
    settings = scheduled(make_settings, tg, pings.ping_url)
    run_worker(settings, clock, lambda: day_records(journal_path))
    assert len(pings.wait_pings(2)) == 2
    # the worker restarts the same day: its first look at the clock finds today's record
    second = Worker(settings, clock=clock)
    stop = threading.Event()
    thread = threading.Thread(target=second.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while (second.daily is None or "done" not in second.daily.last) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(15)
    assert second.daily.last == "2026-03-02 done (recorded in the journal)"
    assert len(day_records(journal_path)) == 1
    assert [p[1].rsplit("/", 1)[-1] for p in pings.pings()].count("start") == 1


def test_due_at_the_hour_and_after_a_downtime_the_same_day(
    make_settings: MakeSettings, tg: FakeTelegram, clock: Clock, pings: PingServer,
    journal_path: Path,
) -> None:
    settings = scheduled(make_settings, tg, pings.ping_url, at="11:00")
    check = DailyCheck(settings, clock)
    assert not check.due()  # 10:00 in Moscow
    clock.advance(hours=12)  # 22:00 in Moscow: the worker was down at 11:00
    assert check.due()
    check.run()
    assert not DailyCheck(settings, clock).due()
    clock.advance(hours=12)  # 10:00 the next day
    assert not check.due()
    clock.advance(hours=1, minutes=1)
    assert check.due()
    (record,) = day_records(journal_path)
    assert record["scheduled_for"] == "2026-03-02"
    assert json.loads(journal_path.read_text().splitlines()[-1])["kind"] == "day"


def test_after_organizer_run_the_worker_writes_the_journal_the_ops_commands_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from organizer.cli.ops_support import journal_path as cli_journal
    from organizer.worker.daily_check import journal_file

    monkeypatch.delenv("ORGANIZER_JOURNAL", raising=False)
    monkeypatch.delenv("ORGANIZER_COMPOSE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert journal_file() == cli_journal(None) == tmp_path / "ops" / "journal" / "journal.jsonl"
    monkeypatch.setenv("ORGANIZER_COMPOSE_DIR", str(tmp_path / "deploy-tree"))
    assert journal_file() == cli_journal(None)
