"""One daily check, start to end: pings, the checks, the journal's day record, the summary.

`organizer ops daily-check` and the worker's scheduled check both go through
`perform`, so the record a scheduled check leaves is the one a check by hand
leaves, and every check (either way) pings the dead-man's switch.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from organizer.ops import journal
from organizer.ops import notify as notifier
from organizer.ops.daily import day_record, run_daily
from organizer.ops.model import CheckResult, Status
from organizer.ops.ping import Pinger
from organizer.ops.runtime import Runtime
from organizer.settings import Settings


def title(record: dict[str, Any]) -> str:
    return f"Day {record['n'] or '?'} — {record['date']}: {record['status']}"


def perform(runtime: Runtime, path: Path, settings: Settings, *, create_backup: bool = True,
            notes: str = "", marker: dict[str, Any] | None = None, today: date | None = None,
            at: datetime | None = None) -> tuple[dict[str, Any], list[CheckResult]]:
    """Run the checks, append the day record (with `marker` fields) and ping OPS_PING_URL."""
    pinger = Pinger(settings.ops_ping_url)
    pinger.start()
    try:
        records = journal.read(path)
        results = run_daily(runtime, records, create_backup=create_backup)
        data = {**day_record(results, records, runtime.name, notes, today), **(marker or {})}
        record = journal.append(path, "day", data, at=at)
    except Exception as exc:  # the switch hears about a check that could not finish
        pinger.finish(Status.FAIL, f"organizer daily check failed: {type(exc).__name__}: {exc}")
        raise
    pinger.finish(Status(record["status"]), notifier.summary(f"organizer {title(record)}",
                                                             results))
    return record, results


def notify_admin(settings: Settings, record: dict[str, Any], results: list[CheckResult]) -> None:
    """The summary to OPS_ADMIN_CHAT_ID (NotifyError / ConfigError when it cannot go)."""
    notifier.send(settings, notifier.summary(f"organizer {title(record)}", results))
