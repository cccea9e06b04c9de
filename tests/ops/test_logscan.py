"""Log classification: errors, tracebacks, and each incident signature with its hint."""

from __future__ import annotations

import json

from organizer.ops.logscan import classify
from organizer.ops.model import Status

OK_LINE = "2026-02-22T10:00:00.000Z INFO worker calendar sync: 0 pending"


def test_quiet_log_is_ok() -> None:
    status, reason, _ = classify([OK_LINE] * 5).verdict()
    assert status is Status.OK and reason == "5 lines, no errors"


def test_no_such_table_fails_with_the_hint() -> None:
    lines = [OK_LINE, "2026-02-22T10:00:01.000Z ERROR worker P3_CALENDAR_SYNC failed: "
                      "no such table: tasks"]
    status, reason, details = classify(lines).verdict()
    assert status is Status.FAIL
    assert reason.startswith("no_such_table x1:") and "verify-volume" in reason
    assert details["errors"] == 1


def test_getupdates_conflict_fails() -> None:
    line = ("2026-02-22T10:00:00.000Z ERROR bot Failed to fetch updates - TelegramConflictError: "
            "Telegram server says - Conflict: terminated by other getUpdates request; make sure "
            "that only one bot instance is running")
    status, reason, _ = classify([line]).verdict()
    assert status is Status.FAIL and "only one bot may poll" in reason


def test_read_timeouts_warn() -> None:
    lines = ["2026-02-22T10:00:00.000Z WARNING bot Request timeout error (ReadTimeout)"] * 3
    status, reason, details = classify(lines).verdict()
    assert status is Status.WARN and reason.startswith("read_timeout x3")


def test_calendar_mode_flapping_warns_but_one_change_does_not() -> None:
    def mode(m: str) -> str:
        return f"2026-02-22T10:00:00.000Z INFO worker calendar mode {m}: reason"

    assert classify([mode("NOT_CONFIGURED"), mode("CONFIGURED")]).verdict()[0] is Status.OK
    flapping = [mode("NOT_CONFIGURED"), mode("CONFIGURED"), mode("NOT_CONFIGURED")]
    status, reason, _ = classify(flapping).verdict()
    assert status is Status.WARN and "calendar_mode_flapping x2" in reason


def test_traceback_fails_and_json_lines_are_read() -> None:
    record = {"time": "t", "level": "ERROR", "daemon": "worker", "logger": "organizer.worker",
              "message": "job failed\nTraceback (most recent call last):\n  File x\nValueError"}
    status, reason, details = classify([json.dumps(record)]).verdict()
    assert status is Status.FAIL and details["tracebacks"] == 1
    assert "first: job failed" in reason
    info = {"level": "INFO", "message": "all good ERROR-free"}
    assert classify([json.dumps(info)]).verdict()[0] is Status.OK


def test_plain_error_line_warns() -> None:
    status, _, _ = classify(["2026-02-22T10:00:00.000Z ERROR api something odd"]).verdict()
    assert status is Status.WARN
