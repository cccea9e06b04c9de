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


def getupdates_failed(i: int) -> str:
    return (f"2026-02-22T10:{i // 60:02d}:{i % 60:02d}.000Z WARNING bot getUpdates failed "
            f"(TelegramServerError: Bad Gateway); retrying in {1 + i % 7}.{i % 10} s")


def test_repeated_getupdates_warnings_are_no_longer_ok() -> None:
    lines = [OK_LINE.replace("worker", "bot")] * 90 + [getupdates_failed(i) for i in range(30)]
    status, reason, details = classify(lines).verdict()
    assert status is Status.WARN
    assert reason.startswith("repeated x30 in 120 lines: getUpdates failed "
                             "(TelegramServerError: Bad Gateway); retrying in")
    assert details["errors"] == 0
    report = classify(lines)
    assert len(report.matched) == 30 and "getUpdates failed" in report.matched[-1]


def test_past_half_the_tail_repeated_warnings_fail_and_a_few_stay_ok() -> None:
    lines = [getupdates_failed(i) for i in range(60)] + [OK_LINE] * 60
    status, reason, _ = classify(lines).verdict()
    assert status is Status.FAIL and reason.startswith("repeated x60 in 120 lines")
    few = [getupdates_failed(i) for i in range(9)] + [OK_LINE] * 111
    assert classify(few).verdict()[:2] == (Status.OK, "120 lines, no errors")


def test_repeated_warnings_in_json_lines_and_docker_prefixes_count_too() -> None:
    record = {"time": "t", "level": "WARNING", "daemon": "bot", "logger": "organizer.bot",
              "message": "getUpdates failed (ClientDecodeError: 502); retrying in 2.0 s"}
    as_json = [json.dumps(record)] * 12
    status, reason, _ = classify(as_json).verdict()
    assert status is Status.WARN and reason.startswith("repeated x12 in 12 lines: getUpdates")
    docker = ["telegram-bot-1  | " + getupdates_failed(i) for i in range(15)]
    status, reason, _ = classify(docker).verdict()
    assert status is Status.WARN and "repeated x15 in 15 lines: getUpdates failed" in reason
