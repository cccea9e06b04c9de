"""Calendar mode: DEGRADED on refusals with one log line, no flapping, recovery syncs the backlog."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from organizer.app import calendar_mode as cm
from organizer.app.tasks import TaskService
from organizer.settings import Settings
from organizer.store.db import connect
from tests.fakes.calendar_server import CalendarServer, make_service_account
from tests.worker.conftest import CAL_ID, Clock, MakeSettings
from tests.worker.helpers import add, drain, make_sync, types


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_missing_calendar_degrades_once_then_recovers_and_syncs_the_backlog(
    make_settings: MakeSettings, tmp_path: Path, clock: Clock, calendar_server: CalendarServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    email = make_service_account(tmp_path / "google_sa.json", calendar_server)
    settings = make_settings()
    conn = connect(settings.db_path)
    service = TaskService(conn, clock)
    sync = make_sync(settings, conn, clock, probe_s=0.0)
    ids = [add(service, f"задача {n}") for n in range(5)]
    for _ in range(5):  # five probes, each refused the same way
        drain(sync)
    assert cm.current_mode(conn, settings)[0] == cm.DEGRADED
    [line] = problems(caplog)
    assert "calendar mode DEGRADED" in line and "was not found" in line
    assert types(conn) == ["calendar.mode_changed"]

    calendar_server.add_calendar(CAL_ID, writers=(email,))
    drain(sync)
    mode, reason = cm.current_mode(conn, settings)
    assert mode == cm.CONFIGURED, reason
    assert sorted(calendar_server.live_by_task(CAL_ID)) == sorted(ids)
    assert types(conn, "calendar.mode_changed") == ["calendar.mode_changed"] * 2
    conn.close()


def test_a_read_only_share_stays_degraded_without_flapping(
    make_settings: MakeSettings, tmp_path: Path, clock: Clock, calendar_server: CalendarServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    email = make_service_account(tmp_path / "google_sa.json", calendar_server)
    calendar = calendar_server.add_calendar(CAL_ID, readers=(email,))
    settings = make_settings()
    conn = connect(settings.db_path)
    service = TaskService(conn, clock)
    sync = make_sync(settings, conn, clock, probe_s=0.0)
    for n in range(4):
        add(service, f"задача {n}")
        drain(sync)
    modes = [r[0] for r in conn.execute(
        "SELECT json_extract(data, '$.mode') FROM events WHERE stream = ?", (cm.MODE_STREAM,))]
    assert modes == [cm.CONFIGURED, cm.DEGRADED]  # reads worked, the first write did not
    assert "no write access" in cm.current_mode(conn, settings)[1]
    assert len([m for m in problems(caplog) if "DEGRADED" in m]) == 1
    assert len(problems(caplog)) == 1

    calendar.writers.add(email)
    drain(sync)
    assert cm.current_mode(conn, settings)[0] == cm.CONFIGURED
    assert len(calendar_server.live_events(CAL_ID)) == 4
    conn.close()


@pytest.mark.parametrize("broken", ["untrusted key", "missing file", "not a key", "a JSON list",
                                    "not JSON"])
def test_a_broken_key_degrades_with_a_clear_reason(
    broken: str, make_settings: MakeSettings, tmp_path: Path, clock: Clock,
    calendar_server: CalendarServer, caplog: pytest.LogCaptureFixture,
) -> None:
    sa = tmp_path / "google_sa.json"
    if broken == "untrusted key":
        email = make_service_account(sa, calendar_server, trusted=False)
        calendar_server.add_calendar(CAL_ID, writers=(email,))
    elif broken == "not a key":
        sa.write_text('{"type": "service_account"}')
    elif broken == "a JSON list":
        sa.write_text("[]")
    elif broken == "not JSON":
        sa.write_text("-----BEGIN PRIVATE KEY-----\n")
    settings = make_settings()
    conn = connect(settings.db_path)
    sync = make_sync(settings, conn, clock)
    for _ in range(3):
        drain(sync)
    mode, reason = cm.current_mode(conn, settings)
    assert mode == cm.DEGRADED
    expected = {"untrusted key": "token endpoint refused", "missing file": "does not exist",
                "not a key": "not a usable service-account key (no client_email",
                "a JSON list": "not a usable service-account key (JSON list, not an object)",
                "not JSON": "not a usable service-account key (not JSON)"}[broken]
    assert expected in reason
    [line] = problems(caplog)
    assert expected in line and "BEGIN" not in line
    conn.close()


def test_healthy_config_records_configured_once_across_restarts(
    settings: Settings, conn: sqlite3.Connection, service: TaskService, clock: Clock,
) -> None:
    for _ in range(3):  # three worker starts
        sync = make_sync(settings, conn, clock)
        add(service, "ещё одна")
        drain(sync)
    assert types(conn, "calendar.mode_changed") == ["calendar.mode_changed"]
